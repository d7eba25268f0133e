package scoring

import (
	"fmt"
	"strings"
)

// Criterion is one line of a rubric. A judge gives a mark in [0, Max]; the mark
// counts Weight/Max of itself in the judge's total.
type Criterion struct {
	Key    string `json:"key"`
	Name   string `json:"name"`              // Chinese name, shown by default
	NameEn string `json:"name_en,omitempty"` // English name, optional
	Max    Points `json:"max"`
	Weight Points `json:"weight,omitempty"` // 0 (omitted) means the same as Max
}

// Rubric is the list of criteria a judge's sheet is scored on.
type Rubric struct {
	Criteria []Criterion `json:"criteria"`
}

// Limits on rubrics. They keep every exact total numerator below 2^38, which
// with at most MaxSheets sheets keeps all integer sums below 2^60.
const (
	MaxCriteria       = 50
	MaxCriterionValue = Points(10_000_00) // max and weight are at most 10,000.00
	maxKeyLen         = 64
	maxNumerator      = 1 << 38
)

// EffectiveWeight is Weight, or Max when Weight is not given.
func (c Criterion) EffectiveWeight() Points {
	if c.Weight == 0 {
		return c.Max
	}
	return c.Weight
}

// Validate checks one criterion on its own; fields are named without prefix.
func (c Criterion) Validate() error {
	var p problems
	c.check(&p, "")
	return p.err()
}

func (c Criterion) check(p *problems, at string) {
	switch {
	case !validKey(c.Key):
		p.add(at+"key", "key", fmt.Sprintf("key %q must be 1–%d letters, digits, '_' or '-', starting with a letter or digit", c.Key, maxKeyLen))
	case c.Key == "entry" || c.Key == "judge":
		p.add(at+"key", "reserved", fmt.Sprintf("key %q is reserved for a sheet column", c.Key))
	}
	if strings.TrimSpace(c.Name) == "" {
		p.add(at+"name", "required", "name is required")
	}
	if c.Max <= 0 || c.Max > MaxCriterionValue {
		p.add(at+"max", "range", fmt.Sprintf("max %s must be above 0 and at most %s", c.Max, MaxCriterionValue))
	}
	if c.Weight < 0 || c.Weight > MaxCriterionValue {
		p.add(at+"weight", "range", fmt.Sprintf("weight %s must be above 0 and at most %s (omit it to use max)", c.Weight, MaxCriterionValue))
	}
}

func validKey(k string) bool {
	if k == "" || len(k) > maxKeyLen {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '_' && c != '-') {
			return false
		}
	}
	return true
}

// Validate checks the rubric and returns a *ValidationError listing every
// problem, with fields such as "criteria[2].max".
func (r Rubric) Validate() error {
	_, err := compile(r)
	return err
}

// compiled is a validated rubric prepared for exact integer arithmetic.
//
// A judge's exact total, in hundredths, is Σ mark·weight/max = Σ mark·factor / den,
// where den is the least common denominator of the weight/max ratios and
// factor = weight·den/max is an integer. Totals are thus kept as integer
// numerators over one denominator shared by the whole round.
type compiled struct {
	keys   []string
	max    []int64
	factor []int64
	den    int64
	index  map[string]int
}

func compile(r Rubric) (*compiled, error) {
	var p problems
	if len(r.Criteria) == 0 {
		p.add("criteria", "required", "the rubric needs at least one criterion")
	}
	if len(r.Criteria) > MaxCriteria {
		p.add("criteria", "range", fmt.Sprintf("at most %d criteria", MaxCriteria))
	}
	c := &compiled{den: 1, index: make(map[string]int, len(r.Criteria))}
	for i, cr := range r.Criteria {
		at := fmt.Sprintf("criteria[%d].", i)
		cr.check(&p, at)
		if _, dup := c.index[cr.Key]; dup {
			p.add(at+"key", "duplicate", fmt.Sprintf("key %q is used twice", cr.Key))
		}
		c.index[cr.Key] = i
	}
	if len(p) > 0 {
		return nil, p.err()
	}
	var weights int64
	for _, cr := range r.Criteria {
		m, w := int64(cr.Max), int64(cr.EffectiveWeight())
		d := m / gcd(w, m) // denominator of w/m in lowest terms
		c.den = c.den / gcd(c.den, d) * d
		weights += w
		if c.den > maxNumerator {
			break
		}
	}
	if c.den > maxNumerator || weights > maxNumerator/c.den { // weights·den, without overflow
		return nil, invalid("criteria", "too_complex", fmt.Sprintf(
			"weights and maxima need a common denominator of %d, too large for exact totals; choose maxima that divide the weights more evenly", c.den))
	}
	for _, cr := range r.Criteria {
		m, w := int64(cr.Max), int64(cr.EffectiveWeight())
		c.keys = append(c.keys, cr.Key)
		c.max = append(c.max, m)
		c.factor = append(c.factor, w*c.den/m)
	}
	return c, nil
}

// Total returns a judge's total for marks: Σ mark × weight / max, computed
// exactly and rounded once, half up, to hundredths. marks must hold every
// criterion, and nothing else, each in [0, max].
func (r Rubric) Total(marks map[string]Points) (Points, error) {
	c, err := compile(r)
	if err != nil {
		return 0, err
	}
	n, ok := c.total(marks, make([]int64, len(c.keys)))
	if !ok {
		var p problems
		c.markProblems(&p, "", marks)
		return 0, p.err()
	}
	return Points(divRound(n, c.den)), nil
}

// CheckMark reports whether mark is a valid mark for the criterion key.
func (r Rubric) CheckMark(key string, mark Points) error {
	for _, cr := range r.Criteria {
		if cr.Key == key {
			if mark < 0 || mark > cr.Max {
				return invalid(key, "range", fmt.Sprintf("mark %s is outside [0, %s]", mark, cr.Max))
			}
			return nil
		}
	}
	return invalid(key, "unknown", fmt.Sprintf("%q is not a criterion of the rubric", key))
}

// total returns the exact total numerator of marks (over c.den), or false if
// marks are incomplete, unknown or out of range. It stores the marks in row,
// in rubric order.
func (c *compiled) total(marks map[string]Points, row []int64) (int64, bool) {
	if len(marks) != len(c.keys) {
		return 0, false
	}
	var n int64
	for i, k := range c.keys {
		m, ok := marks[k]
		if !ok || m < 0 || int64(m) > c.max[i] {
			return 0, false
		}
		row[i] = int64(m)
		n += int64(m) * c.factor[i]
	}
	return n, true
}

// markProblems explains why total refused marks; at prefixes field names.
func (c *compiled) markProblems(p *problems, at string, marks map[string]Points) {
	for i, k := range c.keys {
		m, ok := marks[k]
		switch {
		case !ok:
			p.add(at+k, "required", fmt.Sprintf("mark for %q is missing", k))
		case m < 0 || int64(m) > c.max[i]:
			p.add(at+k, "range", fmt.Sprintf("mark %s for %q is outside [0, %s]", m, k, Points(c.max[i])))
		}
	}
	for _, k := range sortedKeys(marks) {
		if _, ok := c.index[k]; !ok {
			p.add(at+k, "unknown", fmt.Sprintf("%q is not a criterion of the rubric", k))
		}
	}
}
