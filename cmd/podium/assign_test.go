package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// assignFiles writes the named CSV files into a temp dir and returns their paths.
func assignFiles(t *testing.T, files map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	paths := map[string]string{}
	for name, body := range files {
		paths[name] = filepath.Join(dir, name)
		if err := os.WriteFile(paths[name], []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

func runAssignTest(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = runAssign(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

const (
	assignEntries = "\uFEFFentry,track,organization,keywords\n" +
		"E1,新材料,甲科技有限公司,石墨烯;电池\n" +
		"E2,新材料,乙公司,\"涂层; 陶瓷\"\n" +
		"E3,AI,丙 有限公司,视觉；医疗\n"
	assignExperts = "expert,organization,fields,keywords,capacity\n" +
		"X1,清华大学,新材料,石墨烯;涂层,\n" +
		"X2,北京大学,新材料;AI,电池;视觉,2\n" +
		"X3,甲科技 有限公司,,陶瓷,3\n" + // the organization of E1: never on E1
		"X4,,,医疗,\n"
	assignConflicts = "expert,entry\nX4,E2\n"
)

func TestAssignCommandSuccess(t *testing.T) {
	t.Parallel()
	p := assignFiles(t, map[string]string{"entries.csv": assignEntries, "experts.csv": assignExperts, "conflicts.csv": assignConflicts})
	code, stdout, stderr := runAssignTest("--entries", p["entries.csv"], "--experts", p["experts.csv"],
		"--conflicts", p["conflicts.csv"], "--per-entry", "2", "--capacity", "2", "--seed", "7")
	if code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// E1 cannot have X3 (own organization); E2 cannot have X4 (conflict);
	// E3 (track AI) cannot have X1 (fields); X2 holds 2 at most. Then the best
	// affinity: X2 shares 电池 with E1 and 视觉 with E3; X3 陶瓷 with E2.
	want := [][]string{{"entry", "expert"}, {"E1", "X1"}, {"E1", "X2"}, {"E2", "X1"}, {"E2", "X3"}, {"E3", "X2"}, {"E3", "X4"}}
	if got, wantS := csvString(rows), csvString(want); got != wantS {
		t.Fatalf("output:\n%s\nwant:\n%s", got, wantS)
	}
	if !strings.Contains(stderr, "6 assignments") || !strings.Contains(stderr, "total affinity") || !strings.Contains(stderr, "load min 1, max 2") {
		t.Fatalf("summary: %s", stderr)
	}

	// Same seed, same bytes.
	_, again, _ := runAssignTest("--entries", p["entries.csv"], "--experts", p["experts.csv"],
		"--conflicts", p["conflicts.csv"], "--per-entry", "2", "--capacity", "2", "--seed", "7")
	if again != stdout {
		t.Fatal("second run differs")
	}
}

func csvString(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return b.String()
}

func TestAssignCommandInfeasible(t *testing.T) {
	t.Parallel()
	p := assignFiles(t, map[string]string{"entries.csv": assignEntries, "experts.csv": assignExperts})
	code, stdout, stderr := runAssignTest("--entries", p["entries.csv"], "--experts", p["experts.csv"], "--per-entry", "4", "--capacity", "5")
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	if !strings.Contains(stderr, "entry E1: needs 4 experts, only 3 eligible (track 新材料: 2 experts with the field, 2 with no fields, 1 of the entry's own organization)") {
		t.Fatalf("stderr: %s", stderr)
	}
}

func TestAssignCommandBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		files   map[string]string
		args    []string
		wantErr string
	}{
		{"bad capacity", map[string]string{"entries.csv": assignEntries,
			"experts.csv": "expert,organization,fields,keywords,capacity\nX1,a,,,2\nX2,b,,,lots\n"},
			nil, "experts.csv:3: capacity \"lots\" of expert \"X2\" is not a whole number"},
		{"no capacity anywhere", map[string]string{"entries.csv": assignEntries,
			"experts.csv": "expert,organization,fields,keywords,capacity\nX1,a,,,\n"},
			nil, "experts.csv:2: expert \"X1\" has no capacity and --capacity is not given"},
		{"missing column", map[string]string{"entries.csv": "entry,organization,keywords\nE1,a,b\n", "experts.csv": assignExperts},
			nil, "entries.csv:1: missing column \"track\""},
		{"wrong field count", map[string]string{"entries.csv": assignEntries + "E4,AI\n", "experts.csv": assignExperts},
			nil, "entries.csv:5: wrong number of fields"},
		{"bad quote", map[string]string{"entries.csv": assignEntries + "E4,AI,\"x,y\n", "experts.csv": assignExperts},
			nil, "entries.csv:5:"},
		{"duplicate entry", map[string]string{"entries.csv": assignEntries + "E2,AI,x,y\n", "experts.csv": assignExperts},
			nil, "entries.csv:5: duplicate entry \"E2\" (first on line 3)"},
		{"empty file", map[string]string{"entries.csv": "", "experts.csv": assignExperts},
			nil, "entries.csv:1: empty file"},
		{"unknown conflict expert", map[string]string{"entries.csv": assignEntries, "experts.csv": assignExperts,
			"conflicts.csv": "expert,entry\nX1,E1\nX9,E2\n"},
			[]string{"--capacity", "2", "--conflicts", "conflicts.csv"}, "conflicts.csv:3: unknown expert \"X9\""},
		{"missing file", map[string]string{"experts.csv": assignExperts},
			nil, "entries.csv: no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := assignFiles(t, c.files)
			dir := filepath.Dir(p["experts.csv"])
			args := []string{"--entries", filepath.Join(dir, "entries.csv"), "--experts", p["experts.csv"], "--per-entry", "1"}
			for i, a := range c.args {
				if i > 0 && c.args[i-1] == "--conflicts" {
					a = filepath.Join(dir, a)
				}
				args = append(args, a)
			}
			code, stdout, stderr := runAssignTest(args...)
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, c.wantErr) {
				t.Fatalf("stderr %q does not contain %q", stderr, c.wantErr)
			}
		})
	}
}

func TestAssignCommandUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{},
		{"--entries", "a.csv", "--experts", "b.csv"}, // no --per-entry
		{"--entries", "a.csv", "--experts", "b.csv", "--per-entry", "2", "--capacity", "-1"},
		{"--bogus"},
		{"--entries", "a.csv", "--experts", "b.csv", "--per-entry", "2", "extra"},
	} {
		code, stdout, stderr := runAssignTest(args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, "usage: podium assign") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}
