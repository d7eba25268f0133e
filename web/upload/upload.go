// Package upload receives entrants' files with the tus resumable upload
// protocol (https://tus.io), so that a 500 MB video survives a flaky
// connection: the browser sends it in chunks and, after a break, asks how much
// arrived and continues from there.
//
// It wraps tusd's unrouted handler (github.com/tus/tusd/v2) with Podium's
// rules. Partial uploads live in a staging directory (tusd's file store); when
// the last byte arrives the staged file is handed to Config.Complete, which
// accepts it — the domain checks it by content, stores it and records it
// (contest/entry, AcceptUpload). A file the domain refuses leaves nothing
// behind: its staged bytes are removed here, the rest is the domain's.
//
// # Who may continue an upload
//
// An upload's URL is not a capability. When an upload is created, Config.Owner
// names the caller (Podium passes the account ID) and that name is stored in
// the upload's server-side metadata, which clients cannot set: every metadata
// key a client sends is dropped except kind, entry and filename. HEAD, PATCH
// and DELETE on an upload first compare Owner(request) with the stored owner
// and answer 403 when they differ (404 for unknown uploads), before tusd sees
// the request. Authorization of the upload itself (may this account add a
// file of this kind to this entry now, and how large) is Config.Authorize's,
// at creation; Config.Complete re-checks what must hold when the file is
// recorded (the deadline, say).
//
// # Errors
//
// Every error reaches the client as Podium's JSON error body, rendered by
// Config.Describe, with tusd's status code kept for tusd's own errors (the
// tus client's retry logic depends on them).
//
// # Several instances
//
// The staging directory and the upload locks are per instance by default
// (tusd's in-memory locker), so requests for one upload must reach the
// instance that holds it: route /api/v1/uploads/ with sticky sessions, or
// share the staging directory and pass a Locker that works across instances.
// Accepted files go to the shared blob store, through the domain.
package upload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"

	"podium/fault"
	"podium/files/filecheck"
)

// Config configures the upload server.
type Config struct {
	// StagingDir holds partial uploads (PODIUM_DATA_DIR/tus); created if missing.
	StagingDir string
	// BasePath is the URL path the upload routes live under, e.g. "/api/v1/uploads/".
	BasePath string
	// Owner names the caller — the account ID — or returns "" for an anonymous
	// request, which is refused. An upload may only be continued, queried or
	// cancelled by requests with the same owner as the one that created it.
	Owner func(r *http.Request) string
	// Authorize is called when an upload is created, with the request, the
	// client's metadata and the declared length. It returns the byte limit for
	// this upload, or an error (a *fault.Error: forbidden, not found, invalid,
	// conflict e.g. past the deadline), which is sent to the client.
	Authorize func(r *http.Request, meta Meta, length int64) (limit int64, err error)
	// Complete is called once all bytes arrived, with the staged file; it
	// accepts the file (checks, stores and records it) or refuses it, leaving
	// nothing of it stored. Its error is sent to the client: a refusal (a
	// *fault.Error neither internal nor unavailable) removes the staged
	// upload; any other failure keeps it for the client's retry. It runs at
	// most once per upload that it accepts.
	Complete func(ctx context.Context, r *http.Request, up Staged) error
	// Describe renders an error as an HTTP status and Podium's JSON error body
	// {"error":{"code":…,"message":…,"fields":{…}}}, translating message keys:
	// the web layer's one table of statuses and its catalogs decide both.
	Describe func(r *http.Request, err error) (status int, body []byte)
	// MaxSize is an absolute cap on any upload, whatever Authorize allows;
	// 4 GiB when zero.
	MaxSize int64
	// IdleTimeout is how long a request may wait for the next bytes of an
	// upload; each read that goes through moves the deadline on (tusd's
	// NetworkTimeout), so a dead connection is cut while a slow one goes on.
	// 60 seconds when zero.
	IdleTimeout time.Duration
	// Locker serializes requests on one upload; tusd's in-memory locker when nil.
	Locker tusd.Locker
	Log    *slog.Logger
}

