package web

import (
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"podium/fault"
)

// maxBody bounds every request body but resumable uploads' (which have their own
// per-contest limits): forms and JSON are small, an import file at most 10 MB.
const maxBody = 12 << 20

// Default stall limits (Config.ReadTimeout, Config.WriteTimeout).
const (
	DefaultReadTimeout  = time.Minute
	DefaultWriteTimeout = 2 * time.Minute
)

// limitRequest bounds what one request may take. A declared body over maxBody
// is refused at once (413, and the connection is closed rather than drained);
// an undeclared one is cut at maxBody. Time is bounded by progress, as nginx's
// client_body_timeout and send_timeout do: the http.Server's ReadTimeout and
// WriteTimeout are the deadlines of a request that makes none (a client that
// declares a body and never sends it is cut off), and every read of the body
// and every write of the response that goes through moves its deadline on by
// the same time, so that a large import on a slow link or a judge's tablet
// downloading a video is not cut off while bytes flow. Resumable uploads are
// tusd's, which moves its own read deadline the same way (upload.Config.IdleTimeout).
// A long-lived connection (a websocket) sets its own deadlines once hijacked.
func (s *Server) limitRequest() gin.HandlerFunc {
	read, write := s.cfg.ReadTimeout, s.cfg.WriteTimeout
	return func(c *gin.Context) {
		r := c.Request
		if strings.HasPrefix(r.URL.Path, uploadsPath) {
			c.Next()
			return
		}
		limit := int64(maxBody)
		if objectionUploadPath(r.URL.Path) { // evidence and investigation files
			limit = maxObjectionBody
		}
		if r.ContentLength > limit {
			c.Header("Connection", "close")
			s.fail(c, &fault.Error{Code: fault.CodeTooLarge, Message: "err.request.too_large"})
			return
		}
		rc := http.NewResponseController(c.Writer)
		now := time.Now()
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &progressBody{ReadCloser: http.MaxBytesReader(c.Writer, r.Body, limit),
				renew: renewal{rc.SetReadDeadline, read, now.Add(read / 8)}}
		}
		c.Writer = &progressWriter{ResponseWriter: c.Writer, renew: renewal{rc.SetWriteDeadline, write, now.Add(write / 8)}}
		c.Next()
	}
}

// renewal moves a connection deadline on as bytes go through. It does so at
// most every eighth of the timeout: a quick request never touches it.
type renewal struct {
	set     func(time.Time) error
	timeout time.Duration
	next    time.Time // no renewal before
}

func (r *renewal) progress() {
	if now := time.Now(); now.After(r.next) {
		_ = r.set(now.Add(r.timeout)) // not supported (a test recorder): the server's own deadline holds
		r.next = now.Add(r.timeout / 8)
	}
}

// progressBody moves the read deadline on while a request body arrives. It
// leaves the deadline alone once the body is read to its end: net/http then
// watches the idle connection without one, and a deadline set after that
// would end the request's context.
type progressBody struct {
	io.ReadCloser
	renew renewal
}

func (b *progressBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && err == nil {
		b.renew.progress()
	}
	return n, err
}

// progressWriter moves the write deadline on while a response goes out.
type progressWriter struct {
	gin.ResponseWriter
	renew renewal
}

func (w *progressWriter) Write(p []byte) (int, error) {
	w.renew.progress()
	return w.ResponseWriter.Write(p)
}

func (w *progressWriter) WriteString(s string) (int, error) {
	w.renew.progress()
	return w.ResponseWriter.WriteString(s)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *progressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
