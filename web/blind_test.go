package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"podium/contest"
	"podium/contest/blob"
	"podium/contest/contesttest"
	"podium/contest/pdftext"
	"podium/web"
)

// TestJudgeFacingRoutesAreBlind seeds an entrant whose every identity field is
// distinctive, assigns the entry to a judge, and walks every route a judge can
// reach: no response body or header may carry any of them.
func TestJudgeFacingRoutesAreBlind(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, contest.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("blind"))
	if err != nil {
		t.Fatal(err)
	}
	identity := contest.OrganizationInput{Kind: contest.OrgEnterprise, Name: "秘密星辰量子科技有限公司", USCC: "91110000802100433B",
		ContactName: "欧阳绝密", ContactPhone: "13912345678", ContactEmail: "secret.founder@example.com",
		Members: []contest.Member{{Name: "司马隐名", Role: "CTO"}, {Name: "诸葛匿迹", Role: "CFO"}}}
	entrant := contesttest.Account(t, h.store, contest.RoleEntrant, "secret-login@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, identity); err != nil {
		t.Fatal(err)
	}
	title := "量子隐形项目甲"
	entry, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, contest.EntryInput{Track: "materials", Group: "enterprise", Title: title,
		Fields: contest.EntryFields{Summary: "由秘密星辰量子科技有限公司研发。", Team: "欧阳绝密任 CEO，司马隐名负责技术，诸葛匿迹负责财务。",
			Technology: "量子点材料", Keywords: []string{"量子"}}})
	if err != nil {
		t.Fatal(err)
	}
	pdf := pdftext.Generate([]string{"商业计划书"})
	key := blob.NewKey()
	size, sum, err := h.blobs.Put(ctx, key, bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	uploadID := uuid.NewString()
	originalName := "欧阳绝密的秘密星辰计划书.pdf"
	if _, err := h.store.AddUpload(ctx, entrant.ID, entry.ID, contest.StoredUpload{Upload: contest.Upload{ID: uploadID, Kind: contest.UploadBusinessPlan,
		Name: originalName, ContentType: "application/pdf", Size: size, SHA256: sum}, Key: key}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.SubmitEntry(ctx, entrant.ID, entry.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.ReviewEntries(ctx, org.ID, c.ID, []int64{entry.ID}, true, ""); err != nil {
		t.Fatal(err)
	}
	x, err := h.store.SaveExpert(ctx, org.ID, contest.ExpertInput{Name: "评委甲", Organization: "某大学"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetPanel(ctx, org.ID, c.ID, "prelim", []int64{x.ID}); err != nil {
		t.Fatal(err)
	}
	setup := c.Setup
	setup.Rounds[0].ReviewsPerEntry = 1
	if _, err := h.store.UpdateContest(ctx, org.ID, c.ID, setup); err != nil {
		t.Fatal(err)
	}
	run, err := h.store.StartAssignment(ctx, org.ID, c.ID, "prelim", 1)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = h.store.RunAssignment(ctx, org.ID, c.ID, "prelim", run.ID); err != nil || run.Added != 1 {
		t.Fatalf("run %+v %v", run, err)
	}
	inv, err := h.store.InviteExpert(ctx, org.ID, c.ID, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetRoundState(ctx, org.ID, c.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, _ := h.store.Assignments(ctx, c.ID, "prelim")
	judgeAcct, err := h.store.Account(ctx, inv.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	judge := h.loggedIn(judgeAcct)
	// The organizers remind the judge: the reminder is on the judge's pages walked below.
	if err := h.store.RemindJudge(ctx, org.ID, c.ID, "prelim", x.ID); err != nil {
		t.Fatal(err)
	}
	reminders, err := h.store.JudgeReminders(ctx, contest.EveryContest(judgeAcct.ID))
	if err != nil || len(reminders) != 1 {
		t.Fatalf("reminders %+v %v", reminders, err)
	}

	secrets := []string{identity.Name, "秘密星辰", identity.USCC, identity.ContactName, identity.ContactPhone, identity.ContactEmail,
		"司马隐名", "诸葛匿迹", title, originalName, "secret-login@example.com"}
	check := func(what string, res response) {
		t.Helper()
		all := res.body
		for k, v := range res.header {
			all += "\n" + k + ": " + strings.Join(v, ",")
		}
		for _, s := range secrets {
			if strings.Contains(all, s) {
				t.Errorf("%s carries %q", what, s)
			}
		}
	}
	visited := 0
	for _, r := range h.server.Routes() {
		if r.Access != web.Judge && !(r.Access == web.LoggedIn && r.Method == http.MethodGet) {
			continue
		}
		path := strings.NewReplacer(":assignment", fmt.Sprint(list[0].ID), ":upload", uploadID, ":reminder", fmt.Sprint(reminders[0].ID)).Replace(r.Path)
		var res response
		switch r.Method {
		case http.MethodGet:
			res = judge.get(path)
		case http.MethodPut:
			res = judge.api(r.Method, path, map[string]any{"marks": map[string]float64{"tech": 30}})
		default:
			continue // writes are checked below with real content
		}
		if res.status >= 500 {
			t.Errorf("%s %s: %d", r.Method, path, res.status)
		}
		check(r.Method+" "+path, res)
		visited++
	}
	if visited < 5 {
		t.Fatalf("visited only %d judge-facing routes", visited)
	}
	for path, shown := range map[string]string{"/judge": fmt.Sprintf(`/judge/reminders/%d/dismiss`, reminders[0].ID),
		"/api/v1/judge/tasks": fmt.Sprintf(`"reminders":[{"id":%d,`, reminders[0].ID)} {
		if res := judge.get(path); !strings.Contains(res.body, shown) {
			t.Errorf("%s does not show the reminder, so its blindness was not checked: %.300s", path, res.body)
		}
	}
	dismissed := judge.api(http.MethodPost, fmt.Sprintf("/api/v1/judge/reminders/%d/dismiss", reminders[0].ID), nil)
	if dismissed.status != http.StatusOK {
		t.Errorf("dismiss: %d %s", dismissed.status, dismissed.body)
	}
	check("dismissing the reminder", dismissed)
	// The submission's response, and the draft's, are judge-facing too.
	res := judge.do(http.MethodPost, fmt.Sprintf("/api/v1/judge/assignments/%d/sheet", list[0].ID), "application/json",
		strings.NewReader(`{"marks":{"tech":30,"market":20,"team":25}}`), "X-CSRF-Token", judge.csrf, "Idempotency-Key", "blind-1")
	if res.status != http.StatusCreated {
		t.Fatalf("submit: %d %s", res.status, res.body)
	}
	check("the submission", res)
	// The judge's view still shows the redacted team text, so redaction is what hid the names.
	page := judge.get(fmt.Sprintf("/judge/assignments/%d", list[0].ID))
	if !strings.Contains(page.body, "■■任 CEO") {
		t.Errorf("the team field was not shown with names blacked out")
	}
	// The material is served under the blind code, not the uploaded name.
	file := judge.get(fmt.Sprintf("/judge/assignments/%d/files/%s", list[0].ID, uploadID))
	if file.status != http.StatusOK || !strings.Contains(file.header.Get("Content-Disposition"), list[0].BlindCode) {
		t.Errorf("material: %d %q", file.status, file.header.Get("Content-Disposition"))
	}
}
