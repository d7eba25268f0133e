package upload_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"podium/contest"
	"podium/fault"
	"podium/files/blob"
	"podium/files/filecheck"
	"podium/files/intake"
	"podium/files/pdfmeta"
	"podium/files/pdftext"
	"podium/web"
	"podium/web/upload"
)

const base = "/api/v1/uploads/"

// finished is an upload the env's Complete accepted: the staged file's
// metadata and what intake made of it, as the domain receives and records it.
type finished struct {
	upload.Meta
	OriginalName string
	intake.Received
}

// env is an upload server on httptest with fake Authorize and a Complete that
// receives the file as the domain does (intake.Receive) and records it in done.
type env struct {
	t        *testing.T
	srv      *upload.Server
	http     *httptest.Server
	blobs    *blob.Local
	blobDir  string
	staging  string
	limit    int64
	authErr  error
	mu       sync.Mutex
	done     []finished
	complete func(finished) error // nil: accept
}

func newEnv(t *testing.T, tweak ...func(*upload.Config)) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, blobDir: filepath.Join(dir, "blobs"), staging: filepath.Join(dir, "tus"), limit: 1 << 20}
	var err error
	if e.blobs, err = blob.NewLocal(e.blobDir); err != nil {
		t.Fatal(err)
	}
	cfg := upload.Config{
		StagingDir: e.staging,
		BasePath:   base,
		// The session, as far as these tests go, is a header.
		Owner: func(r *http.Request) string { return r.Header.Get("X-Test-User") },
		Authorize: func(r *http.Request, m upload.Meta, length int64) (int64, error) {
			if e.authErr != nil {
				return 0, e.authErr
			}
			if m.Entry != "42" {
				return 0, fault.NotFound("err.entry.not_found")
			}
			return e.limit, nil
		},
		Complete: func(ctx context.Context, r *http.Request, up upload.Staged) error {
			if r.Header.Get("X-Test-User") == "" {
				return errors.New("Complete without the request's session")
			}
			rec, err := intake.Receive(ctx, e.blobs, filecheck.Kind(up.Kind), up.File, up.Size)
			if err != nil {
				return err
			}
			f := finished{Meta: up.Meta, OriginalName: up.OriginalName, Received: rec}
			e.mu.Lock()
			defer e.mu.Unlock()
			if e.complete != nil {
				if err := e.complete(f); err != nil {
					intake.Discard(ctx, e.blobs, rec) // a refused record leaves nothing, as in the domain
					return err
				}
			}
			e.done = append(e.done, f)
			return nil
		},
		Describe: describeKeys,
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, f := range tweak {
		f(&cfg)
	}
	if e.srv, err = upload.New(cfg); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+base, e.srv.Create)
	mux.HandleFunc("OPTIONS "+base, e.srv.Options)
	mux.HandleFunc("HEAD "+base+"{id}", e.srv.Head)
	mux.HandleFunc("PATCH "+base+"{id}", e.srv.Patch)
	mux.HandleFunc("DELETE "+base+"{id}", e.srv.Delete)
	e.http = httptest.NewServer(mux)
	t.Cleanup(e.http.Close)
	return e
}

// describeKeys renders err in Podium's JSON error shape with the web layer's
// statuses and the message keys left untranslated.
func describeKeys(r *http.Request, err error) (int, []byte) {
	type detail struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	}
	d := detail{Code: string(fault.CodeInternal), Message: "err.internal"}
	if e := contest.Classify(err); e.Code != fault.CodeInternal {
		d = detail{Code: string(e.Code), Message: e.Message, Fields: e.Fields}
	}
	body, _ := json.Marshal(map[string]detail{"error": d})
	return web.StatusOf(fault.Code(d.Code)), body
}

// setComplete sets what the fake Complete returns (nil: accept).
func (e *env) setComplete(f func(finished) error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.complete = f
}

func (e *env) finished() []finished {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]finished(nil), e.done...)
}

type resp struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(user, method, target string, body io.Reader, header ...string) resp {
	e.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = e.http.URL + target
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, string(b)}
}

func metadata(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+" "+base64.StdEncoding.EncodeToString([]byte(kv[i+1])))
	}
	return strings.Join(parts, ",")
}

