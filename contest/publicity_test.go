package contest_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/contest/judging"
	"podium/contest/results"
	"podium/fault"
	"podium/transparency"
)

// publishedPrelim is prelimWithTie with its awards confirmed, on a clock the
// test moves.
func publishedPrelim(t *testing.T) (assignWorld, *contesttest.Clock) {
	t.Helper()
	w := prelimWithTie(t)
	clock := &contesttest.Clock{T: w.s.DB.Now()}
	w.s.DB.Now = clock.Now
	eagle, seed := w.codeOf(t, "prelim", "鹰眼装备股份有限公司"), w.codeOf(t, "prelim", "绿种团队")
	if _, err := w.s.ConfirmAwards(context.Background(), w.organizer.ID, w.contest.ID, "prelim",
		map[string]string{eagle: "second", seed: "third"}); err != nil {
		t.Fatal(err)
	}
	return w, clock
}

// fileObjection stands in for contest/objections (tested there): an
// objection received against the round's current publication.
func fileObjection(t *testing.T, w assignWorld, ref string, entryID int64) int64 {
	t.Helper()
	var id int64
	if err := w.s.DB.Get(&id, `
		INSERT INTO objections (contest_id, round_id, publication_id, entry_id, reference, objector_kind, objector_name,
		                        id_type, id_number, phone, email, grounds, filed_at)
		SELECT p.contest_id, p.round_id, p.id, $2, $3, 'person', '张三', 'resident_id', '\x00', '13800000000', 'a@example.com', '评分有误', now()
		FROM publications p WHERE p.contest_id = $1 ORDER BY p.id DESC LIMIT 1 RETURNING id`,
		w.contest.ID, entryID, ref); err != nil {
		t.Fatal(err)
	}
	return id
}

func actions(t *testing.T, w assignWorld, action audit.Action) []audit.Record {
	t.Helper()
	log, err := w.s.Records(context.Background(), w.contest.ID)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(log, func(r audit.Record) bool { return r.Action != action })
}

