package contest

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"podium/fault"
	"podium/tabular"
)

// What an import of rows from a file (entries, experts) did, or would do.

// MaxImportBytes bounds an import file; 10,000 rows of text fit easily.
const MaxImportBytes = 10 << 20

// RowProblem is what is wrong with one row of an import file.
type RowProblem struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`          // a field such as "track" or "uscc"; "" for the whole row
	Message string `json:"message"`         // message key
	Value   string `json:"value,omitempty"` // the offending value, as the file has it (problems found reading the file)
}

// ImportResult says what an import did, or would do.
type ImportResult struct {
	Imported int          `json:"imported"`
	Skipped  int          `json:"skipped"`
	Problems []RowProblem `json:"problems"`
}

// ImportOptions say what to do with rows that have problems.
type ImportOptions struct {
	// SkipInvalid imports the valid rows even when others have problems.
	SkipInvalid bool
	// DryRun checks every row and imports nothing (the file had problems the
	// caller found itself, and the organizer did not choose to skip them).
	DryRun bool
}

// ImportFile imports the rows a file's parse found good (store) and reports
// every problem, the file's own (parsed: the rows the parse refused) and
// those the rows' checks find, by line. With any problem in the file the
// good rows are only checked, so that the organizer sees every problem at
// once, unless opt.SkipInvalid; then the good rows are imported and the rest
// counted as skipped.
func ImportFile(parsed []tabular.RowError, opt ImportOptions, store func(ImportOptions) (ImportResult, error)) (ImportResult, error) {
	opt.DryRun = opt.DryRun || len(parsed) > 0 && !opt.SkipInvalid
	res, err := store(opt)
	if err != nil {
		return ImportResult{}, err
	}
	lines := map[int]bool{}
	problems := make([]RowProblem, 0, len(parsed)+len(res.Problems))
	for _, p := range parsed {
		lines[p.Line] = true
		problems = append(problems, RowProblem{Line: p.Line, Column: p.Column, Message: p.Code, Value: p.Value})
	}
	res.Skipped += len(lines)
	res.Problems = append(problems, res.Problems...)
	slices.SortStableFunc(res.Problems, func(a, b RowProblem) int { return a.Line - b.Line })
	return res, nil
}

// RowProblems turns a validation error into problems of one row.
func RowProblems(line int, err error) []RowProblem {
	e, ok := errors.AsType[*fault.Error](err)
	if !ok || e.Code != fault.CodeInvalid {
		return nil
	}
	var out []RowProblem
	for _, field := range slices.Sorted(maps.Keys(e.Fields)) {
		out = append(out, RowProblem{Line: line, Column: strings.TrimPrefix(field, "fields."), Message: e.Fields[field]})
	}
	return out
}
