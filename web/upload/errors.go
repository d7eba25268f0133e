package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	xslog "golang.org/x/exp/slog"

	"podium/fault"
)

// Message keys of this package's own errors (besides filecheck's and blob's).
const (
	MsgProtocol       = "err.upload.protocol"        // a malformed tus request
	MsgOffsetMismatch = "err.upload.offset_mismatch" // the client's offset is not the server's
	MsgBusy           = "err.upload.busy"            // another request holds the upload
	MsgInterrupted    = "err.upload.interrupted"     // the connection broke off; the client resumes
)

// RetryAfter is the Retry-After of a 503 (PostgreSQL unreachable), in seconds.
const RetryAfter = "5"

// RetryableHeader marks error responses after which a client should retry
// (tus's conflicts of offset and locks, broken connections). Other 409s are
// refusals — past the deadline, say — that retrying cannot change; 5xx
// responses are always worth a retry.
const RetryableHeader = "Podium-Retryable"

var retryable = map[string]bool{
	"ERR_MISMATCHED_OFFSET": true, "ERR_UPLOAD_LOCKED": true, "ERR_LOCK_TIMEOUT": true, "ERR_UPLOAD_INTERRUPTED": true,
	"ERR_UNEXPECTED_EOF": true, "ERR_READ_TIMEOUT": true, "ERR_CONNECTION_RESET": true, "ERR_SERVER_SHUTDOWN": true,
}

// clientSide are tusd's errors that are the client's connection's doing, not
// the server's, whatever tusd's status (it answers a stalled body, a read
// timeout, and a reset with 500 so that old clients retry): they answer with
// Podium's status for them, 409 (tus clients retry a 409 too), never a 5xx.
var clientSide = map[string]bool{
	"ERR_UPLOAD_INTERRUPTED": true, "ERR_UNEXPECTED_EOF": true, "ERR_READ_TIMEOUT": true, "ERR_CONNECTION_RESET": true,
	"ERR_LOCK_TIMEOUT": true,
}

// tusError maps tusd's error codes to Podium's errors; the status stays
// tusd's, but for the client's own interruptions (clientSide).
func tusError(code, body string) error {
	switch code {
	case "ERR_UPLOAD_NOT_FOUND":
		return fault.NotFound("err.upload.not_found")
	case "ERR_MISMATCHED_OFFSET":
		return fault.Conflict(MsgOffsetMismatch)
	case "ERR_UPLOAD_LOCKED", "ERR_LOCK_TIMEOUT":
		return fault.Conflict(MsgBusy)
	case "ERR_UPLOAD_SIZE_EXCEEDED", "ERR_MAX_SIZE_EXCEEDED":
		return tooLarge()
	case "ERR_UPLOAD_INTERRUPTED", "ERR_UNEXPECTED_EOF", "ERR_READ_TIMEOUT", "ERR_CONNECTION_RESET", "ERR_SERVER_SHUTDOWN":
		return fault.Conflict(MsgInterrupted)
	case "ERR_INTERNAL_SERVER_ERROR", "":
		return fmt.Errorf("tusd: %s", strings.TrimSpace(body))
	}
	return &fault.Error{Code: fault.CodeInvalid, Message: MsgProtocol, Err: errors.New(strings.TrimSpace(body))}
}

// errorRewriter passes tusd's responses through, except its plain-text error
// bodies, which it holds back so that flushRewritten can send Podium's JSON
// instead. It unwraps to the real ResponseWriter, so tusd's
// http.ResponseController (read deadlines) keeps working.
type errorRewriter struct {
	w        http.ResponseWriter
	held     bool // an error response is held back
	status   int
	buf      bytes.Buffer
	tusCode  string // tusd's error code, once flushed
	wroteHdr bool
}

func (e *errorRewriter) Header() http.Header         { return e.w.Header() }
func (e *errorRewriter) Unwrap() http.ResponseWriter { return e.w }

func (e *errorRewriter) WriteHeader(code int) {
	if e.held || e.wroteHdr {
		return
	}
	if code >= 400 && strings.HasPrefix(e.w.Header().Get("Content-Type"), "text/plain") {
		e.held, e.status = true, code
		return
	}
	if code == http.StatusCreated {
		// tusd makes the Location absolute from the request's host and scheme,
		// which are wrong behind a TLS-terminating proxy; tus clients resolve a
		// path against the endpoint just as well.
		if u, err := url.Parse(e.w.Header().Get("Location")); err == nil && u.Path != "" {
			e.w.Header().Set("Location", u.Path)
		}
	}
	if code >= 200 {
		e.wroteHdr = true
	}
	e.w.WriteHeader(code)
}

func (e *errorRewriter) Write(b []byte) (int, error) {
	if e.held {
		if e.buf.Len() < 4096 {
			e.buf.Write(b[:min(len(b), 4096-e.buf.Len())])
		}
		return len(b), nil
	}
	e.wroteHdr = true
	return e.w.Write(b)
}

func (s *Server) flushRewritten(e *errorRewriter, r *http.Request) {
	if !e.held {
		return
	}
	body := e.buf.String()
	code, _, _ := strings.Cut(body, ":")
	if !strings.HasPrefix(code, "ERR_") {
		code = ""
	}
	if r.Method == http.MethodHead && code == "" { // tusd sends HEAD errors without a body
		code = map[int]string{404: "ERR_UPLOAD_NOT_FOUND", 423: "ERR_UPLOAD_LOCKED"}[e.status]
	}
	e.tusCode = code
	status, out := s.cfg.Describe(r, tusError(code, body))
	if clientSide[code] {
		e.status = status
	}
	h := e.w.Header()
	if retryable[code] {
		h.Set(RetryableHeader, "true")
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Del("Content-Length")
	if r.Method == http.MethodHead {
		e.w.WriteHeader(e.status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(out)))
	e.w.WriteHeader(e.status)
	e.w.Write(out)
}

// tusLogger adapts Podium's logger for tusd, which logs with golang.org/x/exp/slog
// and tells of every request at level info: only warnings and errors pass.
func tusLogger(l *slog.Logger) *xslog.Logger {
	return xslog.New(&slogBridge{h: l.Handler()})
}

type slogBridge struct{ h slog.Handler }

func (b *slogBridge) Enabled(ctx context.Context, level xslog.Level) bool {
	return level >= xslog.LevelWarn && b.h.Enabled(ctx, slog.Level(level))
}

func (b *slogBridge) Handle(ctx context.Context, r xslog.Record) error {
	rec := slog.NewRecord(r.Time, slog.Level(r.Level), "tusd: "+r.Message, r.PC)
	r.Attrs(func(a xslog.Attr) bool {
		rec.AddAttrs(slog.Any(a.Key, a.Value.Any()))
		return true
	})
	return b.h.Handle(ctx, rec)
}

func (b *slogBridge) WithAttrs(attrs []xslog.Attr) xslog.Handler {
	as := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		as[i] = slog.Any(a.Key, a.Value.Any())
	}
	return &slogBridge{h: b.h.WithAttrs(as)}
}

func (b *slogBridge) WithGroup(name string) xslog.Handler {
	return &slogBridge{h: b.h.WithGroup(name)}
}
