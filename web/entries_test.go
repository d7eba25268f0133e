package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/files/filecheck"
)

func (c *client) multipart(path string, fields map[string]string, fileName string, file []byte) response {
	c.h.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if fileName != "" {
		fw, _ := w.CreateFormFile("file", fileName)
		_, _ = fw.Write(file)
	}
	_ = w.Close()
	return c.do(http.MethodPost, path, w.FormDataContentType(), &body, "X-CSRF-Token", c.csrf)
}

func TestImportEntriesOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("import-web"))
	if err != nil {
		t.Fatal(err)
	}
	csv := "项目名称,赛道,组别,单位名称,统一社会信用代码,联系人,联系电话\n" +
		"氢能储运,新材料,企业组,华为技术有限公司,914403001922038216,张三,13800138000\n" +
		"坏行,太空,企业组,某公司,123,李四,13800138001\n"
	cl := h.loggedIn(org)
	path := fmt.Sprintf("/api/v1/contests/%d/entries/import", c.ID)
	res := cl.multipart(path, nil, "entries.csv", []byte(csv))
	var out struct {
		Imported int `json:"imported"`
		Skipped  int `json:"skipped"`
		Problems []struct {
			Line    int    `json:"line"`
			Column  string `json:"column"`
			Message string `json:"message"`
		} `json:"problems"`
	}
	res.json(t, &out)
	if res.status != http.StatusUnprocessableEntity || out.Imported != 0 || len(out.Problems) != 1 || out.Problems[0].Line != 3 || out.Problems[0].Column != "uscc" {
		t.Fatalf("import with a bad row: %d %s", res.status, res.body)
	}
	if list, _ := h.store.EntriesInContest(ctx, c.ID, entry.Filter{}); len(list) != 0 {
		t.Fatalf("refused import wrote %d entries", len(list))
	}
	res = cl.multipart(path, map[string]string{"skip_invalid": "true"}, "entries.csv", []byte(csv))
	res.json(t, &out)
	if res.status != http.StatusOK || out.Imported != 1 || out.Skipped != 1 {
		t.Fatalf("import skipping bad rows: %d %s", res.status, res.body)
	}
	// The page shows problems in the organizer's language; a non-CSV is a clear error.
	res = cl.multipart(fmt.Sprintf("/organizer/contests/%d/import?lang=en", c.ID), nil, "x.csv", []byte("\x00\x01binary"))
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "not a CSV or XLSX") {
		t.Errorf("binary file: %d %.400s", res.status, res.body)
	}
}

func TestEntrantJourneyOverAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("journey")
	deadline := h.clock.T.Add(2 * time.Hour) // within the session's lifetime
	setup.SubmissionDeadline = &deadline
	setup.Entry.RequiredUploads = []filecheck.Kind{} // this contest asks for no files
	c, err := h.store.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	cl := h.client()
	res := cl.api(http.MethodPost, "/api/v1/accounts", map[string]string{"display_name": "王创", "phone": "13900139000", "password": "a-good-password"})
	if res.status != http.StatusCreated {
		t.Fatalf("register: %d %s", res.status, res.body)
	}
	var sess struct {
		CSRFToken string `json:"csrf_token"`
	}
	res.json(t, &sess)
	cl.csrf = sess.CSRFToken

	res = cl.api(http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/entries", c.ID), map[string]any{"track": "materials", "group": "team", "title": "柔性电池"})
	if d := res.errorBody(t); res.status != http.StatusConflict || d.Message != "请先填写单位或团队信息，再创建参赛项目。" {
		t.Errorf("entry before profile: %d %+v", res.status, d)
	}
	res = cl.api(http.MethodPut, "/api/v1/profile", map[string]any{"kind": "team", "name": "柔电团队", "contact_name": "王创", "contact_phone": "13900139000",
		"members": []map[string]string{{"name": "王创", "role": "队长"}}})
	if res.status != http.StatusOK {
		t.Fatalf("profile: %d %s", res.status, res.body)
	}
	res = cl.api(http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/entries", c.ID), map[string]any{
		"track": "materials", "group": "team", "title": "柔性电池", "fields": map[string]string{"summary": "可弯折的固态电池", "stage": "prototype"}})
	if res.status != http.StatusCreated {
		t.Fatalf("create entry: %d %s", res.status, res.body)
	}
	var ent entry.Entry
	res.json(t, &ent)
	entryPath := fmt.Sprintf("/api/v1/entries/%d", ent.ID)

	if res = cl.api(http.MethodPost, entryPath+"/submit", nil); res.status != http.StatusOK {
		t.Fatalf("submit: %d %s", res.status, res.body)
	}
	res.json(t, &ent)
	if ent.State != entry.Submitted || ent.Snapshot == nil || ent.Snapshot.Fields.Summary != "可弯折的固态电池" {
		t.Fatalf("submitted: %s", res.body)
	}
	// Locked once submitted.
	res = cl.api(http.MethodPut, entryPath, map[string]any{"track": "materials", "group": "team", "title": "改名"})
	if d := res.errorBody(t); res.status != http.StatusConflict || d.Code != "conflict" {
		t.Errorf("edit after submit: %d %+v", res.status, d)
	}
	// The entrant's list and the organizer's list both show it.
	if res = cl.get("/api/v1/entries"); !strings.Contains(res.body, "柔性电池") {
		t.Errorf("my entries: %s", res.body)
	}
	if res = h.loggedIn(org).get(fmt.Sprintf("/api/v1/contests/%d/entries?state=submitted", c.ID)); !strings.Contains(res.body, "柔性电池") {
		t.Errorf("organizer's entries: %s", res.body)
	}
	// Withdraw, then after the deadline nothing can be resubmitted.
	if res = cl.api(http.MethodPost, entryPath+"/withdraw", nil); res.status != http.StatusOK {
		t.Fatalf("withdraw: %d %s", res.status, res.body)
	}
	h.clock.T = deadline.Add(time.Second)
	res = cl.api(http.MethodPost, entryPath+"/submit", nil)
	if d := res.errorBody(t); res.status != http.StatusConflict || !strings.Contains(d.Message, "截止") {
		t.Errorf("submit after the deadline: %d %+v", res.status, d)
	}
	// The entrant's page shows the state and stays readable after the deadline.
	if page := cl.get(fmt.Sprintf("/entrant/entries/%d", ent.ID)); page.status != http.StatusOK || !strings.Contains(page.body, "已撤回") {
		t.Errorf("entry page: %d", page.status)
	}
}

