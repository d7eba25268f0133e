// This file reads the entries of a contest from a CSV or XLSX file
// that an organizer exported from another system.
//
// Reading the file (CSV or XLSX, its encoding, its header) is package
// tabular's work; this file knows the entry columns and checks their values.
//
// parseEntries never stops at the first problem in a row: it returns every good row
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
// invalid input. Its Err is a *tabular.FileError carrying the details a message may
// name (the columns missing or unknown, the limit exceeded, the line):
//
//	if fe, ok := errors.AsType[*tabular.FileError](err); ok { … fe.Columns … }

package entry

import (
	"io"

	"podium/tabular"
)

// Message keys of row-level problems an entries file adds to tabular's.
const (
	codeUSCCRequired   = "err.import.uscc_required"
	codeKind           = "err.import.kind"
	codeStage          = "err.import.stage"
	codeMembers        = "err.import.members"
	codeDuplicateTitle = "err.import.duplicate_title"
	codeDate           = "err.import.date"
	codeYesNo          = "err.import.yes_no"
)

// parseEntries reads entries from a CSV or XLSX file, chosen by content: XLSX is a zip
// starting "PK\x03\x04"; anything else is CSV (UTF-8 with or without BOM,
// UTF-16 with BOM, or else GB18030, the encoding of Excel in China).
//
// It reads at most maxBytes (tabular.DefaultMaxBytes if maxBytes <= 0) and at most
// tabular.MaxRows data rows. rows holds only the rows without any problem, in file
// order; problems holds every problem of every other row, in file order. A row
// with problems is left out of rows whole. A file-level problem is returned as
// err (a *fault.Error wrapping a *FileError) with no rows and no problems.
//
// Values are trimmed; track and group are kept as typed (keys or names, for
// the caller to map against the contest). USCCs come back normalized, phones
// as their 11 digits, emails as the bare address ("李娜 <a@b.cn>" gives
// "a@b.cn"), stages and kinds as keys.
func parseEntries(r io.Reader, maxBytes int64) (rows []ImportRow, problems []tabular.RowError, err error) {
	return tabular.Read(r, maxBytes, importSchema, newImportValidator().row)
}
