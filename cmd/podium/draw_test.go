package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// The worked example of docs/scoring-rules.en.md ("The draw of the pitch
// order"), whose keys are computed there with sha256sum.
func TestDrawCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"draw", "--seed", "podium-final-2026", "--entries", "11,12,13,14,15",
		"--commitment", "3fe6b2b6391ae38e36a30976c3e0273ffeeb0ce794dd94409d085b339d56192b"}, nil, &out, &errOut, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want := `commitment 3fe6b2b6391ae38e36a30976c3e0273ffeeb0ce794dd94409d085b339d56192b
position,code,key
1,13,39444002661403fca08d0893c82c864ad5865127f24d1772df1ae4a669fb3b9a
2,11,5a4b3cf39f8a80808b5ddb82175b0d27e0ca0df93b26d111199cfdbfee18eec7
3,15,b9fc482638b270e907dc209db7285dcc68cdf29360db2f7f9534b627f2dea2e1
4,12,fe39aa0891ab6c61ee2127b5ec977c7bd2346ac7c5ee62b620c6f8dbe76cd4ac
5,14,ff37cf5a50bcedece062429232e5c1e915ae1d961a10f91419acbb9d82befc8a
`
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestDrawCommandRefuses(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--entries", "1,2"}, 2, "--seed"},
		{[]string{"--seed", "s", "--entries", "1,1"}, 2, "--entries"},
		{[]string{"--seed", "s"}, 2, "--entries"},
		{[]string{"--seed", "changed", "--entries", "1,2", "--commitment", "3fe6b2b6391ae38e36a30976c3e0273ffeeb0ce794dd94409d085b339d56192b"}, 1, "not the commitment"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"draw"}, c.args...), nil, &out, &errOut, func(string) string { return "" })
		if code != c.code || out.Len() != 0 || !strings.Contains(errOut.String(), c.says) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", c.args, code, out.String(), errOut.String())
		}
	}
}
