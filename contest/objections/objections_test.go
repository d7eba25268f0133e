package objections_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"podium/contest/audit"
	"podium/contest/objections"
	"podium/contest/results"
	"podium/fault"
)

func fieldErr(t *testing.T, err error, field, key string) *fault.Error {
	t.Helper()
	e, ok := errors.AsType[*fault.Error](err)
	if !ok || e.Code != fault.CodeInvalid || e.Fields[field] != key {
		t.Fatalf("error %v, want invalid with %s: %s", err, field, key)
	}
	return e
}

// Every refusal is clear about its field and leaves no row and no blob.
func TestFilingRefusalsWriteNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	id := w.contest.ID
	before := w.counts(t)

	anon := w.person()
	anon.Name, anon.IDNumber = "  ", ""
	_, err := w.obj.File(ctx, id, anon)
	e := fieldErr(t, err, "name", objections.MsgAnonymous)
	if e.Message != objections.MsgAnonymous || e.Fields["id_number"] != objections.MsgAnonymous {
		t.Errorf("anonymous: %v", e)
	}

	bad := w.person()
	bad.IDNumber = "110105194912310021" // check character should be X
	fieldErr(t, func() error { _, err := w.obj.File(ctx, id, bad); return err }(), "id_number", objections.MsgBadID)

	notIn := w.person()
	notIn.EntryID = 999999
	fieldErr(t, func() error { _, err := w.obj.File(ctx, id, notIn); return err }(), "entry", objections.MsgNotInRound)
	noRound := w.person()
	noRound.Round = "semi"
	fieldErr(t, func() error { _, err := w.obj.File(ctx, id, noRound); return err }(), "entry", objections.MsgNotInRound)

	exe := w.person()
	exe.Evidence = append(exe.Evidence, upload("评审记录.pdf", exeFile())) // after two good files
	e = fieldErr(t, func() error { _, err := w.obj.File(ctx, id, exe); return err }(), "evidence", "err.upload.wrong_type")
	if e.Detail["evidence"] != "评审记录.pdf" {
		t.Errorf("the refused file is not named: %v", e.Detail)
	}

	many := w.person()
	for range 5 {
		many.Evidence = append(many.Evidence, upload("p.png", pngFile()))
	}
	fieldErr(t, func() error { _, err := w.obj.File(ctx, id, many); return err }(), "evidence", "err.objection.too_many_files")

	org := w.person()
	org.Kind, org.Organization, org.IDType, org.IDNumber = objections.Organization, "某某科技有限公司", objections.IDUSCC, companyUSCC
	fieldErr(t, func() error { _, err := w.obj.File(ctx, id, org); return err }(), "letter", "err.objection.letter_required")
	org.IDType = objections.IDResident
	org.Letter = new(upload("公函.pdf", pdfFile()))
	fieldErr(t, func() error { _, err := w.obj.File(ctx, id, org); return err }(), "id_type", "err.objection.id_type")

	contacts := w.person()
	contacts.Phone, contacts.Email, contacts.Grounds = "12345", "not-an-email", " "
	e = fieldErr(t, func() error { _, err := w.obj.File(ctx, id, contacts); return err }(), "phone", "err.objection.phone")
	if e.Fields["email"] != "err.objection.email" || e.Fields["grounds"] != "err.required" {
		t.Errorf("not every field reported: %v", e.Fields)
	}

	// After the period, with an injected clock.
	w.clock.T = w.periodEnd
	late := w.person()
	e = fieldErr(t, func() error { _, err := w.obj.File(ctx, id, late); return err }(), "entry", objections.MsgPeriodOver)
	if e.Message != objections.MsgPeriodOver {
		t.Errorf("late: %v", e)
	}

	if after := w.counts(t); after != before {
		t.Errorf("refused filings left %+v (before %+v)", after, before)
	}
	if n := w.auditCount(t, audit.ObjectionFiled); n != 0 {
		t.Errorf("%d objection.filed records after refusals", n)
	}
}

