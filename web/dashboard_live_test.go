package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lib/pq"

	"podium/contest/contesttest"
)

// newLiveFinalNotPlayed is contesttest's live final as it stands before the
// day: rooms set, no draw made, nobody pitched.
func newLiveFinalNotPlayed(t *testing.T, h *harness) *contesttest.LiveFinal {
	t.Helper()
	lf := contesttest.NewLiveFinal(t, h.store)
	rooms := pq.Int64Array{lf.Rooms[0].ID, lf.Rooms[1].ID}
	for _, q := range []string{
		`UPDATE live_rooms SET current_slot = NULL, phase = 'waiting', phase_started_at = NULL, seed = NULL, revealed_at = NULL,
		        seed_hash = NULL, committed_at = NULL WHERE id = ANY($1)`,
		`UPDATE live_slots SET position = NULL, drawn = NULL WHERE room_id = ANY($1)`,
	} {
		if _, err := h.store.DB.Exec(q, rooms); err != nil {
			t.Fatal(err)
		}
	}
	return lf
}

// The organizer's home on a live final: before the draw it says so, never
// that the judges should be reminded of sheets nobody could score yet, and
// the contest is "ready", not under way; once the order is drawn and a pitch
// begins, it is under way. In both languages, English without full-width
// punctuation.
func TestDashboardOnALiveFinal(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	lf := newLiveFinalNotPlayed(t, h)
	org := h.loggedIn(lf.Organizer)
	id := itoa(lf.Contest.ID)
	page := org.get("/organizer")
	if page.status != http.StatusOK {
		t.Fatalf("organizer home: %d", page.status)
	}
	for _, want := range []string{
		`<span class="badge phase-live_ready">现场决赛待开始</span>`,
		`<span class="badge" data-stage="ready">尚未抽签</span>`,
		`<li data-action="live">`,
		`href="/organizer/contests/` + id + `/rounds/final/live">决赛：尚未抽签`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the dashboard lacks %s", want)
		}
	}
	for _, unwanted := range []string{"可提醒评委", "现场决赛进行中", `data-action="scoring"`} {
		if strings.Contains(page.body, unwanted) {
			t.Errorf("the dashboard says %s before the draw: %.6000s", unwanted, page.body)
		}
	}
	en := org.get("/organizer", "Accept-Language", "en")
	for _, want := range []string{"Live final ready", "Draw not made", "the draw is not made yet"} {
		if !strings.Contains(en.body, want) {
			t.Errorf("the English dashboard lacks %s", want)
		}
	}
	assertNoFullWidth(t, "the English dashboard", en.body, "决赛", "乙0项目", "乙1项目", "乙2项目", "乙3项目")

	// The first pitch begun: under way.
	if _, err := h.store.DB.Exec(`UPDATE live_rooms SET phase = 'pitch', phase_started_at = now() WHERE id = $1`, lf.Rooms[0].ID); err != nil {
		t.Fatal(err)
	}
	page = org.get("/organizer")
	for _, want := range []string{`<span class="badge phase-live">现场决赛进行中</span>`, `data-stage="under_way">路演进行中</span>`, "决赛：路演进行中"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("once under way, the dashboard lacks %s", want)
		}
	}
}
