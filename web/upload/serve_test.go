package upload_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"podium/files/blob"
	"podium/web/upload"
)

func TestSanitizeFilename(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("很长的文件名", 30) + ".pdf"
	cases := map[string]string{
		"商业计划书.pdf":            "商业计划书.pdf",
		"../../etc/passwd":     "passwd",
		`C:\x\y.pdf`:           "y.pdf",
		"/abs/path/plan.pptx":  "plan.pptx",
		"..":                   "file",
		"...":                  "file",
		"":                     "file",
		"a<b>c:d\"e|f?g*h.pdf": "a_b_c_d_e_f_g_h.pdf",
		"tab\there.pdf":        "tab here.pdf",
		"rtl\u202egnp.pdf":     "rtlgnp.pdf",
		"zero\u200bwidth.pdf":  "zerowidth.pdf",
		"bad\xffutf8.pdf":      "badutf8.pdf",
		"ｆｕｌｌ.pdf":             "ｆｕｌｌ.pdf",   // kept as typed (NFC, not NFKC)
		"e\u0301.pdf":          "\u00e9.pdf", // NFC
		"name. . .":            "name",
	}
	for in, want := range cases {
		if got := upload.SanitizeFilename(in); got != want {
			t.Errorf("SanitizeFilename(%q) = %q, want %q", in, got, want)
		}
	}
	got := upload.SanitizeFilename(long)
	if len(got) > 180 || !strings.HasSuffix(got, ".pdf") || !strings.HasPrefix(got, "很长的文件名") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("long name: %q (%d bytes)", got, len(got))
	}
}

func TestContentDisposition(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"商业计划书 终稿.pdf", "plan.pdf", `say "hi" 100%.pdf`, "../x;y=z.pdf"} {
		v := upload.ContentDisposition("attachment", name)
		disp, params, err := mime.ParseMediaType(v)
		if err != nil || disp != "attachment" {
			t.Fatalf("%q: %q: %v", name, v, err)
		}
		// Go's parser prefers filename* (RFC 5987), as browsers do.
		if want := upload.SanitizeFilename(name); params["filename"] != want {
			t.Errorf("%q: filename %q, want %q (header %q)", name, params["filename"], want, v)
		}
		for _, r := range v {
			if r > 0x7e || r < 0x20 {
				t.Errorf("%q: non-ASCII in header %q", name, v)
			}
		}
	}
	if v := upload.ContentDisposition("inline", "商业计划书.pdf"); !strings.HasPrefix(v, `inline; filename="download.pdf"; filename*=UTF-8''%E5%95%86`) {
		t.Errorf("got %q", v)
	}
}

func TestServeBlob(t *testing.T) {
	t.Parallel()
	store, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := blob.NewKey()
	data := "0123456789abcdefghij"
	if _, _, err := store.Put(context.Background(), key, strings.NewReader(data), 100); err != nil {
		t.Fatal(err)
	}
	serve := func(ct, name string, inline bool, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/files/x", nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		if err := upload.ServeBlob(w, req, store, key, ct, name, inline); err != nil {
			t.Fatal(err)
		}
		return w
	}

	w := serve("application/pdf", "商业计划书.pdf", true)
	h := w.Header()
	if w.Code != 200 || w.Body.String() != data || h.Get("Content-Type") != "application/pdf" ||
		h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Disposition"), "inline;") ||
		!strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''%E5%95%86%E4%B8%9A") || h.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("%d %v %q", w.Code, h, w.Body)
	}

	w = serve("video/mp4", "pitch.mp4", true, "Range", "bytes=5-9")
	if w.Code != http.StatusPartialContent || w.Body.String() != "56789" || w.Header().Get("Content-Range") != "bytes 5-9/20" {
		t.Fatalf("range: %d %q %v", w.Code, w.Body, w.Header())
	}
	etag := w.Header().Get("ETag")
	if w = serve("video/mp4", "pitch.mp4", true, "If-None-Match", etag); w.Code != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", w.Code)
	}

	// Types not safe to show are always downloads; unknown ones are octet streams.
	w = serve("application/vnd.openxmlformats-officedocument.presentationml.presentation", "deck.pptx", true)
	if !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment;") {
		t.Fatalf("pptx inline: %v", w.Header())
	}
	if w = serve("", "x", false); w.Header().Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("no type: %v", w.Header())
	}

	err = upload.ServeBlob(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), store, blob.NewKey(), "application/pdf", "x.pdf", false)
	if !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("missing blob: %v", err)
	}
	_ = io.Discard
}