// create starts an upload and returns its URL.
func (e *env) create(user, kind, name string, length int, extra ...string) string {
	e.t.Helper()
	r := e.do(user, "POST", base, nil, "Upload-Length", strconv.Itoa(length),
		"Upload-Metadata", metadata(append([]string{"kind", kind, "entry", "42", "filename", name}, extra...)...))
	if r.status != http.StatusCreated || !strings.HasPrefix(r.header.Get("Location"), base) {
		e.t.Fatalf("create: %d %v %s", r.status, r.header, r.body)
	}
	return r.header.Get("Location")
}

func (e *env) patch(user, u string, offset int, data []byte) resp {
	e.t.Helper()
	return e.do(user, "PATCH", u, bytes.NewReader(data), "Content-Type", "application/offset+octet-stream",
		"Upload-Offset", strconv.Itoa(offset))
}

func (e *env) offset(user, u string) int {
	e.t.Helper()
	r := e.do(user, "HEAD", u, nil)
	if r.status != http.StatusOK {
		e.t.Fatalf("HEAD: %d", r.status)
	}
	n, _ := strconv.Atoi(r.header.Get("Upload-Offset"))
	return n
}

// upload sends data in chunks and returns the last response.
func (e *env) upload(user, kind, name string, data []byte, chunk int) resp {
	e.t.Helper()
	u := e.create(user, kind, name, len(data))
	var r resp
	for off := 0; off < len(data); off += chunk {
		r = e.patch(user, u, off, data[off:min(off+chunk, len(data))])
		if r.status != http.StatusNoContent {
			return r
		}
		if got := r.header.Get("Upload-Offset"); got != strconv.Itoa(min(off+chunk, len(data))) {
			e.t.Fatalf("offset after chunk at %d: %s", off, got)
		}
	}
	return r
}

// files lists the regular files under dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// nothingLeft asserts that neither a blob nor a staged upload remains.
func (e *env) nothingLeft() {
	e.t.Helper()
	if f := files(e.t, e.blobDir); len(f) != 0 {
		e.t.Errorf("blobs left: %v", f)
	}
	if f := files(e.t, e.staging); len(f) != 0 {
		e.t.Errorf("staged files left: %v", f)
	}
}

type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func wantError(t *testing.T, r resp, status int, code, message string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var b errorBody
	if err := json.Unmarshal([]byte(r.body), &b); err != nil {
		t.Fatalf("not JSON: %q (%s)", r.body, r.header.Get("Content-Type"))
	}
	if b.Error.Code != code || b.Error.Message != message {
		t.Fatalf("error %+v, want %s %s", b.Error, code, message)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
}

func businessPlan(lines int) []byte {
	var ls []string
	for i := range lines {
		ls = append(ls, fmt.Sprintf("第%d段：本项目面向制造业质量检测场景。", i))
	}
	return pdftext.Generate(ls)
}

func TestUploadInChunks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan := businessPlan(300)
	if len(plan) < 20_000 {
		t.Fatalf("plan of %d bytes is too small for this test", len(plan))
	}
	r := e.upload("alice", "business_plan", "商业计划书（终稿）.pdf", plan, 4096)
	if r.status != http.StatusNoContent {
		t.Fatalf("last chunk: %d %s", r.status, r.body)
	}
	done := e.finished()
	if len(done) != 1 {
		t.Fatalf("Complete called %d times", len(done))
	}
	f := done[0]
	sum := sha256.Sum256(plan)
	if f.Size != int64(len(plan)) || !bytes.Equal(f.SHA256, sum[:]) || f.ContentType != "application/pdf" || f.Ext != ".pdf" ||
		f.Kind != "business_plan" || f.Entry != "42" || f.OriginalName != "商业计划书（终稿）.pdf" || f.Filename != "商业计划书（终稿）.pdf" {
		t.Fatalf("finished: %+v", f)
	}
	if f.TextErr != nil || !strings.Contains(f.Text, "第299段：本项目面向制造业质量检测场景。") {
		t.Fatalf("text: %v %q…", f.TextErr, f.Text[:min(len(f.Text), 100)])
	}
	b, err := e.blobs.Open(context.Background(), f.Key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(b)
	b.Close()
	if !bytes.Equal(got, plan) {
		t.Fatal("blob differs from the upload")
	}
	if s := files(t, e.staging); len(s) != 0 {
		t.Fatalf("staging not empty: %v", s)
	}
}

func TestUploadInOneRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan := businessPlan(20)
	// creation-with-upload: the bytes come with the POST.
	r := e.do("alice", "POST", base, bytes.NewReader(plan), "Upload-Length", strconv.Itoa(len(plan)),
		"Content-Type", "application/offset+octet-stream",
		"Upload-Metadata", metadata("kind", "deck", "entry", "42", "filename", "deck.pdf"))
	if r.status != http.StatusCreated || r.header.Get("Upload-Offset") != strconv.Itoa(len(plan)) {
		t.Fatalf("%d %v %s", r.status, r.header, r.body)
	}
	if d := e.finished(); len(d) != 1 || d[0].Kind != "deck" {
		t.Fatalf("finished %+v", d)
	}
	if s := files(t, e.staging); len(s) != 0 {
		t.Fatalf("staging not empty: %v", s)
	}
}

