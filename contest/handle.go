package contest

import (
	"context"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// DB is the handle every room's service is built on: PostgreSQL through sqlx,
// the clock every rule reads the time from, and the statements prepared once
// for the hot paths. Services keep PostgreSQL access plain: the SQL sits beside
// the method that runs it.
type DB struct {
	*sqlx.DB
	// Now is the clock; time.Now unless a test injects another, so that tests
	// can move time (deadlines, session and invite expiry).
	Now func() time.Time

	prepared sync.Map // query text → *sqlx.Stmt
}

// NewDB returns a handle on db with the real clock.
func NewDB(db *sqlx.DB) *DB { return &DB{DB: db, Now: time.Now} }

// NowUTC is the clock's time in UTC.
func (db *DB) NowUTC() time.Time { return db.Now().UTC() }

// Stmt returns query prepared once for the pool. The hot paths (a score
// submission, a signed-in request's session) use it: PostgreSQL then neither
// parses the statement again nor, once it has settled on a generic plan, plans
// it again, and each execution is one round trip instead of two.
func (db *DB) Stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if st, ok := db.prepared.Load(query); ok {
		return st.(*sqlx.Stmt), nil
	}
	st, err := db.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.prepared.LoadOrStore(query, st); loaded {
		_ = st.Close() // a twin prepared it first; this one is never used
		return prev.(*sqlx.Stmt), nil
	}
	return st, nil
}

// InTx runs fn in a transaction, committing if it returns nil and rolling
// back otherwise. PostgreSQL refusing to change a published round (the
// triggers of migrations/00007_published_results.sql) comes back as the
// conflict it is for the user.
func (db *DB) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // the transaction is abandoned either way; fn's error says why
		return publishedRefusal(err)
	}
	return publishedRefusal(tx.Commit())
}
