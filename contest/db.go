package contest

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"podium/fault"
	"podium/migrations"
)

// StartPostgres is the command that starts the local PostgreSQL on the machines we support.
const StartPostgres = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"

// OpenDB connects to the PostgreSQL database at dsn, creating the database if it
// does not exist yet, and applies pending migrations. A server that cannot be
// reached gives one clear error naming the address and how to start it.
func OpenDB(ctx context.Context, dsn string) (*sqlx.DB, error) {
	db, err := connect(ctx, dsn)
	if pq.As(err, pqerror.InvalidCatalogName) != nil { // the database is missing
		if err := CreateDatabase(ctx, dsn); err != nil {
			return nil, err
		}
		db, err = connect(ctx, dsn)
	}
	if err != nil {
		return nil, describeConnError(dsn, err)
	}
	if err := migrations.Up(ctx, db.DB); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func connect(ctx context.Context, dsn string) (*sqlx.DB, error) {
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL is not valid: %w", err)
	}
	// Enough for 32 concurrent tablets per instance plus page traffic; PostgreSQL's
	// default max_connections (100) leaves room for a few instances.
	db.SetMaxOpenConns(40)
	db.SetMaxIdleConns(40)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// CreateDatabase creates the database named in dsn by connecting to the server's
// "postgres" maintenance database. An existing database is not an error.
func CreateDatabase(ctx context.Context, dsn string) error {
	name, admin, err := adminDSN(dsn, "postgres")
	if err != nil {
		return err
	}
	db, err := connect(ctx, admin)
	if err != nil {
		return describeConnError(dsn, err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	if err != nil && pq.As(err, pqerror.DuplicateDatabase) == nil { // created meanwhile is fine
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// DropDatabase drops the database named in dsn, closing other connections to it.
func DropDatabase(ctx context.Context, dsn string) error {
	name, admin, err := adminDSN(dsn, "postgres")
	if err != nil {
		return err
	}
	db, err := connect(ctx, admin)
	if err != nil {
		return describeConnError(dsn, err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)")
	return err
}

// adminDSN returns the database name in dsn and the same DSN pointing at adminDB.
func adminDSN(dsn, adminDB string) (name, admin string, err error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", "", fmt.Errorf("DATABASE_URL must be a postgres:// URL")
	}
	name = strings.TrimPrefix(u.Path, "/")
	if name == "" {
		return "", "", fmt.Errorf("DATABASE_URL must name a database, e.g. postgres://localhost:5432/podium")
	}
	u.Path = "/" + adminDB
	return name, u.String(), nil
}

// describeConnError turns a failed connection into one line an operator can act on.
func describeConnError(dsn string, err error) error {
	addr := "localhost:5432"
	if u, perr := url.Parse(dsn); perr == nil && u.Host != "" {
		addr = u.Host
	}
	if _, ok := errors.AsType[*net.OpError](err); ok || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("cannot reach PostgreSQL at %s (%w); start it with: %s", addr, err, StartPostgres)
	}
	return fmt.Errorf("PostgreSQL at %s: %w", addr, err)
}

// sqlStatePublished is raised by the triggers that keep a published round's
// results final (migrations/00007_published_results.sql).
const sqlStatePublished = pqerror.Code("PD001")

// publishedRefusal reports PostgreSQL refusing to change a published round as
// the conflict it is for the user.
func publishedRefusal(err error) error {
	if pq.As(err, sqlStatePublished) != nil {
		return &fault.Error{Code: fault.CodeConflict, Message: "err.results.published", Err: err}
	}
	return err
}

// IsUniqueViolation reports whether err is PostgreSQL's unique_violation, optionally on a named constraint.
func IsUniqueViolation(err error, constraint string) bool {
	e := pq.As(err, pqerror.UniqueViolation)
	return e != nil && (constraint == "" || e.Constraint == constraint)
}

// IsInvalidUUID reports PostgreSQL refusing a malformed uuid, which to callers is simply "no such thing".
func IsInvalidUUID(err error) bool {
	return pq.As(err, pqerror.InvalidTextRepresentation) != nil
}

// Classify returns err as a domain error: err itself when it is one; for the
// failures of the database's own plumbing, what they mean to the caller:
// fault.CodeUnavailable when PostgreSQL cannot be reached (a refused or broken
// connection, a server shutting down, refusing connections or ending the
// session), fault.CodeInvalid when PostgreSQL refuses text it cannot store (a NUL
// byte or invalid UTF-8, which no validation rule names); fault.CodeInternal for the
// rest. The cause stays in Err, for logs. Classify(nil) is nil.
func Classify(err error) *fault.Error {
	if err == nil {
		return nil
	}
	if e, ok := errors.AsType[*fault.Error](err); ok {
		return e
	}
	switch {
	case unreachable(err):
		return &fault.Error{Code: fault.CodeUnavailable, Message: "err.unavailable", Err: err}
	case pq.As(err, pqerror.CharacterNotInRepertoire, pqerror.UntranslatableCharacter) != nil:
		return &fault.Error{Code: fault.CodeInvalid, Message: "err.text.unstorable", Err: err}
	}
	return &fault.Error{Code: fault.CodeInternal, Message: "err.internal", Err: err}
}

// unreachable reports a failure to reach PostgreSQL, as opposed to a refused
// statement: dial and network errors, a connection the driver found broken,
// and the errors PostgreSQL sends as it ends or refuses a session.
func unreachable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	if _, ok := errors.AsType[*net.OpError](err); ok {
		return true
	}
	if _, ok := errors.AsType[*net.DNSError](err); ok {
		return true
	}
	e := pq.As(err)
	if e == nil {
		return false
	}
	switch {
	case e.Severity == pqerror.SeverityFatal || e.Severity == pqerror.SeverityPanic: // the session could not start or was ended
		return true
	case e.Code.Class() == pqerror.ClassConnectionException:
		return true
	}
	switch e.Code {
	case pqerror.AdminShutdown, pqerror.CrashShutdown, pqerror.CannotConnectNow, pqerror.TooManyConnections:
		return true
	}
	return false
}
