package entry

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"podium/fault"
	"podium/tabular"
)

const (
	usccTencent = "91440300708461136T"
	usccHuawei  = "914403001922038216"
	usccBYD     = "9144030071526726XG"
)

// goodCSV has Chinese headers (marked required in the two usual ways), a
// quoted cell spanning two lines, an empty row, and a team row with defaults.
const goodCSV = "项目名称*,赛道, 组别（必填）,企业名称,主体类型,统一社会信用代码,联系人,联系电话,邮箱,项目简介,发展阶段,核心技术,市场前景,团队情况,融资情况,团队成员\r\n" +
	"智能灌溉系统,现代农业,企业组,绿源科技有限公司,企业,9144 0300 7084 6113 6t,张伟,+86 138 1234 5678,zhangwei@example.com,\"节水灌溉,\n第二行\",原型,物联网,广阔,十人,天使轮,\"张伟:CEO;李娜：CTO\"\r\n" +
	",,,,,,,,,,,,,,,\r\n" +
	"校园二手平台,  互联网  ,团队组,创客团队,,,李娜,13912345678,李娜 <lina@example.cn>,,创意期,,,,,张伟、李娜， 王强\r\n" +
	"储能电池管理,新能源,企业组,比亚迪股份有限公司,,９１４４０３００７１５２６７２６ｘｇ,王强,139-0000-0000,,,GROWTH,,,,,\r\n"

func wantGood() []ImportRow {
	return []ImportRow{
		{
			Line: 2,
			Input: Input{
				Track: "现代农业", Group: "企业组", Title: "智能灌溉系统",
				Fields: Fields{
					Summary: "节水灌溉,\n第二行", Stage: "prototype", Technology: "物联网",
					Market: "广阔", Team: "十人", Financing: "天使轮",
				},
			},
			Organization: OrganizationInput{
				Kind: OrgEnterprise, Name: "绿源科技有限公司", USCC: usccTencent,
				ContactName: "张伟", ContactPhone: "13812345678", ContactEmail: "zhangwei@example.com",
				Members: []Member{{Name: "张伟", Role: "CEO"}, {Name: "李娜", Role: "CTO"}},
			},
		},
		{
			Line: 5,
			Input: Input{
				Track: "互联网", Group: "团队组", Title: "校园二手平台",
				Fields: Fields{Stage: "idea"},
			},
			Organization: OrganizationInput{
				Kind: OrgTeam, Name: "创客团队",
				ContactName: "李娜", ContactPhone: "13912345678", ContactEmail: "lina@example.cn",
				Members: []Member{{Name: "张伟"}, {Name: "李娜"}, {Name: "王强"}},
			},
		},
		{
			Line: 6,
			Input: Input{
				Track: "新能源", Group: "企业组", Title: "储能电池管理",
				Fields: Fields{Stage: "growth"},
			},
			Organization: OrganizationInput{
				Kind: OrgEnterprise, Name: "比亚迪股份有限公司", USCC: usccBYD,
				ContactName: "王强", ContactPhone: "13900000000",
			},
		},
	}
}

func mustParse(t *testing.T, data []byte) ([]ImportRow, []tabular.RowError) {
	t.Helper()
	rows, problems, err := parseEntries(bytes.NewReader(data), 0)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return rows, problems
}

func checkRows(t *testing.T, got, want []ImportRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func checkNoProblems(t *testing.T, problems []tabular.RowError) {
	t.Helper()
	if len(problems) > 0 {
		t.Fatalf("unexpected problems: %+v", problems)
	}
}

func TestParseGoodCSV(t *testing.T) {
	t.Parallel()
	rows, problems := mustParse(t, []byte(goodCSV))
	checkNoProblems(t, problems)
	checkRows(t, rows, wantGood())
}

func TestParseGB18030(t *testing.T) {
	t.Parallel()
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(goodCSV))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(gb, []byte(goodCSV)) || !bytes.Contains(gb, []byte("\xcf\xee\xc4\xbf")) { // 项目 in GBK
		t.Fatal("test data is not GB18030-encoded")
	}
	rows, problems := mustParse(t, gb)
	checkNoProblems(t, problems)
	checkRows(t, rows, wantGood())
}