// The publicity period, on an injected clock: before publication the contest
// has nothing published (not an error); during the period the results are in
// publicity; after it, an open objection keeps them under review, and once it
// is decided they become final — once, audited.
func TestPublicityPeriodAndFinality(t *testing.T) {
	t.Parallel()
	w, clock := publishedPrelim(t)
	ctx := context.Background()
	id, org := w.contest.ID, w.organizer.ID

	rounds, err := w.s.PublishedResults(ctx, id)
	if err != nil || len(rounds) != 0 {
		t.Fatalf("before publication: %+v %v", rounds, err)
	}
	for _, bad := range []results.PublishOptions{{PeriodDays: 61}, {PeriodEndsAt: clock.T.Add(time.Minute)}, {PeriodEndsAt: clock.T.Add(-time.Hour)}} {
		_, _, err := w.s.Publish(ctx, org, id, "prelim", bad)
		wantError(t, err, fault.CodeInvalid, "")
	}
	start := clock.T
	_, pub, err := w.s.Publish(ctx, org, id, "prelim", results.PublishOptions{PeriodDays: 5})
	if err != nil {
		t.Fatal(err)
	}
	if pub.Version != 1 || !pub.PeriodEndsAt.Equal(start.Add(5*24*time.Hour)) || pub.State(clock.T) != results.StatePublicity {
		t.Fatalf("publication %+v", pub)
	}
	// Each entrant is told, by e-mail recorded with the publication, where
	// the results are and until when they may object.
	var told []struct {
		Kind string `db:"kind"`
		To   string `db:"recipient"`
		Data string `db:"data"`
	}
	if err := w.s.DB.Select(&told, `SELECT kind, recipient, data::text FROM outbox WHERE contest_id = $1 AND kind = 'results.published' ORDER BY id`, id); err != nil {
		t.Fatal(err)
	}
	periodEnds := pub.PeriodEndsAt.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")
	if len(told) != 4 {
		t.Fatalf("%d entrants told of the publication, want 4: %+v", len(told), told)
	}
	for _, m := range told {
		if m.Kind != "results.published" || m.To == "" || !strings.Contains(m.Data, periodEnds) || !strings.Contains(m.Data, "/results/") {
			t.Errorf("entrant's e-mail %+v, want results.published with the period's end %s", m, periodEnds)
		}
	}
	rounds, err = w.s.PublishedResults(ctx, id)
	if err != nil || len(rounds) != 1 || rounds[0].State != results.StatePublicity || len(rounds[0].Current.Results) != 4 {
		t.Fatalf("during the period: %+v %v", rounds, err)
	}

	// The last hour of the period: an objection comes in.
	clock.Advance(5*24*time.Hour - time.Hour)
	objection := fileObjection(t, w, "YY-TEST-0001", w.entries["星河智能科技有限公司"])
	clock.Advance(2 * time.Hour) // the period is over
	if n, err := w.s.SettleFinality(ctx, id); err != nil || n != 0 {
		t.Fatalf("settled with an objection open: %d %v", n, err)
	}
	rounds, _ = w.s.PublishedResults(ctx, id)
	if rounds[0].State != results.StateReview || rounds[0].Current.OpenObjections != 1 || rounds[0].Current.FinalAt != nil {
		t.Fatalf("with an objection open after the period: %+v", rounds[0])
	}

	// Rejected: the results become final at the next settling, once.
	if _, err := w.s.DB.Exec(`UPDATE objections SET state = 'rejected', reply = '经核查，评分无误' WHERE id = $1`, objection); err != nil {
		t.Fatal(err)
	}
	if n, err := w.s.SettleFinality(ctx, 0); err != nil || n != 1 {
		t.Fatalf("settled %d %v", n, err)
	}
	if n, err := w.s.SettleFinality(ctx, id); err != nil || n != 0 {
		t.Fatalf("settled again %d %v", n, err)
	}
	rounds, _ = w.s.PublishedResults(ctx, id)
	if rounds[0].State != results.StateFinal || rounds[0].Current.FinalAt == nil || !rounds[0].Current.FinalAt.Equal(clock.T) {
		t.Fatalf("after the period: %+v", rounds[0])
	}
	if final := actions(t, w, audit.ResultsFinal); len(final) != 1 || final[0].Subject != "prelim" {
		t.Fatalf("finality records %+v", final)
	}
	// A final publication is not reopened by an objection: it is over.
	_, _, err = w.s.Publish(ctx, org, id, "prelim", results.PublishOptions{})
	wantError(t, err, fault.CodeConflict, "err.results.published")
}

