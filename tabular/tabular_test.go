package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"podium/fault"
)

// testSchema is a small schema of people: name and city required.
var testSchema = NewSchema("err.import.test_missing",
	Column{Key: "name", Names: []string{"姓名"}, Required: true},
	Column{Key: "city", Names: []string{"城市", "所在城市"}, Required: true},
	Column{Key: "phone", Names: []string{"手机", "联系电话"}},
	Column{Key: "note", Names: []string{"备注"}},
)

const peopleCSV = "姓名*,城市（必填）,手机,备注\r\n" +
	"张伟,北京,+86 138 1234 5678,\"第一行,\n第二行\"\r\n" +
	",,,\r\n" +
	"李娜, 上海 ,,\r\n"

// rowValues is what a reader yields, as plain data for comparing.
type rowValues struct {
	Line     int
	Values   map[string]string
	Problems []RowError
}

// readAll opens data with testSchema and returns every row.
func readAll(t *testing.T, data []byte) []rowValues {
	t.Helper()
	rd, err := Open(bytes.NewReader(data), 0, testSchema)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rd.Close()
	var out []rowValues
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, rowValues{row.Line, row.Values, row.Problems})
	}
}

func wantPeople() []rowValues {
	return []rowValues{
		{Line: 2, Values: map[string]string{"name": "张伟", "city": "北京", "phone": "+86 138 1234 5678", "note": "第一行,\n第二行"}},
		{Line: 5, Values: map[string]string{"name": "李娜", "city": " 上海 ", "phone": "", "note": ""}},
	}
}

func checkValues(t *testing.T, got, want []rowValues) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows:\n got %+v\nwant %+v", got, want)
	}
}

func TestReadEncodings(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(peopleCSV))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(gb, []byte("\xd0\xd5\xc3\xfb")) { // 姓名 in GBK
		t.Fatal("test data is not GB18030-encoded")
	}
	u16le, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(peopleCSV))
	if err != nil {
		t.Fatal(err)
	}
	u16be, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(peopleCSV))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"utf-8":        []byte(peopleCSV),
		"utf-8 bom":    append([]byte("\xEF\xBB\xBF"), peopleCSV...),
		"gb18030":      gb,
		"utf-16le bom": u16le,
		"utf-16be bom": u16be,
	} {
		t.Run(name, func(t *testing.T) {
			checkValues(t, readAll(t, data), wantPeople())
		})
	}
}

