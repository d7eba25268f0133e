package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"podium/contest"
	"podium/contest/audit"
)

// errAuditBroken is returned (exit status 1) when a chain does not hold.
var errAuditBroken = errors.New("the audit log does not verify")

// runAudit checks the hash chains of the audit log and names the first bad record of each broken one.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: podium audit verify [--contest ID | --file EXPORT.json]")
		return errUsage
	}
	fs := flag.NewFlagSet("podium audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, finish := bindConfig(fs, getenv)
	id := fs.Int64("contest", 0, "verify only this contest's chain (default: every chain)")
	file := fs.String("file", "", "verify a contest's audit log exported as JSON (GET /api/v1/contests/{id}/audit), without a database")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *file != "" {
		return verifyExport(*file, stdout)
	}
	if err := finish(); err != nil {
		return err
	}
	db, err := contest.OpenDB(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var only *int64
	if *id != 0 {
		only = id
	}
	n, problems, err := audit.New(db).Verify(ctx, only)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, "BROKEN", p)
	}
	if len(problems) > 0 {
		return errAuditBroken
	}
	fmt.Fprintf(stdout, "ok: %d records verified\n", n)
	return nil
}

// verifyExport checks an exported audit log: {"records": [...]} in seq order.
func verifyExport(path string, stdout io.Writer) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var export struct {
		Records []audit.Record `json:"records"`
	}
	if err := json.Unmarshal(b, &export); err != nil {
		return fmt.Errorf("%s: not an audit log export: %w", path, err)
	}
	if p := audit.VerifyRecords(export.Records); p != nil {
		fmt.Fprintln(stdout, "BROKEN", p)
		return errAuditBroken
	}
	fmt.Fprintf(stdout, "ok: %d records verified\n", len(export.Records))
	return nil
}
