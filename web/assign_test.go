package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/judging"
)

// An organizer imports experts, sets a panel, runs the assignment in the
// background and reads the result; a judge recuses and is replaced.
func TestExpertImportAndAssignmentOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("assign-web")
	setup.Rounds[0].ReviewsPerEntry = 2
	c, err := h.store.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	var entries []int64
	for range 3 {
		entries = append(entries, submittedEntry(t, h, entrant, c.ID))
	}
	if _, err := h.store.ReviewEntries(ctx, org.ID, c.ID, entries, true, ""); err != nil {
		t.Fatal(err)
	}
	cl := h.loggedIn(org)

	csv := "姓名,工作单位,评审领域,关键词,手机,评审上限\n" +
		"王教授,北方大学,新材料;智能制造,材料,13800000001,5\n" +
		"李研究员,南方研究院,,AI,13800000002,\n" +
		"张总,星河智能科技有限公司,,材料,13800000003,\n" + // the entrant's own organization
		"赵博士,东部实验室,,,13800000004,\n" +
		"坏行,,,,,999\n"
	res := cl.multipart("/api/v1/experts/import", nil, "experts.csv", []byte(csv))
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `"line":6`) {
		t.Fatalf("import with a bad row: %d %s", res.status, res.body)
	}
	res = cl.multipart("/api/v1/experts/import", map[string]string{"skip_invalid": "true"}, "experts.csv", []byte(csv))
	if res.status != http.StatusOK || !strings.Contains(res.body, `"imported":4`) {
		t.Fatalf("import: %d %s", res.status, res.body)
	}
	experts, err := h.store.Experts(ctx, org.ID, "")
	if err != nil || len(experts) != 4 {
		t.Fatalf("pool %d %v", len(experts), err)
	}
	var ids []int64
	var zhang int64
	for _, x := range experts {
		ids = append(ids, x.ID)
		if x.Name == "张总" {
			zhang = x.ID
		}
	}
	base := fmt.Sprintf("/api/v1/contests/%d/rounds/prelim", c.ID)
	if res := cl.api(http.MethodPut, base+"/panel", map[string]any{"experts": ids}); res.status != http.StatusOK {
		t.Fatalf("panel: %d %s", res.status, res.body)
	}
	res = cl.api(http.MethodPost, base+"/assignment-runs", map[string]any{"seed": 42})
	if res.status != http.StatusAccepted {
		t.Fatalf("start: %d %s", res.status, res.body)
	}
	var run judging.AssignmentRun
	res.json(t, &run)
	h.store.Wait() // the run, in the background
	cl.get(res.header.Get("Location")).json(t, &run)
	if run.State != "done" || run.Added != 6 {
		t.Fatalf("run %+v", run)
	}
	var list struct {
		Assignments []judging.Assignment `json:"assignments"`
	}
	cl.get(base+"/assignments").json(t, &list)
	if len(list.Assignments) != 6 {
		t.Fatalf("assignments %+v", list.Assignments)
	}
	for _, a := range list.Assignments {
		if a.ExpertID == zhang {
			t.Errorf("an expert of the entrant's own organization was assigned: %+v", a)
		}
	}

	// The judge of one assignment recuses through the API and is replaced.
	target := list.Assignments[0]
	res = cl.api(http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/experts/%d/invite", c.ID, target.ExpertID), nil)
	if res.status != http.StatusCreated {
		t.Fatalf("invite: %d %s", res.status, res.body)
	}
	x, err := h.store.Expert(ctx, org.ID, target.ExpertID)
	if err != nil || x.AccountID == nil {
		t.Fatalf("invited expert %+v %v", x, err)
	}
	judge, err := h.store.Account(ctx, *x.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	jc := h.loggedIn(judge)
	res = jc.api(http.MethodPost, fmt.Sprintf("/api/v1/assignments/%d/recuse", target.ID), map[string]string{"reason": "认识该团队"})
	if res.status != http.StatusOK {
		t.Fatalf("recuse: %d %s", res.status, res.body)
	}
	cl.get(base+"/assignments").json(t, &list)
	active := 0
	for _, a := range list.Assignments {
		if a.EntryID == target.EntryID && a.State == "active" {
			active++
		}
	}
	if active != 2 {
		t.Errorf("entry has %d active reviews after a recusal, want 2: %+v", active, list.Assignments)
	}
	// Printable login cards: one QR code (a real PNG) per panel judge.
	page := cl.form(fmt.Sprintf("/organizer/contests/%d/rounds/prelim/invites", c.ID), nil)
	if page.status != http.StatusOK || strings.Count(page.body, `src="data:image/png;base64,`) != len(ids) || !strings.Contains(page.body, "/invite/") {
		t.Errorf("invite cards: %d, %d QR codes", page.status, strings.Count(page.body, "data:image/png"))
	}
	b64 := page.body[strings.Index(page.body, "base64,")+7:]
	raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(b64[:strings.IndexByte(b64, '"')]))
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(raw)); err != nil || img.Bounds().Dx() != 240 {
		t.Errorf("QR image: %v", err)
	}
	// The page shows the round's panel and assignments.
	page = cl.get(fmt.Sprintf("/organizer/contests/%d/rounds/prelim/assignments", c.ID))
	if page.status != http.StatusOK || !strings.Contains(page.body, "王教授") || !strings.Contains(page.body, "已回避") {
		t.Errorf("assignments page: %d", page.status)
	}
}
