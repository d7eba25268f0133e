// Package fault is Podium's one error vocabulary: a Code that says what kind
// of failure it is, the *Error that carries it with the message keys and field
// details a user reads, and the constructors every package uses. It imports
// nothing of Podium's, so that any package — the domain, the file checks, the
// blob store, the web layer — can return and read these errors. The web layer
// maps each Code to one HTTP status, in one table.
package fault

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Code classifies an error. The web layer maps each code to one HTTP status.
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

// Error is an error a user may read. Message and the Fields values are message
// keys that the web layer translates; they never carry internal detail.
type Error struct {
	Code    Code
	Message string            // message key, e.g. "err.contest.not_found"
	Fields  map[string]string // field path → message key, for CodeInvalid
	// Detail is, per field path, the user's own text that the problem is
	// about (the names a document carries, say), shown after the message.
	Detail map[string]string
	// Reason refines Code where a client acts on the difference, in a stable
	// machine-readable word (e.g. "in_progress"); empty otherwise.
	Reason string
	// Args are formatted into the translated message: facts the user must
	// read to act, such as the entries that block a publication.
	Args []any
	// FieldArgs are, per field path, the arguments formatted into that
	// field's translated message (the date and the group of an eligibility
	// rule an entry fails, say).
	FieldArgs map[string][]any
	Err       error // the underlying cause, for logs only
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

// ErrorCode returns the Code of the *Error in err's chain: "" for nil, and
// CodeInternal for an error that carries none. (contest.Classify also tells
// an unreachable database from a bug.)
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return CodeInternal
}

// NotFound reports that a thing does not exist (or is not visible to the caller).
func NotFound(message string) *Error { return &Error{Code: CodeNotFound, Message: message} }

// Conflict reports a clash with the current state.
func Conflict(message string) *Error { return &Error{Code: CodeConflict, Message: message} }

// Forbidden reports an action the caller may not take.
func Forbidden(message string) *Error { return &Error{Code: CodeForbidden, Message: message} }

// Unauthorized reports missing or wrong credentials.
func Unauthorized(message string) *Error { return &Error{Code: CodeUnauthorized, Message: message} }

// Invalid reports a single invalid field.
func Invalid(field, message string) *Error {
	return &Error{Code: CodeInvalid, Message: "err.invalid", Fields: map[string]string{field: message}}
}

// InvalidFile reports a file that breaks a rule: the message key is the
// error's and its "file" field's.
func InvalidFile(message string, cause error) *Error {
	return &Error{Code: CodeInvalid, Message: message, Fields: map[string]string{"file": message}, Err: cause}
}

// Taken reports a value that clashes with one stored already (an email in
// use, a duplicate title): a conflict on one field.
func Taken(field, message string) *Error {
	return &Error{Code: CodeConflict, Message: "err.invalid", Fields: map[string]string{field: message}}
}

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
