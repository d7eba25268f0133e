package web

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/fault"
	"podium/web/upload"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[fault.Code]int{
	fault.CodeInvalid:      http.StatusUnprocessableEntity,
	fault.CodeNotFound:     http.StatusNotFound,
	fault.CodeConflict:     http.StatusConflict,
	fault.CodeForbidden:    http.StatusForbidden,
	fault.CodeUnauthorized: http.StatusUnauthorized,
	fault.CodeRateLimited:  http.StatusTooManyRequests,
	fault.CodeTooLarge:     http.StatusRequestEntityTooLarge,
	fault.CodeUnavailable:  http.StatusServiceUnavailable,
	fault.CodeInternal:     http.StatusInternalServerError,
}

// ErrorBody is the one shape of every JSON error:
// {"error":{"code":"…","reason":"…","message":"…","fields":{…}}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is a translated error; Fields maps a field path to what is wrong
// with it. Reason, when present, refines Code for clients that act on it (a
// 409 conflict's "in_progress" or "already_submitted"); clients that do not
// know it read Code alone, as before.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Reason  string            `json:"reason,omitempty"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// describe turns err into a status and a translated body. Internal errors are
// logged with their detail and shown to clients only as a generic message.
func (s *Server) describe(c *gin.Context, err error) (int, ErrorDetail) {
	return s.describeRequest(c.Request, c.GetString(keyLang), c.FullPath(), err)
}

// describeRequest is describe for code that has only the request (the upload component).
func (s *Server) describeRequest(r *http.Request, lang, route string, err error) (int, ErrorDetail) {
	l := s.catalog.localizer(lang)
	e := contest.Classify(err)
	switch e.Code {
	case fault.CodeInternal:
		s.log.ErrorContext(r.Context(), "request failed",
			slog.String("method", r.Method), slog.String("path", route), slog.Any("err", err))
		return http.StatusInternalServerError, ErrorDetail{Code: string(fault.CodeInternal), Message: l.T("err.internal")}
	case fault.CodeUnavailable:
		s.log.WarnContext(r.Context(), "database unavailable",
			slog.String("method", r.Method), slog.String("path", route), slog.Any("err", err))
	}
	d := ErrorDetail{Code: string(e.Code), Reason: e.Reason, Message: l.T(e.Message, l.args(e.Args)...)}
	if len(e.Fields) > 0 {
		d.Fields = make(map[string]string, len(e.Fields))
		for field, key := range e.Fields {
			d.Fields[field] = l.T(key, l.args(e.FieldArgs[field])...)
			if x := e.Detail[field]; x != "" {
				d.Fields[field] = l.T("err.with_detail", d.Fields[field], x)
			}
		}
	}
	return StatusOf(e.Code), d
}

// StatusOf is the HTTP status of an error code, from the one table.
func StatusOf(code fault.Code) int { return statusOf[code] }

// fail answers a request with err: JSON for the API, a page for browsers.
// A 503 says when to try again.
func (s *Server) fail(c *gin.Context, err error) {
	status, d := s.describe(c, err)
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", upload.RetryAfter)
	}
	if isAPI(c) {
		c.AbortWithStatusJSON(status, ErrorBody{Error: d})
		return
	}
	c.Abort()
	s.render(c, status, "error.html", "err.title", d)
}

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

// reply answers an API request with v as JSON, or with err.
func (s *Server) reply(c *gin.Context, status int, v any, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(status, v)
}