// TestResumeAfterBreak sends half a file and drops the connection, as a
// train entering a tunnel would; HEAD then tells where to resume.
func TestResumeAfterBreak(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan := businessPlan(300)
	u := e.create("alice", "business_plan", "plan.pdf", len(plan))
	half := len(plan) / 2

	conn, err := net.Dial("tcp", e.http.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	path := mustParse(t, u).Path
	fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nX-Test-User: alice\r\n"+
		"Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: %d\r\n\r\n", path, len(plan))
	conn.Write(plan[:half])
	time.Sleep(100 * time.Millisecond) // let the server write what arrived
	conn.Close()

	var off int
	deadline := time.Now().Add(10 * time.Second)
	for off = e.offset("alice", u); off < half && time.Now().Before(deadline); off = e.offset("alice", u) {
		time.Sleep(20 * time.Millisecond)
	}
	if off != half {
		t.Fatalf("offset after the break: %d, want %d", off, half)
	}
	if len(e.finished()) != 0 {
		t.Fatal("finished early")
	}
	if r := e.patch("alice", u, off, plan[off:]); r.status != http.StatusNoContent {
		t.Fatalf("resume: %d %s", r.status, r.body)
	}
	d := e.finished()
	sum := sha256.Sum256(plan)
	if len(d) != 1 || !bytes.Equal(d[0].SHA256, sum[:]) {
		t.Fatalf("finished %+v", d)
	}
}

// TestStalledPatch: a PATCH whose body stops coming (or never starts) is cut
// off after the idle timeout with the usual 409 "interrupted", marked
// retryable, never a 5xx; what arrived is kept and the upload resumes.
func TestStalledPatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *upload.Config) { c.IdleTimeout = 300 * time.Millisecond })
	plan := businessPlan(300)
	u := e.create("alice", "business_plan", "plan.pdf", len(plan))
	for _, sent := range []int{0, 1000} {
		conn, err := net.Dial("tcp", e.http.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		off := e.offset("alice", u)
		fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nX-Test-User: alice\r\n"+
			"Content-Type: application/offset+octet-stream\r\nUpload-Offset: %d\r\nContent-Length: %d\r\n\r\n", mustParse(t, u).Path, off, len(plan)-off)
		conn.Write(plan[off : off+sent])
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		conn.Close()
		wantError(t, resp{res.StatusCode, res.Header, string(body)}, http.StatusConflict, "conflict", upload.MsgInterrupted)
		if res.Header.Get(upload.RetryableHeader) != "true" {
			t.Errorf("a stall (%d bytes sent) not marked retryable: %v", sent, res.Header)
		}
		if got := e.offset("alice", u); got != off+sent {
			t.Errorf("offset after a stall with %d bytes: %d, want %d", sent, got, off+sent)
		}
	}
	off := e.offset("alice", u)
	if r := e.patch("alice", u, off, plan[off:]); r.status != http.StatusNoContent || len(e.finished()) != 1 {
		t.Fatalf("resume after the stalls: %d %s", r.status, r.body)
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestWrongTypeLeavesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A zip, named .pdf, declared a business plan.
	fake := append([]byte("PK\x03\x04"), bytes.Repeat([]byte("x"), 5000)...)
	r := e.upload("alice", "business_plan", "plan.pdf", fake, 2000)
	wantError(t, r, http.StatusUnprocessableEntity, "invalid", "err.upload.wrong_type")
	if len(e.finished()) != 0 {
		t.Fatal("Complete called")
	}
	e.nothingLeft()
}

func TestTruncatedPDFLeavesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan := businessPlan(30)
	r := e.upload("alice", "business_plan", "plan.pdf", plan[:len(plan)-300], 4096)
	wantError(t, r, http.StatusUnprocessableEntity, "invalid", "err.upload.corrupt")
	e.nothingLeft()
}

// A PDF is stored as uploaded, and beside it the judge copy: the same
// document without the metadata that names the entrant, which intake.Receive
// reports for the identity-leak check.
func TestPDFJudgeCopy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan, err := os.ReadFile("../../files/pdfmeta/testdata/libreoffice-pdfa.pdf") // Author, Title, Keywords, XMP
	if err != nil {
		t.Fatal(err)
	}
	if r := e.upload("alice", "business_plan", "plan.pdf", plan, 8192); r.status != http.StatusNoContent {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	d := e.finished()
	if len(d) != 1 || d[0].JudgeKey == "" || d[0].JudgeKey == d[0].Key {
		t.Fatalf("finished %+v", d)
	}
	for _, want := range []string{"Author: 欧阳绝密", "Title: 秘密星辰量子科技有限公司 商业计划书", "XMP: 欧阳绝密"} {
		if !strings.Contains(d[0].Metadata, want) {
			t.Errorf("metadata lacks %q:\n%s", want, d[0].Metadata)
		}
	}
	read := func(key string) []byte {
		b, err := e.blobs.Open(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		data, _ := io.ReadAll(b)
		return data
	}
	if !bytes.Equal(read(d[0].Key), plan) {
		t.Error("the upload was not stored as sent")
	}
	judge := read(d[0].JudgeKey)
	meta, err := pdfmeta.Scrub(context.Background(), bytes.NewReader(judge), int64(len(judge)), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(meta.String(), "欧阳绝密") || strings.Contains(meta.String(), "秘密星辰") {
		t.Errorf("the judge copy has metadata:\n%s", meta)
	}
	if !bytes.HasPrefix(judge, []byte("%PDF-")) { // pdfmeta's tests check its pages, text and rendering
		t.Errorf("the judge copy is no PDF: %.20q", judge)
	}
}

// A PDF that opens only with a password cannot be read by judges, nor copied
// without its metadata: it is refused, and nothing is kept.
func TestPasswordPDFRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan, err := os.ReadFile("../../files/pdfmeta/testdata/user-password.pdf")
	if err != nil {
		t.Fatal(err)
	}
	r := e.upload("alice", "business_plan", "plan.pdf", plan, 8192)
	wantError(t, r, http.StatusUnprocessableEntity, "invalid", intake.MsgPDFPassword)
	if len(e.finished()) != 0 {
		t.Fatal("Complete called")
	}
	e.nothingLeft()
}

func TestDeclaredLengthOverLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.limit = 1000
	r := e.do("alice", "POST", base, nil, "Upload-Length", "1001",
		"Upload-Metadata", metadata("kind", "video", "entry", "42", "filename", "pitch.mp4"))
	wantError(t, r, http.StatusUnprocessableEntity, "invalid", "err.upload.too_large")
	e.nothingLeft()
}