func TestParseBOM(t *testing.T) {
	t.Parallel()
	rows, problems := mustParse(t, append([]byte("\xEF\xBB\xBF"), goodCSV...))
	checkNoProblems(t, problems)
	checkRows(t, rows, wantGood())
}

func TestParseUTF16TabSeparated(t *testing.T) {
	t.Parallel()
	// Excel's "Unicode text": UTF-16LE with a BOM, tab-separated.
	text := "项目名称\t赛道\t组别\t团队名称\r\n校园二手平台\t互联网\t团队组\t创客团队\r\n"
	data, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	rows, problems := mustParse(t, data)
	checkNoProblems(t, problems)
	if len(rows) != 1 || rows[0].Title != "校园二手平台" || rows[0].Organization.Name != "创客团队" || rows[0].Organization.Kind != OrgTeam {
		t.Fatalf("rows = %+v", rows)
	}
}

func TestParseDamagedUTF8(t *testing.T) {
	t.Parallel()
	// A UTF-8 file with one damaged byte stays UTF-8: only that cell is reported.
	data := "项目名称,赛道,组别,单位名称,项目简介\n" +
		"智能灌溉系统,现代农业,企业组,绿源科技,节水\xff灌溉\n" +
		"校园二手平台,互联网,团队组,创客团队,二手交易\n"
	rows, problems := mustParse(t, []byte(data))
	want := []tabular.RowError{{Line: 2, Column: "summary", Code: tabular.CodeEncoding, Value: "节水\uFFFD灌溉"}}
	if !reflect.DeepEqual(problems, want) {
		t.Fatalf("problems = %+v, want %+v", problems, want)
	}
	if len(rows) != 1 || rows[0].Title != "校园二手平台" || rows[0].Fields.Summary != "二手交易" {
		t.Fatalf("rows = %+v", rows)
	}
}

func TestParseCROnly(t *testing.T) {
	t.Parallel()
	data := "title,track,group,organization\rA,t,g,o\rB,t,g,o\r"
	rows, problems := mustParse(t, []byte(data))
	checkNoProblems(t, problems)
	if len(rows) != 2 || rows[1].Line != 3 || rows[1].Title != "B" {
		t.Fatalf("rows = %+v", rows)
	}
}

func TestParseGoodXLSX(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Entries"); err != nil {
		t.Fatal(err)
	}
	set := func(sheet, cell string, values []any) {
		t.Helper()
		if err := f.SetSheetRow(sheet, cell, &values); err != nil {
			t.Fatal(err)
		}
	}
	set("Entries", "A1", []any{"Title *", "TRACK", "Group", "Organization", "Kind", "USCC", "Contact", "Phone",
		"Email", "Summary", "Stage", "Technology", "Market", "Team", "Financing", "Members", ""})
	set("Entries", "A2", []any{"Smart Irrigation", "agri", "enterprise", "Green Source Ltd", "enterprise", " 9144 0300 1922 0382 16 ",
		"Zhang Wei", int64(13812345678), "zw@example.com", "Saves water", "试点", "IoT", "Large", "Ten people", "Angel",
		"张伟：CEO；李娜:CTO"})
	// row 3 is left empty; row 4 is a team with no optional cells at the end
	set("Entries", "A4", []any{"Campus Market", "internet", "team", "Makers", "团队"})
	if _, err := f.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	set("Other", "A1", []any{"not", "read"})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}

	rows, problems := mustParse(t, buf.Bytes())
	checkNoProblems(t, problems)
	checkRows(t, rows, []ImportRow{
		{
			Line: 2,
			Input: Input{
				Track: "agri", Group: "enterprise", Title: "Smart Irrigation",
				Fields: Fields{
					Summary: "Saves water", Stage: "pilot", Technology: "IoT",
					Market: "Large", Team: "Ten people", Financing: "Angel",
				},
			},
			Organization: OrganizationInput{
				Kind: OrgEnterprise, Name: "Green Source Ltd", USCC: usccHuawei,
				ContactName: "Zhang Wei", ContactPhone: "13812345678", ContactEmail: "zw@example.com",
				Members: []Member{{Name: "张伟", Role: "CEO"}, {Name: "李娜", Role: "CTO"}},
			},
		},
		{
			Line:         4,
			Input:        Input{Track: "internet", Group: "team", Title: "Campus Market"},
			Organization: OrganizationInput{Kind: OrgTeam, Name: "Makers"},
		},
	})
}