func (w *world) auditCount(t *testing.T, a audit.Action) int {
	t.Helper()
	var n int
	if err := w.s.DB.Get(&n, `SELECT count(*) FROM audit_log WHERE action = $1`, a); err != nil {
		t.Fatal(err)
	}
	return n
}

// A person and an organization file; each reads its state by reference; the
// ID number is sealed, shown in full to organizers only, and never in the log.
func TestFilingAndLookup(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	id := w.contest.ID
	w.clock.Advance(2 * time.Hour)

	p := w.person()
	p.Name = "王小明" // full-width letters and spaces fold; the name is trimmed
	filed, err := w.obj.File(ctx, id, p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filed.Reference, "YY") || len(filed.Reference) != 14 || filed.State != objections.Received ||
		filed.Display != filed.Reference[:2]+"-"+filed.Reference[2:6]+"-"+filed.Reference[6:10]+"-"+filed.Reference[10:] {
		t.Errorf("filed %+v", filed)
	}
	org := w.person()
	org.EntryID = w.ids[0]
	org.Kind, org.Name, org.Organization = objections.Organization, "李四", "深圳某科技有限公司"
	org.IDType, org.IDNumber = objections.IDUSCC, "９１４４０３００１９２２０３８２１６" // full-width, as an IME types it
	org.Phone, org.Email = "0755-86013388", "legal@example.com"
	org.Evidence = nil
	org.Letter = new(upload("盖章公函.png", pngFile()))
	filedOrg, err := w.obj.File(ctx, id, org)
	if err != nil {
		t.Fatal(err)
	}
	if c := w.counts(t); c.objections != 2 || c.files != 3 || c.blobs != 3 {
		t.Errorf("after two filings: %+v (a PDF's judge copy is not kept)", c)
	}

	// The ID number is sealed in the row; the hint is its last four characters.
	var sealedNum []byte
	var hint string
	if err := w.s.DB.QueryRow(`SELECT id_number, id_hint FROM objections WHERE reference = $1`, filed.Reference).Scan(&sealedNum, &hint); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sealedNum), "110105") || hint != "002X" {
		t.Errorf("stored ID number %q, hint %q", sealedNum, hint)
	}

	// Lookup, as typed: lower case, spaces, O for 0 and so on.
	st, err := w.obj.Lookup(ctx, strings.ToLower(strings.ReplaceAll(filed.Display, "-", " ")))
	if err != nil {
		t.Fatal(err)
	}
	if st.Reference != filed.Reference || st.State != objections.Received || st.Name != "王*明" || st.EntryID != w.ids[1] ||
		st.EntryTitle != w.titles[1] || st.Reply != "" || !st.FiledAt.Equal(w.clock.T) {
		t.Errorf("lookup %+v", st)
	}
	if _, err := w.obj.Lookup(ctx, "YY0000000000000"); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("unknown reference: %v", err)
	}
	if _, err := w.obj.Lookup(ctx, objections.NewReference()); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("unknown reference: %v", err)
	}

	// Organizers see the full number; another contest's organizers nothing.
	list, err := w.obj.List(ctx, id, "")
	if err != nil || len(list) != 2 || list[0].Reference != filedOrg.Reference || list[1].IDHint != "002X" {
		t.Fatalf("list %+v %v", list, err)
	}
	d, err := w.obj.Get(ctx, id, list[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.IDNumber != residentID || d.Phone != "13800138000" || d.Email != "wang@example.com" || len(d.Files) != 2 ||
		d.Files[0].Purpose != objections.Evidence || d.Files[0].ContentType != "application/pdf" {
		t.Errorf("detail %+v", d)
	}
	dOrg, err := w.obj.Get(ctx, id, list[0].ID)
	if err != nil || dOrg.IDNumber != "914403001922038216" || len(dOrg.Files) != 1 || dOrg.Files[0].Purpose != objections.StampedLetter {
		t.Errorf("organization's detail %+v %v", dOrg, err)
	}
	if f, err := w.obj.FileOf(ctx, id, d.ID, d.Files[0].ID); err != nil || f.Key == "" || f.Name != "证据.pdf" {
		t.Fatalf("file %+v %v", f, err)
	}
	var otherContest int64
	if err := w.s.DB.Get(&otherContest, `SELECT id FROM contests WHERE slug = 'other'`); err != nil {
		t.Fatal(err)
	}
	if _, err := w.obj.Get(ctx, otherContest, d.ID); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("another contest's objection: %v", err)
	}
	if _, err := w.obj.FileOf(ctx, otherContest, d.ID, d.Files[0].ID); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Errorf("another contest's file: %v", err)
	}
	if l, err := w.obj.List(ctx, otherContest, ""); err != nil || len(l) != 0 {
		t.Errorf("another contest's list: %v %v", l, err)
	}

	// The audit log has the filing, and no personal data.
	var payloads []string
	if err := w.s.DB.Select(&payloads, `SELECT subject || ' ' || payload::text FROM audit_log WHERE action = $1`, audit.ObjectionFiled); err != nil {
		t.Fatal(err)
	}
	if len(payloads) != 2 {
		t.Fatalf("objection.filed records: %v", payloads)
	}
	var all string
	if err := w.s.DB.Get(&all, `SELECT string_agg(subject || ' ' || payload::text, E'\n') FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"110105", "002X", "002x", "914403001922038216", "王小明", "李四", "13800138000", "example.com", "专利"} {
		if strings.Contains(all, secret) {
			t.Errorf("the audit log holds %q", secret)
		}
	}
	if !strings.Contains(payloads[0], filed.Reference) && !strings.Contains(payloads[1], filed.Reference) {
		t.Errorf("no reference in %v", payloads)
	}
}

// Assign, note, reject; a decided objection takes no more steps; each is audited.
func TestHandlingAndRejection(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	id := w.contest.ID
	filed, err := w.obj.File(ctx, id, w.person())
	if err != nil {
		t.Fatal(err)
	}
	list, _ := w.obj.List(ctx, id, objections.Received)
	if len(list) != 1 {
		t.Fatalf("received: %+v", list)
	}
	oid := list[0].ID

	if err := w.obj.Assign(ctx, w.org.ID, id, oid, w.other.ID); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Errorf("assigned to another contest's organizer: %v", err)
	}
	if err := w.obj.Assign(ctx, w.org.ID, id, oid, w.colleague.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.obj.AddNote(ctx, w.colleague.ID, id, oid, " ", nil); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Errorf("empty note: %v", err)
	}
	before := w.counts(t)
	err = w.obj.AddNote(ctx, w.colleague.ID, id, oid, "核查记录", []objections.Upload{upload("a.png", pngFile()), upload("b.pdf", exeFile())})
	fieldErr(t, err, "files", "err.upload.wrong_type")
	if after := w.counts(t); after != before {
		t.Errorf("a refused note left %+v (before %+v)", after, before)
	}
	if err := w.obj.AddNote(ctx, w.colleague.ID, id, oid, "已调取评审记录，评分无误。", []objections.Upload{upload("核查.pdf", pdfFile())}); err != nil {
		t.Fatal(err)
	}
	d, err := w.obj.Get(ctx, id, oid)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != objections.Investigating || d.AssigneeName != "colleague@example.com" || len(d.Notes) != 1 || len(d.Files) != 3 ||
		d.Files[2].Purpose != objections.Investigation || d.Files[2].AddedByName != "colleague@example.com" {
		t.Errorf("after assignment and a note: %+v", d)
	}

	for _, bad := range []objections.Decision{
		{Outcome: objections.Rejected},
		{Outcome: objections.Rejected, Reply: "x", Remedy: objections.Rescore},
		{Outcome: objections.Upheld, Reply: "x"},
		{Outcome: "maybe", Reply: "x"},
	} {
		if err := w.obj.Decide(ctx, w.org.ID, id, oid, bad); fault.ErrorCode(err) != fault.CodeInvalid {
			t.Errorf("decision %+v: %v", bad, err)
		}
	}
	if err := w.obj.Decide(ctx, w.org.ID, id, oid, objections.Decision{Outcome: objections.Rejected, Reply: "经核查，评分程序合规，异议不成立。"}); err != nil {
		t.Fatal(err)
	}
	st, err := w.obj.Lookup(ctx, filed.Reference)
	if err != nil || st.State != objections.Rejected || st.Reply != "经核查，评分程序合规，异议不成立。" || st.DecidedAt == nil {
		t.Errorf("lookup after rejection: %+v %v", st, err)
	}
	// The objector got the reference by e-mail when filing.
	var receipts int
	if err := w.s.DB.Get(&receipts, `SELECT count(*) FROM outbox WHERE contest_id = $1 AND kind = 'objection.filed'
		AND data->>'Reference' = $2`, id, objections.DisplayReference(filed.Reference)); err != nil || receipts != 1 {
		t.Errorf("the filing's receipt e-mail: %d %v", receipts, err)
	}
	// The objector is told, once, by e-mail recorded with the decision.
	var mails []struct {
		To   string `db:"recipient"`
		Kind string `db:"kind"`
		Data string `db:"data"`
	}
	if err := w.s.DB.Select(&mails, `SELECT recipient, kind, data::text FROM outbox WHERE contest_id = $1 AND kind = 'objection.replied'`, id); err != nil {
		t.Fatal(err)
	}
	if len(mails) != 1 || mails[0].Kind != "objection.replied" || !strings.Contains(mails[0].Data, "异议不成立") ||
		!strings.Contains(mails[0].Data, objections.DisplayReference(filed.Reference)) {
		t.Errorf("the objector's e-mail: %+v", mails)
	}
	if err := w.obj.Decide(ctx, w.org.ID, id, oid, objections.Decision{Outcome: objections.Upheld, Reply: "x", Remedy: objections.Correct}); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("deciding twice: %v", err)
	}
	if err := w.obj.AddNote(ctx, w.org.ID, id, oid, "late", nil); fault.ErrorCode(err) != fault.CodeConflict {
		t.Errorf("note after the decision: %v", err)
	}
	var round string
	if err := w.s.DB.Get(&round, `SELECT state FROM rounds WHERE contest_id = $1 AND key = 'prelim'`, id); err != nil || round != "published" {
		t.Errorf("a rejection changed the round: %s %v", round, err)
	}
	for _, a := range []audit.Action{audit.ObjectionFiled, audit.ObjectionAssigned, audit.ObjectionNote, audit.ObjectionDecided} {
		if n := w.auditCount(t, a); n != 1 {
			t.Errorf("%d %s records", n, a)
		}
	}
	if n := w.auditCount(t, audit.ResultsRevised); n != 0 {
		t.Errorf("a rejection revised the results")
	}
	if _, problems, err := w.s.Verify(ctx, &id); err != nil || len(problems) != 0 {
		t.Errorf("audit chain: %v %v", problems, err)
	}
}

// Upholding calls ReviseTx in its transaction: the round is closed again for
// correction and the revision is audited; a second upheld objection of the
// round while it is under correction does not revise it twice.
func TestUpholdRevisesTheRound(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	id := w.contest.ID
	for range 2 {
		if _, err := w.obj.File(ctx, id, w.person()); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := w.obj.List(ctx, id, "")
	// A failing revision leaves the objection undecided.
	w.obj.Revise = func(context.Context, *sqlx.Tx, time.Time, int64, int64, int64, string) error {
		return fault.Conflict("err.results.revise_failed")
	}
	if err := w.obj.Decide(ctx, w.org.ID, id, list[0].ID, objections.Decision{Outcome: objections.Upheld, Reply: "异议成立", Remedy: objections.Rescore}); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("failed revision: %v", err)
	}
	if d, _ := w.obj.Get(ctx, id, list[0].ID); d.State != objections.Received {
		t.Errorf("after a failed revision the objection is %s", d.State)
	}
	w.obj.Revise = results.ReviseTx
	if err := w.obj.Decide(ctx, w.org.ID, id, list[0].ID, objections.Decision{Outcome: objections.Upheld, Reply: "异议成立，重新评审。", Remedy: objections.Rescore}); err != nil {
		t.Fatal(err)
	}
	var state string
	var revised *time.Time
	if err := w.s.DB.QueryRow(`SELECT r.state, p.revised_at FROM rounds r JOIN publications p ON p.round_id = r.id
		WHERE r.contest_id = $1 AND r.key = 'prelim'`, id).Scan(&state, &revised); err != nil {
		t.Fatal(err)
	}
	if state != "closed" || revised == nil {
		t.Errorf("after upholding: round %s, revised %v", state, revised)
	}
	if err := w.obj.Decide(ctx, w.org.ID, id, list[1].ID, objections.Decision{Outcome: objections.Upheld, Reply: "同上", Remedy: objections.Correct}); err != nil {
		t.Fatal(err)
	}
	if n := w.auditCount(t, audit.ResultsRevised); n != 1 {
		t.Errorf("%d results.revised records, want 1", n)
	}
	if n := w.auditCount(t, audit.ObjectionDecided); n != 2 {
		t.Errorf("%d objection.decided records", n)
	}
	st, _ := w.obj.Lookup(ctx, list[0].Reference)
	if st.State != objections.Upheld || st.Remedy != objections.Rescore {
		t.Errorf("lookup %+v", st)
	}
}

func TestReferencesAndIDNumbers(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		r := objections.NewReference()
		if seen[r] {
			t.Fatalf("reference %s twice", r)
		}
		seen[r] = true
		if got, ok := objections.ParseReference(objections.DisplayReference(r)); !ok || got != r {
			t.Fatalf("parse %s: %s %v", r, got, ok)
		}
	}
	if _, ok := objections.ParseReference("YY-ABCD-EFGH-JKMU"); ok {
		t.Error("U is not Crockford base32")
	}
	for n, want := range map[string]bool{
		"11010519491231002X": true, "110105194912310021": false, "11010519491331002X": false,
		"440524188001010014": false /* 1880 */, "11010519491231002": false, "1101051949123100XX": false,
	} {
		if objections.ValidResidentID(n) != want {
			t.Errorf("ValidResidentID(%s) = %v", n, !want)
		}
	}
	for name, want := range map[string]string{"张三": "张*", "欧阳明华": "欧**华", "王": "*", "": ""} {
		if got := objections.MaskName(name); got != want {
			t.Errorf("MaskName(%s) = %s", name, got)
		}
	}
}

// After an upheld objection the organizers publish the round again: the next
// version takes objections of its own, which name it, while the first
// objection keeps naming the version it was about.
func TestObjectionsFollowTheCurrentVersion(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	id := w.contest.ID
	if _, err := w.obj.File(ctx, id, w.person()); err != nil {
		t.Fatal(err)
	}
	list, _ := w.obj.List(ctx, id, "")
	if err := w.obj.Decide(ctx, w.org.ID, id, list[0].ID, objections.Decision{Outcome: objections.Upheld, Reply: "更正数据后重新公示。", Remedy: objections.Correct}); err != nil {
		t.Fatal(err)
	}
	// Under revision the round has no open period of a new version yet; the
	// first version's period still runs, so objections to it are still taken.
	ops, err := w.obj.Openings(ctx, id)
	if err != nil || len(ops) != 1 || ops[0].Version != 1 {
		t.Fatalf("openings under revision: %+v %v", ops, err)
	}
	w.clock.Advance(time.Hour)
	if _, _, err := w.s.Publish(ctx, w.org.ID, id, "prelim", results.PublishOptions{PeriodDays: 5, Reason: "异议成立：更正数据"}); err != nil {
		t.Fatal(err)
	}
	ops, err = w.obj.Openings(ctx, id)
	if err != nil || len(ops) != 1 || ops[0].Version != 2 || !ops[0].Open || len(ops[0].Entries) != 3 {
		t.Fatalf("openings after version 2: %+v %v", ops, err)
	}
	if _, err := w.obj.File(ctx, id, w.person()); err != nil {
		t.Fatal(err)
	}
	list, _ = w.obj.List(ctx, id, "")
	if len(list) != 2 || list[0].Version != 2 || list[1].Version != 1 || list[1].State != objections.Upheld {
		t.Errorf("objections by version: %+v", list)
	}
}

// A PDF that passes the type check but cannot be read is refused in words
// for the objector, not the judges' copy entrants are told about.
func TestUnreadablePDFEvidence(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	f := w.person()
	f.Evidence = []objections.Upload{upload("a.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"))}
	_, err := w.obj.File(context.Background(), w.contest.ID, f)
	fieldErr(t, err, "evidence", "err.objection.pdf_unreadable")
	if c := w.counts(t); c.objections != 0 || c.blobs != 0 {
		t.Errorf("left %+v", c)
	}
}

// An objection upheld with the remedy "disqualify" takes the entry out of the
// round in the same step: confirming the awards again and publishing makes
// version 2 without it, the third entry moving up to second place and prize,
// and the change names exactly those two entries.
func TestUpheldDisqualificationDropsTheEntry(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	id := w.contest.ID
	if _, err := w.obj.File(ctx, id, w.person()); err != nil { // about 可降解包装材料, second
		t.Fatal(err)
	}
	list, _ := w.obj.List(ctx, id, "")
	if err := w.obj.Decide(ctx, w.org.ID, id, list[0].ID, objections.Decision{Outcome: objections.Upheld,
		Reply: "经核实，该项目核心专利不属于参赛团队，取消其参赛资格。", Remedy: objections.Disqualify}); err != nil {
		t.Fatal(err)
	}
	var kind string
	if err := w.s.DB.Get(&kind, `SELECT d.kind FROM review_decisions d JOIN rounds r ON r.id = d.round_id
		WHERE r.contest_id = $1 AND d.entry_id = $2`, id, w.ids[1]); err != nil || kind != "withdrawn" {
		t.Fatalf("the disqualified entry's decision: %q %v", kind, err)
	}
	log, _ := w.s.Records(ctx, id)
	var withdrawn []audit.Record
	for _, r := range log {
		if r.Action == audit.EntryWithdrawn {
			withdrawn = append(withdrawn, r)
		}
	}
	if len(withdrawn) != 1 || !strings.Contains(strings.ReplaceAll(string(withdrawn[0].Payload), " ", ""), `"disqualified":true`) {
		t.Fatalf("the disqualification's audit records %+v", withdrawn)
	}
	if _, err := w.s.ConfirmAwards(ctx, w.org.ID, id, "prelim", map[string]string{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.s.Publish(ctx, w.org.ID, id, "prelim", results.PublishOptions{Reason: "异议成立：取消资格"}); err != nil {
		t.Fatal(err)
	}
	rounds, err := w.s.PublishedResults(ctx, id)
	if err != nil || len(rounds) != 1 || rounds[0].Current.Version != 2 {
		t.Fatalf("published %+v %v", rounds, err)
	}
	var titles []string
	for _, r := range rounds[0].Current.Results {
		titles = append(titles, fmt.Sprintf("%d %s %s", r.Rank, r.Title, r.AwardLevel))
	}
	if want := []string{"1 智能巡检机器人 first", "2 校园共享储能 second"}; !slices.Equal(titles, want) {
		t.Errorf("version 2 %v, want %v", titles, want)
	}
	changes := rounds[0].Versions[1].Changes
	if len(changes) != 2 || changes[0].Title != "校园共享储能" || changes[0].Before.Rank != 3 || changes[0].Now.Rank != 2 ||
		changes[1].Title != "可降解包装材料" || changes[1].Before.Rank != 2 || changes[1].Now != nil {
		t.Errorf("changes %+v", changes)
	}
}
