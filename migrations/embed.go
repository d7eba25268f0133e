// Package migrations holds Podium's numbered SQL migrations, embedded in the binary
// and applied with goose.
package migrations

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed *.sql
var files embed.FS

// Up applies every pending migration to db.
func Up(ctx context.Context, db *sql.DB) error {
	p, err := goose.NewProvider(goose.DialectPostgres, db, files)
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// Digest names this set of migrations: a hex digest of every embedded file's name
// and content. Tests name the template database they migrate once by it.
func Digest() string {
	h := sha256.New()
	entries, err := fs.ReadDir(files, ".")
	if err != nil { // the embedded directory is always readable
		panic(err)
	}
	for _, e := range entries { // ReadDir sorts by name
		b, err := fs.ReadFile(files, e.Name())
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}