func TestBodyOverDeclaredLength(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan := businessPlan(20)
	t.Run("Content-Length", func(t *testing.T) {
		u := e.create("alice", "business_plan", "plan.pdf", len(plan)-10)
		r := e.patch("alice", u, 0, plan)
		wantError(t, r, http.StatusRequestEntityTooLarge, "invalid", "err.upload.too_large")
		e.nothingLeft()
	})
	t.Run("chunked", func(t *testing.T) {
		u := e.create("alice", "business_plan", "plan.pdf", len(plan)-10)
		// A reader of unknown length makes the client send a chunked body.
		body := io.MultiReader(bytes.NewReader(plan))
		r := e.do("alice", "PATCH", u, body, "Content-Type", "application/offset+octet-stream", "Upload-Offset", "0")
		wantError(t, r, http.StatusRequestEntityTooLarge, "invalid", "err.upload.too_large")
		e.nothingLeft()
	})
	if len(e.finished()) != 0 {
		t.Fatal("Complete called")
	}
}

func TestCreateRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		authErr error
		user    string
		header  []string
		status  int
		code    string
		message string
	}{
		{"past the deadline", fault.Conflict("err.entry.deadline_passed"), "alice", nil, 409, "conflict", "err.entry.deadline_passed"},
		{"not the entrant's entry", fault.Forbidden("err.forbidden"), "alice", nil, 403, "forbidden", "err.forbidden"},
		{"unknown entry", nil, "alice", []string{"Upload-Metadata", metadata("kind", "deck", "entry", "7")}, 404, "not_found", "err.entry.not_found"},
		{"anonymous", nil, "", nil, 401, "unauthorized", "err.login.required"},
		{"unknown kind", nil, "alice", []string{"Upload-Metadata", metadata("kind", "resume", "entry", "42")}, 422, "invalid", "err.invalid"},
		{"no length", nil, "alice", []string{"Upload-Length", ""}, 422, "invalid", "err.upload.protocol"},
		{"deferred length", nil, "alice", []string{"Upload-Length", "", "Upload-Defer-Length", "1"}, 422, "invalid", "err.upload.protocol"},
		{"empty file", nil, "alice", []string{"Upload-Length", "0"}, 422, "invalid", "err.upload.empty"},
		{"concatenation", nil, "alice", []string{"Upload-Concat", "partial"}, 422, "invalid", "err.upload.protocol"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.authErr = c.authErr
			h := append([]string{"Upload-Length", "100", "Upload-Metadata", metadata("kind", "deck", "entry", "42")}, c.header...)
			r := e.do(c.user, "POST", base, nil, h...)
			wantError(t, r, c.status, c.code, c.message)
			e.nothingLeft()
		})
	}
}

func TestOnlyTheOwnerMayContinue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan := businessPlan(30)
	// The client's metadata cannot claim an owner.
	u := e.create("alice", "business_plan", "plan.pdf", len(plan), "owner", "mallory")
	if r := e.patch("alice", u, 0, plan[:100]); r.status != http.StatusNoContent {
		t.Fatalf("owner's PATCH: %d %s", r.status, r.body)
	}
	for _, user := range []string{"mallory", "bob"} {
		wantError(t, e.patch(user, u, 100, plan[100:]), 403, "forbidden", "err.forbidden")
		if r := e.do(user, "HEAD", u, nil); r.status != 403 || r.header.Get("Upload-Offset") != "" {
			t.Fatalf("%s's HEAD: %d %v", user, r.status, r.header)
		}
		wantError(t, e.do(user, "DELETE", u, nil), 403, "forbidden", "err.forbidden")
	}
	wantError(t, e.patch("", u, 100, plan[100:]), 401, "unauthorized", "err.login.required")
	if off := e.offset("alice", u); off != 100 {
		t.Fatalf("offset %d after others' attempts", off)
	}
	if r := e.patch("alice", u, 100, plan[100:]); r.status != http.StatusNoContent {
		t.Fatalf("owner's last PATCH: %d %s", r.status, r.body)
	}
	if len(e.finished()) != 1 {
		t.Fatal("not finished")
	}
}

