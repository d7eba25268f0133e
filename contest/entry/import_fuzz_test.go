package entry

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"podium/tabular"
)

func FuzzParseCSV(f *testing.F) {
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(goodCSV))
	for _, seed := range []string{
		goodCSV,
		string(gb),
		"\xEF\xBB\xBF" + goodCSV,
		"",
		"title,track,group,organization\nA,t,g,o\n",
		"title,track,group,organization\n\"A\nB\",t,g,o\n\"unclosed,t,g,o\n",
		"title\ttrack\tgroup\torganization\nA\tt\tg\to\n",
		"title,track,group,organization,members,stage,uscc,kind,phone,email\nA,t,g,o,\"：;:x、,\",期,９１,企业,+86,<>\n",
		"title,track,group,organization\rA,t,g,o\r",
		"\xFF\xFEt\x00i\x00",
		"PK\x03\x04",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, problems, err := parseEntries(bytes.NewReader(data), 1<<16)
		if err != nil {
			if rows != nil || problems != nil {
				t.Fatalf("error %v with rows or problems", err)
			}
			fileErr(t, err, err.(interface{ Unwrap() error }).Unwrap().(*tabular.FileError).Code)
			return
		}
		line := 1
		for _, r := range rows {
			if r.Line <= line {
				t.Fatalf("row line %d after %d", r.Line, line)
			}
			line = r.Line
			if r.Title == "" || r.Track == "" || r.Group == "" || r.Organization.Name == "" {
				t.Fatalf("row without a required value: %+v", r)
			}
			if r.Organization.Kind != "enterprise" && r.Organization.Kind != "team" {
				t.Fatalf("kind %q", r.Organization.Kind)
			}
		}
		for _, p := range problems {
			if p.Line < 2 || p.Code == "" || utf8.RuneCountInString(p.Value) > tabular.MaxValueRunes || !utf8.ValidString(p.Value) {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}