// Meta is what the client says about an upload (tus Upload-Metadata).
type Meta struct {
	Entry string // the entry's ID, as sent
	Kind  string // business_plan, deck, video or attachment
	// Filename is the name the client sent, cut to 1 KiB of valid UTF-8. Never
	// use it for storage or display; Staged.OriginalName is the safe form.
	Filename string
}

// Staged is an upload whose bytes all arrived: the staged file, to be
// accepted by Config.Complete. File is valid during the call only.
type Staged struct {
	Meta
	OriginalName string // Filename sanitized (SanitizeFilename)
	File         *os.File
	Size         int64
}

// Metadata keys: the client's, and the server's own.
const (
	metaKind     = "kind"
	metaEntry    = "entry"
	metaFilename = "filename"
	metaName     = "name" // sanitized
	metaOwner    = "owner"
)

// Server serves the tus routes. Mount Create on POST BasePath and Head, Patch
// and Delete on BasePath + ":id" (Options on both if wanted).
type Server struct {
	cfg      Config
	tus      *tusd.UnroutedHandler
	store    filestore.FileStore
	composer *tusd.StoreComposer
	log      *slog.Logger

	mu     sync.Mutex
	recent map[string]finishedUpload // uploads finished in the last day, by ID
}

// finishedUpload is remembered so that a client whose final response was lost
// learns on retry that its upload is complete, rather than sending it again.
type finishedUpload struct {
	owner string
	size  int64
	at    time.Time
}

const rememberFinished = 24 * time.Hour

func (s *Server) remember(id, owner string, size int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for k, v := range s.recent {
		if now.Sub(v.at) > rememberFinished {
			delete(s.recent, k)
		}
	}
	s.recent[id] = finishedUpload{owner, size, now}
}

func (s *Server) recentlyFinished(id string) (finishedUpload, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.recent[id]
	return f, ok && time.Since(f.at) <= rememberFinished
}

// errFinished: the upload was finished (and recorded) already.
var errFinished = errors.New("upload already finished")

