package onward_test

import (
	"context"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/onward"
	"podium/files/table"
)

// A 50,000-entry export streams from PostgreSQL to the file: the live heap
// while it runs stays under a bound that does not depend on the entries.
// The bound, 64 MiB: CSV holds a row, a bufio buffer and the driver's
// (measured: about 5 MiB above the idle heap at 50,000 and at 150,000
// entries); XLSX holds excelize's sheet buffer, which spills to a temporary
// file once it reaches StreamChunkSize (16 MiB) but is a bytes.Buffer grown
// by doubling — up to 32 MiB allocated, and while it grows the old array
// (16 MiB) is live beside the new one: 48 MiB at worst, then reused.
// Measured without -race: 28 MiB at 50,000 entries, 34 MiB at 150,000,
// 4 MiB at 1,000; under -race, whose slower run lets the sampler catch the
// growth, up to 53 MiB at 50,000. Not parallel: the heap is the process's,
// and parallel tests wait until this one is done.
func TestEntriesExportMemoryDoesNotGrowWithEntries(t *testing.T) {
	if testing.Short() {
		t.Skip("inserts 51,000 entries")
	}
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	on := onward.New(s.DB, s.Results)
	org := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	contestWith := func(slug string, n int) int64 {
		c, err := s.CreateContest(ctx, org.ID, contesttest.Setup(slug))
		if err != nil {
			t.Fatal(err)
		}
		// Imported entries straight in SQL: 50,000 through the services would
		// take minutes and test nothing more here. Every text field is filled.
		if _, err := s.DB.Exec(`
			INSERT INTO entries (contest_id, track_id, group_id, title, fields, state, source, submitted_at)
			SELECT $1, (SELECT id FROM tracks WHERE contest_id = $1 ORDER BY position LIMIT 1),
			       (SELECT id FROM contest_groups WHERE contest_id = $1 ORDER BY position LIMIT 1),
			       '智能制造项目第' || i || '号', jsonb_build_object('summary', repeat('项目简介', 40), 'stage', 'pilot',
			       'technology', repeat('核心技术', 20), 'market', repeat('市场', 20), 'team', '团队五人', 'financing', '天使轮',
			       'keywords', jsonb_build_array('材料', 'AI')), 'submitted', 'import', now()
			FROM generate_series(1, $2) AS i`, c.ID, n); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	small, large := contestWith("small", 1_000), contestWith("large", 50_000)
	const bound = 64 << 20
	for _, f := range []table.Format{table.CSV, table.XLSX} {
		peak := func(id int64) (uint64, int64) {
			e, err := on.Prepare(ctx, onward.Request{ContestID: id, What: onward.Entries})
			if err != nil {
				t.Fatal(err)
			}
			var size countingWriter
			p := measurePeak(func() {
				if err := e.WriteTo(ctx, &size, f); err != nil {
					t.Error(err)
				}
			})
			return p, int64(size)
		}
		ps, ss := peak(small)
		pl, sl := peak(large)
		t.Logf("%s: 1,000 entries: file %d KiB, peak live heap %d KiB; 50,000 entries: file %d KiB, peak live heap %d KiB (%.1f× the heap for 50× the rows)",
			f, ss>>10, ps>>10, sl>>10, pl>>10, float64(pl)/float64(max(ps, 1)))
		if pl > bound {
			t.Errorf("%s: peak live heap %d bytes at 50,000 entries, above the %d bound", f, pl, bound)
		}
		if uint64(sl) < 4*pl && f == table.CSV {
			t.Errorf("%s: the file (%d bytes) is not much larger than the heap (%d): not streamed?", f, sl, pl)
		}
	}
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return io.Discard.Write(p)
}

// measurePeak runs f and returns the largest live heap above the starting
// point, sampled every 20 ms after a collection (so that garbage waiting for
// the collector does not count).
func measurePeak(f func()) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.GC()
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	return peak - min(base, peak)
}
