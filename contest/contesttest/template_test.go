package contesttest

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"

	"podium/contest"
)

// A migrated test database copied from the template, against one created empty
// and migrated: go test -run '^$' -bench NewDB ./contest/contesttest
func BenchmarkNewDB(b *testing.B) {
	b.Run("template", func(b *testing.B) {
		for b.Loop() {
			NewDB(b)
		}
	})
	b.Run("migrate", func(b *testing.B) {
		for b.Loop() {
			db, err := contest.OpenDB(context.Background(), NewDSN(b))
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
}

// Tests asking for a migrated database at once get each its own copy of one template.
func TestDatabasesAreCopiesOfOneTemplate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	names := make([]string, 4)
	errs := make(chan error, len(names))
	for i := range names {
		names[i] = "podium_test_" + strings.ToLower(rand.Text()[:12])
		t.Cleanup(func() { dropDatabase(ctx, names[i]) })
		go func() { errs <- createFromTemplate(ctx, names[i]) }()
	}
	for range names {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range names {
		db, err := contest.OpenDB(ctx, serverDSN(name))
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.GetContext(ctx, &n, `SELECT count(*) FROM contests`); err != nil || n != 0 {
			t.Errorf("%s: %d contests, %v", name, n, err)
		}
		db.Close()
	}
}