// New builds the server.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.StagingDir == "" || cfg.BasePath == "":
		return nil, errors.New("upload: StagingDir and BasePath are required")
	case cfg.Owner == nil || cfg.Authorize == nil || cfg.Complete == nil || cfg.Describe == nil:
		return nil, errors.New("upload: Owner, Authorize, Complete and Describe are required")
	}
	if !strings.HasSuffix(cfg.BasePath, "/") {
		cfg.BasePath += "/"
	}
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = 4 << 30
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if err := os.MkdirAll(cfg.StagingDir, 0o750); err != nil {
		return nil, fmt.Errorf("upload staging directory: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.Log, store: filestore.New(cfg.StagingDir), composer: tusd.NewStoreComposer(),
		recent: map[string]finishedUpload{}}
	s.store.UseIn(s.composer)
	if cfg.Locker != nil {
		s.composer.UseLocker(cfg.Locker)
	} else {
		memorylocker.New().UseIn(s.composer)
	}
	h, err := tusd.NewUnroutedHandler(tusd.Config{
		StoreComposer:             s.composer,
		BasePath:                  cfg.BasePath,
		MaxSize:                   cfg.MaxSize,
		DisableDownload:           true,
		DisableConcatenation:      true,
		Cors:                      &tusd.CorsConfig{Disable: true}, // same origin only
		PreUploadCreateCallback:   s.preCreate,
		PreFinishResponseCallback: s.preFinish,
		Logger:                    tusLogger(cfg.Log),
		NetworkTimeout:            cfg.IdleTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	s.tus = h
	return s, nil
}

// Context keys of the values a request carries through tusd to its callbacks.
type ctxKey int

const (
	keyState ctxKey = iota
	keyCreate
)

// reqState is what the callbacks of one request need.
type reqState struct {
	r        *http.Request // the request as the caller's router passed it (session and all)
	body     *countingBody
	finished bool // the finish step ran (whatever its outcome)
}

// creation is what Create decided for a new upload's metadata.
type creation struct{ meta map[string]string }

func protocolError(detail string) error {
	return &fault.Error{Code: fault.CodeInvalid, Message: "err.upload.protocol", Err: errors.New(detail)}
}

func tooLarge() error {
	return &fault.Error{Code: fault.CodeInvalid, Message: "err.upload.too_large",
		Fields: map[string]string{"file": "err.upload.too_large"}}
}

// Create starts an upload (tus POST): it checks the request, asks Authorize,
// and lets tusd create the upload with server-side metadata only.
func (s *Server) Create(w http.ResponseWriter, r *http.Request) {
	owner := s.cfg.Owner(r)
	if owner == "" {
		s.fail(w, r, fault.Unauthorized("err.login.required"))
		return
	}
	if r.Header.Get("X-HTTP-Method-Override") != "" || r.Header.Get("Upload-Concat") != "" {
		s.fail(w, r, protocolError("method override or concatenation"))
		return
	}
	length, err := strconv.ParseInt(r.Header.Get("Upload-Length"), 10, 64)
	if err != nil || length < 0 {
		s.fail(w, r, protocolError("Upload-Length missing or invalid (deferred lengths are not accepted)"))
		return
	}
	if length == 0 {
		s.fail(w, r, &fault.Error{Code: fault.CodeInvalid, Message: filecheck.MsgEmpty,
			Fields: map[string]string{"file": filecheck.MsgEmpty}})
		return
	}
	md := tusd.ParseMetadataHeader(r.Header.Get("Upload-Metadata"))
	meta := Meta{Entry: md[metaEntry], Kind: md[metaKind], Filename: capUTF8(md[metaFilename], 1024)}
	if _, err := filecheck.ParseKind(meta.Kind); err != nil {
		s.fail(w, r, err)
		return
	}
	limit, err := s.cfg.Authorize(r, meta, length)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if length > limit || length > s.cfg.MaxSize {
		s.fail(w, r, tooLarge())
		return
	}
	c := &creation{meta: map[string]string{
		metaKind: meta.Kind, metaEntry: meta.Entry, metaFilename: meta.Filename,
		metaName: SanitizeFilename(meta.Filename), metaOwner: owner,
	}}
	st := &reqState{r: r}
	ctx := context.WithValue(context.WithValue(r.Context(), keyCreate, c), keyState, st)
	r2 := r.WithContext(ctx)
	if r.Body != nil && r.Body != http.NoBody { // creation-with-upload
		st.body = &countingBody{ReadCloser: r.Body, limit: length}
		r2.Body = st.body
	}
	s.serve(w, r2, s.tus.PostFile)
}

// preCreate replaces the client's metadata with what Create decided.
func (s *Server) preCreate(hook tusd.HookEvent) (tusd.HTTPResponse, tusd.FileInfoChanges, error) {
	c, ok := hook.Context.Value(keyCreate).(*creation)
	if !ok {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, errors.New("upload: creation outside Create")
	}
	return tusd.HTTPResponse{}, tusd.FileInfoChanges{MetaData: c.meta}, nil
}

// idPattern matches the IDs tusd's file store makes (hex), and rejects paths.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// uploadID returns the upload ID from the request path (BasePath + id).
func (s *Server) uploadID(r *http.Request) (string, bool) {
	id, ok := strings.CutPrefix(r.URL.Path, s.cfg.BasePath)
	return id, ok && idPattern.MatchString(id)
}

// owned loads an upload's info if the caller may act on it. For an upload
// finished lately it returns errFinished and an info with its size.
func (s *Server) owned(r *http.Request) (tusd.FileInfo, error) {
	id, ok := s.uploadID(r)
	if !ok {
		return tusd.FileInfo{}, fault.NotFound("err.upload.not_found")
	}
	owner := s.cfg.Owner(r)
	if owner == "" {
		return tusd.FileInfo{}, fault.Unauthorized("err.login.required")
	}
	up, err := s.store.GetUpload(r.Context(), id)
	if errors.Is(err, tusd.ErrNotFound) {
		f, ok := s.recentlyFinished(id)
		switch {
		case !ok:
			return tusd.FileInfo{}, fault.NotFound("err.upload.not_found")
		case f.owner != owner:
			return tusd.FileInfo{}, fault.Forbidden("err.forbidden")
		}
		return tusd.FileInfo{ID: id, Size: f.size, Offset: f.size}, errFinished
	}
	if err != nil {
		return tusd.FileInfo{}, fmt.Errorf("upload %s: %w", id, err)
	}
	info, err := up.GetInfo(r.Context())
	if err != nil {
		return tusd.FileInfo{}, fmt.Errorf("upload %s: %w", id, err)
	}
	if info.MetaData[metaOwner] != owner {
		return tusd.FileInfo{}, fault.Forbidden("err.forbidden")
	}
	return info, nil
}

// withID returns r for tusd: its path reduced to the upload ID, as tusd's
// unrouted handlers expect.
func withID(r *http.Request, id string) *http.Request {
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = id, ""
	return r2
}

// Head reports an upload's offset (tus HEAD). An upload that is complete but
// not yet finished (its finish failed on a transient error) is finished now.
func (s *Server) Head(w http.ResponseWriter, r *http.Request) {
	info, err := s.owned(r)
	if err == errFinished {
		s.answerComplete(w, r, info.Size)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if complete(info) {
		s.finishLate(w, r, info)
		return
	}
	s.serve(w, withID(r, info.ID), s.tus.HeadFile)
}

// Patch appends a chunk (tus PATCH); the last one triggers the finish step.
func (s *Server) Patch(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-HTTP-Method-Override") != "" {
		s.fail(w, r, protocolError("method override"))
		return
	}
	info, err := s.owned(r)
	if err == errFinished {
		s.answerComplete(w, r, info.Size)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if complete(info) {
		s.finishLate(w, r, info)
		return
	}
	st := &reqState{r: r}
	r2 := withID(r.WithContext(context.WithValue(r.Context(), keyState, st)), info.ID)
	if off, err := strconv.ParseInt(r.Header.Get("Upload-Offset"), 10, 64); err == nil && off >= 0 && r.Body != nil {
		st.body = &countingBody{ReadCloser: r.Body, limit: info.Size - off}
		r2.Body = st.body
	}
	rw := s.serve(w, r2, s.tus.PatchFile)
	if rw.tusCode == "ERR_UPLOAD_SIZE_EXCEEDED" || st.body != nil && st.body.over && !st.finished {
		// More bytes than declared: the upload is void.
		s.discard(context.WithoutCancel(r.Context()), info.ID)
	}
}

// Delete cancels an upload (tus termination): its staged bytes are removed at once.
func (s *Server) Delete(w http.ResponseWriter, r *http.Request) {
	info, err := s.owned(r)
	if err == errFinished { // recorded already: removing it is the application's business
		err = fault.NotFound("err.upload.not_found")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.serve(w, withID(r, info.ID), s.tus.DelFile)
}

// Options answers tus's protocol discovery (OPTIONS).
func (s *Server) Options(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, func(http.ResponseWriter, *http.Request) {})
}

func complete(info tusd.FileInfo) bool { return !info.SizeIsDeferred && info.Offset == info.Size }

// serve runs a tusd handler behind tusd's middleware, with tusd's plain-text
// errors turned into Podium's JSON.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) *errorRewriter {
	rw := &errorRewriter{w: w}
	s.tus.Middleware(h).ServeHTTP(rw, r)
	s.flushRewritten(rw, r)
	return rw
}

// fail answers with err in Podium's JSON shape.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.cfg.Describe(r, err)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Tus-Resumable", "1.0.0")
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", RetryAfter)
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// countingBody counts a request body and notes whether it carries more than
// limit bytes (tusd reads at most the declared length and ignores the rest).
type countingBody struct {
	io.ReadCloser
	limit int64
	n     int64
	over  bool
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if c.n += int64(n); c.n > c.limit {
		c.over = true
	}
	return n, err
}

func capUTF8(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