func TestParseXLSXProblems(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range [][]any{
		{"title", "track", "group", "organization", "phone"},
		{"A", "t", "g", "o", "12345"},
		{"B", "t", "", "o"},
		{"C", "t", "g", "o", "13800000000"},
	} {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, problems := mustParse(t, buf.Bytes())
	want := []tabular.RowError{
		{Line: 2, Column: "contact_phone", Code: tabular.CodePhone, Value: "12345"},
		{Line: 3, Column: "group", Code: tabular.CodeRequired},
	}
	if !reflect.DeepEqual(problems, want) {
		t.Errorf("problems = %+v, want %+v", problems, want)
	}
	if len(rows) != 1 || rows[0].Line != 4 || rows[0].Title != "C" {
		t.Errorf("rows = %+v", rows)
	}
}

func TestParseRowProblems(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("长", 201)
	data := "title,track,group,organization,kind,uscc,phone,email,stage,members\n" +
		"Good one,t,g,o,,,13800000000,a@example.com,idea,\n" + // 2
		"Bad USCC,t,g,o,,914403001922038217,,,,\n" + // 3
		"No track,,g,o,,,,,,\n" + // 4
		"Bad phone,t,g,o,,,1380000000,,,\n" + // 5
		"Bad email,t,g,o,,,,not-an-email,,\n" + // 6
		"GOOD  ONE,t,g,o,,,,,,\n" + // 7: duplicate of line 2
		"Too,many,cells,o,,,,,,,extra\n" + // 8
		long + ",t,g,o,,,,,,\n" + // 9
		"Bad stage,t,g,o,,,,,someday,\n" + // 10
		"No USCC,t,g,o,企业,,,,,\n" + // 11
		"Bad kind,t,g,o,个人,,,,,\n" + // 12
		"Bad \"quote,t,g,o,,,,,,\n" + // 13
		"Bad member,t,g,o,,,,,,张伟;:CTO\n" + // 14
		"Short,t,g\n" + // 15
		"Many,,,,,,+86 1234,x,later,\n" + // 16
		"Good two,t,g,o,team," + usccHuawei + ",,,,\n" // 17
	rows, problems := mustParse(t, []byte(data))
	want := []tabular.RowError{
		{Line: 3, Column: "uscc", Code: tabular.CodeUSCC, Value: "914403001922038217"},
		{Line: 4, Column: "track", Code: tabular.CodeRequired},
		{Line: 5, Column: "contact_phone", Code: tabular.CodePhone, Value: "1380000000"},
		{Line: 6, Column: "contact_email", Code: tabular.CodeEmail, Value: "not-an-email"},
		{Line: 7, Column: "title", Code: codeDuplicateTitle, Value: "GOOD  ONE"},
		{Line: 8, Code: tabular.CodeCellCount, Value: "11"},
		{Line: 9, Column: "title", Code: tabular.CodeTooLong, Value: strings.Repeat("长", 50)},
		{Line: 10, Column: "stage", Code: codeStage, Value: "someday"},
		{Line: 11, Column: "uscc", Code: codeUSCCRequired},
		{Line: 12, Column: "kind", Code: codeKind, Value: "个人"},
		{Line: 13, Code: tabular.CodeCSVQuote},
		{Line: 14, Column: "members", Code: codeMembers, Value: ":CTO"},
		{Line: 15, Code: tabular.CodeCellCount, Value: "3"},
		{Line: 16, Column: "track", Code: tabular.CodeRequired},
		{Line: 16, Column: "group", Code: tabular.CodeRequired},
		{Line: 16, Column: "organization", Code: tabular.CodeRequired},
		{Line: 16, Column: "contact_phone", Code: tabular.CodePhone, Value: "+86 1234"},
		{Line: 16, Column: "contact_email", Code: tabular.CodeEmail, Value: "x"},
		{Line: 16, Column: "stage", Code: codeStage, Value: "later"},
	}
	if !reflect.DeepEqual(problems, want) {
		t.Errorf("problems:")
		for i := range max(len(problems), len(want)) {
			var g, w tabular.RowError
			if i < len(problems) {
				g = problems[i]
			}
			if i < len(want) {
				w = want[i]
			}
			mark := "  "
			if g != w {
				mark = "!="
			}
			t.Errorf("%s got %+v want %+v", mark, g, w)
		}
	}
	var lines []int
	for _, r := range rows {
		lines = append(lines, r.Line)
	}
	if !slices.Equal(lines, []int{2, 17}) {
		t.Fatalf("good rows at lines %v, want [2 17]", lines)
	}
	if o := rows[1].Organization; o.Kind != OrgTeam || o.USCC != usccHuawei {
		t.Errorf("team with USCC: %+v", o)
	}
}

func TestParseEmptyRowsOnly(t *testing.T) {
	t.Parallel()
	rows, problems := mustParse(t, []byte("title,track,group,organization\n,,,\n  , ,,\n\n"))
	if len(rows) != 0 || len(problems) != 0 {
		t.Fatalf("rows %+v problems %+v", rows, problems)
	}
}

func TestHeaderKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"项目名称":               "title",
		" 项目名称 * ":           "title",
		"*项目名称":              "title",
		"项目名称（必填）":           "title",
		"项目名称(必填)*":          "title",
		"ＴＩＴＬＥ":              "title",
		"Contact Phone":      "contact_phone",
		"CONTACT_EMAIL":      "contact_email",
		"企业名称":               "organization",
		"团队名称":               "organization",
		"团队":                 "team",
		"团队成员":               "members",
		"手机":                 "contact_phone",
		"融资情况与需求":            "financing",
		"\ufeff项目名称":         "title",
		"统一社会信用代码（选填）":       "uscc",
		"Organization\u3000": "organization",
	} {
		if got, _ := importSchema.Lookup(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

// fileErr checks that err is the typed file-level error for code.
func fileErr(t *testing.T, err error, code string) *tabular.FileError {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	ce, ok := errors.AsType[*fault.Error](err)
	if !ok || ce.Code != fault.CodeInvalid || ce.Message != code || ce.Fields["file"] != code {
		t.Fatalf("error %v is not an invalid fault.Error with %s", err, code)
	}
	if fault.ErrorCode(err) != fault.CodeInvalid {
		t.Fatalf("ErrorCode = %s", fault.ErrorCode(err))
	}
	fe, ok := errors.AsType[*tabular.FileError](err)
	if !ok || fe.Code != code {
		t.Fatalf("error %v carries no tabular.FileError %s", err, code)
	}
	return fe
}

func parseFileErr(t *testing.T, data []byte, maxBytes int64, code string) *tabular.FileError {
	t.Helper()
	rows, problems, err := parseEntries(bytes.NewReader(data), maxBytes)
	if rows != nil || problems != nil {
		t.Errorf("file-level error with rows %v problems %v", rows, problems)
	}
	return fileErr(t, err, code)
}

func TestParseMissingColumn(t *testing.T) {
	t.Parallel()
	fe := parseFileErr(t, []byte("项目名称,单位名称,联系人\nA,B,C\n"), 0, tabular.CodeMissingColumn)
	if !slices.Equal(fe.Columns, []string{"track", "group"}) {
		t.Errorf("Columns = %v", fe.Columns)
	}
}

func TestParseUnknownColumn(t *testing.T) {
	t.Parallel()
	// Empty header cells are fine; "项目名" and "备注" are not.
	fe := parseFileErr(t, []byte("项目名,赛道,组别,单位名称,,备注 \nA,B,C,D,,E\n"), 0, tabular.CodeUnknownColumn)
	if !slices.Equal(fe.Columns, []string{"项目名", "备注"}) {
		t.Errorf("Columns = %v", fe.Columns)
	}
	rows, problems := mustParse(t, []byte("项目名称,赛道,组别,单位名称,,\nA,B,C,D,ignored,\n"))
	checkNoProblems(t, problems)
	if len(rows) != 1 {
		t.Errorf("rows = %+v", rows)
	}
}

func TestParseDuplicateColumn(t *testing.T) {
	t.Parallel()
	fe := parseFileErr(t, []byte("项目名称,赛道,组别,企业名称,团队名称\n"), 0, tabular.CodeDuplicateColumn)
	if !slices.Equal(fe.Columns, []string{"团队名称"}) {
		t.Errorf("Columns = %v", fe.Columns)
	}
}

func TestParseEmpty(t *testing.T) {
	t.Parallel()
	for _, data := range []string{"", "\xEF\xBB\xBF", "\n\r\n\n", ",,,\n , \n"} {
		parseFileErr(t, []byte(data), 0, tabular.CodeEmpty)
	}
}

func TestParseHeaderQuoteError(t *testing.T) {
	t.Parallel()
	fe := parseFileErr(t, []byte("\n项目名称,赛\"道,组别,单位名称\n"), 0, tabular.CodeCSVQuote)
	if fe.Line != 2 {
		t.Errorf("Line = %d, want 2", fe.Line)
	}
}

func TestParseTooLarge(t *testing.T) {
	t.Parallel()
	data := []byte(goodCSV)
	fe := parseFileErr(t, data, int64(len(data)-1), tabular.CodeTooLarge)
	if fe.Limit != int64(len(data)-1) {
		t.Errorf("Limit = %d", fe.Limit)
	}
	if _, _, err := parseEntries(bytes.NewReader(data), int64(len(data))); err != nil {
		t.Errorf("exactly maxBytes: %v", err)
	}
}

func TestParseTooManyRows(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("title,track,group,organization\n")
	for i := range tabular.MaxRows {
		fmt.Fprintf(&b, "Entry %d,t,g,o\n", i)
		if i%100 == 0 {
			b.WriteString(",,,\n") // empty rows do not count
		}
	}
	rows, problems := mustParse(t, []byte(b.String()))
	if len(rows) != tabular.MaxRows || len(problems) != 0 {
		t.Fatalf("%d rows, %d problems", len(rows), len(problems))
	}
	b.WriteString("One more,t,g,o\n")
	fe := parseFileErr(t, []byte(b.String()), 0, tabular.CodeTooManyRows)
	if fe.Limit != tabular.MaxRows {
		t.Errorf("Limit = %d", fe.Limit)
	}
}

func TestParseNotCSVOrXLSX(t *testing.T) {
	t.Parallel()
	parseFileErr(t, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest of an old workbook"), 0, tabular.CodeXLS)
	parseFileErr(t, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0, tabular.CodeFormat)
	parseFileErr(t, []byte("PK\x03\x04 not really a zip"), 0, tabular.CodeUnreadable)
}

func TestParseZipBomb(t *testing.T) {
	t.Parallel()
	// The sizes a zip declares are what parseEntries checks (archive/zip holds every
	// entry to its declared size when read), so a header suffices.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               "xl/worksheets/sheet1.xml",
		Method:             zip.Deflate,
		CompressedSize64:   2,
		UncompressedSize64: tabular.MinUnzipBytes + 1,
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
	parseFileErr(t, buf.Bytes(), 1<<20, tabular.CodeTooLarge)
}
