package judging

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"podium/fault"
	"podium/tabular"
)

const (
	usccTsinghua = "12100000400000624D"
	usccHuawei   = "914403001922038216"
)

// chineseCSV has Chinese headers in the forms organizers write them, a
// quoted multi-line cell, an empty row, and rows using every separator.
const chineseCSV = "姓名*,工作单位（必填）,统一社会信用代码,职称,评审领域,研究方向,所在地,联系电话,邮箱,评审上限\r\n" +
	"王建国,清华大学,1210 0000 4000 0062 4d,教授,\"新材料；生物医药、\nai\",\"储能, 电池；储能，Battery、battery\",北京,+86 139 1234 5678,\"王建国 <wjg@example.edu.cn>\",30\r\n" +
	",,,,,,,,,\r\n" +
	"李娜,华为技术有限公司," + usccHuawei + ",高级工程师,,人工智能,广东 深圳,,lina@example.com,\r\n" +
	"  张伟  ,深圳创新投资集团,,合伙人,互联网,,,13800001111,,２０\r\n"

func wantChinese() []ExpertRow {
	return []ExpertRow{
		{Line: 2, ExpertInput: ExpertInput{
			Name: "王建国", Organization: "清华大学", USCC: usccTsinghua, Title: "教授",
			Fields: []string{"新材料", "生物医药", "ai"}, Keywords: []string{"储能", "电池", "Battery"},
			Region: "北京", Phone: "13912345678", Email: "wjg@example.edu.cn", Capacity: 30,
		}},
		{Line: 5, ExpertInput: ExpertInput{
			Name: "李娜", Organization: "华为技术有限公司", USCC: usccHuawei, Title: "高级工程师",
			Keywords: []string{"人工智能"}, Region: "广东 深圳", Email: "lina@example.com",
		}},
		{Line: 6, ExpertInput: ExpertInput{
			Name: "张伟", Organization: "深圳创新投资集团", Title: "合伙人",
			Fields: []string{"互联网"}, Phone: "13800001111", Capacity: 20,
		}},
	}
}

func mustParse(t *testing.T, data []byte) ([]ExpertRow, []tabular.RowError) {
	t.Helper()
	rows, problems, err := parseExperts(bytes.NewReader(data), 0)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return rows, problems
}

