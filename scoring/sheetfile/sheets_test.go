package sheetfile

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"podium/scoring"
)

var rubric = scoring.Rubric{Criteria: []scoring.Criterion{
	{Key: "tech", Name: "技术与产品", Max: 30_00},
	{Key: "biz", Name: "商业模式", Max: 20_00, Weight: 25_00},
	{Key: "team", Name: "团队", Max: 10_00},
}}

func TestReadSheets(t *testing.T) {
	in := "\uFEFFjudge, entry ,team,tech,biz\r\n" +
		"J1,E1,8,25,15\r\n" +
		"\r\n" + // blank lines are skipped
		" J2 , 项目二 , 7.5 ,20.25,0\r\n"
	got, err := ReadSheets(strings.NewReader(in), rubric)
	if err != nil {
		t.Fatal(err)
	}
	want := []scoring.Sheet{
		{Entry: "E1", Judge: "J1", Marks: map[string]scoring.Points{"tech": 2500, "biz": 1500, "team": 800}},
		{Entry: "项目二", Judge: "J2", Marks: map[string]scoring.Points{"tech": 2025, "biz": 0, "team": 750}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestReadSheetsErrors(t *testing.T) {
	const header = "entry,judge,tech,biz,team\n"
	cases := []struct {
		name  string
		in    string
		line  int
		class error
	}{
		{"empty", "", 1, ErrEmpty},
		{"only BOM", "\uFEFF", 1, ErrEmpty},
		{"unknown column", "entry,judge,tech,biz,team,extra\n", 1, ErrColumn},
		{"missing column", "entry,judge,tech,biz\nE1,J1,1,1\n", 1, ErrColumn},
		{"duplicate column", "entry,judge,tech,biz,team,tech\n", 1, ErrColumn},
		{"no judge column", "entry,tech,biz,team\n", 1, ErrColumn},
		{"above max", header + "E1,J1,30,20,10\nE2,J1,30.01,20,10\n", 3, ErrMark},
		{"below zero", header + "E1,J1,-1,20,10\n", 2, ErrMark},
		{"3 decimals", header + "E1,J1,1.234,20,10\n", 2, scoring.ErrDecimals},
		{"not a number", header + "E1,J1,abc,20,10\n", 2, scoring.ErrNotDecimal},
		{"missing mark", header + "E1,J1,1,,10\n", 2, ErrMark},
		{"duplicate sheet", header + "E1,J1,1,1,1\nE2,J1,1,1,1\nE1,J1,2,2,2\n", 4, ErrDuplicate},
		{"field count", header + "E1,J1,1,1\n", 2, ErrSyntax},
		{"bare quote", header + "E1,J\"1,1,1,1\n", 2, ErrSyntax},
		{"open quote", header + "E1,J1,1,1,1\n\"E2,J1,1,1,1\n", 3, ErrSyntax},
		{"bad UTF-8", header + "E\xff,J1,1,1,1\n", 2, ErrSyntax},
		{"empty entry", header + " ,J1,1,1,1\n", 2, ErrField},
		// A quoted entry spanning two lines: the next record starts on line 4.
		{"after multi-line field", header + "\"E\n1\",J1,1,1,1\nE2,J1,99,1,1\n", 4, ErrMark},
	}
	for _, c := range cases {
		_, err := ReadSheets(strings.NewReader(c.in), rubric)
		pe, ok := errors.AsType[*ParseError](err)
		if !ok {
			t.Errorf("%s: error %v is not a *ParseError", c.name, err)
			continue
		}
		if pe.Line != c.line || !errors.Is(err, c.class) {
			t.Errorf("%s: %v; want line %d and %v", c.name, err, c.line, c.class)
		}
	}
}

func TestSheetsRoundTrip(t *testing.T) {
	sheets := []scoring.Sheet{
		{Entry: "E2", Judge: "J1", Marks: map[string]scoring.Points{"tech": 2500, "biz": 1550, "team": 5}},
		{Entry: "E1", Judge: "J2", Marks: map[string]scoring.Points{"tech": 0, "biz": 2000, "team": 1000}},
		{Entry: "E1,\"quoted\"", Judge: "J1", Marks: map[string]scoring.Points{"tech": 1, "biz": 2, "team": 3}},
	}
	var buf bytes.Buffer
	if err := WriteSheets(&buf, rubric, sheets); err != nil {
		t.Fatal(err)
	}
	want := "entry,judge,tech,biz,team\n" +
		"E1,J2,0.00,20.00,10.00\n" +
		"\"E1,\"\"quoted\"\"\",J1,0.01,0.02,0.03\n" +
		"E2,J1,25.00,15.50,0.05\n"
	if buf.String() != want {
		t.Fatalf("wrote:\n%s\nwant:\n%s", buf.String(), want)
	}
	back, err := ReadSheets(&buf, rubric)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, []scoring.Sheet{sheets[1], sheets[2], sheets[0]}) {
		t.Fatalf("read back %+v", back)
	}
	bad := []scoring.Sheet{{Entry: "E", Judge: "J", Marks: map[string]scoring.Points{"tech": 1}}}
	if err := WriteSheets(&buf, rubric, bad); err == nil {
		t.Fatal("incomplete sheet written")
	}
}

func TestAnonymize(t *testing.T) {
	sheets := []scoring.Sheet{{Entry: "E1", Judge: "wang"}, {Entry: "E1", Judge: "li"}, {Entry: "E2", Judge: "wang"}, {Entry: "E2", Judge: "zhao"}}
	got, alias := Anonymize(sheets)
	// Names in order li < wang < zhao become J01, J02, J03.
	if want := map[string]string{"li": "J01", "wang": "J02", "zhao": "J03"}; !reflect.DeepEqual(alias, want) {
		t.Fatalf("alias = %v", alias)
	}
	var judges []string
	for _, s := range got {
		judges = append(judges, s.Judge)
	}
	if !reflect.DeepEqual(judges, []string{"J02", "J01", "J02", "J03"}) || sheets[0].Judge != "wang" {
		t.Fatalf("judges = %v (input changed: %v)", judges, sheets[0].Judge != "wang")
	}
}

func TestWriteRanking(t *testing.T) {
	rk, err := scoring.Rank(rubric, []scoring.Sheet{
		{Entry: "E1", Judge: "J1", Marks: map[string]scoring.Points{"tech": 2500, "biz": 1500, "team": 800}},
		{Entry: "E2", Judge: "J1", Marks: map[string]scoring.Points{"tech": 2500, "biz": 1500, "team": 800}},
		{Entry: "E3", Judge: "J1", Marks: map[string]scoring.Points{"tech": 0, "biz": 0, "team": 1}},
	}, scoring.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteRanking(&buf, rk); err != nil {
		t.Fatal(err)
	}
	// 25 + 15×1.25 + 8 = 51.75
	want := "rank,entry,score,judges,dropped\n1,E1,51.75,1,\n1,E2,51.75,1,\n3,E3,0.01,1,\n"
	if buf.String() != want {
		t.Fatalf("got:\n%s", buf.String())
	}
}

func FuzzReadSheets(f *testing.F) {
	const header = "entry,judge,tech,biz,team\n"
	for _, seed := range []string{
		"",
		header,
		header + "E1,J1,25,15,8\nE1,J2,20.5,0,10\n",
		"\uFEFFteam,biz,tech,judge,entry\r\n1,2,3,J,E\r\n",
		header + "E1,J1,30.01,1,1\n",
		header + "E1,J1,1.234,1,1\n",
		header + "E1,J1,1,1,1\nE1,J1,1,1,1\n",
		header + "\"E\n1\",J1,1,1,1\n\"unterminated,J1,1,1,1\n",
		header + "E1,J1,1,1\n",
		"entry,judge,tech,biz,team,extra\n",
		header + "E\xff,J1,1,1,1\n",
		header + " , ,1,1,1\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sheets, err := ReadSheets(bytes.NewReader(data), rubric)
		if err != nil {
			pe, ok := errors.AsType[*ParseError](err)
			if !ok || pe.Line < 1 || pe.Line > bytes.Count(data, []byte("\n"))+2 {
				t.Fatalf("error without a plausible line: %#v", err)
			}
			return
		}
		seen := map[[2]string]bool{}
		for _, s := range sheets {
			if s.Entry == "" || s.Judge == "" || seen[[2]string{s.Entry, s.Judge}] || len(s.Marks) != len(rubric.Criteria) {
				t.Fatalf("accepted a bad sheet: %+v", s)
			}
			seen[[2]string{s.Entry, s.Judge}] = true
			for _, c := range rubric.Criteria {
				if m, ok := s.Marks[c.Key]; !ok || m < 0 || m > c.Max {
					t.Fatalf("accepted mark %v for %s", m, c.Key)
				}
			}
		}
		// Whatever was accepted can be ranked.
		if _, err := scoring.Rank(rubric, sheets, scoring.Options{}); err != nil {
			t.Fatalf("accepted sheets fail to rank: %v", err)
		}
	})
}

// A score matrix's derived columns (what the ranking made of each sheet) are
// skipped, whatever they hold: the ranking is recomputed from the marks.
func TestReadSheetsSkipsDerivedColumns(t *testing.T) {
	in := "entry,judge,tech,biz,team,total,dropped,score\n" +
		"E1,J1,25,15,8,99,dropped,not a number\n"
	got, err := ReadSheets(strings.NewReader(in), rubric)
	if err != nil {
		t.Fatal(err)
	}
	want := []scoring.Sheet{{Entry: "E1", Judge: "J1", Marks: map[string]scoring.Points{"tech": 2500, "biz": 1500, "team": 800}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	// A criterion keyed like a derived column is the criterion.
	rb := scoring.Rubric{Criteria: []scoring.Criterion{{Key: "total", Name: "总体", Max: 10_00}}}
	if _, err := ReadSheets(strings.NewReader("entry,judge,total\nE1,J1,11\n"), rb); !errors.Is(err, ErrMark) {
		t.Fatalf("criterion total not read as a mark: %v", err)
	}
}
