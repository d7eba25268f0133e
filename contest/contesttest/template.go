package contesttest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"podium/migrations"
)

// Every test's migrated database is a copy (CREATE DATABASE … TEMPLATE) of one
// database migrated once: podium_tmpl_<digest of the embedded migrations>. The
// test binaries of one `go test ./...` run at the same time, and other checkouts
// may share the server, so the template is made under a PostgreSQL advisory
// lock: the first process to need it builds it under another name, migrates it
// and renames it; the others wait for the lock and find it made.

// templateLock is the advisory lock key under which templates are built and dropped.
const templateLock = 0x706f6469756d // "podium"

// staleTemplate is how long a template of another migration set may go unused
// (no test process starting on it) before a process building or using its own drops it.
const staleTemplate = 6 * time.Hour

// templateName is the template database of this set of migrations.
func templateName() string { return "podium_tmpl_" + migrations.Digest()[:16] }

var (
	adminOnce sync.Once
	adminDB   *sql.DB
	adminErr  error

	tmplMu    sync.Mutex
	tmplReady bool
)

// admin is a small pool on the test server's maintenance database, shared by the
// process's tests for creating and dropping their databases.
func admin() (*sql.DB, error) {
	adminOnce.Do(func() {
		u, err := url.Parse(DatabaseURL())
		if err != nil {
			adminErr = fmt.Errorf("TEST_DATABASE_URL: %w", err)
			return
		}
		u.Path = "/postgres"
		adminDB, adminErr = sql.Open("postgres", u.String())
		if adminErr != nil {
			return
		}
		adminDB.SetMaxOpenConns(8)
		adminDB.SetMaxIdleConns(2)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := adminDB.PingContext(ctx); err != nil {
			adminErr = fmt.Errorf("integration tests need PostgreSQL at %s: %w", u.Host, err)
		}
	})
	return adminDB, adminErr
}

// serverDSN is DatabaseURL with its database replaced by name.
func serverDSN(name string) string {
	u, _ := url.Parse(DatabaseURL()) // checked by admin
	u.Path = "/" + name
	return u.String()
}

// ensureTemplate makes sure this migration set's template exists, once per
// process; recheck looks again (a clone found it missing).
func ensureTemplate(ctx context.Context, db *sql.DB, recheck bool) (string, error) {
	name := templateName()
	tmplMu.Lock()
	defer tmplMu.Unlock()
	if tmplReady && !recheck {
		return name, nil
	}
	conn, err := db.Conn(ctx) // the advisory lock belongs to this session
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, templateLock); err != nil {
		return "", fmt.Errorf("lock the test template: %w", err)
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, templateLock)

	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if err := buildTemplate(ctx, conn, name); err != nil {
			return "", fmt.Errorf("build the test template %s: %w", name, err)
		}
	}
	// Mark it used now, so that another checkout's run leaves it alone.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`COMMENT ON DATABASE %s IS %s`, pq.QuoteIdentifier(name),
		pq.QuoteLiteral("podium test template, used "+time.Now().UTC().Format(time.RFC3339)))); err != nil {
		return "", err
	}
	if err := dropStaleTemplates(ctx, conn, name); err != nil {
		return "", err
	}
	tmplReady = true
	return name, nil
}

// buildTemplate migrates a database under a building name and renames it to
// name, so that a template under its final name is always complete.
func buildTemplate(ctx context.Context, conn *sql.Conn, name string) error {
	building := pq.QuoteIdentifier(name + "_build")
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+building); err != nil {
		return err
	}
	db, err := sql.Open("postgres", serverDSN(name+"_build"))
	if err != nil {
		return err
	}
	err = migrations.Up(ctx, db)
	db.Close()
	if err != nil {
		return err
	}
	return retryInUse(ctx, func() error {
		_, err := conn.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+pq.QuoteIdentifier(name))
		return err
	})
}

// dropStaleTemplates drops other migration sets' templates that no test
// process has started on for staleTemplate, and unfinished builds.
func dropStaleTemplates(ctx context.Context, conn *sql.Conn, keep string) error {
	rows, err := conn.QueryContext(ctx, `SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '')
		FROM pg_database WHERE datname LIKE 'podium\_tmpl\_%' AND datname <> $1`, keep)
	if err != nil {
		return err
	}
	var stale []string
	for rows.Next() {
		var name, comment string
		if err := rows.Scan(&name, &comment); err != nil {
			rows.Close()
			return err
		}
		used, err := time.Parse(time.RFC3339, strings.TrimPrefix(comment, "podium test template, used "))
		if strings.HasSuffix(name, "_build") || err != nil || time.Since(used) > staleTemplate {
			stale = append(stale, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range stale {
		if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(name)+` WITH (FORCE)`); err != nil {
			return err
		}
	}
	return nil
}

// retryInUse runs f until PostgreSQL stops refusing it because another session
// is still connected to the database (a closed connection's server process
// ends a moment after the client lets go).
func retryInUse(ctx context.Context, f func() error) error {
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		err := f()
		if pq.As(err, pqerror.ObjectInUse) == nil {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// createFromTemplate creates the database name as a copy of the template.
func createFromTemplate(ctx context.Context, name string) error {
	db, err := admin()
	if err != nil {
		return err
	}
	for recheck := false; ; recheck = true {
		tmpl, err := ensureTemplate(ctx, db, recheck)
		if err != nil {
			return err
		}
		err = retryInUse(ctx, func() error {
			_, err := db.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)+` TEMPLATE `+pq.QuoteIdentifier(tmpl))
			return err
		})
		if pq.As(err, pqerror.InvalidCatalogName) == nil || recheck { // not a template dropped meanwhile
			return err
		}
	}
}

// dropDatabase drops the database name, closing other connections to it.
func dropDatabase(ctx context.Context, name string) error {
	db, err := admin()
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(name)+` WITH (FORCE)`)
	return err
}
