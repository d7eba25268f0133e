// Package contest holds Podium's domain: contests and their setup, accounts and
// sessions, and the PostgreSQL store behind them. It knows nothing about HTTP:
// failures are *Error values with a Code that the web layer maps to a status.
package contest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Code classifies a domain error. The web layer maps each code to one HTTP status.
type Code string

const (
	CodeInvalid      Code = "invalid"      // the input breaks a rule; Fields says which
	CodeNotFound     Code = "not_found"    // no such thing, or not visible to the caller
	CodeConflict     Code = "conflict"     // clashes with the current state (duplicate, in use, locked)
	CodeForbidden    Code = "forbidden"    // the caller may not do this
	CodeUnauthorized Code = "unauthorized" // no valid credentials
	CodeRateLimited  Code = "rate_limited" // too many attempts; try later
	CodeTooLarge     Code = "too_large"    // the request is larger than Podium accepts
	CodeUnavailable  Code = "unavailable"  // PostgreSQL cannot be reached now; try again shortly
	CodeInternal     Code = "internal"     // a bug; details are logged, never shown
)

// Error is a domain error. Message and the Fields values are message keys that
// the web layer translates; they never carry internal detail.
type Error struct {
	Code    Code
	Message string            // message key, e.g. "err.contest.not_found"
	Fields  map[string]string // field path → message key, for CodeInvalid
	// Detail is, per field path, the user's own text that the problem is
	// about (the names a document carries, say), shown after the message.
	Detail map[string]string
	// Reason refines Code where a client acts on the difference, in a stable
	// machine-readable word (e.g. ReasonInProgress); empty otherwise.
	Reason string
	// Args are formatted into the translated message: facts the user must
	// read to act, such as the entries that block a publication (EntryRefs).
	Args []any
	Err  error // the underlying cause, for logs only
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Reason != "" {
		b.WriteString(" (" + e.Reason + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for _, a := range e.Args {
		fmt.Fprintf(&b, " %v", a)
	}
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		b.WriteString("; " + k + ": " + e.Fields[k])
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the Code of err as Classify sees it.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	return Classify(err).Code
}

// NotFound reports that a thing does not exist (or is not visible to the caller).
func NotFound(message string) *Error { return &Error{Code: CodeNotFound, Message: message} }

// Conflict reports a clash with the current state.
func Conflict(message string) *Error { return &Error{Code: CodeConflict, Message: message} }

// EntryRef names an entry for its organizers: its blind code in a round and its title.
type EntryRef struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// EntryRefs is a list of entries, as a message argument; the web layer writes
// it in the reader's language.
type EntryRefs []EntryRef

// Forbidden reports an action the caller may not take.
func Forbidden(message string) *Error { return &Error{Code: CodeForbidden, Message: message} }

// Unauthorized reports missing or wrong credentials.
func Unauthorized(message string) *Error { return &Error{Code: CodeUnauthorized, Message: message} }

// Problems collects field errors during validation, so that every invalid field
// is reported at once rather than the first one only.
type Problems map[string]string

// Add records the message key for field, keeping the first problem found per field.
func (p Problems) Add(field, message string) {
	if _, ok := p[field]; !ok {
		p[field] = message
	}
}

// Err returns an invalid-input *Error carrying the problems, or nil if there are none.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Message: "err.invalid", Fields: map[string]string(p)}
}

// Invalid reports a single invalid field.
func Invalid(field, message string) *Error {
	return &Error{Code: CodeInvalid, Message: "err.invalid", Fields: map[string]string{field: message}}
}