func checkRows(t *testing.T, got, want []ExpertRow) {
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

func checkProblems(t *testing.T, got, want []tabular.RowError) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	t.Errorf("problems:")
	for i := range max(len(got), len(want)) {
		var g, w tabular.RowError
		if i < len(got) {
			g = got[i]
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

func TestParseChineseCSV(t *testing.T) {
	t.Parallel()
	rows, problems := mustParse(t, []byte(chineseCSV))
	checkProblems(t, problems, nil)
	checkRows(t, rows, wantChinese())
}

func TestParseGB18030(t *testing.T) {
	t.Parallel()
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(chineseCSV))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(gb, []byte("\xd0\xd5\xc3\xfb")) { // 姓名 in GBK
		t.Fatal("test data is not GB18030-encoded")
	}
	rows, problems := mustParse(t, gb)
	checkProblems(t, problems, nil)
	checkRows(t, rows, wantChinese())
}

func TestParseEnglishXLSX(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Experts"); err != nil {
		t.Fatal(err)
	}
	set := func(cell string, values []any) {
		t.Helper()
		if err := f.SetSheetRow("Experts", cell, &values); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", []any{"Name *", "ORGANIZATION", "USCC", "Title", "Fields", "Keywords", "Region", "Phone", "Email", "Capacity", ""})
	set("A2", []any{"Wang Jianguo", "Tsinghua University", "12100000400000624d", "Professor", "new-materials; biomed",
		"Energy storage, batteries, ENERGY STORAGE", "Beijing", int64(13912345678), "WJG@example.edu.cn", 25})
	// row 3 is empty; row 4 stops after the organization
	set("A4", []any{"Li Na", "Huawei"})
	set("A5", []any{"Zhang Wei", "Shenzhen Capital", "", "Partner", "", "", "", "", "", 500.0})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}

	rows, problems := mustParse(t, buf.Bytes())
	checkProblems(t, problems, nil)
	checkRows(t, rows, []ExpertRow{
		{Line: 2, ExpertInput: ExpertInput{
			Name: "Wang Jianguo", Organization: "Tsinghua University", USCC: usccTsinghua, Title: "Professor",
			Fields: []string{"new-materials", "biomed"}, Keywords: []string{"Energy storage", "batteries"},
			Region: "Beijing", Phone: "13912345678", Email: "WJG@example.edu.cn", Capacity: 25,
		}},
		{Line: 4, ExpertInput: ExpertInput{Name: "Li Na", Organization: "Huawei"}},
		{Line: 5, ExpertInput: ExpertInput{Name: "Zhang Wei", Organization: "Shenzhen Capital", Title: "Partner", Capacity: 500}},
	})
}

func TestParseXLSXProblems(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range [][]any{
		{"name", "organization", "phone", "capacity"},
		{"A", "o", "12345"},
		{"B", "", "", 0},
		{"C", "o", "13800000000", 12},
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
	checkProblems(t, problems, []tabular.RowError{
		{Line: 2, Column: "phone", Code: tabular.CodePhone, Value: "12345"},
		{Line: 3, Column: "organization", Code: tabular.CodeRequired},
		{Line: 3, Column: "capacity", Code: codeCapacity, Value: "0"},
	})
	checkRows(t, rows, []ExpertRow{{Line: 4, ExpertInput: ExpertInput{Name: "C", Organization: "o", Phone: "13800000000", Capacity: 12}}})
}

func TestParseRowProblems(t *testing.T) {
	t.Parallel()
	data := "name,organization,uscc,title,fields,keywords,region,phone,email,capacity\n" +
		"Good one,Org A,,,,,,13800000000,a@example.com,\n" + // 2
		",Org,,,,,,,,\n" + // 3
		"No org,,,,,,,,,\n" + // 4
		strings.Repeat("名", 51) + ",Org,,,,,,,,\n" + // 5
		"Long org," + strings.Repeat("单", 201) + ",,,,,,,,\n" + // 6
		"Bad uscc,Org,914403001922038217,,,,,,,\n" + // 7
		"Bad phone,Org,,,,,,1380000000,,\n" + // 8
		"Bad email,Org,,,,,,,not-an-email,\n" + // 9
		"Cap zero,Org,,,,,,,,0\n" + // 10
		"Cap high,Org,,,,,,,,501\n" + // 11
		"Cap text,Org,,,,,,,,twenty\n" + // 12
		"Cap frac,Org,,,,,,,,2.5\n" + // 13
		"Cap neg,Org,,,,,,,,-3\n" + // 14
		"GOOD  ONE,Org B,,,,,,+86 138 0000 0000,,\n" + // 15: same name and phone as 2
		"good one,Org C,,,,,,,A@EXAMPLE.COM,\n" + // 16: same name and email as 2
		"Good one,Org D,,,,,,13900000000,b@example.com,\n" + // 17: other phone and email: not a duplicate
		"Twin,Org E,,,,,,,,\n" + // 18
		"Twin,ＯＲＧ  e,,,,,,,,\n" + // 19: same name and organization, no contacts
		"Twin,Org E,,,,,,13700000000,,\n" + // 20: has a phone: not the same as 18
		"Twin,Org F,,,,,,,,\n" + // 21: other organization
		"Long keyword,Org,,,,短;" + strings.Repeat("词", 51) + ",,,,\n" + // 22
		"Cells,Org,,,,,,,,,extra\n" + // 23
		"Bad \"quote,Org,,,,,,,,\n" + // 24
		"Bad \xff byte,Org,,,,,,,,\n" + // 25
		"Many,,,,,,,12,x,999\n" + // 26
		"Good two,Org,,,,,,,,  500 \n" // 27
	rows, problems := mustParse(t, []byte(data))
	checkProblems(t, problems, []tabular.RowError{
		{Line: 3, Column: "name", Code: tabular.CodeRequired},
		{Line: 4, Column: "organization", Code: tabular.CodeRequired},
		{Line: 5, Column: "name", Code: tabular.CodeTooLong, Value: strings.Repeat("名", 50)},
		{Line: 6, Column: "organization", Code: tabular.CodeTooLong, Value: strings.Repeat("单", 50)},
		{Line: 7, Column: "uscc", Code: tabular.CodeUSCC, Value: "914403001922038217"},
		{Line: 8, Column: "phone", Code: tabular.CodePhone, Value: "1380000000"},
		{Line: 9, Column: "email", Code: tabular.CodeEmail, Value: "not-an-email"},
		{Line: 10, Column: "capacity", Code: codeCapacity, Value: "0"},
		{Line: 11, Column: "capacity", Code: codeCapacity, Value: "501"},
		{Line: 12, Column: "capacity", Code: codeCapacity, Value: "twenty"},
		{Line: 13, Column: "capacity", Code: codeCapacity, Value: "2.5"},
		{Line: 14, Column: "capacity", Code: codeCapacity, Value: "-3"},
		{Line: 15, Column: "name", Code: codeDuplicateExpert, Value: "GOOD  ONE"},
		{Line: 16, Column: "name", Code: codeDuplicateExpert, Value: "good one"},
		{Line: 19, Column: "name", Code: codeDuplicateExpert, Value: "Twin"},
		{Line: 22, Column: "keywords", Code: tabular.CodeTooLong, Value: strings.Repeat("词", 50)},
		{Line: 23, Code: tabular.CodeCellCount, Value: "11"},
		{Line: 24, Code: tabular.CodeCSVQuote},
		{Line: 25, Column: "name", Code: tabular.CodeEncoding, Value: "Bad \uFFFD byte"},
		{Line: 26, Column: "organization", Code: tabular.CodeRequired},
		{Line: 26, Column: "phone", Code: tabular.CodePhone, Value: "12"},
		{Line: 26, Column: "email", Code: tabular.CodeEmail, Value: "x"},
		{Line: 26, Column: "capacity", Code: codeCapacity, Value: "999"},
	})
	var lines []int
	for _, r := range rows {
		lines = append(lines, r.Line)
	}
	if !slices.Equal(lines, []int{2, 17, 18, 20, 21, 27}) {
		t.Fatalf("good rows at lines %v", lines)
	}
	if rows[5].Capacity != 500 {
		t.Errorf("capacity %d", rows[5].Capacity)
	}
}

func TestParseCapacity(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{
		"1": 1, "20": 20, "500": 500, "020": 20, "２０": 20, " 7 ": 7, "20.0": 20, "20.": 20, "20.00": 20,
		"0": 0, "501": 0, "-1": 0, "+5": 0, "2.5": 0, "1e2": 0, "": 0, ".0": 0, "二十": 0, "20 个": 0,
		"99999999999999999999999": 0,
	} {
		got, ok := parseCapacity(in)
		if got != want || ok != (want != 0) {
			t.Errorf("parseCapacity(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"姓名": "name", "name": "name", "NAME*": "name",
		"工作单位": "organization", "单位": "organization", "Organization": "organization",
		"统一社会信用代码（选填）": "uscc", "USCC": "uscc",
		"职称": "title", "职务": "title", "title": "title",
		"评审领域": "fields", "领域": "fields", "赛道": "fields", "Fields": "fields",
		"关键词": "keywords", "研究方向": "keywords", "keywords": "keywords",
		"地区": "region", "所在地": "region", "region": "region",
		"手机": "phone", "联系电话": "phone", "phone": "phone",
		"邮箱": "email", "email": "email", "ＥＭＡＩＬ": "email",
		"评审上限": "capacity", "最多评审数": "capacity", "capacity": "capacity",
		"回避单位": "conflicts", "利益冲突单位": "conflicts", "conflicts": "conflicts",
	} {
		if got, _ := expertSchema.Lookup(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
	if !slices.Equal(expertColumns, []string{"name", "organization", "uscc", "title", "fields", "keywords", "region", "phone", "email", "capacity", "conflicts"}) {
		t.Errorf("expertColumns = %v", expertColumns)
	}
	if !slices.Equal(requiredExpertColumns, []string{"name", "organization"}) {
		t.Errorf("requiredExpertColumns = %v", requiredExpertColumns)
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
	fe, ok := errors.AsType[*tabular.FileError](err)
	if !ok || fe.Code != code {
		t.Fatalf("error %v carries no tabular.FileError %s", err, code)
	}
	return fe
}

func parseFileErr(t *testing.T, data []byte, maxBytes int64, code string) *tabular.FileError {
	t.Helper()
	rows, problems, err := parseExperts(bytes.NewReader(data), maxBytes)
	if rows != nil || problems != nil {
		t.Errorf("file-level error with rows %v problems %v", rows, problems)
	}
	return fileErr(t, err, code)
}

func TestParseFileErrors(t *testing.T) {
	t.Parallel()
	fe := parseFileErr(t, []byte("职称,手机\n教授,13800000000\n"), 0, codeMissingExpertColumn)
	if !slices.Equal(fe.Columns, []string{"name", "organization"}) {
		t.Errorf("Columns = %v", fe.Columns)
	}
	fe = parseFileErr(t, []byte("姓名,单位,性别,备注\n"), 0, tabular.CodeUnknownColumn)
	if !slices.Equal(fe.Columns, []string{"性别", "备注"}) {
		t.Errorf("Columns = %v", fe.Columns)
	}
	fe = parseFileErr(t, []byte("姓名,单位,工作单位\n"), 0, tabular.CodeDuplicateColumn)
	if !slices.Equal(fe.Columns, []string{"工作单位"}) {
		t.Errorf("Columns = %v", fe.Columns)
	}
	parseFileErr(t, []byte("\n\n,,\n"), 0, tabular.CodeEmpty)
	fe = parseFileErr(t, []byte(chineseCSV), 100, tabular.CodeTooLarge)
	if fe.Limit != 100 {
		t.Errorf("Limit = %d", fe.Limit)
	}
	parseFileErr(t, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1old workbook"), 0, tabular.CodeXLS)
	parseFileErr(t, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0, tabular.CodeFormat)
	parseFileErr(t, []byte("PK\x03\x04 not really a zip"), 0, tabular.CodeUnreadable)
	parseFileErr(t, []byte("姓名,单\"位\n"), 0, tabular.CodeCSVQuote)

	var b strings.Builder
	b.WriteString("姓名,单位\n")
	for i := range tabular.MaxRows + 1 {
		fmt.Fprintf(&b, "专家%d,单位\n", i)
	}
	fe = parseFileErr(t, []byte(b.String()), 0, tabular.CodeTooManyRows)
	if fe.Limit != tabular.MaxRows {
		t.Errorf("Limit = %d", fe.Limit)
	}
}
