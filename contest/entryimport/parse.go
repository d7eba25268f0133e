// Package entryimport reads the entries of a contest from a CSV or XLSX file
// that an organizer exported from another system.
//
// Parse never stops at the first problem in a row: it returns every good row
// and a RowError for every problem it found, so the organizer can fix the file
// in one pass. Problems with the file as a whole (too large, not a CSV or XLSX
// file, no header, a required column missing, an unknown column, too many rows)
// end the parse and are returned as the error, with no rows.
//
// # File-level errors
//
// A file-level error is always a *contest.Error with Code contest.CodeInvalid,
// Message set to the reason's message key (e.g. "err.import.missing_column") and
// Fields {"file": the same key}, so the web layer shows it like any other
// invalid input. Its Err is a *FileError carrying the details a message may
// name (the columns missing or unknown, the limit exceeded, the line):
//
//	if fe, ok := errors.AsType[*entryimport.FileError](err); ok { … fe.Columns … }
package entryimport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"podium/contest"
)

// Limits.
const (
	// DefaultMaxBytes is the size limit Parse applies when given maxBytes <= 0.
	DefaultMaxBytes = 10 << 20
	// MaxRows is the most data rows (completely empty rows aside) a file may hold.
	MaxRows = 10000
	// maxValueRunes is how much of an offending value a RowError carries.
	maxValueRunes = 50
	// maxListedColumns is how many column names a FileError lists at most.
	maxListedColumns = 20
)

// Message keys of file-level errors (FileError.Code, and the contest.Error's Message).
const (
	CodeTooLarge        = "err.import.too_large"        // over maxBytes (or, for XLSX, too large once unpacked); Limit is maxBytes
	CodeUnreadable      = "err.import.unreadable"       // a damaged XLSX file, or the upload could not be read
	CodeXLS             = "err.import.xls"              // an old binary .xls workbook, or a password-protected one
	CodeFormat          = "err.import.format"           // binary content: neither CSV nor XLSX
	CodeEmpty           = "err.import.empty"            // no header row
	CodeMissingColumn   = "err.import.missing_column"   // Columns: the canonical keys of the required columns missing
	CodeUnknownColumn   = "err.import.unknown_column"   // Columns: the header texts not recognized
	CodeDuplicateColumn = "err.import.duplicate_column" // Columns: the header texts naming a column already present
	CodeTooManyRows     = "err.import.too_many_rows"    // Limit is MaxRows
)

// Message keys of row-level problems (RowError.Code). CodeCSVQuote is also a
// file-level code when the header itself cannot be read.
const (
	CodeRequired       = "err.import.required"
	CodeTooLong        = "err.import.too_long"
	CodeUSCC           = "err.import.uscc"
	CodeUSCCRequired   = "err.import.uscc_required"
	CodeKind           = "err.import.kind"
	CodePhone          = "err.import.phone"
	CodeEmail          = "err.import.email"
	CodeStage          = "err.import.stage"
	CodeMembers        = "err.import.members"
	CodeDuplicateTitle = "err.import.duplicate_title"
	CodeCellCount      = "err.import.cell_count"
	CodeCSVQuote       = "err.import.csv_quote"
	CodeEncoding       = "err.import.encoding"
)

// RowError is one problem found in one row of the file.
type RowError struct {
	Line   int    // 1-based line of the CSV file / row number of the sheet (header is line 1)
	Column string // the canonical column key (see Columns), "" for the whole row
	Code   string // message key, one of the row-level Code… constants
	Value  string // the offending value, truncated to 50 runes
}

// FileError details a file-level problem. Parse returns it as the Err of a
// *contest.Error (see the package documentation); errors.As finds it.
type FileError struct {
	Code    string   // message key, one of the file-level Code… constants (or CodeCSVQuote)
	Columns []string // missing_column: canonical keys; unknown_column, duplicate_column: the header cells as written (at most 20, 50 runes each)
	Line    int      // for CodeCSVQuote: the header line that could not be read
	Limit   int64    // too_large: the byte limit; too_many_rows: MaxRows
	Err     error    // the underlying cause, for logs only
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if len(e.Columns) > 0 {
		b.WriteString(" " + strings.Join(e.Columns, ", "))
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, " at line %d", e.Line)
	}
	if e.Limit > 0 {
		fmt.Fprintf(&b, " (limit %d)", e.Limit)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *FileError) Unwrap() error { return e.Err }

// fileError wraps fe in the *contest.Error the web layer maps.
func fileError(fe *FileError) error {
	return &contest.Error{
		Code:    contest.CodeInvalid,
		Message: fe.Code,
		Fields:  map[string]string{"file": fe.Code},
		Err:     fe,
	}
}

