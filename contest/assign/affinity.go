package assign

import "slices"

// affinityScale turns a Jaccard ratio into an integer cost unit: affinities are
// compared to 1e-9, far finer than any two distinct ratios of realistic
// keyword lists (1/3600 apart for 60 keywords), so integer costs never reorder
// them.
const affinityScale = 1_000_000_000

// Affinity is the Jaccard similarity |a ∩ b| / |a ∪ b| of two keyword lists,
// compared after folding (trim, lower case, NFKC); 0 when both are empty.
func Affinity(a, b []string) float64 {
	v := newVocab()
	ka, kb := v.ids(a), v.ids(b)
	inter, union := overlap(ka, kb)
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// vocab interns folded keywords so that affinity is a merge of sorted ints.
type vocab map[string]int32

func newVocab() vocab { return vocab{} }

// ids returns the sorted, distinct ids of the non-empty folded keywords.
func (v vocab) ids(words []string) []int32 {
	out := make([]int32, 0, len(words))
	for _, w := range words {
		w = fold(w)
		if w == "" {
			continue
		}
		id, ok := v[w]
		if !ok {
			id = int32(len(v))
			v[w] = id
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// overlap returns |a ∩ b| and |a ∪ b| for sorted, distinct id lists.
func overlap(a, b []int32) (inter, union int) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return inter, len(a) + len(b) - inter
}

// scaledAffinity is the Jaccard ratio in units of 1/affinityScale, rounded.
func scaledAffinity(a, b []int32) int64 {
	inter, union := overlap(a, b)
	if inter == 0 {
		return 0
	}
	return (int64(inter)*affinityScale + int64(union)/2) / int64(union)
}

// jaccard is the exact ratio, for reporting.
func jaccard(a, b []int32) float64 {
	inter, union := overlap(a, b)
	if inter == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}