func TestEntrantCannotTouchAnothersEntry(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("others"))
	if err != nil {
		t.Fatal(err)
	}
	owner := contesttest.Account(t, h.store, access.RoleEntrant, "owner@example.com")
	if _, err := h.store.SaveOrganization(ctx, owner.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	entryID := submittedEntry(t, h, owner, c.ID)
	ent, err := h.store.EntryOfEntrant(ctx, owner.ID, entryID)
	if err != nil {
		t.Fatal(err)
	}
	upload := ent.Uploads[0].ID
	intruder := h.loggedIn(contesttest.Account(t, h.store, access.RoleEntrant, "intruder@example.com"))
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, fmt.Sprintf("/api/v1/entries/%d", entryID)},
		{http.MethodPut, fmt.Sprintf("/api/v1/entries/%d", entryID)},
		{http.MethodPost, fmt.Sprintf("/api/v1/entries/%d/submit", entryID)},
		{http.MethodPost, fmt.Sprintf("/api/v1/entries/%d/withdraw", entryID)},
		{http.MethodDelete, fmt.Sprintf("/api/v1/entries/%d/uploads/%s", entryID, upload)},
		{http.MethodGet, fmt.Sprintf("/entrant/entries/%d", entryID)},
		{http.MethodPost, fmt.Sprintf("/entrant/entries/%d/withdraw", entryID)},
		{http.MethodPost, fmt.Sprintf("/entrant/entries/%d/uploads/%s/delete", entryID, upload)},
	} {
		var res response
		switch {
		case r.method == http.MethodGet:
			res = intruder.get(r.path)
		case r.method == http.MethodPut:
			res = intruder.api(r.method, r.path, map[string]any{"track": "materials", "group": "team", "title": "x"})
		case strings.HasPrefix(r.path, "/api/"):
			res = intruder.api(r.method, r.path, nil)
		default:
			res = intruder.form(r.path, nil)
		}
		if res.status != http.StatusNotFound || strings.Contains(res.body, "星河") {
			t.Errorf("%s %s by another entrant: %d %.200s", r.method, r.path, res.status, res.body)
		}
	}
	after, err := h.store.EntryOfEntrant(ctx, owner.ID, entryID)
	if err != nil || after.State != entry.Submitted || len(after.Uploads) != 1 {
		t.Errorf("the entry changed: %+v %v", after, err)
	}
}

// A bulk decision returns the organizer to the page it was made on, which must
// answer a GET: the filtered list or the entry's page, never anywhere else.
func TestReviewFormReturnsToItsPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("review-back"))
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	ent := submittedEntry(t, h, entrant, c.ID)
	cl := h.loggedIn(org)
	list := fmt.Sprintf("/organizer/contests/%d/entries", c.ID)
	for back, want := range map[string]string{
		list + "?state=submitted":            list + "?reviewed=1&state=submitted",
		fmt.Sprintf("%s/%d", list, ent):      fmt.Sprintf("%s/%d?reviewed=1", list, ent),
		"https://evil.example/x":             list + "?reviewed=1",
		"/organizer/contests/999999/entries": list + "?reviewed=1",
	} {
		res := cl.form(list+"/review", url.Values{"entry": {fmt.Sprint(ent)}, "decision": {"accept"}, "back": {back}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != want {
			t.Errorf("back %q: %d → %q, want %q", back, res.status, res.header.Get("Location"), want)
			continue
		}
		if page := cl.get(want); page.status != http.StatusOK {
			t.Errorf("following %q: %d", want, page.status)
		}
	}
}
