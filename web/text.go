package web

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"podium/fault"
)

// Text that Podium cannot store (PostgreSQL refuses a NUL byte and invalid
// UTF-8) is refused at the edge, once for every route, naming where it was:
// the path, a query parameter, a form field (checkText) or a JSON member
// (bindJSON). Handlers and the domain never see it; the domain still maps
// PostgreSQL's refusal to an invalid error (contest.Classify) for any other way in.

// textInvalid is the refusal of bad text in field; its message says what is
// wrong, so an error page without the form says it too.
func textInvalid(field string) *fault.Error {
	return &fault.Error{Code: fault.CodeInvalid, Message: "err.text.invalid", Fields: map[string]string{field: "err.text.invalid"}}
}

// badText reports text that is not valid UTF-8 or holds a NUL byte.
func badText(s string) bool { return !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 }

// checkText refuses a request whose path, query parameters or form fields
// (url-encoded or multipart; not the files) hold text Podium cannot store.
func (s *Server) checkText() gin.HandlerFunc {
	return func(c *gin.Context) {
		if field, bad := s.badRequestText(c); bad {
			s.fail(c, textInvalid(field))
			return
		}
		c.Next()
	}
}

func (s *Server) badRequestText(c *gin.Context) (field string, bad bool) {
	r := c.Request
	if badText(r.URL.Path) {
		return "path", true
	}
	query, _ := url.ParseQuery(r.URL.RawQuery) // what parses, as gin's Query sees it
	if field, bad := badValues(query); bad {
		return field, true
	}
	if !isForm(c) || r.Method == "GET" || r.Method == "HEAD" {
		return "", false
	}
	// Parsed once here; handlers' PostForm and FormFile read the parsed form.
	if c.ContentType() == "multipart/form-data" {
		_ = r.ParseMultipartForm(s.engine.MaxMultipartMemory)
		if r.MultipartForm != nil {
			if field, bad := badValues(r.MultipartForm.Value); bad {
				return field, true
			}
		}
	} else {
		_ = r.ParseForm()
	}
	return badValues(r.PostForm)
}

// badValues returns the first field, in name order, whose name or values are bad text.
func badValues(values map[string][]string) (string, bool) {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if badText(k) {
			return strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), ""), true
		}
		if slices.ContainsFunc(values[k], badText) {
			return k, true
		}
	}
	return "", false
}

// badJSONText returns the path (e.g. "marks.q" or "members[1].name") of the
// first string in a JSON document that is not valid UTF-8 or holds a NUL
// (written \u0000), or "body" when the document as a whole is not UTF-8.
// encoding/json would silently turn invalid UTF-8 into U+FFFD and pass the
// NUL on, so the raw document is checked, token by token.
func badJSONText(data []byte) (string, bool) {
	if !utf8.Valid(data) {
		return "body", true
	}
	if !bytes.Contains(data, []byte(`\u0000`)) {
		return "", false // the only way a NUL can be written in valid JSON text
	}
	type frame struct {
		object  bool
		key     string // the member being read, in an object
		index   int    // the element being read, in an array
		wantKey bool
	}
	var stack []*frame
	path := func(last string) string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.object && !f.wantKey:
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			case !f.object:
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			}
		}
		if last != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(last)
		}
		if b.Len() == 0 {
			return "body"
		}
		return b.String()
	}
	// done moves the innermost container past the value just read.
	done := func() {
		if len(stack) == 0 {
			return
		}
		if f := stack[len(stack)-1]; f.object {
			f.wantKey = true
		} else {
			f.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // malformed JSON is the decoder's to report
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, &frame{object: t == '{', wantKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				done()
			}
		case string:
			if top != nil && top.object && top.wantKey {
				if strings.IndexByte(t, 0) >= 0 {
					return path(strings.ReplaceAll(t, "\x00", "")), true
				}
				top.key, top.wantKey = t, false
				continue
			}
			if strings.IndexByte(t, 0) >= 0 {
				return path(""), true
			}
			done()
		default:
			done()
		}
	}
}
