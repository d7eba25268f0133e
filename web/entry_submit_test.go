package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/files/blob"
	"podium/files/pdftext"
)

// An entrant edits the entry and presses "submit" without saving first: what
// was typed is kept, whether the submission passes or not; the page then says
// what happened. Withdrawing is behind a second, explicit button.
func TestSubmitFromTheEditFormKeepsTheEdits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("submit-edits"))
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	e, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "enterprise", Title: "旧标题"})
	if err != nil {
		t.Fatal(err)
	}
	me := h.loggedIn(entrant)
	page := me.get("/entrant/entries/" + itoa(e.ID))
	if !strings.Contains(page.body, `form="entry-form" formaction="/entrant/entries/`+itoa(e.ID)+`/submit"`) {
		t.Fatalf("the submit button does not send the edit form: %s", page.body)
	}
	form := url.Values{"title": {"新标题：石墨烯散热膜"}, "track": {"materials"}, "group": {"enterprise"}, "summary": {"刚刚写好的简介"}}
	// No business plan yet: the submission is refused, the edits are not lost.
	res := me.form("/entrant/entries/"+itoa(e.ID)+"/submit", form)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("submitting without the business plan: %d %s", res.status, res.body)
	}
	got, err := h.store.EntryOfEntrant(ctx, entrant.ID, e.ID)
	if err != nil || got.Title != "新标题：石墨烯散热膜" || got.Fields.Summary != "刚刚写好的简介" || got.State != entry.Draft {
		t.Fatalf("after a refused submission: %+v %v", got, err)
	}
	// With the plan, the same button saves and submits; the page confirms it.
	addBusinessPlan(t, h, entrant, e.ID)
	form.Set("summary", "最后一刻改的简介")
	res = me.form("/entrant/entries/"+itoa(e.ID)+"/submit", form)
	if res.status != http.StatusSeeOther || !strings.HasSuffix(res.header.Get("Location"), "?submitted=1") {
		t.Fatalf("submit: %d %s", res.status, res.body)
	}
	got, _ = h.store.EntryOfEntrant(ctx, entrant.ID, e.ID)
	if got.State != entry.Submitted || got.Snapshot == nil || got.Snapshot.Input.Fields.Summary != "最后一刻改的简介" {
		t.Fatalf("the submission lost the last edit: %+v", got)
	}
	done := me.get(res.header.Get("Location"))
	if !strings.Contains(done.body, "已提交。材料已锁定") {
		t.Errorf("no confirmation after submitting: %s", done.body)
	}
	if !strings.Contains(done.body, `<details class="withdraw-box">`) || !strings.Contains(done.body, "确认撤回") {
		t.Errorf("withdrawing is not behind a second step")
	}
	res = me.form("/entrant/entries/"+itoa(e.ID)+"/withdraw", nil)
	if res.status != http.StatusSeeOther || !strings.Contains(me.get(res.header.Get("Location")).body, "已撤回") {
		t.Errorf("withdraw: %d, no confirmation", res.status)
	}
}

// addBusinessPlan stores a business plan on the entrant's draft.
func addBusinessPlan(t *testing.T, h *harness, entrant access.Account, entryID int64) {
	t.Helper()
	ctx := context.Background()
	pdf := pdftext.Generate([]string{"商业计划书"})
	key := blob.NewKey()
	size, sum, err := h.blobs.Put(ctx, key, bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.AddUpload(ctx, entrant.ID, entryID, entry.StoredUpload{
		Upload: entry.Upload{ID: uuid.NewString(), Kind: entry.UploadBusinessPlan, Name: "计划书.pdf", ContentType: "application/pdf", Size: size, SHA256: sum},
		Key:    key}); err != nil {
		t.Fatal(err)
	}
}

// A first profile starts with the registering person as its contact.
func TestFirstProfileStartsWithTheRegistrant(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	me := h.client()
	if res := me.form("/register", url.Values{"display_name": {"赵敏"}, "email": {"zhao.min@example.cn"}, "phone": {"１３９１２３４５６７８"},
		"password": {"long-enough-1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("register: %d %s", res.status, res.body)
	}
	page := me.get("/entrant/profile")
	for _, want := range []string{`value="赵敏"`, `value="13912345678"`, `value="zhao.min@example.cn"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the first profile lacks %s", want)
		}
	}
}
