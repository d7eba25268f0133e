// Package synth generates synthetic assignment problems for benchmarks,
// tests and the assigngen command: tracks with their own keyword vocabularies,
// skewed keyword popularity, organizations shared between entrants and
// experts, declared conflicts, and experts with several or no fields.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"podium/contest/assign"
)

// Config describes an instance. Zero rates take the defaults in brackets.
type Config struct {
	Entries, Experts int
	PerEntry         int     // K
	Tracks           int     // [10]
	ConflictRate     float64 // conflicts declared per entry, as a share of its track's experts [0.02]
	FieldlessRate    float64 // experts with no fields [0.05]
	MultiFieldRate   float64 // experts with two fields [0.2]
	Slack            float64 // total capacity / reviews needed [1.25]
	Seed             uint64
}

var trackNames = []string{"新材料", "生物医药", "电子信息", "先进制造", "新能源", "节能环保", "数字经济", "现代农业", "文化创意", "航空航天"}

// TrackName is the name of track i.
func TrackName(i int) string {
	if i < len(trackNames) {
		return trackNames[i]
	}
	return fmt.Sprintf("赛道%d", i+1)
}

// Generate builds the instance described by c, the same for the same c.
func Generate(c Config) assign.Problem {
	if c.Tracks == 0 {
		c.Tracks = 10
	}
	if c.ConflictRate == 0 {
		c.ConflictRate = 0.02
	}
	if c.FieldlessRate == 0 {
		c.FieldlessRate = 0.05
	}
	if c.MultiFieldRate == 0 {
		c.MultiFieldRate = 0.2
	}
	if c.Slack == 0 {
		c.Slack = 1.25
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0xa551))
	const vocab = 60
	// skewed picks popular words and organizations more often
	skewed := func(n int) int { u := rng.Float64(); return int(u * u * float64(n)) }
	words := func(tracks []int, lo, hi int) []string {
		k := lo + rng.IntN(hi-lo+1)
		out := make([]string, 0, k)
		for range k {
			t := tracks[rng.IntN(len(tracks))]
			out = append(out, fmt.Sprintf("%s-%d", TrackName(t), skewed(vocab)))
		}
		return out
	}
	companies := max(c.Entries/3, 1)
	universities := max(c.Experts/8, 1)
	company := func(i int) string {
		switch i % 3 { // the same company spelled three ways
		case 0:
			return fmt.Sprintf("企业%d科技有限公司", i)
		case 1:
			return fmt.Sprintf("企业%d科技 有限公司", i)
		}
		return fmt.Sprintf("企业%d科技", i)
	}

	p := assign.Problem{PerEntry: c.PerEntry, Seed: int64(c.Seed)}
	byTrack := make([][]int, c.Tracks) // experts eligible per track
	capacity := int(math.Ceil(c.Slack * float64(c.Entries*c.PerEntry) / float64(max(c.Experts, 1))))
	for i := range c.Experts {
		x := assign.Expert{ID: fmt.Sprintf("X%05d", i+1), Capacity: capacity}
		if rng.Float64() < 0.1 {
			x.Org = company(skewed(companies)) // an expert from industry
		} else {
			x.Org = fmt.Sprintf("大学%d", rng.IntN(universities))
		}
		var tracks []int
		switch r := rng.Float64(); {
		case r < c.FieldlessRate:
			tracks = make([]int, c.Tracks)
			for t := range tracks {
				tracks[t] = t
			}
			x.Keywords = words([]int{rng.IntN(c.Tracks)}, 4, 8)
		case r < c.FieldlessRate+c.MultiFieldRate && c.Tracks > 1:
			a := rng.IntN(c.Tracks)
			b := (a + 1 + rng.IntN(c.Tracks-1)) % c.Tracks
			tracks = []int{a, b}
			x.Fields = []string{TrackName(a), TrackName(b)}
			x.Keywords = words(tracks, 4, 8)
		default:
			tracks = []int{i % c.Tracks}
			x.Fields = []string{TrackName(tracks[0])}
			x.Keywords = words(tracks, 4, 8)
		}
		for _, t := range tracks {
			byTrack[t] = append(byTrack[t], i)
		}
		p.Experts = append(p.Experts, x)
	}
	for i := range c.Entries {
		t := rng.IntN(c.Tracks)
		e := assign.Entry{
			ID:       fmt.Sprintf("E%06d", i+1),
			Track:    TrackName(t),
			Org:      company(skewed(companies)),
			Keywords: words([]int{t}, 3, 6),
		}
		p.Entries = append(p.Entries, e)
		pool := byTrack[t]
		conflicts := int(c.ConflictRate*float64(len(pool)) + rng.Float64())
		for range min(conflicts, len(pool)) {
			x := pool[rng.IntN(len(pool))]
			p.Conflicts = append(p.Conflicts, assign.Conflict{Expert: p.Experts[x].ID, Entry: e.ID})
		}
	}
	return p
}
