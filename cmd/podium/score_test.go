package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const scoreRubric = `{"criteria":[
  {"key":"tech","name":"技术与产品","max":30,"weight":30},
  {"key":"biz","name":"商业模式","max":20,"weight":25},
  {"key":"team","name":"团队","max":10}
]}
`

// Totals are tech + biz×25/20 + team:
//
//	E1 J1 25 + 15×1.25 + 8    = 51.75
//	E1 J2 20 + 14.5×1.25 + 7  = 45.125
//	E1 J3 28 + 18×1.25 + 9    = 59.50
//	E1 J4 15 + 10×1.25 + 5    = 32.50
//	E1 J5 24 + 16×1.25 + 8    = 52.00
//	E2 J1 26 + 16×1.25 + 9    = 55.00
//	E2 J2 22 + 12×1.25 + 6    = 43.00
//	E2 J3 25 + 14×1.25 + 7    = 49.50
//	E3 J1 20 + 16×1.25 + 9.63 = 49.63
//	E3 J2 20 + 16×1.25 + 9.63 = 49.63
const scoreSheets = "\uFEFFjudge,entry,team,tech,biz\n" +
	"J1,E1,8,25,15\nJ2,E1,7,20,14.5\nJ3,E1,9,28,18\nJ4,E1,5,15,10\nJ5,E1,8,24,16\n" +
	"J1,E2,9,26,16\nJ2,E2,6,22,12\nJ3,E2,7,25,14\n" +
	"J1,E3,9.63,20,16\nJ2,E3,9.63,20,16\n"

// scoreFiles writes the rubric and sheets into a temporary directory.
func scoreFiles(t *testing.T, rubric, sheets string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	rp, sp := filepath.Join(dir, "rubric.json"), filepath.Join(dir, "sheets.csv")
	if err := os.WriteFile(rp, []byte(rubric), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sp, []byte(sheets), 0o600); err != nil {
		t.Fatal(err)
	}
	return rp, sp
}