// TestFinalResponseLost: the last PATCH's response never reached the client,
// which asks again (HEAD, or the same PATCH); it learns the upload is complete
// instead of sending it all again, and Complete is not called twice.
func TestFinalResponseLost(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan := businessPlan(30)
	u := e.create("alice", "business_plan", "plan.pdf", len(plan))
	if r := e.patch("alice", u, 0, plan); r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	r := e.do("alice", "HEAD", u, nil)
	if r.status != http.StatusOK || r.header.Get("Upload-Offset") != strconv.Itoa(len(plan)) || r.header.Get("Upload-Length") != strconv.Itoa(len(plan)) {
		t.Fatalf("HEAD: %d %v", r.status, r.header)
	}
	if r := e.patch("alice", u, len(plan), nil); r.status != http.StatusNoContent || r.header.Get("Upload-Offset") != strconv.Itoa(len(plan)) {
		t.Fatalf("PATCH: %d %v", r.status, r.header)
	}
	if r := e.do("bob", "HEAD", u, nil); r.status != http.StatusForbidden {
		t.Fatalf("bob's HEAD: %d", r.status)
	}
	wantError(t, e.do("alice", "DELETE", u, nil), 404, "not_found", "err.upload.not_found")
	if d := e.finished(); len(d) != 1 {
		t.Fatalf("Complete called %d times", len(d))
	}
	if f := files(t, e.staging); len(f) != 0 {
		t.Fatalf("staging: %v", f)
	}
}

func TestDeleteRemovesAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan := businessPlan(30)
	u := e.create("alice", "business_plan", "plan.pdf", len(plan))
	e.patch("alice", u, 0, plan[:500])
	if r := e.do("alice", "DELETE", u, nil); r.status != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	e.nothingLeft()
	if r := e.do("alice", "HEAD", u, nil); r.status != http.StatusNotFound {
		t.Fatalf("HEAD after DELETE: %d", r.status)
	}
	wantError(t, e.patch("alice", u, 500, plan[500:]), 404, "not_found", "err.upload.not_found")
}

func TestTusErrorsAreJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan := businessPlan(30)
	u := e.create("alice", "business_plan", "plan.pdf", len(plan))
	r := e.patch("alice", u, 7, plan[7:])
	wantError(t, r, 409, "conflict", "err.upload.offset_mismatch")
	if r.header.Get(upload.RetryableHeader) != "true" {
		t.Fatalf("offset mismatch not marked retryable: %v", r.header)
	}
	r = e.do("alice", "PATCH", u, bytes.NewReader(plan), "Upload-Offset", "0", "Content-Type", "text/plain")
	wantError(t, r, 400, "invalid", "err.upload.protocol")
	r = e.do("alice", "PATCH", u, bytes.NewReader(plan), "Upload-Offset", "0", "Content-Type", "application/offset+octet-stream", "Tus-Resumable", "0.2")
	wantError(t, r, 412, "invalid", "err.upload.protocol")
	wantError(t, e.patch("alice", e.http.URL+base+"nonexistent", 0, plan), 404, "not_found", "err.upload.not_found")
	wantError(t, e.patch("alice", e.http.URL+base+"..%2f..%2fetc", 0, plan), 404, "not_found", "err.upload.not_found")
	if r := e.do("alice", "OPTIONS", base, nil); r.status != http.StatusOK || r.header.Get("Tus-Version") != "1.0.0" {
		t.Fatalf("OPTIONS: %d %v", r.status, r.header)
	}
}

func TestCompleteRefusedLeavesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setComplete(func(finished) error { return fault.Conflict("err.entry.locked") })
	r := e.upload("alice", "business_plan", "plan.pdf", businessPlan(30), 1<<20)
	wantError(t, r, 409, "conflict", "err.entry.locked")
	if r.header.Get(upload.RetryableHeader) != "" {
		t.Fatal("a refusal marked retryable")
	}
	e.nothingLeft()
}

