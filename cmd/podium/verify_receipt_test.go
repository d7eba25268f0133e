package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"podium/transparency/transparencytest"
)

func writeJSON(t *testing.T, path string, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVerifyReceiptCommand(t *testing.T) {
	w, err := transparencytest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	titles := []string{"Signed by the contest", "Records in the log", "Result and sheets", "Extends earlier heads", "Earlier receipts"}
	names := []string{"signature", "inclusion", "result", "history", "earlier"}
	for _, c := range w.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"verify-receipt"}
			for i, e := range c.Earlier {
				args = append(args, "--earlier", writeJSON(t, filepath.Join(dir, fmt.Sprintf("old%d.json", i)), e))
			}
			args = append(args, writeJSON(t, filepath.Join(dir, "receipt.json"), c.Receipt))
			var out, errOut bytes.Buffer
			code := run(context.Background(), args, nil, &out, &errOut, func(string) string { return "" })
			want := 0
			if len(c.Fails) > 0 {
				want = 1
			}
			if code != want {
				t.Fatalf("exit %d, want %d\n%s%s", code, want, out.String(), errOut.String())
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 7 || !strings.HasPrefix(lines[0], "Receipt for entry A7K2 (Low-cost water sensor)") {
				t.Fatalf("output:\n%s", out.String())
			}
			for i, title := range titles {
				mark := "✓ "
				if slices.Contains(c.Fails, names[i]) {
					mark = "✗ "
				}
				if !strings.HasPrefix(lines[i+1], mark+title+": ") || len(lines[i+1]) < len(mark+title)+20 {
					t.Errorf("line %q, want %q and a sentence", lines[i+1], mark+title)
				}
			}
			final := "✓ This receipt matches the published results."
			if want == 1 {
				final = fmt.Sprintf("✗ This receipt does NOT match the published results: %d of 5 checks failed.", len(c.Fails))
			}
			if lines[6] != final {
				t.Errorf("final line %q, want %q", lines[6], final)
			}
		})
	}
}

func TestVerifyReceiptCommandFlagsAfterFile(t *testing.T) {
	w, err := transparencytest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r2 := writeJSON(t, filepath.Join(dir, "r2.json"), w.Receipt2)
	r1 := writeJSON(t, filepath.Join(dir, "r1.json"), w.Receipt1)
	var out bytes.Buffer
	if code := run(context.Background(), []string{"verify-receipt", r2, "--earlier", r1}, nil, &out, &out, func(string) string { return "" }); code != 0 {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "every earlier receipt given (1 in all)") {
		t.Errorf("the earlier receipt was not compared:\n%s", out.String())
	}
}

func TestVerifyReceiptCommandUnreadable(t *testing.T) {
	w, err := transparencytest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := writeJSON(t, filepath.Join(dir, "r.json"), w.Receipt2)
	notJSON := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(notJSON, []byte("{\"format\": "), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{filepath.Join(dir, "missing.json")}, "cannot read"},
		{[]string{notJSON}, "is not a receipt"},
		{[]string{good, "--earlier", notJSON}, "is not a receipt"},
		{nil, "exactly one receipt"},
		{[]string{good, good}, "exactly one receipt"},
		{[]string{"--nope", good}, "flag provided but not defined"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"verify-receipt"}, c.args...), nil, &out, &errOut, func(string) string { return "" })
		if code != 2 || !strings.Contains(errOut.String(), c.says) {
			t.Errorf("%v: exit %d, stderr %q; want 2 saying %q", c.args, code, errOut.String(), c.says)
		}
	}
}

func TestVerifyReceiptCommandPublishedHeads(t *testing.T) {
	w, err := transparencytest.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	heads := writeJSON(t, filepath.Join(dir, "heads.json"), w.Published())
	byName := map[string]transparencytest.Case{}
	for _, c := range w.Cases() {
		byName[c.Name] = c
	}
	for _, c := range []struct {
		name, last string
		code       int
		says       string
	}{
		{"intact", "✓ This receipt matches the published results.", 0, "✓ Published heads: This head is one the contest published"},
		{"rewritten-history-resigned", "✗ This receipt does NOT match the published results: 1 of 6 checks failed.", 1,
			"✗ Published heads: History rewritten: the contest published a head of 6 records with another root."},
	} {
		r := writeJSON(t, filepath.Join(dir, c.name+".json"), byName[c.name].Receipt)
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"verify-receipt", "--heads", heads, r}, nil, &out, &errOut, func(string) string { return "" })
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if code != c.code || len(lines) != 8 || lines[7] != c.last || !strings.HasPrefix(lines[6], c.says) {
			t.Errorf("%s: exit %d\n%s%s", c.name, code, out.String(), errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	r := writeJSON(t, filepath.Join(dir, "r.json"), w.Receipt2)
	if code := run(context.Background(), []string{"verify-receipt", "--heads", filepath.Join(dir, "nope.json"), r}, nil, &out, &errOut, func(string) string { return "" }); code != 2 || !strings.Contains(errOut.String(), "cannot read the published heads") {
		t.Errorf("missing heads file: exit %d, %q", code, errOut.String())
	}
}
