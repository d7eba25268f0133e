package tabular

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

var (
	zipMagic  = []byte("PK\x03\x04")
	ole2Magic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
)

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
	close()
}

// Reader yields the data rows of a CSV or XLSX file, matched against a Schema.
// Make one with Open; it is not safe for concurrent use.
type Reader struct {
	src   source
	h     header
	width int   // cells in the header
	n     int   // data rows read, empty ones aside
	err   error // the file-level error that ended the read
}

// Open reads a CSV or XLSX file, chosen by content: XLSX is a zip starting
// "PK\x03\x04"; anything else is CSV (UTF-8 with or without BOM, UTF-16 with
// BOM, or else GB18030, the encoding of Excel in China). Of a workbook, only
// the first sheet is read, its cells as Excel displays them.
//
// Open reads at most maxBytes (DefaultMaxBytes if maxBytes <= 0), then the
// header: the first row that is not completely empty, whose cells must each be
// empty (the column is then ignored) or name a column of s, and name every
// required column. A file-level problem is returned as a *fault.Error
// wrapping a *FileError (see the package documentation). The caller must Close
// the Reader.
func Open(r io.Reader, maxBytes int64, s *Schema) (*Reader, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, invalid(&FileError{Code: CodeUnreadable, Err: err})
	}
	if int64(len(data)) > maxBytes {
		return nil, invalid(&FileError{Code: CodeTooLarge, Limit: maxBytes})
	}

	var src source
	switch {
	case bytes.HasPrefix(data, zipMagic):
		xs, fe := openXLSX(data, maxBytes)
		if fe != nil {
			return nil, invalid(fe)
		}
		src = xs
	case bytes.HasPrefix(data, ole2Magic):
		return nil, invalid(&FileError{Code: CodeXLS})
	default:
		cs, fe := openCSV(data)
		if fe != nil {
			return nil, invalid(fe)
		}
		src = cs
	}

	rd := &Reader{src: src}
	if fe := rd.readHeader(s); fe != nil {
		src.close()
		return nil, invalid(fe)
	}
	return rd, nil
}

func (rd *Reader) readHeader(s *Schema) *FileError {
	for {
		rec, err := rd.src.next()
		if err == io.EOF {
			return &FileError{Code: CodeEmpty}
		}
		if err != nil {
			return asFileError(err)
		}
		if rec.problem != nil {
			return &FileError{Code: rec.problem.Code, Line: rec.problem.Line}
		}
		if allEmpty(rec.cells) {
			continue
		}
		h, fe := s.mapHeader(rec.cells)
		if fe != nil {
			return fe
		}
		rd.h, rd.width = h, len(rec.cells)
		return nil
	}
}

// Has reports whether the header has column key.
func (rd *Reader) Has(key string) bool { return rd.h.has(key) }

// Next returns the next data row, skipping completely empty ones, or io.EOF
// after the last. A row that could not be read (a CSV quoting error, or a CSV
// row with more or fewer cells than the header) comes back with nil Values and
// its one problem in Problems. Any other error is file-level (a *fault.Error
// wrapping a *FileError: more than MaxRows rows, a damaged workbook) and ends
// the read: Next returns it again if called again.
func (rd *Reader) Next() (*Row, error) {
	if rd.err != nil {
		return nil, rd.err
	}
	row, err := rd.next()
	if err != nil && err != io.EOF {
		rd.err = err
	}
	return row, err
}

func (rd *Reader) next() (*Row, error) {
	for {
		rec, err := rd.src.next()
		if err == io.EOF {
			return nil, io.EOF
		}
		if err != nil {
			return nil, invalid(asFileError(err))
		}
		if rec.problem == nil && allEmpty(rec.cells) {
			continue
		}
		if rd.n++; rd.n > MaxRows {
			return nil, invalid(&FileError{Code: CodeTooManyRows, Limit: MaxRows})
		}
		if rec.problem != nil {
			return &Row{Line: rec.line, Problems: []RowError{*rec.problem}}, nil
		}
		if rd.src.strictWidth() && !sameWidth(rec.cells, rd.width) {
			return &Row{Line: rec.line, Problems: []RowError{{Line: rec.line, Code: CodeCellCount, Value: fmt.Sprint(len(rec.cells))}}}, nil
		}
		values := make(map[string]string, len(rd.h))
		for key, i := range rd.h {
			if i < len(rec.cells) {
				values[key] = rec.cells[i]
			} else {
				values[key] = ""
			}
		}
		return &Row{Line: rec.line, Values: values}, nil
	}
}

// Close releases what the Reader holds (an XLSX file's temporary files). It
// may be called more than once.
func (rd *Reader) Close() error {
	if rd.src != nil {
		rd.src.close()
		rd.src = nil
		if rd.err == nil {
			rd.err = invalid(&FileError{Code: CodeUnreadable, Err: fmt.Errorf("reader closed")})
		}
	}
	return nil
}

// Read reads every data row of a file (see Open and Next) and calls check on
// each readable one; check reads the row's values with the Row methods, which
// record its problems. rows holds what check returned for the rows without any
// problem, in file order; problems holds every problem of every other row, in
// file order (a row with problems is left out of rows whole). A file-level
// problem is returned as err with no rows and no problems.
func Read[T any](r io.Reader, maxBytes int64, s *Schema, check func(*Row) T) (rows []T, problems []RowError, err error) {
	rd, err := Open(r, maxBytes, s)
	if err != nil {
		return nil, nil, err
	}
	defer rd.Close()
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return rows, problems, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if row.Values != nil {
			v := check(row)
			if len(row.Problems) == 0 {
				rows = append(rows, v)
				continue
			}
		}
		problems = append(problems, row.Problems...)
	}
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
