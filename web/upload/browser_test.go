package upload_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/files/pdftext"
)

// browserPage is a page with one upload input, as Podium's entrant pages have.
const browserPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="csrf-token" content="token-123">
<script src="/static/vendor/tus.min.js" defer></script>
<script src="/static/upload.js" defer></script>
</head><body>
<label>商业计划书 <input type="file" data-upload-kind="%s" data-upload-entry="42" data-upload-endpoint="/api/v1/uploads/"></label>
</body></html>`

// newBrowserEnv serves the upload routes behind a CSRF check like Podium's,
// the static files from ../static, and a page for each kind at /page/{kind}.
func newBrowserEnv(t *testing.T) (*env, *httptest.Server, *atomic.Int32) {
	e := newEnv(t)
	e.limit = 20 << 20
	var patches atomic.Int32
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("../static"))))
	mux.HandleFunc("GET /page/{kind}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'")
		fmt.Fprintf(w, browserPage, r.PathValue("kind"))
	})
	api := e.http.Config.Handler
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead && r.Header.Get("X-CSRF-Token") != "token-123" {
			http.Error(w, "csrf", http.StatusForbidden)
			return
		}
		if r.Method == http.MethodPatch {
			patches.Add(1)
		}
		// The browser's session, as far as this test goes.
		r.Header.Set("X-Test-User", "alice")
		api.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return e, srv, &patches
}

func chromium(t *testing.T) string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("browser tests need Chromium: apt-get install -y chromium (or set CHROMIUM)")
	return ""
}

func browser(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// TestBrowserUpload drives upload.js in Chromium: a 6 MB business plan goes
// up in two chunks with the CSRF header, the progress bar fills and the status
// says so; a picture chosen as a business plan shows the server's message.
func TestBrowserUpload(t *testing.T) {
	e, srv, patches := newBrowserEnv(t)
	ctx := browser(t)
	dir := t.TempDir()

	var lines []string
	for i := 0; len(lines) < 45_000; i++ {
		lines = append(lines, fmt.Sprintf("第%d段：星河智能科技有限公司的工业质检平台 %d", i, i))
	}
	plan := pdftext.Generate(lines)
	if len(plan) < 5<<20+1 {
		t.Fatalf("plan of %d bytes fits in one chunk", len(plan))
	}
	planPath := filepath.Join(dir, "商业计划书.pdf")
	os.WriteFile(planPath, plan, 0o600)

	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/page/business_plan"),
		chromedp.WaitReady(`span.upload-status`),
		chromedp.SetUploadFiles(`input[type=file]`, []string{planPath}),
		chromedp.WaitVisible(`span.upload-done`),
	)
	if err != nil {
		t.Fatalf("upload in the browser: %v", err)
	}
	status, err := chromedp.Run(ctx, chromedp.Text(`span.upload-status`))
	if err != nil {
		t.Fatal(err)
	}
	progress, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("progress").value`))
	if err != nil {
		t.Fatal(err)
	}
	if status != "上传完成" || progress != 100 {
		t.Errorf("status %q, progress %v", status, progress)
	}
	done := e.finished()
	sum := sha256.Sum256(plan)
	if len(done) != 1 || !bytes.Equal(done[0].SHA256, sum[:]) || done[0].OriginalName != "商业计划书.pdf" || done[0].Entry != "42" {
		t.Fatalf("finished %+v", done)
	}
	if n := patches.Load(); n < 2 {
		t.Errorf("%d PATCH requests; 5 MB chunks expected", n)
	}

	pngPath := filepath.Join(dir, "plan.pdf")
	os.WriteFile(pngPath, []byte("\x89PNG\r\n\x1a\nnot really"), 0o600)
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/page/business_plan"),
		chromedp.WaitReady(`span.upload-status`),
		chromedp.SetUploadFiles(`input[type=file]`, []string{pngPath}),
		chromedp.WaitVisible(`span.upload-error`),
	)
	if err != nil {
		t.Fatalf("refused upload in the browser: %v", err)
	}
	if status, err = chromedp.Run(ctx, chromedp.Text(`span.upload-status`)); err != nil {
		t.Fatal(err)
	}
	// The test's Describe leaves message keys untranslated.
	if !strings.HasPrefix(status, "上传失败：") || !strings.Contains(status, "err.upload.wrong_type") {
		t.Errorf("status %q", status)
	}
	if len(e.finished()) != 1 {
		t.Error("the refused file was recorded")
	}
	e.nothingLeftBut(2) // the accepted PDF and its judge copy
}

// nothingLeftBut asserts that only n blobs and no staged upload remain.
func (e *env) nothingLeftBut(n int) {
	e.t.Helper()
	if f := files(e.t, e.blobDir); len(f) != n {
		e.t.Errorf("blobs: %v", f)
	}
	if f := files(e.t, e.staging); len(f) != 0 {
		e.t.Errorf("staged files left: %v", f)
	}
}
