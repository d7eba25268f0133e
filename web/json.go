package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"podium/fault"
	"podium/scoring"
)

// maxJSONBody bounds JSON request bodies; no Podium request needs more.
const maxJSONBody = 1 << 20

// bindJSON decodes a JSON request body into v, strictly: the content type must be
// JSON, unknown fields are rejected, text Podium cannot store (a NUL, invalid
// UTF-8) is refused, and every failure names the offending field.
func (s *Server) bindJSON(c *gin.Context, v any) error {
	if c.ContentType() != "application/json" {
		return fault.Invalid("body", "err.json.content_type")
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBody))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return fault.Invalid("body", "err.json.too_large")
	} else if err != nil {
		return fault.Invalid("body", "err.json.malformed")
	}
	if field, bad := badJSONText(data); bad {
		return textInvalid(field)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if domainErr, ok := errors.AsType[*fault.Error](err); ok {
		return domainErr // a domain type's own decoding names its field (contest.Marks)
	}
	switch {
	case errors.As(err, &typeErr):
		return fault.Invalid(typeErr.Field, "err.json.type")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fault.Invalid(field, "err.json.unknown_field")
	case errors.Is(err, io.EOF):
		return fault.Invalid("body", "err.json.empty")
	case errors.Is(err, scoring.ErrNotDecimal) || errors.Is(err, scoring.ErrDecimals) || errors.Is(err, scoring.ErrTooLarge):
		return fault.Invalid("body", "err.json.points") // from scoring.Points' own UnmarshalJSON
	default:
		return fault.Invalid("body", "err.json.malformed")
	}
}
