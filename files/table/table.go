// Package table writes one sheet of typed rows as XLSX or CSV, streaming: the
// rows go out as they are written and memory does not grow with their number.
// It imports nothing of Podium's, so any export (or a test) can use it alone.
//
// XLSX goes through excelize's StreamWriter. That writer keeps the sheet's XML
// in memory up to excelize.StreamChunkSize (16 MiB) and spills the rest to a
// temporary file (os.CreateTemp in the default temp directory), so the sheet
// itself costs at most 16 MiB of memory whatever the row count. Close then zips
// the workbook straight into w (File.SetZipWriter), not through excelize's
// default in-memory buffer of the whole file.
//
// CSV is UTF-8 with a byte-order mark, which is what makes Excel on Windows
// read Chinese text as UTF-8 instead of the local code page.
package table

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Format is a file format of the writer.
type Format string

// The formats.
const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// ParseFormat reads a format's name as users type it.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case XLSX, CSV:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want xlsx or csv)", s)
}

// Extension is the file name extension of the format, with its dot.
func (f Format) Extension() string { return "." + string(f) }

// ContentType is the MIME type of the format.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Decimal is an exact decimal number written as text, such as "87.35" or "-3".
// It is a number cell in XLSX (shown with two decimals) and the same text in
// CSV: exact values never pass through a float on their way to a CSV reader.
type Decimal string

// TimeLayout is how times are written in CSV: the wall clock of the time's own
// location, as an organizer reads it (no zone: give times in the contest's).
const TimeLayout = "2006-01-02 15:04:05"

// BOM is the byte-order mark every CSV starts with.
const BOM = "\uFEFF"

// ErrClosed is returned by WriteRow after Close.
var ErrClosed = errors.New("table: writer is closed")

// Writer writes rows of one sheet. It is not safe for concurrent use.
type Writer struct {
	format  Format
	columns int
	closed  bool

	// CSV
	bw  *bufio.Writer
	cw  *csv.Writer
	rec []string

	// XLSX
	w            io.Writer
	file         *excelize.File
	sw           *excelize.StreamWriter
	row          int
	cells        []any
	decimalStyle int
	timeStyle    int
}

// New starts a sheet named sheet (XLSX only; Excel allows 31 characters,
// without []:*?/\) with a header row. The header row is bold and frozen in
// XLSX; column widths follow the headers.
func New(w io.Writer, format Format, sheet string, headers []string) (*Writer, error) {
	if len(headers) == 0 {
		return nil, errors.New("table: no columns")
	}
	t := &Writer{format: format, columns: len(headers)}
	switch format {
	case CSV:
		t.bw = bufio.NewWriter(w)
		if _, err := t.bw.WriteString(BOM); err != nil {
			return nil, err
		}
		t.cw = csv.NewWriter(t.bw)
		t.cw.UseCRLF = true // what Excel writes, and what RFC 4180 says
		t.rec = make([]string, len(headers))
		if err := t.cw.Write(headers); err != nil {
			return nil, err
		}
		return t, nil
	case XLSX:
		if err := t.startXLSX(w, sheet, headers); err != nil {
			_ = t.file.Close()
			return nil, err
		}
		return t, nil
	}
	return nil, fmt.Errorf("table: unknown format %q", format)
}

