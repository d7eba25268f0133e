package migrations_test

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/lib/pq"
	"github.com/pressly/goose/v3"

	"podium/contest/contesttest"
	"podium/migrations"
)

// 00012 gives every imported entry its contest's own organization record, made
// from what its import row said, and removes records nothing uses any more.
func TestImportedEntriesGetTheirContestsRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sql.Open("postgres", contesttest.NewDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.Files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 11); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// Organization 1 is an entrant's profile, 2 a record only imports made; x
	// imported both codes, y the entrant's, with rows of their own.
	exec(`INSERT INTO organizations (id, kind, name, name_norm, uscc, contact_name, contact_phone, members) VALUES
		(1, 'enterprise', '星河智能科技有限公司', '星河智能科技', '91440300708461136T', '张伟', '13800138000', '[{"name":"李娜","role":"CTO"}]'),
		(2, 'enterprise', '导入公司', '导入', '914403001922038216', '钱八', '13900000008', '[]')`)
	exec(`SELECT setval('organizations_id_seq', 2)`)
	exec(`INSERT INTO accounts (id, role, email, display_name, organization_id) VALUES
		(1, 'entrant', 'e@example.com', '张伟', 1), (2, 'organizer', 'o@example.com', '组织者', NULL)`)
	exec(`INSERT INTO contests (id, slug, name_zh, created_by) VALUES (1, 'x', '甲赛', 2), (2, 'y', '乙赛', 2)`)
	exec(`INSERT INTO tracks (id, contest_id, key, name_zh, position) VALUES (1, 1, 'materials', '新材料', 1), (2, 2, 'materials', '新材料', 1)`)
	exec(`INSERT INTO contest_groups (id, contest_id, key, name_zh, position) VALUES (1, 1, 'enterprise', '企业组', 1), (2, 2, 'enterprise', '企业组', 1)`)
	snap := func(name, contact string) string {
		return `{"title":"t","organization":{"id":0,"kind":"enterprise","name":"` + name + `","uscc":"x","contact_name":"` + contact + `","contact_phone":"13900000009","contact_email":"","members":[]}}`
	}
	exec(`INSERT INTO entries (id, contest_id, account_id, organization_id, track_id, group_id, title, state, source, snapshot) VALUES
		(1, 1, 1, 1, 1, 1, '自己的', 'submitted', 'entrant', '{}'),
		(2, 2, NULL, 1, 2, 2, '乙赛导入一', 'submitted', 'import', $1),
		(3, 2, NULL, 1, 2, 2, '乙赛导入二', 'submitted', 'import', $2),
		(4, 1, NULL, 2, 1, 1, '甲赛导入', 'submitted', 'import', $3),
		(5, 2, NULL, 2, 2, 2, '乙赛导入三', 'submitted', 'import', $4)`,
		snap("星河（导入）", "王五"), snap("星河（导入）", "赵六"), snap("导入公司", "孙七"), snap("导入公司", "周九"))
	if _, err := p.UpTo(ctx, 12); err != nil {
		t.Fatal(err)
	}

	type org struct {
		Entry   int64          `db:"entry"`
		ID      int64          `db:"id"`
		Contest sql.NullInt64  `db:"contest_id"`
		Name    string         `db:"name"`
		Norm    string         `db:"name_norm"`
		USCC    sql.NullString `db:"uscc"`
		Contact string         `db:"contact_name"`
		SnapID  int64          `db:"snap_id"`
	}
	rows, err := db.QueryContext(ctx, `SELECT e.id, o.id, o.contest_id, o.name, o.name_norm, o.uscc, o.contact_name, coalesce((e.snapshot #>> '{organization,id}')::bigint, 0)
		FROM entries e JOIN organizations o ON o.id = e.organization_id ORDER BY e.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[int64]org{}
	for rows.Next() {
		var o org
		if err := rows.Scan(&o.Entry, &o.ID, &o.Contest, &o.Name, &o.Norm, &o.USCC, &o.Contact, &o.SnapID); err != nil {
			t.Fatal(err)
		}
		got[o.Entry] = o
	}
	if o := got[1]; o.ID != 1 || o.Contest.Valid || o.Contact != "张伟" {
		t.Errorf("the entrant's own entry: %+v", o)
	}
	// y's two imports of the entrant's code share y's record, as the later row says.
	if a, b := got[2], got[3]; a.ID != b.ID || a.ID <= 2 || a.Contest.Int64 != 2 || a.Name != "星河（导入）" || a.Contact != "赵六" ||
		a.Norm != "星河智能科技" || a.USCC.String != "91440300708461136T" || a.SnapID != a.ID {
		t.Errorf("y's imports of the entrant's code: %+v %+v", a, b)
	}
	// The import-only record becomes x's and y's own, one each.
	if a, b := got[4], got[5]; a.ID == b.ID || a.ID <= 2 || b.ID <= 2 || a.Contest.Int64 != 1 || b.Contest.Int64 != 2 || a.Contact != "孙七" || b.Contact != "周九" {
		t.Errorf("imports of an import-only record: %+v %+v", a, b)
	}
	var left int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM organizations WHERE id = 2`).Scan(&left); err != nil || left != 0 {
		t.Errorf("the record nothing uses is left: %d %v", left, err)
	}
	// An entrant may register the code an import holds; a contest holds it once.
	exec(`INSERT INTO organizations (kind, name, name_norm, uscc) VALUES ('enterprise', '导入公司', '导入', '914403001922038216')`)
	if _, err := db.ExecContext(ctx, `INSERT INTO organizations (contest_id, kind, name, name_norm, uscc) VALUES (2, 'enterprise', 'x', 'x', '91440300708461136T')`); err == nil {
		t.Error("a second record of one code in one contest")
	}
}
