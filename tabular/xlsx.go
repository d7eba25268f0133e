package tabular

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	row  int // the sheet row number of the last record
}

func (*xlsxSource) strictWidth() bool { return false }

func (s *xlsxSource) next() (rec record, err error) {
	defer recoverInto(&err)
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return record{}, &FileError{Code: CodeUnreadable, Err: err}
		}
		return record{}, io.EOF
	}
	s.row++ // Next steps through every row number, empty rows included
	cells, err := s.rows.Columns()
	if err != nil {
		return record{}, &FileError{Code: CodeUnreadable, Err: err}
	}
	return record{line: s.row, cells: cells}, nil
}

func (s *xlsxSource) close() {
	_ = s.rows.Close()
	_ = s.f.Close() // removes excelize's temporary files
}

// unzipLimit is what a workbook of at most maxBytes may unpack to.
func unzipLimit(maxBytes int64) int64 {
	return min(max(16*maxBytes, MinUnzipBytes), MaxUnzipBytes)
}

// openXLSX opens the first sheet of a workbook for reading row by row, cells
// as Excel displays them.
func openXLSX(data []byte, maxBytes int64) (src *xlsxSource, fe *FileError) {
	var f *excelize.File
	defer func() {
		// excelize is large and parses untrusted input; a panic in it is a
		// damaged file to the organizer, not a crashed server.
		if p := recover(); p != nil {
			if f != nil {
				_ = f.Close()
			}
			src, fe = nil, &FileError{Code: CodeUnreadable, Err: fmt.Errorf("excelize panic: %v", p)}
		}
	}()
	limit := unzipLimit(maxBytes)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &FileError{Code: CodeUnreadable, Err: err}
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(limit) {
			return nil, &FileError{Code: CodeTooLarge, Limit: maxBytes, Err: fmt.Errorf("unpacks to more than %d bytes", limit)}
		}
	}
	f, err = excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: limit})
	if err != nil {
		return nil, &FileError{Code: CodeUnreadable, Err: err}
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		_ = f.Close()
		return nil, &FileError{Code: CodeUnreadable, Err: fmt.Errorf("no sheets")}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		_ = f.Close()
		return nil, &FileError{Code: CodeUnreadable, Err: err}
	}
	return &xlsxSource{f: f, rows: rows}, nil
}

// recoverInto turns a panic in excelize into an unreadable-file error.
func recoverInto(err *error) {
	if p := recover(); p != nil {
		*err = &FileError{Code: CodeUnreadable, Err: fmt.Errorf("excelize panic: %v", p)}
	}
}
