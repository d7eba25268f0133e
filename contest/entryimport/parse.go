// Package entryimport reads the entries of a contest from a CSV or XLSX file
// that an organizer exported from another system.
//
// Reading the file (CSV or XLSX, its encoding, its header) is package
// tabular's work; this package knows the entry columns and checks their values.
//
// Parse never stops at the first problem in a row: it returns every good row
// and a RowError for every problem it found, so the organizer can fix the file
// in one pass. Problems with the file as a whole (too large, not a CSV or XLSX
// file, no header, a required column missing, an unknown column, too many rows)
// end the parse and are returned as the error, with no rows.
//
// # File-level errors
//
// A file-level error is always a *fault.Error with Code fault.CodeInvalid,
// Message set to the reason's message key (e.g. "err.import.missing_column") and
// Fields {"file": the same key}, so the web layer shows it like any other
// invalid input. Its Err is a *FileError carrying the details a message may
// name (the columns missing or unknown, the limit exceeded, the line):
//
//	if fe, ok := errors.AsType[*entryimport.FileError](err); ok { … fe.Columns … }
package entryimport

import (
	"io"

	"podium/contest"
	"podium/tabular"
)

// Limits.
const (
	// DefaultMaxBytes is the size limit Parse applies when given maxBytes <= 0.
	DefaultMaxBytes = tabular.DefaultMaxBytes
	// MaxRows is the most data rows (completely empty rows aside) a file may hold.
	MaxRows = tabular.MaxRows
)

// Message keys of file-level errors (FileError.Code, and the fault.Error's Message).
const (
	CodeTooLarge        = tabular.CodeTooLarge        // over maxBytes (or, for XLSX, too large once unpacked); Limit is maxBytes
	CodeUnreadable      = tabular.CodeUnreadable      // a damaged XLSX file, or the upload could not be read
	CodeXLS             = tabular.CodeXLS             // an old binary .xls workbook, or a password-protected one
	CodeFormat          = tabular.CodeFormat          // binary content: neither CSV nor XLSX
	CodeEmpty           = tabular.CodeEmpty           // no header row
	CodeMissingColumn   = tabular.CodeMissingColumn   // Columns: the canonical keys of the required columns missing
	CodeUnknownColumn   = tabular.CodeUnknownColumn   // Columns: the header texts not recognized
	CodeDuplicateColumn = tabular.CodeDuplicateColumn // Columns: the header texts naming a column already present
	CodeTooManyRows     = tabular.CodeTooManyRows     // Limit is MaxRows
)

// Message keys of row-level problems (RowError.Code). CodeCSVQuote is also a
// file-level code when the header itself cannot be read.
const (
	CodeRequired       = tabular.CodeRequired
	CodeTooLong        = tabular.CodeTooLong
	CodeUSCC           = tabular.CodeUSCC
	CodeUSCCRequired   = "err.import.uscc_required"
	CodeKind           = "err.import.kind"
	CodePhone          = tabular.CodePhone
	CodeEmail          = tabular.CodeEmail
	CodeStage          = "err.import.stage"
	CodeMembers        = "err.import.members"
	CodeDuplicateTitle = "err.import.duplicate_title"
	CodeCellCount      = tabular.CodeCellCount
	CodeCSVQuote       = tabular.CodeCSVQuote
	CodeEncoding       = tabular.CodeEncoding
)

// RowError is one problem found in one row of the file: its Line (1-based line
// of the CSV file / row number of the sheet, the header being line 1), Column
// (a canonical key, see Columns; "" for the whole row), Code (one of the
// row-level Code… constants) and the offending Value, truncated to 50 runes.
type RowError = tabular.RowError

// FileError details a file-level problem. Parse returns it as the Err of a
// *fault.Error (see the package documentation); errors.As finds it. For
// CodeMissingColumn its Columns are canonical keys; for the unknown and
// duplicate column codes, the header cells as written.
type FileError = tabular.FileError

// Parse reads entries from a CSV or XLSX file, chosen by content: XLSX is a zip
// starting "PK\x03\x04"; anything else is CSV (UTF-8 with or without BOM,
// UTF-16 with BOM, or else GB18030, the encoding of Excel in China).
//
// It reads at most maxBytes (DefaultMaxBytes if maxBytes <= 0) and at most
// MaxRows data rows. rows holds only the rows without any problem, in file
// order; problems holds every problem of every other row, in file order. A row
// with problems is left out of rows whole. A file-level problem is returned as
// err (a *fault.Error wrapping a *FileError) with no rows and no problems.
//
// Values are trimmed; track and group are kept as typed (keys or names, for
// the caller to map against the contest). USCCs come back normalized, phones
// as their 11 digits, emails as the bare address ("李娜 <a@b.cn>" gives
// "a@b.cn"), stages and kinds as keys.
func Parse(r io.Reader, maxBytes int64) (rows []contest.ImportRow, problems []RowError, err error) {
	return tabular.Read(r, maxBytes, schema, newValidator().row)
}