func (t *Writer) startXLSX(w io.Writer, sheet string, headers []string) error {
	t.w = w
	t.file = excelize.NewFile()
	if sheet = sanitizeSheet(sheet); sheet != "Sheet1" {
		if err := t.file.SetSheetName("Sheet1", sheet); err != nil {
			return err
		}
	}
	var err error
	if t.sw, err = t.file.NewStreamWriter(sheet); err != nil {
		return err
	}
	bold, err := t.file.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if t.decimalStyle, err = t.file.NewStyle(&excelize.Style{NumFmt: 2}); err != nil { // 0.00
		return err
	}
	layout := "yyyy-mm-dd hh:mm:ss"
	if t.timeStyle, err = t.file.NewStyle(&excelize.Style{CustomNumFmt: &layout}); err != nil {
		return err
	}
	// Widths and panes must precede the first row in a stream.
	for i, h := range headers {
		if err := t.sw.SetColWidth(i+1, i+1, columnWidth(h)); err != nil {
			return err
		}
	}
	if err := t.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	t.cells = make([]any, len(headers))
	for i, h := range headers {
		t.cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	t.row = 1
	return t.sw.SetRow("A1", t.cells)
}

// columnWidth sizes a column for its header, counting a CJK character as two
// (Excel's width unit is about one Latin digit), within [10, 60].
func columnWidth(h string) float64 {
	w := 0
	for _, r := range h {
		if r >= 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return float64(min(max(w+4, 10), 60))
}

// sanitizeSheet makes a valid sheet name: Excel refuses []:*?/\ and more than
// 31 characters.
func sanitizeSheet(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	if s == "" {
		return "Sheet1"
	}
	return s
}

// WriteRow writes one row: as many cells as headers, each a string, an
// integer, a Decimal, a time.Time, a bool or nil (an empty cell).
func (t *Writer) WriteRow(cells ...any) error {
	if t.closed {
		return ErrClosed
	}
	if len(cells) != t.columns {
		return fmt.Errorf("table: row has %d cells, the header %d", len(cells), t.columns)
	}
	if t.format == CSV {
		for i, c := range cells {
			s, err := csvCell(c)
			if err != nil {
				return fmt.Errorf("table: column %d: %w", i+1, err)
			}
			t.rec[i] = s
		}
		return t.cw.Write(t.rec)
	}
	for i, c := range cells {
		v, err := t.xlsxCell(c)
		if err != nil {
			return fmt.Errorf("table: column %d: %w", i+1, err)
		}
		t.cells[i] = v
	}
	t.row++
	cell, err := excelize.CoordinatesToCellName(1, t.row)
	if err != nil {
		return err
	}
	return t.sw.SetRow(cell, t.cells)
}

func csvCell(c any) (string, error) {
	switch v := c.(type) {
	case nil:
		return "", nil
	case string:
		return defuse(v), nil
	case Decimal:
		if _, err := strconv.ParseFloat(string(v), 64); err != nil {
			return "", fmt.Errorf("decimal %q is not a number", string(v))
		}
		return string(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case int32:
		return strconv.FormatInt(int64(v), 10), nil
	case bool:
		return strconv.FormatBool(v), nil
	case time.Time:
		if v.IsZero() {
			return "", nil
		}
		return v.Format(TimeLayout), nil
	}
	return "", fmt.Errorf("unsupported cell type %T", c)
}

// defuse keeps a text cell from being read as a formula by a spreadsheet
// (CSV injection: entrants type titles an organizer opens in Excel), by
// prefixing an apostrophe, as OWASP advises. XLSX cells are typed, so only
// CSV needs it.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (t *Writer) xlsxCell(c any) (any, error) {
	switch v := c.(type) {
	case nil, string, int, int64, int32, bool:
		return v, nil
	case Decimal:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return nil, fmt.Errorf("decimal %q is not a number", string(v))
		}
		// A float64's shortest form is the decimal's own text for every
		// value with at most 15 significant digits (scores have 5 or so).
		return excelize.Cell{StyleID: t.decimalStyle, Value: f}, nil
	case time.Time:
		if v.IsZero() {
			return nil, nil
		}
		// Excel has no zones: the wall clock is the value, as in CSV.
		wall := time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), 0, time.UTC)
		return excelize.Cell{StyleID: t.timeStyle, Value: wall}, nil
	}
	return nil, fmt.Errorf("unsupported cell type %T", c)
}

// Close finishes the file and writes what is left of it to w. It does not
// close w. After an error from WriteRow, Close still releases the temporary
// file, but the output is incomplete.
func (t *Writer) Close() error {
	if t.closed {
		return ErrClosed
	}
	t.closed = true
	if t.format == CSV {
		t.cw.Flush()
		if err := t.cw.Error(); err != nil {
			return err
		}
		return t.bw.Flush()
	}
	defer t.file.Close() // removes the stream's temporary file
	if err := t.sw.Flush(); err != nil {
		return err
	}
	// Zip straight into w: excelize's Write would first build the whole
	// file in a bytes.Buffer.
	var zw *zip.Writer
	t.file.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw = zip.NewWriter(t.w)
		return zw
	})
	if err := t.file.Write(io.Discard); err != nil {
		return err
	}
	if zw == nil {
		return errors.New("table: excelize did not use the zip writer")
	}
	return nil
}