func runScoreTest(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := runScore(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestScoreCommand(t *testing.T) {
	t.Parallel()
	rp, sp := scoreFiles(t, scoreRubric, scoreSheets)
	cases := []struct {
		name string
		args []string
		want string
	}{
		// trimmed (default): E1 drops J4 (32.50) and J3 (59.50):
		// (51.75 + 45.125 + 52.00) / 3 = 148.875 / 3 = 49.625 → 49.63.
		// E2 and E3 have fewer than 5 totals: means (55+43+49.5)/3 = 49.1666… → 49.17
		// and 49.63. E1 and E3 tie at rank 1.
		{"trimmed", nil, "rank,entry,score,judges,dropped\n1,E1,49.63,5,J4;J3\n1,E3,49.63,2,\n3,E2,49.17,3,\n"},
		// The tie is decided by the mean tech mark: E1 (25+20+28+15+24)/5 = 22.4 > E3 20.
		{"tiebreak", []string{"--tiebreak", "tech,biz"}, "rank,entry,score,judges,dropped\n1,E1,49.63,5,J4;J3\n2,E3,49.63,2,\n3,E2,49.17,3,\n"},
		// mean: E1 240.875 / 5 = 48.175 → 48.18.
		{"mean", []string{"--method", "mean"}, "rank,entry,score,judges,dropped\n1,E3,49.63,2,\n2,E2,49.17,3,\n3,E1,48.18,5,\n"},
		// median: E1 51.75 (of 32.5, 45.125, 51.75, 52, 59.5); E2 49.50; E3 49.63.
		{"median", []string{"--method", "median"}, "rank,entry,score,judges,dropped\n1,E1,51.75,5,\n2,E3,49.63,2,\n3,E2,49.50,3,\n"},
		// trim-min 3 also trims E2: drop 43 and 55, leaving 49.50.
		{"trim-min", []string{"--trim-min", "3"}, "rank,entry,score,judges,dropped\n1,E1,49.63,5,J4;J3\n1,E3,49.63,2,\n3,E2,49.50,3,J2;J1\n"},
	}
	for _, c := range cases {
		code, out, errOut := runScoreTest(append([]string{"--rubric", rp, "--scores", sp}, c.args...)...)
		if code != 0 || out != c.want {
			t.Errorf("%s: exit %d, stdout:\n%s\nwant:\n%s\nstderr: %s", c.name, code, out, c.want, errOut)
		}
	}
	// Ties and flags are noted on stderr: J4's 32.50 is 19.59 below the
	// others' mean 208.375/4 = 52.09.
	_, _, errOut := runScoreTest("--rubric", rp, "--scores", sp)
	for _, want := range []string{"tie at rank 1 (score 49.63): E1, E3", "outlier: judge J4 gave entry E1 32.50, the other judges 52.09 on average",
		"entry E2: plain mean of 3 sheets: trimmed needs at least 5", "entry E3: plain mean of 2 sheets: trimmed needs at least 5"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// zscore runs on the same files.
	if code, out, errOut := runScoreTest("--rubric", rp, "--scores", sp, "--method", "zscore"); code != 0 || strings.Count(out, "\n") != 4 {
		t.Errorf("zscore: exit %d\n%s%s", code, out, errOut)
	}
}

func TestScoreCommandBadInput(t *testing.T) {
	t.Parallel()
	const header = "entry,judge,tech,biz,team\n"
	cases := []struct {
		name           string
		rubric, sheets string
		args           []string
		want           string // in stderr; "R" and "S" stand for the files' paths
	}{
		{"unknown column", scoreRubric, "entry,judge,tech,biz,team,extra\n", nil, `S:1: bad column: unknown column "extra"`},
		{"missing column", scoreRubric, "entry,judge,tech,biz\nE1,J1,1,1\n", nil, `S:1: bad column: missing column for criterion "team"`},
		{"above max", scoreRubric, header + "E1,J1,1,1,1\nE1,J2,30.01,1,1\n", nil, "S:3: bad mark: the mark for tech is 30.01, above the maximum 30.00"},
		{"below zero", scoreRubric, header + "E1,J1,1,-0.5,1\n", nil, "S:2: bad mark: the mark for biz is -0.50, below 0"},
		{"3 decimals", scoreRubric, header + "E1,J1,1,1,1.005\n", nil, `S:2: bad mark: the mark for team: "1.005": more than 2 decimals`},
		{"duplicate", scoreRubric, header + "E1,J1,1,1,1\nE2,J1,1,1,1\nE1,J1,2,2,2\n", nil, "S:4: duplicate sheet: judge J1 already scored entry E1 on line 2"},
		{"malformed csv", scoreRubric, header + "E1,J1,1,1,1\nE2,\"J1,1,1,1\n", nil, "S:3: malformed file"},
		{"field count", scoreRubric, header + "E1,J1,1,1\n", nil, "S:2: malformed file: the row has 4 fields, the header 5"},
		{"empty sheets", scoreRubric, "", nil, "S:1: empty file"},
		{"malformed rubric", "{\"criteria\":[\n{\"key\":\"tech\",\"name\":\"t\",\"max\":30},\n{\"key\":\"biz\" \"name\"}]}", header, nil, "R:3: malformed file"},
		{"bad rubric", "{\"criteria\":[\n{\"key\":\"tech\",\"name\":\"t\",\"max\":30.001}]}", header, nil, `R:2: bad rubric: criterion 1: "30.001": more than 2 decimals`},
		{"unknown method", scoreRubric, header, []string{"--method", "best"}, `--method: unknown method "best"`},
		{"unknown tiebreak", scoreRubric, header, []string{"--tiebreak", "tech,nope"}, `unknown tie-break criterion "nope"`},
		{"trim-min", scoreRubric, header, []string{"--trim-min", "2"}, "--trim-min 2: must be at least 3"},
		{"bad flag", scoreRubric, header, []string{"--bogus"}, "flag provided but not defined: -bogus"},
		{"bad flag value", scoreRubric, header, []string{"--trim-min", "x"}, `invalid value "x" for flag -trim-min`},
		{"argument", scoreRubric, header, []string{"extra"}, `unexpected argument "extra"`},
	}
	for _, c := range cases {
		rp, sp := scoreFiles(t, c.rubric, c.sheets)
		code, out, errOut := runScoreTest(append([]string{"--rubric", rp, "--scores", sp}, c.args...)...)
		want := strings.NewReplacer("R:", rp+":", "S:", sp+":").Replace(c.want)
		if code != 2 || out != "" || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, stdout %q, stderr:\n%s\nwant exit 2, no stdout, stderr with %q", c.name, code, out, errOut, want)
		}
	}

	rp, _ := scoreFiles(t, scoreRubric, "")
	for _, args := range [][]string{
		{"--rubric", rp},
		{"--rubric", rp, "--scores", filepath.Join(t.TempDir(), "missing.csv")},
	} {
		if code, out, errOut := runScoreTest(args...); code != 2 || out != "" || errOut == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	if code, out, errOut := runScoreTest("-h"); code != 0 || out != "" || !strings.Contains(errOut, "default method is trimmed") {
		t.Errorf("-h: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
