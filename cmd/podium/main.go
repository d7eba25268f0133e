// Command podium runs the Podium contest judging system.
//
//	podium serve                       run the HTTP server
//	podium migrate                     apply database migrations and exit
//	podium demo                        migrate, seed a demo contest if absent, and serve
//	podium demo --live                 … and complete the semifinal, then play the final in real time (a simulated panel)
//	podium demo --reset                remove the demo contests, seed fresh ones, and serve
//	podium admin create-organizer      create an organizer account
//	podium audit verify                check the audit log's hash chains
//	podium score                       recompute a ranking from exported score sheets
//	podium export                      write a contest's table (entries, ranking, matrix, winners, …) as XLSX or CSV
//	podium assign                      assign experts to entries from CSV files
//	podium draw                        recompute a live final's pitch order from its seed
//	podium verify-receipt              check an entrant's results receipt
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // Asia/Shanghai must resolve even in a minimal container image

	"podium/contest"
	"podium/contest/access"
	"podium/fault"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

const usage = `usage: podium <command> [flags]

commands:
  serve                     run the HTTP server
  migrate                   apply database migrations and exit
  demo                      migrate, seed a demo contest if absent, and serve
                            (--live: also complete the semifinal and play the final in real time;
                            --reset: remove the demo contests and seed fresh ones)
  admin create-organizer    create an organizer account
  audit verify              check the audit log's hash chains
  score                     recompute a ranking from exported score sheets
  export                    write a contest's table (entries, ranking, matrix, winners, …) as XLSX or CSV
  assign                    assign experts to entries from CSV files
  draw                      recompute a live final's pitch order from its seed
  verify-receipt            check an entrant's results receipt

Run 'podium <command> -h' for the flags of a command.
`

// run executes one command and returns the process exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], stdout, stderr, getenv, false)
	case "demo":
		err = runServe(ctx, args[1:], stdout, stderr, getenv, true)
	case "migrate":
		err = runMigrate(ctx, args[1:], stdout, stderr, getenv)
	case "admin":
		err = runAdmin(ctx, args[1:], stdin, stdout, stderr, getenv)
	case "audit":
		err = runAudit(ctx, args[1:], stdout, stderr, getenv)
	case "score":
		return runScore(args[1:], stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], stdout, stderr, getenv)
	case "assign":
		return runAssign(args[1:], stdout, stderr)
	case "draw":
		return runDraw(args[1:], stdout, stderr)
	case "verify-receipt":
		return runVerifyReceipt(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "podium: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(stderr, "podium %s: %v\n", args[0], err)
		return 1
	}
}

// errUsage marks a command-line mistake already reported by the flag package.
var errUsage = errors.New("usage")

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return errUsage
	}
	return nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, demo bool) error {
	name := map[bool]string{false: "serve", true: "demo"}[demo]
	fs := flag.NewFlagSet("podium "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, finish := bindConfig(fs, getenv)
	var playLive, reset *bool
	if demo {
		playLive = fs.Bool("live", false, "also complete the semifinal and play demo-2026's final in real time: a simulated panel scores, the big screen moves on its own")
		reset = fs.Bool("reset", false, "remove the demo contests (and only those) first, then seed fresh ones")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := finish(); err != nil {
		return err
	}
	m := &Main{Config: *cfg}
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		return err
	}
	if err := m.Listen(); err != nil {
		return err
	}
	if demo {
		if err := startDemo(ctx, m, stdout, *reset, *playLive); err != nil {
			return err
		}
	} else {
		m.Log.Info("podium listening", "url", m.URL())
	}
	return m.Serve(ctx)
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("podium migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, finish := bindConfig(fs, getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := finish(); err != nil {
		return err
	}
	db, err := contest.OpenDB(ctx, cfg.DatabaseURL) // migrates
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(stdout, "database is up to date")
	return nil
}

func runAdmin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "create-organizer" {
		fmt.Fprintln(stderr, "usage: podium admin create-organizer --email EMAIL --name NAME [--password PASSWORD]\n(without --password, the password is read from the first line of standard input)")
		return errUsage
	}
	fs := flag.NewFlagSet("podium admin create-organizer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, finish := bindConfig(fs, getenv)
	email := fs.String("email", "", "the organizer's email address (their login)")
	name := fs.String("name", "", "the organizer's name as shown in Podium")
	password := fs.String("password", "", "the password; read from standard input when empty")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if err := finish(); err != nil {
		return err
	}
	if *password == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		*password = strings.TrimRight(line, "\r\n")
	}
	db, err := contest.OpenDB(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	acct, err := access.New(contest.NewDB(db)).CreateAccount(ctx, access.NewAccount{
		Role: access.RoleOrganizer, Email: *email, DisplayName: *name, Password: *password,
	})
	if err != nil {
		return describeDomainError(err)
	}
	fmt.Fprintf(stdout, "created organizer %s (id %d)\n", *acct.Email, acct.ID)
	return nil
}

// describeDomainError spells out a validation error's fields for a terminal.
func describeDomainError(err error) error {
	e, ok := errors.AsType[*fault.Error](err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	var parts []string
	for field, msg := range e.Fields {
		parts = append(parts, field+": "+msg)
	}
	return fmt.Errorf("%s", strings.Join(parts, "; "))
}