// An upheld objection reopens the round; the organizers re-score a sheet and
// publish again: version 2, whose changes against version 1 are exactly the
// entry whose score moved, with the reason; the history stays public, and the
// receipt of version 2 verifies against both heads.
func TestUpheldObjectionMakesASecondVersion(t *testing.T) {
	t.Parallel()
	w, clock := publishedPrelim(t)
	ctx := context.Background()
	id, org := w.contest.ID, w.organizer.ID
	star := w.entries["星河智能科技有限公司"]
	if _, _, err := w.s.Publish(ctx, org, id, "prelim", results.PublishOptions{PeriodDays: 7}); err != nil {
		t.Fatal(err)
	}
	v1Receipt, err := w.s.Results.Receipt(ctx, id, star, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	if rep := transparency.Verify(v1Receipt); !rep.OK {
		t.Fatalf("version 1 receipt: %+v", rep)
	}
	clock.Advance(24 * time.Hour)
	objection := fileObjection(t, w, "YY-TEST-0002", star)

	// Upheld: the round goes back to closed, audited; the public still reads
	// version 1, under review.
	if err := w.s.DB.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`UPDATE objections SET state = 'upheld', remedy = 'rescore' WHERE id = $1`, objection); err != nil {
			return err
		}
		var roundID int64
		if err := tx.Get(&roundID, `SELECT round_id FROM objections WHERE id = $1`, objection); err != nil {
			return err
		}
		return results.ReviseTx(ctx, tx, clock.T, org, id, roundID, "YY-TEST-0002")
	}); err != nil {
		t.Fatal(err)
	}
	if published, _ := w.s.RoundPublished(ctx, id, "prelim"); published {
		t.Fatal("the round is still published after an upheld objection")
	}
	rounds, _ := w.s.PublishedResults(ctx, id)
	if len(rounds) != 1 || rounds[0].Current.Version != 1 || rounds[0].State != results.StateReview {
		t.Fatalf("under revision: %+v", rounds)
	}
	if len(actions(t, w, audit.ResultsRevised)) != 1 {
		t.Error("the revision is not audited")
	}

	// One of 星河's two sheets (10, 10, 10 = 30.00) is re-scored 25, 25, 25 = 75.00:
	// its mean goes from 30.00 to (30 + 75) / 2 = 52.50, still fourth.
	var sheet judging.Assignment
	list, _ := w.s.Assignments(ctx, id, "prelim")
	for _, a := range list {
		if a.EntryID == star && a.State == "active" {
			sheet = a
			break
		}
	}
	if err := w.s.ReopenSheet(ctx, org, id, sheet.ID, "异议 YY-TEST-0002 成立"); err != nil {
		t.Fatal(err)
	}
	if err := w.s.SetRoundState(ctx, org, id, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	inv, _ := w.s.InviteExpert(ctx, org, id, sheet.ExpertID)
	if _, err := w.s.SubmitSheet(ctx, access.EveryContest(inv.AccountID), sheet.ID, same("25"), "rescore", hash("rescore")); err != nil {
		t.Fatal(err)
	}
	if err := w.s.SetRoundState(ctx, org, id, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	eagle, seed := w.codeOf(t, "prelim", "鹰眼装备股份有限公司"), w.codeOf(t, "prelim", "绿种团队")
	if _, err := w.s.ConfirmAwards(ctx, org, id, "prelim", map[string]string{eagle: "second", seed: "third"}); err != nil {
		t.Fatal(err)
	}
	_, _, err = w.s.Publish(ctx, org, id, "prelim", results.PublishOptions{})
	wantError(t, err, fault.CodeInvalid, "")
	_, v2, err := w.s.Publish(ctx, org, id, "prelim", results.PublishOptions{Reason: "异议 YY-TEST-0002 成立：重新评分", KeepPeriod: true})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || !v2.PeriodEndsAt.Equal(clock.T.Add(6*24*time.Hour)) {
		t.Fatalf("version 2 %+v", v2)
	}
	rounds, _ = w.s.PublishedResults(ctx, id)
	r := rounds[0]
	if r.Current.Version != 2 || len(r.Versions) != 2 || r.Versions[1].Reason != "异议 YY-TEST-0002 成立：重新评分" {
		t.Fatalf("history %+v", r.Versions)
	}
	want := []results.Change{{Code: w.codeOf(t, "prelim", "星河智能科技有限公司"), Title: r.Versions[1].Changes[0].Title,
		Before: &results.ChangedResult{Rank: 4, Score: 3000}, Now: &results.ChangedResult{Rank: 4, Score: 5250}}}
	if got, _ := json.Marshal(r.Versions[1].Changes); string(got) != mustJSON(t, want) {
		t.Fatalf("changes %s, want %s", got, mustJSON(t, want))
	}
	if len(r.Versions[0].Changes) != 0 {
		t.Errorf("version 1 has changes %+v", r.Versions[0].Changes)
	}

	v2Receipt, err := w.s.Results.Receipt(ctx, id, star, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	if rep := transparency.Verify(v2Receipt, v1Receipt); !rep.OK {
		t.Fatalf("version 2 receipt: %+v", rep)
	}
	if v2Receipt.Result.Score != 5250 || v2Receipt.Round.Version != 2 || len(v2Receipt.EarlierHeads) != 1 {
		t.Fatalf("version 2 receipt %+v", v2Receipt)
	}
	heads, err := w.s.Results.Heads(ctx, id)
	if err != nil || len(heads.Heads) != 2 {
		t.Fatalf("heads %+v %v", heads, err)
	}
	for _, h := range heads.Heads {
		if _, err := transparency.OpenHead(heads.VerifierKey, h.Signed); err != nil {
			t.Errorf("head %d: %v", h.Version, err)
		}
	}
	for _, rc := range []transparency.Receipt{v1Receipt, v2Receipt} {
		if check := transparency.VerifyPublished(rc, heads); !check.OK {
			t.Errorf("receipt of version %d against the published heads: %+v", rc.Round.Version, check)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
