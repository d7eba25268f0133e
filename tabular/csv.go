package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

var (
	utf8BOM    = []byte("\xEF\xBB\xBF")
	utf16LEBOM = []byte("\xFF\xFE")
	utf16BEBOM = []byte("\xFE\xFF")
)

type csvSource struct {
	r *csv.Reader
}

func (*csvSource) strictWidth() bool { return true }

func (*csvSource) close() {}

func (s *csvSource) next() (record, error) {
	cells, err := s.r.Read()
	if err == nil {
		line, _ := s.r.FieldPos(0)
		return record{line: line, cells: cells}, nil
	}
	if err == io.EOF {
		return record{}, io.EOF
	}
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		// StartLine is the line the row begins on, where the organizer looks
		// for it; for a one-line row it is the error's line too.
		line := pe.StartLine
		if line == 0 {
			line = pe.Line
		}
		return record{line: line, problem: &RowError{Line: line, Code: CodeCSVQuote}}, nil
	}
	return record{}, &FileError{Code: CodeUnreadable, Err: err}
}

// openCSV decodes data to UTF-8 and readies a CSV reader on it.
func openCSV(data []byte) (*csvSource, *FileError) {
	data = decodeText(data)
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &FileError{Code: CodeFormat} // binary: a PDF, an image, a .doc …
	}
	if bytes.IndexByte(data, '\n') < 0 {
		// Old Macintosh line ends (CR only), which encoding/csv does not split on.
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	r.Comma = sniffComma(data)
	return &csvSource{r: r}, nil
}

// decodeText returns data as UTF-8 without a byte-order mark. UTF-8 (with or
// without BOM) and UTF-16 with a BOM are recognized; other text is taken for
// GB18030 (a superset of GBK, which Excel in China saves CSV files in), unless
// it is nearly all valid UTF-8 with a few damaged bytes, which then show up as
// err.import.encoding in their cells rather than turning the whole file into
// mojibake. Bytes that cannot be decoded become U+FFFD.
func decodeText(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		data = data[len(utf8BOM):]
	case bytes.HasPrefix(data, utf16LEBOM), bytes.HasPrefix(data, utf16BEBOM):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err == nil {
			data = out
		}
	case !utf8.Valid(data) && !mostlyUTF8(data):
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err == nil {
			data = out
		}
	}
	return bytes.TrimPrefix(data, utf8BOM) // a BOM left after decoding UTF-16 or GB18030
}

// mostlyUTF8 reports whether data, which is not valid UTF-8, still looks like
// UTF-8 text with a few damaged bytes: its valid multi-byte sequences far
// outnumber its invalid bytes. GBK text forms valid UTF-8 sequences only by
// chance, and rarely.
func mostlyUTF8(data []byte) bool {
	multi, invalid := 0, 0
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && size == 1:
			invalid++
		case size > 1:
			multi++
		}
		data = data[size:]
	}
	return multi >= 4*invalid
}

// sniffComma returns a tab when the first non-empty line has tabs and no
// commas (Excel's "Unicode text" and other tab-separated exports), else a comma.
func sniffComma(data []byte) rune {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if bytes.IndexByte(line, '\t') >= 0 && bytes.IndexByte(line, ',') < 0 {
			return '\t'
		}
		return ','
	}
	return ','
}