var (
	zipMagic  = []byte("PK\x03\x04")
	ole2Magic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
)

// Parse reads entries from a CSV or XLSX file, chosen by content: XLSX is a zip
// starting "PK\x03\x04"; anything else is CSV (UTF-8 with or without BOM,
// UTF-16 with BOM, or else GB18030, the encoding of Excel in China).
//
// It reads at most maxBytes (DefaultMaxBytes if maxBytes <= 0) and at most
// MaxRows data rows. rows holds only the rows without any problem, in file
// order; problems holds every problem of every other row, in file order. A row
// with problems is left out of rows whole. A file-level problem is returned as
// err (a *contest.Error wrapping a *FileError) with no rows and no problems.
//
// Values are trimmed; track and group are kept as typed (keys or names, for
// the caller to map against the contest). USCCs come back normalized, phones
// as their 11 digits, emails as the bare address ("李娜 <a@b.cn>" gives
// "a@b.cn"), stages and kinds as keys.
func Parse(r io.Reader, maxBytes int64) (rows []contest.ImportRow, problems []RowError, err error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, nil, fileError(&FileError{Code: CodeUnreadable, Err: err})
	}
	if int64(len(data)) > maxBytes {
		return nil, nil, fileError(&FileError{Code: CodeTooLarge, Limit: maxBytes})
	}

	var src source
	switch {
	case bytes.HasPrefix(data, zipMagic):
		xs, fe := openXLSX(data, maxBytes)
		if fe != nil {
			return nil, nil, fileError(fe)
		}
		defer xs.close()
		src = xs
	case bytes.HasPrefix(data, ole2Magic):
		return nil, nil, fileError(&FileError{Code: CodeXLS})
	default:
		cs, fe := openCSV(data)
		if fe != nil {
			return nil, nil, fileError(fe)
		}
		src = cs
	}

	rows, problems, fe := parse(src)
	if fe != nil {
		return nil, nil, fileError(fe)
	}
	return rows, problems, nil
}

// record is one row of the file as a source yields it.
type record struct {
	line    int
	cells   []string
	problem *RowError // the row could not be read (a CSV syntax error)
}

// source yields the records of a file in order, then io.EOF; any other error
// is a *FileError.
type source interface {
	next() (record, error)
	// strictWidth reports whether every row must have as many cells as the
	// header (CSV), rather than stopping at its last non-empty cell (XLSX).
	strictWidth() bool
}

func parse(src source) ([]contest.ImportRow, []RowError, *FileError) {
	// The header is the first record that is not completely empty.
	var hdr record
	for {
		rec, err := src.next()
		if err == io.EOF {
			return nil, nil, &FileError{Code: CodeEmpty}
		}
		if err != nil {
			return nil, nil, asFileError(err)
		}
		if rec.problem != nil {
			return nil, nil, &FileError{Code: rec.problem.Code, Line: rec.problem.Line}
		}
		if !allEmpty(rec.cells) {
			hdr = rec
			break
		}
	}
	h, fe := mapHeader(hdr.cells)
	if fe != nil {
		return nil, nil, fe
	}

	v := newValidator(h)
	var (
		rows     []contest.ImportRow
		problems []RowError
		n        int
	)
	for {
		rec, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, asFileError(err)
		}
		if rec.problem == nil && allEmpty(rec.cells) {
			continue
		}
		if n++; n > MaxRows {
			return nil, nil, &FileError{Code: CodeTooManyRows, Limit: MaxRows}
		}
		if rec.problem != nil {
			problems = append(problems, *rec.problem)
			continue
		}
		if src.strictWidth() && !sameWidth(rec.cells, len(hdr.cells)) {
			problems = append(problems, RowError{Line: rec.line, Code: CodeCellCount, Value: fmt.Sprint(len(rec.cells))})
			continue
		}
		row, probs := v.row(rec)
		if len(probs) > 0 {
			problems = append(problems, probs...)
			continue
		}
		rows = append(rows, row)
	}
	return rows, problems, nil
}

func asFileError(err error) *FileError {
	if fe, ok := errors.AsType[*FileError](err); ok {
		return fe
	}
	return &FileError{Code: CodeUnreadable, Err: err}
}

// sameWidth reports whether a CSV record has the header's number of cells,
// ignoring empty cells past the header's width (a trailing comma or two).
func sameWidth(cells []string, width int) bool {
	if len(cells) < width {
		return false
	}
	return allEmpty(cells[width:])
}

func allEmpty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// truncate cuts s to maxValueRunes runes, replacing invalid UTF-8.
func truncate(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	n := 0
	for i := range s {
		if n == maxValueRunes {
			return s[:i]
		}
		n++
	}
	return s
}
