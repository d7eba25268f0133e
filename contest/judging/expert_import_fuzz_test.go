package judging

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"podium/tabular"
)

func FuzzParse(f *testing.F) {
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(chineseCSV))
	for _, seed := range []string{
		chineseCSV,
		string(gb),
		"\xEF\xBB\xBF" + chineseCSV,
		"",
		"name,organization\nA,o\nA,o\n",
		"name,organization,phone,email\nA,o,13800000000,\na,p,+8613800000000,a@b.cn\nA,q,,A@B.CN\n",
		"name,organization,fields,keywords,capacity\nA,o,\"；;、,，\",\"x、X、ｘ\",２０\nB,o,,,20.0\nC,o,,,-0\n",
		"name\torganization\tcapacity\nA\to\t500\n",
		"name,organization\rA,o\r",
		"name,organization\n\"A\nB\",o\n\"unclosed,o\n",
		"\xFF\xFEn\x00a\x00",
		"PK\x03\x04",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, problems, err := parseExperts(bytes.NewReader(data), 1<<16)
		if err != nil {
			if rows != nil || problems != nil {
				t.Fatalf("error %v with rows or problems", err)
			}
			fe, ok := errors.AsType[*tabular.FileError](err)
			if !ok {
				t.Fatalf("error %v carries no tabular.FileError", err)
			}
			fileErr(t, err, fe.Code)
			return
		}
		line := 1
		for _, r := range rows {
			if r.Line <= line {
				t.Fatalf("row line %d after %d", r.Line, line)
			}
			line = r.Line
			if r.Name == "" || r.Organization == "" {
				t.Fatalf("row without a required value: %+v", r)
			}
			if utf8.RuneCountInString(r.Name) > maxNameRunes || r.Capacity < 0 || r.Capacity > maxCapacity {
				t.Fatalf("row out of bounds: %+v", r)
			}
			for _, list := range [][]string{r.Fields, r.Keywords} {
				seen := map[string]bool{}
				for _, it := range list {
					if it == "" || seen[tabular.Fold(it)] {
						t.Fatalf("empty or repeated item in %q", list)
					}
					seen[tabular.Fold(it)] = true
				}
			}
		}
		for _, p := range problems {
			if p.Line < 2 || p.Code == "" || utf8.RuneCountInString(p.Value) > tabular.MaxValueRunes || !utf8.ValidString(p.Value) {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}
