// Package sheetfile reads and writes the files of `podium score`: the rubric
// (JSON), the judges' score sheets (CSV) and the ranking (CSV). The server
// exports sheets and rubrics in these formats, with judges anonymized, so that
// anyone can reproduce a published ranking with `podium score`.
//
// Readers take an io.Reader and report problems as *ParseError with the line
// they are on; they never touch the file system.
package sheetfile

import (
	"errors"
	"fmt"
)

// ParseError is a problem at a line (1-based) of an input file.
type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Err) }

func (e *ParseError) Unwrap() error { return e.Err }

// Classes of problems, wrapped in every ParseError's Err (use errors.Is).
var (
	ErrSyntax    = errors.New("malformed file")
	ErrEmpty     = errors.New("empty file")
	ErrColumn    = errors.New("bad column")
	ErrField     = errors.New("bad field")
	ErrMark      = errors.New("bad mark")
	ErrDuplicate = errors.New("duplicate sheet")
	ErrRubric    = errors.New("bad rubric")
)

func lineErr(line int, class error, format string, args ...any) *ParseError {
	return &ParseError{Line: line, Err: fmt.Errorf("%w: %w", class, fmt.Errorf(format, args...))}
}
