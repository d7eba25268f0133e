package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"podium/transparency"
)

// The publicity period as the public and an entrant meet it: before
// publication the contest's page says so (by slug too); the organizer
// publishes with a five-day period; the public page shows the period's end in
// Beijing time, the state and how to object; the entrant reads their score,
// the anonymous judges' totals and the rule, and downloads a receipt that
// verifies; after the period the results are final.
func TestPublicityPagesEntrantResultAndReceipt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newScoredWorld(t, h)
	ctx := context.Background()
	slug := w.contest.Slug

	before := h.client().get("/results/" + slug)
	if before.status != http.StatusOK || !strings.Contains(before.body, `id="not-published"`) || !strings.Contains(before.body, "尚未公示") {
		t.Fatalf("before publication: %d %.500s", before.status, before.body)
	}
	var api struct {
		Rounds []json.RawMessage `json:"rounds"`
	}
	h.client().get("/api/v1/public/results/"+slug).json(t, &api)
	if api.Rounds == nil || len(api.Rounds) != 0 {
		t.Errorf("public results API before publication: %+v", api)
	}
	if res := h.client().get("/results/no-such-contest"); res.status != http.StatusNotFound {
		t.Errorf("an unknown contest: %d", res.status)
	}

	eagle, seed := w.codes["工业视觉质检"], w.codes["可降解包装材料"]
	if _, err := h.store.ConfirmAwards(ctx, w.org.ID, w.contest.ID, "prelim", map[string]string{eagle: "third", seed: "second"}); err != nil {
		t.Fatal(err)
	}
	org := h.loggedIn(w.org)
	for _, bad := range []url.Values{{"confirm": {"yes"}, "period_days": {"0"}}, {"confirm": {"yes"}, "period_ends_at": {"tomorrow"}}} {
		if res := org.form(w.path("publish"), bad); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="publish-form"`) {
			t.Errorf("publish with %v: %d %.300s", bad, res.status, res.body)
		}
	}
	if res := org.form(w.path("publish"), url.Values{"confirm": {"yes"}, "period_days": {"5"}}); res.status != http.StatusSeeOther {
		t.Fatalf("publish: %d %.500s", res.status, res.body)
	}
	// Tracks and groups read as names, never their keys.
	if page := org.get(fmt.Sprintf("/organizer/contests/%d/entries", w.contest.ID)); !strings.Contains(page.body, `<td class="nowrap">新材料</td><td class="nowrap">团队组</td>`) ||
		strings.Contains(page.body, "<td>materials</td>") {
		t.Errorf("entries list names tracks and groups by key: %.3000s", page.body)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	ends := h.clock.T.Add(5 * 24 * time.Hour).In(shanghai).Format("2006-01-02 15:04")
	if page := org.get(w.path("publish")); !strings.Contains(page.body, `id="publicity-state"`) || !strings.Contains(page.body, ends) {
		t.Errorf("publish page after publication: %.1500s", page.body)
	}

	public := h.client().get("/results/" + slug)
	for _, want := range []string{"公示中", "第 1 版", "至 " + ends, "北京时间", "/results/" + slug + "/objections/new?round=prelim", "实名"} {
		if !strings.Contains(public.body, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	if en := h.client().get("/results/" + slug + "?lang=en"); !strings.Contains(en.body, "In publicity") || !strings.Contains(en.body, "File an objection") {
		t.Errorf("English public page: %.500s", en.body)
	}

	// 星河团队's entrant: 30.00, fourth; 甲 gave 11 × 3 = 33.00, 乙 9 × 3 = 27.00.
	var star struct {
		ID      int64 `db:"id"`
		Account int64 `db:"account_id"`
	}
	if err := h.store.DB.Get(&star, `SELECT id, account_id FROM entries WHERE contest_id = $1 AND title = '校园共享储能'`, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	acct, err := h.store.Account(ctx, star.Account)
	if err != nil {
		t.Fatal(err)
	}
	entrant := h.loggedIn(acct)
	mine := entrant.get(fmt.Sprintf("/entrant/entries/%d/result", star.ID))
	for _, want := range []string{`id="score-prelim">30.00<`, `id="rank-prelim">4<`, "33.00", "27.00", "下载回执", "提出异议"} {
		if !strings.Contains(mine.body, want) {
			t.Errorf("entrant's result page lacks %q: %.3000s", want, mine.body)
		}
	}
	for _, secret := range w.judges {
		if strings.Contains(mine.body, secret) {
			t.Errorf("entrant's result page names judge %q", secret)
		}
	}
	res := entrant.get(fmt.Sprintf("/api/v1/entries/%d/receipt?round=prelim", star.ID))
	var rc transparency.Receipt
	res.json(t, &rc)
	if rep := transparency.Verify(rc); !rep.OK || rc.Result.Score != 3000 || rc.Result.Rank != 4 || len(rc.Records) != 3 {
		t.Fatalf("receipt %d %+v: %+v", res.status, rc, rep)
	}
	for _, secret := range w.judges {
		if strings.Contains(res.body, secret) {
			t.Errorf("the receipt names judge %q", secret)
		}
	}
	var heads transparency.PublishedHeads
	h.client().get("/api/v1/public/results/"+slug+"/heads").json(t, &heads)
	if len(heads.Heads) != 1 || heads.Heads[0].Signed != rc.Head.Signed || heads.VerifierKey != rc.VerifierKey {
		t.Errorf("public heads %+v, receipt head %+v", heads, rc.Head)
	}
	if check := transparency.VerifyPublished(rc, heads); !check.OK {
		t.Errorf("the receipt against the published heads: %+v", check)
	}
	other := h.loggedIn(w.org)
	if res := other.get(fmt.Sprintf("/api/v1/entries/%d/receipt?round=prelim", star.ID)); res.status != http.StatusForbidden {
		t.Errorf("an organizer fetching an entrant's receipt: %d", res.status)
	}

	// After the period, with no objection: final.
	h.clock.Advance(5*24*time.Hour + time.Minute)
	public = h.client().get("/results/" + slug)
	if !strings.Contains(public.body, "已确定") || strings.Contains(public.body, "/objections/new") || !strings.Contains(public.body, "公示期已结束") {
		t.Errorf("public page after the period: %.3000s", public.body)
	}
}
