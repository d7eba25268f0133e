package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/files/pdftext"
)

// tusStart creates a resumable upload and returns its URL path (or the failed response).
func (c *client) tusStart(entryID int64, kind, filename string, length int) (string, response) {
	c.h.t.Helper()
	meta := fmt.Sprintf("entry %s,kind %s,filename %s",
		base64.StdEncoding.EncodeToString([]byte(strconv.FormatInt(entryID, 10))),
		base64.StdEncoding.EncodeToString([]byte(kind)),
		base64.StdEncoding.EncodeToString([]byte(filename)))
	res := c.do(http.MethodPost, "/api/v1/uploads", "", nil, "Tus-Resumable", "1.0.0",
		"Upload-Length", strconv.Itoa(length), "Upload-Metadata", meta, "X-CSRF-Token", c.csrf)
	if res.status != http.StatusCreated {
		return "", res
	}
	return res.header.Get("Location"), res
}

// tusPatch sends data at offset.
func (c *client) tusPatch(location string, offset int, data []byte) response {
	return c.do(http.MethodPatch, location, "application/offset+octet-stream", strings.NewReader(string(data)),
		"Tus-Resumable", "1.0.0", "Upload-Offset", strconv.Itoa(offset), "X-CSRF-Token", c.csrf)
}

// tusUpload sends a whole file in chunks and returns the last response.
func (c *client) tusUpload(entryID int64, kind, filename string, data []byte, chunk int) response {
	c.h.t.Helper()
	loc, res := c.tusStart(entryID, kind, filename, len(data))
	if loc == "" {
		return res
	}
	for off := 0; off < len(data); off += chunk {
		end := min(off+chunk, len(data))
		if res = c.tusPatch(loc, off, data[off:end]); res.status != http.StatusNoContent {
			return res
		}
	}
	return res
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestResumableUploadsEndToEnd(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("uploads")
	setup.Entry.DocumentLimitMB = 1
	c, err := h.store.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	ent, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "enterprise", Title: "散热膜"})
	if err != nil {
		t.Fatal(err)
	}
	cl := h.loggedIn(entrant)

	// A business plan in three chunks, under a name with path tricks.
	plan := pdftext.Generate([]string{"散热膜商业计划书", "本计划书由星河智能科技有限公司编写。", strings.Repeat("市场分析 ", 200)})
	if res := cl.tusUpload(ent.ID, "business_plan", "../../etc/计划书.pdf", plan, len(plan)/3+1); res.status != http.StatusNoContent {
		t.Fatalf("upload: %d %s", res.status, res.body)
	}
	got, err := h.store.EntryOfEntrant(ctx, entrant.ID, ent.ID)
	if err != nil || len(got.Uploads) != 1 {
		t.Fatalf("uploads after a finished upload: %+v %v", got.Uploads, err)
	}
	up := got.Uploads[0]
	if up.Name != "计划书.pdf" || up.ContentType != "application/pdf" || up.Size != int64(len(plan)) {
		t.Errorf("recorded upload %+v", up)
	}
	if n := countFiles(t, h.stagingDir); n != 0 {
		t.Errorf("%d staged files left after a finished upload", n)
	}

	// Served back to its owner, under its name, never sniffed.
	res := cl.get("/entrant/files/" + up.ID)
	if res.status != http.StatusOK || res.body != string(plan) || res.header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(res.header.Get("Content-Disposition"), "filename*=UTF-8''%E8%AE%A1%E5%88%92%E4%B9%A6.pdf") {
		t.Errorf("download: %d %v", res.status, res.header)
	}
	// The organizer can read it; another entrant cannot even learn it exists.
	if res := h.loggedIn(org).get(fmt.Sprintf("/organizer/contests/%d/files/%s", c.ID, up.ID)); res.status != http.StatusOK {
		t.Errorf("organizer download: %d", res.status)
	}
	other := h.loggedIn(contesttest.Account(t, h.store, access.RoleEntrant, "other@example.com"))
	if res := other.get("/api/v1/files/" + up.ID); res.status != http.StatusNotFound {
		t.Errorf("another entrant's download: %d", res.status)
	}
	// Nor upload to someone else's entry.
	if _, res := other.tusStart(ent.ID, "deck", "x.pdf", 100); res.status != http.StatusNotFound {
		t.Errorf("upload to another's entry: %d %s", res.status, res.body)
	}

	filesBefore := countFiles(t, h.blobDir)
	// A PNG renamed to .pdf is refused by its content; nothing is left behind.
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"), make([]byte, 64)...)
	res = cl.tusUpload(ent.ID, "deck", "deck.pdf", png, len(png))
	if d := res.errorBody(t); res.status != http.StatusUnprocessableEntity || d.Message != "文件内容与所需类型不符（系统按文件内容而非扩展名识别类型）。" {
		t.Errorf("renamed PNG: %d %+v", res.status, d)
	}
	if n := countFiles(t, h.blobDir); n != filesBefore {
		t.Errorf("a refused file left %d blobs", n-filesBefore)
	}
	if n := countFiles(t, h.stagingDir); n != 0 {
		t.Errorf("a refused file left %d staged files", n)
	}
	// Over the contest's 1 MB document limit: refused before any byte is sent.
	if _, res := cl.tusStart(ent.ID, "deck", "big.pdf", 2<<20); res.status < 400 || res.status == http.StatusInternalServerError {
		t.Errorf("over the limit: %d %s", res.status, res.body)
	}

	// Broken off half-way: the server keeps what arrived, records nothing, and the
	// upload resumes from where it stopped.
	deck := pdftext.Generate([]string{"路演材料"})
	loc, res := cl.tusStart(ent.ID, "deck", "路演.pdf", len(deck))
	if loc == "" {
		t.Fatalf("start: %d %s", res.status, res.body)
	}
	if res := cl.tusPatch(loc, 0, deck[:len(deck)/2]); res.status != http.StatusNoContent {
		t.Fatalf("first half: %d", res.status)
	}
	head := cl.do(http.MethodHead, loc, "", nil, "Tus-Resumable", "1.0.0")
	if head.header.Get("Upload-Offset") != strconv.Itoa(len(deck)/2) {
		t.Fatalf("offset after a break: %q", head.header.Get("Upload-Offset"))
	}
	if got, _ := h.store.EntryOfEntrant(ctx, entrant.ID, ent.ID); len(got.Uploads) != 1 {
		t.Fatalf("a partial upload was recorded: %+v", got.Uploads)
	}
	// Another account cannot continue or abandon it.
	if res := other.tusPatch(loc, len(deck)/2, deck[len(deck)/2:]); res.status != http.StatusForbidden {
		t.Errorf("another account's PATCH: %d", res.status)
	}
	// Abandoning it removes what arrived.
	if res := cl.do(http.MethodDelete, loc, "", nil, "Tus-Resumable", "1.0.0", "X-CSRF-Token", cl.csrf); res.status != http.StatusNoContent {
		t.Errorf("abandon: %d %s", res.status, res.body)
	}
	if n := countFiles(t, h.stagingDir); n != 0 {
		t.Errorf("an abandoned upload left %d staged files", n)
	}

	// The plan names the entrant's organization: submission warns, and the
	// acknowledged submission is flagged.
	res = cl.api(http.MethodPost, fmt.Sprintf("/api/v1/entries/%d/submit", ent.ID), nil)
	if d := res.errorBody(t); res.status != http.StatusConflict ||
		d.Fields["uploads.business_plan"] != "该文件中出现了单位或成员姓名。（星河智能科技有限公司）" {
		t.Fatalf("leak warning (it shows the names found): %d %+v", res.status, d)
	}
	res = cl.api(http.MethodPost, fmt.Sprintf("/api/v1/entries/%d/submit", ent.ID), map[string]bool{"acknowledge_leaks": true})
	if res.status != http.StatusOK || !strings.Contains(res.body, `"flags":["identity_leak"]`) {
		t.Errorf("acknowledged submission: %d %s", res.status, res.body)
	}
	// Once submitted, no more uploads.
	if _, res := cl.tusStart(ent.ID, "video", "v.mp4", 1000); res.status != http.StatusConflict {
		t.Errorf("upload to a submitted entry: %d %s", res.status, res.body)
	}
}
