// Package tabular reads the rows of a CSV or XLSX file that an organizer
// exported from another system (a spreadsheet of entries, of experts …), for
// the imports built on it (contest/entry's entries, contest/judging's experts).
//
// It does everything that does not depend on what the rows mean: it tells an
// XLSX workbook from a CSV file by content, decodes CSV text (UTF-8 with or
// without BOM, UTF-16 with BOM, GB18030), reads the first sheet of a workbook
// row by row with a guard against zip bombs, matches the header against a
// Schema (case-, width- and space-insensitive, with a "*", "（必填）" or
// "（选填）" mark allowed), and yields each data row as a map from column key to
// cell with its line number. It also holds the value checks several imports
// share (phones, emails, USCCs, lists) and a Row type that collects a row's
// problems.
//
// Problems with the file as a whole end the read and come back as the error;
// problems with one row are RowErrors, so the organizer can fix every row in one
// pass.
//
// # File-level errors
//
// A file-level error is always a *fault.Error with Code fault.CodeInvalid,
// Message set to the reason's message key (e.g. "err.import.missing_column") and
// Fields {"file": the same key}, so the web layer shows it like any other
// invalid input. Its Err is a *FileError carrying the details a message may
// name (the columns missing or unknown, the limit exceeded, the line):
//
//	if fe, ok := errors.AsType[*tabular.FileError](err); ok { … fe.Columns … }
package tabular

import (
	"errors"
	"fmt"
	"strings"

	"podium/fault"
)

// Limits.
const (
	// DefaultMaxBytes is the size limit applied when given maxBytes <= 0.
	DefaultMaxBytes = 10 << 20
	// MaxRows is the most data rows (completely empty rows aside) a file may hold.
	MaxRows = 10000
	// MaxValueRunes is how much of an offending value a RowError carries, and of
	// a header cell a FileError lists.
	MaxValueRunes = 50
	// MaxListedColumns is how many header cells a FileError lists at most.
	MaxListedColumns = 20
	// MinUnzipBytes and MaxUnzipBytes bound what an XLSX file may unpack to,
	// against zip bombs: sixteen times the byte limit, within these bounds. Real
	// workbooks compress about five to ten times.
	MinUnzipBytes = 64 << 20
	MaxUnzipBytes = 1 << 30
)

// Message keys of file-level errors (FileError.Code, and the fault.Error's Message).
const (
	CodeTooLarge        = "err.import.too_large"        // over maxBytes (or, for XLSX, too large once unpacked); Limit is maxBytes
	CodeUnreadable      = "err.import.unreadable"       // a damaged XLSX file, or the upload could not be read
	CodeXLS             = "err.import.xls"              // an old binary .xls workbook, or a password-protected one
	CodeFormat          = "err.import.format"           // binary content: neither CSV nor XLSX
	CodeEmpty           = "err.import.empty"            // no header row
	CodeMissingColumn   = "err.import.missing_column"   // Columns: the keys of the required columns missing (a Schema may use its own key)
	CodeUnknownColumn   = "err.import.unknown_column"   // Columns: the header texts not recognized
	CodeDuplicateColumn = "err.import.duplicate_column" // Columns: the header texts naming a column already present
	CodeTooManyRows     = "err.import.too_many_rows"    // Limit is MaxRows
)

// Message keys of row-level problems (RowError.Code) that the reader and the
// shared checks report. CodeCSVQuote is also a file-level code when the header
// itself cannot be read.
const (
	CodeRequired  = "err.import.required"
	CodeTooLong   = "err.import.too_long"
	CodeUSCC      = "err.import.uscc"
	CodePhone     = "err.import.phone"
	CodeEmail     = "err.import.email"
	CodeCellCount = "err.import.cell_count"
	CodeCSVQuote  = "err.import.csv_quote"
	CodeEncoding  = "err.import.encoding"
)

// RowError is one problem found in one row of the file.
type RowError struct {
	Line   int    // 1-based line of the CSV file / row number of the sheet (header is line 1)
	Column string // the column key (see Schema), "" for the whole row
	Code   string // message key
	Value  string // the offending value, truncated to MaxValueRunes runes
}

// FileError details a file-level problem. It is returned as the Err of a
// *fault.Error (see the package documentation); errors.As finds it.
type FileError struct {
	Code    string   // message key, one of the file-level Code… constants (or CodeCSVQuote, or a Schema's MissingCode)
	Columns []string // missing column: column keys; unknown_column, duplicate_column: the header cells as written (at most 20, 50 runes each)
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

// invalid wraps fe in the *fault.Error the web layer maps.
func invalid(fe *FileError) error {
	return &fault.Error{
		Code:    fault.CodeInvalid,
		Message: fe.Code,
		Fields:  map[string]string{"file": fe.Code},
		Err:     fe,
	}
}

// asFileError returns the *FileError in err, or an unreadable-file one.
func asFileError(err error) *FileError {
	if fe, ok := errors.AsType[*FileError](err); ok {
		return fe
	}
	return &FileError{Code: CodeUnreadable, Err: err}
}
