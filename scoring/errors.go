package scoring

import (
	"errors"
	"strings"
)

// ErrInvalid matches every *ValidationError with errors.Is, so callers (the web
// layer) can map invalid input to one status without knowing the details.
var ErrInvalid = errors.New("invalid input")

// FieldError says what is wrong with one field. Code is stable and meant for
// translation (e.g. "required", "range", "duplicate"); Reason is English text.
type FieldError struct {
	Field  string // path such as "criteria[2].max" or "sheet(E01,J03).tech"
	Code   string
	Reason string
}

// ValidationError reports invalid input with per-field details. It is a local
// type rather than fault.Error because contest imports scoring.
type ValidationError struct {
	Fields []FieldError
}

// maxReported keeps huge inputs from producing huge error values.
const maxReported = 50

func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		if f.Field != "" {
			b.WriteString(f.Field + ": ")
		}
		b.WriteString(f.Reason)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// problems collects field errors so that all of them are reported at once.
type problems []FieldError

func (p *problems) add(field, code, reason string) {
	*p = append(*p, FieldError{Field: field, Code: code, Reason: reason})
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	if len(p) > maxReported {
		p = p[:maxReported]
	}
	return &ValidationError{Fields: p}
}

// invalid is a ValidationError about a single field.
func invalid(field, code, reason string) error {
	return &ValidationError{Fields: []FieldError{{Field: field, Code: code, Reason: reason}}}
}