func TestReadDamagedUTF8(t *testing.T) {
	// A UTF-8 file with one damaged byte stays UTF-8: Get reports that cell only.
	data := "姓名,城市\n张伟,北\xff京\n李娜,上海\n"
	rows, problems, err := Read(strings.NewReader(data), 0, testSchema, func(r *Row) string {
		return r.Required("name", 10) + "/" + r.Required("city", 10)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []RowError{{Line: 2, Column: "city", Code: CodeEncoding, Value: "北\uFFFD京"}}
	if !reflect.DeepEqual(problems, want) || !slices.Equal(rows, []string{"李娜/上海"}) {
		t.Fatalf("rows %q problems %+v", rows, problems)
	}
}

func TestDecodeText(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"\xEF\xBB\xBFabc":       "abc",
		"\xFF\xFEa\x00b\x00":    "ab",
		"\xFE\xFF\x00a\x00b":    "ab",
		"\xd6\xd0\xce\xc4":      "中文",       // GBK
		"中文中文\xff":              "中文中文\xff", // mostly UTF-8: left as is
		"\x81\x30\x81\x30":      "\u0080",   // a four-byte GB18030 sequence
		"plain ascii, no magic": "plain ascii, no magic",
	} {
		if got := string(decodeText([]byte(in))); got != want {
			t.Errorf("decodeText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSniffComma(t *testing.T) {
	for in, want := range map[string]rune{
		"a,b\n":          ',',
		"a\tb\n":         '\t',
		"\n\n a\tb\n":    '\t',
		"a\tb,c\n":       ',',
		"":               ',',
		"a\n\tb\n":       ',',
		"  \r\na\tb\r\n": '\t',
	} {
		if got := sniffComma([]byte(in)); got != want {
			t.Errorf("sniffComma(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadTabSeparatedAndCROnly(t *testing.T) {
	checkValues(t, readAll(t, []byte("name\tcity\nA\tB\n")), []rowValues{{Line: 2, Values: map[string]string{"name": "A", "city": "B"}}})
	checkValues(t, readAll(t, []byte("name,city\rA,B\rC,D\r")), []rowValues{
		{Line: 2, Values: map[string]string{"name": "A", "city": "B"}},
		{Line: 3, Values: map[string]string{"name": "C", "city": "D"}},
	})
}

func TestReadRowProblems(t *testing.T) {
	data := "name,city,,\n" + // an empty header cell: its column is ignored
		"A,B,ignored,\n" + // 2
		"A,B,C,D,E\n" + // 3: too many cells
		"A\n" + // 4: too few
		"Bad \"quote,B,,\n" + // 5
		"\"spans\nlines\",B,,\n" + // 6–7
		"\"unclosed,B,,\n" // 8: to the end
	checkValues(t, readAll(t, []byte(data)), []rowValues{
		{Line: 2, Values: map[string]string{"name": "A", "city": "B"}},
		{Line: 3, Problems: []RowError{{Line: 3, Code: CodeCellCount, Value: "5"}}},
		{Line: 4, Problems: []RowError{{Line: 4, Code: CodeCellCount, Value: "1"}}},
		{Line: 5, Problems: []RowError{{Line: 5, Code: CodeCSVQuote}}},
		{Line: 6, Values: map[string]string{"name": "spans\nlines", "city": "B"}},
		{Line: 8, Problems: []RowError{{Line: 8, Code: CodeCSVQuote}}},
	})
}

func TestHeaderKey(t *testing.T) {
	for in, want := range map[string]string{
		"姓名":          "name",
		" 姓名 * ":      "name",
		"*姓名":         "name",
		"姓名（必填）":      "name",
		"姓名(必填)*":     "name",
		"城市（选填）":      "city",
		"ＮＡＭＥ":        "name",
		"Name":        "name",
		"\ufeff姓名":    "name",
		"所在_城市":       "city",
		"所在-城市\u3000": "city",
		"联系\u200b电话":  "phone",
		"Phone\u00a0": "phone",
		"\t备注\r\n":    "note",
		"姓":           "",
		"":            "",
		"必填":          "",
		"name2":       "",
		"（必填）":        "",
	} {
		if got, _ := testSchema.Lookup(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

func TestSchema(t *testing.T) {
	if got := testSchema.Keys(); !slices.Equal(got, []string{"name", "city", "phone", "note"}) {
		t.Errorf("Keys = %v", got)
	}
	if got := testSchema.Required(); !slices.Equal(got, []string{"name", "city"}) {
		t.Errorf("Required = %v", got)
	}
	testSchema.Keys()[0] = "changed"
	if testSchema.Keys()[0] != "name" {
		t.Error("Keys shares its slice")
	}
	for name, cols := range map[string][]Column{
		"same key":    {{Key: "a"}, {Key: "a"}},
		"same name":   {{Key: "a", Names: []string{"甲"}}, {Key: "b", Names: []string{" 甲* "}}},
		"name is key": {{Key: "a"}, {Key: "b", Names: []string{"A"}}},
		"no key":      {{Names: []string{"甲"}}},
		"empty name":  {{Key: "a", Names: []string{"*"}}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: NewSchema did not panic", name)
				}
			}()
			NewSchema("", cols...)
		}()
	}
	// The default code for missing columns.
	s := NewSchema("", Column{Key: "a", Required: true}, Column{Key: "b"})
	fe := openErr(t, s, []byte("b\n"), 0, CodeMissingColumn)
	if !slices.Equal(fe.Columns, []string{"a"}) {
		t.Errorf("Columns = %v", fe.Columns)
	}
}

// openErr checks that opening data fails with the typed file-level error for code.
func openErr(t *testing.T, s *Schema, data []byte, maxBytes int64, code string) *FileError {
	t.Helper()
	rd, err := Open(bytes.NewReader(data), maxBytes, s)
	if err == nil {
		rd.Close()
		t.Fatalf("no error, want %s", code)
	}
	if rd != nil {
		t.Errorf("a Reader with error %v", err)
	}
	return fileErr(t, err, code)
}

func fileErr(t *testing.T, err error, code string) *FileError {
	t.Helper()
	ce, ok := errors.AsType[*fault.Error](err)
	if !ok || ce.Code != fault.CodeInvalid || ce.Message != code || ce.Fields["file"] != code {
		t.Fatalf("error %v is not an invalid fault.Error with %s", err, code)
	}
	fe, ok := errors.AsType[*FileError](err)
	if !ok || fe.Code != code {
		t.Fatalf("error %v carries no FileError %s", err, code)
	}
	return fe
}

func TestFileErrors(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		fe := openErr(t, testSchema, []byte("手机,备注\n"), 0, "err.import.test_missing")
		if !slices.Equal(fe.Columns, []string{"name", "city"}) {
			t.Errorf("Columns = %v", fe.Columns)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		fe := openErr(t, testSchema, []byte("姓名,城市,年龄, 爱好 ,\n"), 0, CodeUnknownColumn)
		if !slices.Equal(fe.Columns, []string{"年龄", "爱好"}) {
			t.Errorf("Columns = %v", fe.Columns)
		}
		var b strings.Builder
		b.WriteString("姓名,城市")
		for i := range 30 {
			fmt.Fprintf(&b, ",%s%d", strings.Repeat("列", 60), i)
		}
		fe = openErr(t, testSchema, []byte(b.String()), 0, CodeUnknownColumn)
		if len(fe.Columns) != MaxListedColumns || fe.Columns[0] != strings.Repeat("列", MaxValueRunes) {
			t.Errorf("Columns = %v", fe.Columns)
		}
	})
	t.Run("duplicate", func(t *testing.T) {
		fe := openErr(t, testSchema, []byte("姓名,城市,所在城市\n"), 0, CodeDuplicateColumn)
		if !slices.Equal(fe.Columns, []string{"所在城市"}) {
			t.Errorf("Columns = %v", fe.Columns)
		}
	})
	t.Run("empty", func(t *testing.T) {
		for _, data := range []string{"", "\xEF\xBB\xBF", "\n\r\n\n", ",,,\n , \n", "\xFF\xFE"} {
			openErr(t, testSchema, []byte(data), 0, CodeEmpty)
		}
	})
	t.Run("header quote", func(t *testing.T) {
		fe := openErr(t, testSchema, []byte("\n姓名,城\"市\n"), 0, CodeCSVQuote)
		if fe.Line != 2 {
			t.Errorf("Line = %d, want 2", fe.Line)
		}
	})
	t.Run("too large", func(t *testing.T) {
		data := []byte(peopleCSV)
		fe := openErr(t, testSchema, data, int64(len(data)-1), CodeTooLarge)
		if fe.Limit != int64(len(data)-1) {
			t.Errorf("Limit = %d", fe.Limit)
		}
		rd, err := Open(bytes.NewReader(data), int64(len(data)), testSchema)
		if err != nil {
			t.Fatalf("exactly maxBytes: %v", err)
		}
		rd.Close()
	})
	t.Run("not csv or xlsx", func(t *testing.T) {
		openErr(t, testSchema, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest of an old workbook"), 0, CodeXLS)
		openErr(t, testSchema, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0, CodeFormat)
		openErr(t, testSchema, []byte("%PDF-1.7\n\x00\x01binary"), 0, CodeFormat)
		openErr(t, testSchema, []byte("PK\x03\x04 not really a zip"), 0, CodeUnreadable)
	})
	t.Run("zip without sheets", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.Create("hello.txt")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte("hello"))
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		openErr(t, testSchema, buf.Bytes(), 0, CodeUnreadable)
	})
}

func TestOpenUnreadableUpload(t *testing.T) {
	_, err := Open(io.MultiReader(strings.NewReader("姓名"), errReader{}), 0, testSchema)
	fe := fileErr(t, err, CodeUnreadable)
	if !errors.Is(err, errBroken) || !errors.Is(fe, errBroken) {
		t.Errorf("cause lost: %v", err)
	}
}

var errBroken = errors.New("connection reset")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBroken }

func TestTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("name,city\n")
	for i := range MaxRows {
		fmt.Fprintf(&b, "P%d,c\n", i)
		if i%100 == 0 {
			b.WriteString(",\n") // empty rows do not count
		}
	}
	count := func(data string) (int, error) {
		rows, problems, err := Read(strings.NewReader(data), 0, testSchema, func(r *Row) int { return r.Line })
		if len(problems) > 0 {
			t.Fatalf("problems: %+v", problems[0])
		}
		return len(rows), err
	}
	if n, err := count(b.String()); n != MaxRows || err != nil {
		t.Fatalf("%d rows, %v", n, err)
	}
	b.WriteString("\"bad\"quote,c\n") // unreadable rows count too
	n, err := count(b.String())
	if n != 0 {
		t.Errorf("%d rows with a file-level error", n)
	}
	if fe := fileErr(t, err, CodeTooManyRows); fe.Limit != MaxRows {
		t.Errorf("Limit = %d", fe.Limit)
	}
}

func TestNextAfterErrorAndClose(t *testing.T) {
	rd, err := Open(strings.NewReader("name,city\nA,B\n"), 0, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	if !rd.Has("city") || rd.Has("phone") {
		t.Error("Has")
	}
	if _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("Next = %v, want EOF", err)
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("Next again = %v, want EOF", err)
	}
	rd.Close()
	rd.Close()
	if _, err := rd.Next(); err == nil || err == io.EOF {
		t.Fatalf("Next after Close = %v", err)
	}
}

// workbook builds an XLSX file whose first sheet holds rows from A1.
func workbook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		if row == nil {
			continue
		}
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Other", "A1", "not read"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	data := workbook(t,
		nil, // row 1 empty: the header is row 2
		[]any{"NAME *", "City", "Phone", "Note", ""},
		[]any{"Zhang Wei", "Beijing", int64(13812345678), "a\nb"},
		nil,
		[]any{"Li Na", "Shanghai"}, // no cells past the city
		[]any{"", "", "", "", "past the header"},
	)
	checkValues(t, readAll(t, data), []rowValues{
		{Line: 3, Values: map[string]string{"name": "Zhang Wei", "city": "Beijing", "phone": "13812345678", "note": "a\nb"}},
		{Line: 5, Values: map[string]string{"name": "Li Na", "city": "Shanghai", "phone": "", "note": ""}},
		{Line: 6, Values: map[string]string{"name": "", "city": "", "phone": "", "note": ""}},
	})
	openErr(t, testSchema, workbook(t, []any{"Name", "Age"}), 0, CodeUnknownColumn)
	openErr(t, testSchema, workbook(t), 0, CodeEmpty)
}

func TestZipBomb(t *testing.T) {
	// The sizes a zip declares are what Open checks (archive/zip holds every
	// entry to its declared size when read), so a header suffices.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               "xl/worksheets/sheet1.xml",
		Method:             zip.Deflate,
		CompressedSize64:   2,
		UncompressedSize64: MinUnzipBytes + 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte{0x03, 0x00}); err != nil { // an empty deflate stream
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	fe := openErr(t, testSchema, buf.Bytes(), 1<<20, CodeTooLarge)
	if fe.Limit != 1<<20 {
		t.Errorf("Limit = %d", fe.Limit)
	}
	for maxBytes, want := range map[int64]int64{1: MinUnzipBytes, 8 << 20: 128 << 20, 1 << 30: MaxUnzipBytes} {
		if got := unzipLimit(maxBytes); got != want {
			t.Errorf("unzipLimit(%d) = %d, want %d", maxBytes, got, want)
		}
	}
}

func TestRowChecks(t *testing.T) {
	r := &Row{Line: 7, Values: map[string]string{
		"name": "  ", "city": strings.Repeat("长", 11), "phone": "1380000000", "note": " a@example.com ",
	}}
	if v := r.Required("name", 10); v != "" {
		t.Errorf("Required = %q", v)
	}
	if v := r.Required("city", 10); v != "" { // too long, not also required
		t.Errorf("Required = %q", v)
	}
	if v := r.Phone("phone"); v != "" {
		t.Errorf("Phone = %q", v)
	}
	if v := r.Email("note"); v != "a@example.com" {
		t.Errorf("Email = %q", v)
	}
	if v := r.Get("absent", 10); v != "" || r.Bad("absent") {
		t.Errorf("Get absent = %q", v)
	}
	want := []RowError{
		{Line: 7, Column: "name", Code: CodeRequired},
		{Line: 7, Column: "city", Code: CodeTooLong, Value: strings.Repeat("长", 11)},
		{Line: 7, Column: "phone", Code: CodePhone, Value: "1380000000"},
	}
	if !reflect.DeepEqual(r.Problems, want) {
		t.Errorf("problems %+v, want %+v", r.Problems, want)
	}
	if !r.Bad("name") || !r.Bad("city") || !r.Bad("phone") || r.Bad("note") {
		t.Error("Bad")
	}
}

func TestRowUSCCAndEmail(t *testing.T) {
	r := &Row{Line: 2, Values: map[string]string{
		"a": "９１４４０３００７１５２６７２６ｘｇ", "b": "914403001922038217", "c": "李娜 <lina@example.cn>", "d": "not-an-email",
	}}
	if v := r.USCC("a"); v != "9144030071526726XG" {
		t.Errorf("USCC = %q", v)
	}
	if v := r.USCC("b"); v != "" {
		t.Errorf("USCC = %q", v)
	}
	if v := r.Email("c"); v != "lina@example.cn" {
		t.Errorf("Email = %q", v)
	}
	if v := r.Email("d"); v != "" {
		t.Errorf("Email = %q", v)
	}
	want := []RowError{
		{Line: 2, Column: "b", Code: CodeUSCC, Value: "914403001922038217"},
		{Line: 2, Column: "d", Code: CodeEmail, Value: "not-an-email"},
	}
	if !reflect.DeepEqual(r.Problems, want) {
		t.Errorf("problems %+v, want %+v", r.Problems, want)
	}
}

func TestRowList(t *testing.T) {
	r := &Row{Line: 3, Values: map[string]string{
		"a": " AI；人工智能、 ai ,Ｂｉｏ，bio\n新材料;; ",
		"b": "短, " + strings.Repeat("长", 6),
		"c": "",
	}}
	if got := r.List("a", 100, 5); !slices.Equal(got, []string{"AI", "人工智能", "Ｂｉｏ", "新材料"}) {
		t.Errorf("List = %q", got)
	}
	if got := r.List("b", 100, 5); got != nil {
		t.Errorf("List = %q", got)
	}
	if got := r.List("c", 100, 5); got != nil {
		t.Errorf("List = %q", got)
	}
	want := []RowError{{Line: 3, Column: "b", Code: CodeTooLong, Value: strings.Repeat("长", 6)}}
	if !reflect.DeepEqual(r.Problems, want) {
		t.Errorf("problems %+v, want %+v", r.Problems, want)
	}
}

func TestSplitListAndFold(t *testing.T) {
	if got := SplitList(" a ;b；c、d,e，f\ng\r\nh ,, "); !slices.Equal(got, []string{"a", "b", "c", "d", "e", "f", "g", "h"}) {
		t.Errorf("SplitList = %q", got)
	}
	if SplitList(" ;、 ") != nil {
		t.Error("SplitList of separators only")
	}
	if got := Fold("  Ｈello \t  WORLD "); got != "hello world" {
		t.Errorf("Fold = %q", got)
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate(strings.Repeat("长", 60)); got != strings.Repeat("长", 50) {
		t.Errorf("Truncate = %q", got)
	}
	if got := Truncate("a\xffb"); got != "a\uFFFDb" {
		t.Errorf("Truncate = %q", got)
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"13812345678":       "13812345678",
		"+86 138 1234 5678": "13812345678",
		"+8613812345678":    "13812345678",
		"8613812345678":     "13812345678",
		"１３８１２３４５６７８":       "13812345678",
		"199-0000-1111":     "19900001111",
		"12812345678":       "",
		"1381234567":        "",
		"138123456789":      "",
		"010-12345678":      "",
		"1381234567a":       "",
	} {
		got, ok := NormalizePhone(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestNormalizeEmailAndUSCC(t *testing.T) {
	for in, want := range map[string]string{
		"a@example.com":        "a@example.com",
		"李娜 <lina@example.cn>": "lina@example.cn",
		"ａ＠ｅｘａｍｐｌｅ．ｃｏｍ":        "a@example.com",
		"not-an-email":         "",
		"a@":                   "",
		"<>":                   "",
	} {
		if got, ok := NormalizeEmail(in); got != want || ok != (want != "") {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for in, want := range map[string]string{
		"9144 0300 7084 6113 6t": "91440300708461136T",
		"914403001922038216":     "914403001922038216",
		"914403001922038217":     "",
		"91":                     "",
	} {
		if got, ok := NormalizeUSCC(in); got != want || ok != (want != "") {
			t.Errorf("NormalizeUSCC(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestFileErrorText(t *testing.T) {
	fe := &FileError{Code: CodeUnknownColumn, Columns: []string{"a", "b"}, Line: 3, Limit: 9, Err: errBroken}
	if got := fe.Error(); got != "err.import.unknown_column a, b at line 3 (limit 9): connection reset" {
		t.Errorf("Error = %q", got)
	}
	if !errors.Is(fe, errBroken) {
		t.Error("Unwrap")
	}
}
