package sheetfile

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"podium/scoring"
)

func TestReadRubric(t *testing.T) {
	in := `{"criteria":[
  {"key":"tech","name":"技术与产品","max":30,"weight":30},
  {"key":"biz","name":"商业模式","name_en":"Business","max":12.5,"weight":"25"},
  {"key":"team","name":"团队","max":10.00}
]}`
	got, err := ReadRubric(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := scoring.Rubric{Criteria: []scoring.Criterion{
		{Key: "tech", Name: "技术与产品", Max: 3000, Weight: 3000},
		{Key: "biz", Name: "商业模式", NameEn: "Business", Max: 1250, Weight: 2500},
		{Key: "team", Name: "团队", Max: 1000},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	var buf bytes.Buffer
	if err := WriteRubric(&buf, got); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"max": 12.50`) || strings.Contains(buf.String(), `"weight": 0`) {
		t.Fatalf("wrote %s", buf.String())
	}
	back, err := ReadRubric(&buf)
	if err != nil || !reflect.DeepEqual(back, want) {
		t.Fatalf("read back %+v, %v", back, err)
	}
}

func TestReadRubricErrors(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		line  int
		class error
	}{
		{"empty", "", 1, ErrSyntax},
		{"not an object", "[]", 1, ErrSyntax},
		{"syntax", "{\"criteria\":[\n{\"key\":\"a\",\"name\":\"a\",\"max\":1},\n{\"key\" \"b\"}]}", 3, ErrSyntax},
		{"max 0", "{\"criteria\":[\n{\"key\":\"a\",\"name\":\"a\",\"max\":1},\n{\"key\":\"b\",\"name\":\"b\",\"max\":0}\n]}", 3, ErrRubric},
		{"exponent", "{\"criteria\":[\n\n{\"key\":\"a\",\"name\":\"a\",\"max\":1e1}]}", 3, scoring.ErrNotDecimal},
		{"3 decimals", "{\"criteria\":[{\"key\":\"a\",\"name\":\"a\",\"max\":1.005}]}", 1, scoring.ErrDecimals},
		{"unknown criterion field", "{\"criteria\":[\n{\"key\":\"a\",\"name\":\"a\",\"max\":1,\"wieght\":2}]}", 2, ErrRubric},
		{"duplicate key", "{\"criteria\":[\n{\"key\":\"a\",\"name\":\"a\",\"max\":1},\n{\"key\":\"a\",\"name\":\"b\",\"max\":1}]}", 3, ErrRubric},
		{"unknown field", "{\n\"criteria\":[],\n\"method\":\"mean\"}", 3, ErrRubric},
		{"no criteria", "{\n\"criteria\": []\n}", 2, ErrRubric},
		{"trailing data", "{\"criteria\":[{\"key\":\"a\",\"name\":\"a\",\"max\":1}]}\n{}", 2, ErrSyntax},
		{"truncated", "{\"criteria\":[{\"key\":\"a\",\"name\":\"a\",\"max\":1}", 1, ErrSyntax},
	}
	for _, c := range cases {
		_, err := ReadRubric(strings.NewReader(c.in))
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
