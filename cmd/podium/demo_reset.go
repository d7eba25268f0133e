package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The demo's own contests are those the demo organizer organizes under the
// demo's slugs (demo-2026, demo-2025, and the live finals earlier versions
// seeded apart, demo-2026-live, demo-2026-live-2, …):
// `podium demo --reset` removes them and everything that hangs off them, and
// nothing else. Accounts stay (the next seed logs into them again, the
// entrants' profiles are saved anew) and so do the experts (the next seed
// updates them by name and organization).
const demoContestsSQL = `
	SELECT c.id FROM contests c
	WHERE (c.slug IN ($1, $2) OR c.slug ~ ('^' || $3 || '(-[0-9]+)?$'))
	  AND EXISTS (SELECT FROM contest_organizers o JOIN accounts a ON a.id = o.account_id
	              WHERE o.contest_id = c.id AND a.email = $4)
	ORDER BY c.id`

// demoFK is a foreign key: child's columns refer to parent's.
type demoFK struct {
	Child      string `db:"child"`
	Parent     string `db:"parent"`
	ChildCols  string `db:"child_cols"`
	ParentCols string `db:"parent_cols"`
}

// resetDemo removes the demo's contests in one transaction: the rows of
// every table that refers to them, directly or through other rows (found
// from the schema's foreign keys, so a table added later is covered), their
// audit chains, then their uploaded files. The append-only guards (the
// audit log's, the published results') are lifted for that transaction
// only. It returns how many contests it removed.
func resetDemo(ctx context.Context, dom *Domain) (int, error) {
	var ids []int64
	if err := dom.DB.SelectContext(ctx, &ids, demoContestsSQL, demoSlug, demoPublishedSlug, demoOldLiveSlug, demoOrganizerEmail); err != nil {
		return 0, fmt.Errorf("find the demo contests: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	var keys []string
	err := dom.DB.InTx(ctx, func(tx *sqlx.Tx) error {
		var fks []demoFK
		if err := tx.SelectContext(ctx, &fks, `
			SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
			  (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
			     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS child_cols,
			  (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
			     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS parent_cols
			FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
			ORDER BY 1, 2, 3`); err != nil {
			return err
		}
		var blobs []struct {
			Storage string         `db:"storage_key"`
			Judge   sql.NullString `db:"judge_key"`
		}
		if err := tx.SelectContext(ctx, &blobs, `SELECT storage_key, judge_key FROM blobs
			WHERE entry_id IN (SELECT id FROM entries WHERE contest_id = ANY($1))`, pq.Array(ids)); err != nil {
			return err
		}
		for _, b := range blobs {
			keys = append(keys, b.Storage)
			if b.Judge.Valid {
				keys = append(keys, b.Judge.String)
			}
		}
		d := &demoDeleter{ctx: ctx, tx: tx, fks: fks, path: map[string]bool{}, guarded: map[string]bool{}}
		if err := d.guard("contests"); err != nil {
			return err
		}
		if err := d.delete("contests", fmt.Sprintf("id IN (%s)", joinIDs(ids))); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_heads WHERE chain = ANY($1)`, pq.Array(ids)); err != nil {
			return err
		}
		return d.restore()
	})
	if err != nil {
		return 0, fmt.Errorf("remove the demo contests: %w", err)
	}
	for _, k := range keys { // after the commit: a file the database no longer names
		if dom.Entries.Blobs != nil {
			_ = dom.Entries.Blobs.Delete(ctx, k)
		}
	}
	return len(ids), nil
}

// demoDeleter deletes rows and, first, every row that refers to them.
type demoDeleter struct {
	ctx     context.Context
	tx      *sqlx.Tx
	fks     []demoFK
	path    map[string]bool // the tables being deleted from, up the recursion (a cycle stops there)
	guarded map[string]bool // tables whose user triggers are off until restore
}

func (d *demoDeleter) delete(table, where string) error {
	if d.path[table] {
		return nil
	}
	d.path[table] = true
	defer delete(d.path, table)
	for _, fk := range d.fks {
		if fk.Parent != table || fk.Child == table {
			continue
		}
		sub := fmt.Sprintf("(%s) IN (SELECT %s FROM %s WHERE %s)", fk.ChildCols, fk.ParentCols, table, where)
		if err := d.delete(fk.Child, sub); err != nil {
			return err
		}
	}
	_, err := d.tx.ExecContext(d.ctx, fmt.Sprintf("DELETE FROM %s WHERE %s", table, where))
	return err
}

// guard lifts the user triggers of table and of every table that refers to
// it, before anything is deleted (PostgreSQL refuses to alter a table with
// trigger events pending). Append-only and immutability guards are user
// triggers; the foreign keys' own triggers stay on.
func (d *demoDeleter) guard(table string) error {
	if d.guarded[table] {
		return nil
	}
	if _, err := d.tx.ExecContext(d.ctx, fmt.Sprintf("ALTER TABLE %s DISABLE TRIGGER USER", table)); err != nil {
		return err
	}
	d.guarded[table] = true
	for _, fk := range d.fks {
		if fk.Parent == table {
			if err := d.guard(fk.Child); err != nil {
				return err
			}
		}
	}
	return nil
}

// restore turns the guards back on, before the transaction commits (and
// after the deferred checks ran).
func (d *demoDeleter) restore() error {
	if _, err := d.tx.ExecContext(d.ctx, "SET CONSTRAINTS ALL IMMEDIATE"); err != nil {
		return err
	}
	for table := range d.guarded {
		if _, err := d.tx.ExecContext(d.ctx, fmt.Sprintf("ALTER TABLE %s ENABLE TRIGGER USER", table)); err != nil {
			return err
		}
	}
	return nil
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}
