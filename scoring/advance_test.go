package scoring

import (
	"reflect"
	"slices"
	"testing"
)

// poolRanking ranks, on plain, entries of two pools: AI/企业组 with scores
// 95, 90, 85, 85, 80 (ranks 1, 2, 3, 3, 5) and AI/团队组 with 70, 60.
func poolRanking(t *testing.T) (Ranking, map[string]Pool) {
	sheets := plainSheets("A1 J 95", "A2 J 90", "A3 J 85", "A4 J 85", "A5 J 80", "B1 J 70", "B2 J 60")
	ent, team := Pool{Track: "AI", Group: "企业组"}, Pool{Track: "AI", Group: "团队组"}
	pools := map[string]Pool{"A1": ent, "A2": ent, "A3": ent, "A4": ent, "A5": ent, "B1": team, "B2": team}
	return mustRank(t, plain, sheets, Options{Method: MethodMean}), pools
}

func TestAdvance(t *testing.T) {
	rk, pools := poolRanking(t)
	ent, team := Pool{Track: "AI", Group: "企业组"}, Pool{Track: "AI", Group: "团队组"}
	cases := []struct {
		name  string
		quota Quota
		want  PoolAdvancement
	}{
		// 3 seats: A1, A2 advance; A3 and A4 share rank 3 across the cut and
		// compete for the 1 remaining seat.
		{"top 3", Quota{Top: 3}, PoolAdvancement{Pool: ent, Entries: 5, Seats: 3, Advanced: []string{"A1", "A2"}, Tied: []string{"A3", "A4"}}},
		// 4 seats: the tie fits wholly.
		{"top 4", Quota{Top: 4}, PoolAdvancement{Pool: ent, Entries: 5, Seats: 4, Advanced: []string{"A1", "A2", "A3", "A4"}}},
		// 50% of 5 = 2.5, rounded down to 2.
		{"50%", Quota{Percent: 5000}, PoolAdvancement{Pool: ent, Entries: 5, Seats: 2, Advanced: []string{"A1", "A2"}}},
		// 60% of 5 = 3: the cut falls inside the tie again.
		{"60%", Quota{Percent: 6000}, PoolAdvancement{Pool: ent, Entries: 5, Seats: 3, Advanced: []string{"A1", "A2"}, Tied: []string{"A3", "A4"}}},
		// 30% of 5 = 1.5 → 1.
		{"30%", Quota{Percent: 3000}, PoolAdvancement{Pool: ent, Entries: 5, Seats: 1, Advanced: []string{"A1"}}},
	}
	for _, c := range cases {
		got, err := Advance(rk, pools, map[Pool]Quota{ent: c.quota, team: {Top: 1}})
		if err != nil {
			t.Fatal(err)
		}
		want := []PoolAdvancement{c.want, {Pool: team, Entries: 2, Seats: 1, Advanced: []string{"B1"}}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, want)
		}
	}

	if _, err := Advance(rk, pools, map[Pool]Quota{ent: {Top: 3}}); !slices.Equal(fieldsOf(t, err), []string{"quotas[AI/团队组]/required"}) {
		t.Errorf("missing quota: %v", err)
	}
	if _, err := Advance(rk, pools, map[Pool]Quota{ent: {Top: 3, Percent: 10}, team: {}}); len(fieldsOf(t, err)) != 2 {
		t.Errorf("bad quotas: %v", err)
	}
	delete(pools, "B2")
	if _, err := Advance(rk, pools, map[Pool]Quota{ent: {Top: 3}, team: {Top: 1}}); !slices.Equal(fieldsOf(t, err), []string{"pools[B2]/required"}) {
		t.Errorf("entry without pool: %v", err)
	}
}