// TestCompleteFailsThenRetry: an internal failure (the database is away) keeps
// the complete staged file, so the client's retry finishes without re-sending.
func TestCompleteFailsThenRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setComplete(func(finished) error { return errors.New("database unreachable") })
	plan := businessPlan(30)
	u := e.create("alice", "business_plan", "plan.pdf", len(plan))
	wantError(t, e.patch("alice", u, 0, plan), 500, "internal", "err.internal")
	if f := files(t, e.blobDir); len(f) != 0 {
		t.Fatalf("blob kept after the failure: %v", f)
	}
	if f := files(t, e.staging); len(f) == 0 {
		t.Fatal("staged upload removed after a transient failure")
	}
	e.setComplete(nil)
	r := e.do("alice", "HEAD", u, nil) // tus-js-client resumes with HEAD
	if r.status != http.StatusOK || r.header.Get("Upload-Offset") != strconv.Itoa(len(plan)) {
		t.Fatalf("HEAD: %d %v", r.status, r.header)
	}
	if d := e.finished(); len(d) != 1 {
		t.Fatalf("finished %d times", len(d))
	}
	if f := files(t, e.staging); len(f) != 0 {
		t.Fatalf("staging not empty: %v", f)
	}
	// And a PATCH retry at the end offset (instead of HEAD) finishes too.
	e.setComplete(func(finished) error { return errors.New("database unreachable") })
	u = e.create("alice", "business_plan", "plan.pdf", len(plan))
	e.patch("alice", u, 0, plan)
	e.setComplete(nil)
	if r := e.patch("alice", u, len(plan), nil); r.status != http.StatusNoContent {
		t.Fatalf("PATCH retry: %d %s", r.status, r.body)
	}
	if d := e.finished(); len(d) != 2 {
		t.Fatalf("finished %d times", len(d))
	}
}

func TestSweep(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan := businessPlan(30)
	old := e.create("alice", "business_plan", "plan.pdf", len(plan))
	e.patch("alice", old, 0, plan[:100])
	fresh := e.create("alice", "business_plan", "plan.pdf", len(plan))
	e.patch("alice", fresh, 0, plan[:100])
	orphan := filepath.Join(e.staging, "0123abcd") // bytes without info, from a crash
	os.WriteFile(orphan, []byte("x"), 0o600)

	past := time.Now().Add(-48 * time.Hour)
	id := filepath.Base(mustParse(t, old).Path)
	for _, p := range []string{filepath.Join(e.staging, id), filepath.Join(e.staging, id+".info"), orphan} {
		if err := os.Chtimes(p, past, past); err != nil {
			t.Fatal(err)
		}
	}
	n, err := e.srv.Sweep(context.Background(), 24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("swept %d, %v", n, err)
	}
	if r := e.do("alice", "HEAD", old, nil); r.status != http.StatusNotFound {
		t.Fatalf("old upload: %d", r.status)
	}
	if off := e.offset("alice", fresh); off != 100 {
		t.Fatalf("fresh upload: offset %d", off)
	}
	if _, err := os.Stat(orphan); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("orphan kept")
	}
	if f := files(t, e.staging); len(f) != 2 {
		t.Fatalf("staging: %v", f)
	}
}

func TestFileNamesSanitized(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	plan := businessPlan(10)
	for _, c := range []struct{ sent, want string }{
		{"../../etc/passwd", "passwd"},
		{`C:\Users\张伟\Desktop\计划书.pdf`, "计划书.pdf"},
		{"plan\u202efdp.exe", "planfdp.exe"},
		{"  ..hidden.pdf  ", "hidden.pdf"},
		{"a\x00b\nc.pdf", "ab c.pdf"},
		{"", "file"},
	} {
		e.mu.Lock()
		e.done = nil
		e.mu.Unlock()
		if r := e.upload("alice", "attachment", c.sent, plan, 1<<20); r.status != http.StatusNoContent {
			t.Fatalf("%q: %d %s", c.sent, r.status, r.body)
		}
		if d := e.finished(); len(d) != 1 || d[0].OriginalName != c.want {
			t.Errorf("%q: original name %q, want %q", c.sent, d[0].OriginalName, c.want)
		}
	}
}

func TestConcurrentUploads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			plan := businessPlan(50 + i)
			u := e.create(fmt.Sprint("user", i), "business_plan", "plan.pdf", len(plan))
			for off := 0; off < len(plan); off += 3000 {
				e.patch(fmt.Sprint("user", i), u, off, plan[off:min(off+3000, len(plan))])
			}
		}()
	}
	wg.Wait()
	if d := e.finished(); len(d) != 8 {
		t.Fatalf("%d finished", len(d))
	}
	if f := files(t, e.blobDir); len(f) != 16 { // each PDF and its judge copy
		t.Fatalf("%d blobs", len(f))
	}
}
