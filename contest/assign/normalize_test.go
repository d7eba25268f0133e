package assign

import "testing"

func TestNormalizeOrg(t *testing.T) {
	t.Parallel()
	same := [][]string{
		{"华为技术有限公司", "华为技术 有限公司", "华为技术　有限公司", " 华为技术（有限公司） ", "华为技术"},
		{"ＨＵＡＷＥＩ", "huawei", "Huawei Co., Ltd.", "HUAWEI Inc", "huawei,inc.", "Huawei Co.,Ltd", "Huawei LLC", "huawei corp."},
		{"腾讯科技(深圳)有限公司", "腾讯科技（深圳）有限公司", "腾讯科技 (深圳) 有限公司"},
		{"中国移动通信集团有限公司", "中国移动通信集团", "中国移动通信 集团公司", "中国移动通信"},
		{"比亚迪股份有限公司", "比亚迪", "比亚迪 股份有限公司"},
		{"某某有限责任公司", "某某"},
		{"Acme Group Co., Ltd.", "ACME", "acme inc. llc"},
		{"Hewlett-Packard", "hewlett packard", "Hewlett·Packard"},
		{"清华大学", "清华 大学", "清华大学."},
	}
	for _, group := range same {
		want := NormalizeOrg(group[0])
		if want == "" {
			t.Errorf("NormalizeOrg(%q) is empty", group[0])
		}
		for _, name := range group[1:] {
			if got := NormalizeOrg(name); got != want {
				t.Errorf("NormalizeOrg(%q) = %q, want %q (as for %q)", name, got, want, group[0])
			}
		}
	}

	exact := map[string]string{
		"华为技术有限公司":         "华为技术",
		"ＨＵＡＷＥＩ":           "huawei",
		"Huawei Co., Ltd.": "huawei",
		"Costco":           "costco", // "co" only as a whole word
		"Zinc":             "zinc",   // "inc" only as a whole word
		"Co-op Bank":       "coopbank",
		"":                 "",
		"   ":              "",
		"有限公司":             "",
		"Co., Ltd.":        "",
		"（）·.,":            "",
	}
	for in, want := range exact {
		if got := NormalizeOrg(in); got != want {
			t.Errorf("NormalizeOrg(%q) = %q, want %q", in, got, want)
		}
	}

	different := [][2]string{
		{"华为技术有限公司", "华为终端有限公司"},
		{"清华大学", "北京大学"},
		{"Costco", "Cost"},
		{"Zinc", "Z"},
		{"中兴通讯", "中兴"},
		{"企业1科技", "企业11科技"},
	}
	for _, d := range different {
		if a, b := NormalizeOrg(d[0]), NormalizeOrg(d[1]); a == b {
			t.Errorf("NormalizeOrg(%q) == NormalizeOrg(%q) == %q", d[0], d[1], a)
		}
	}

	// Stable: normalizing twice changes nothing.
	for _, group := range same {
		for _, name := range group {
			n := NormalizeOrg(name)
			if NormalizeOrg(n) != n {
				t.Errorf("NormalizeOrg not idempotent on %q: %q then %q", name, n, NormalizeOrg(n))
			}
		}
	}
}

// An unknown organization (empty after normalizing) matches nobody, not even
// another unknown one: two such experts may review the same entry, and an
// expert with no organization may review an entry with no organization.
func TestUnknownOrgMatchesNothing(t *testing.T) {
	t.Parallel()
	m := newModel(Problem{
		PerEntry: 1,
		Entries:  []Entry{{ID: "e", Org: "有限公司"}},
		Experts:  []Expert{{ID: "a", Org: "", Capacity: 1}, {ID: "b", Org: "Co., Ltd.", Capacity: 1}},
	})
	if m.entryOrg[0] != -1 || m.expertOrg[0] != -1 || m.expertOrg[1] != -1 {
		t.Fatalf("orgs = %v %v, want all -1", m.entryOrg, m.expertOrg)
	}
	if m.sameOrg(m.entryOrg[0], m.expertOrg[0]) || m.sameOrg(m.expertOrg[0], m.expertOrg[1]) {
		t.Fatal("unknown organizations matched")
	}
}

func TestAffinity(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b []string
		want float64
	}{
		{nil, nil, 0},
		{[]string{"a"}, nil, 0},
		{[]string{"a", "b"}, []string{"b", "c"}, 1.0 / 3},
		{[]string{" AI ", "机器学习"}, []string{"ai", "机器学习"}, 1},
		{[]string{"ＡＩ", "ai", "", "  "}, []string{"ai"}, 1}, // width folding, duplicates and blanks dropped
		{[]string{"a", "b", "c", "d"}, []string{"a"}, 0.25},
	}
	for _, c := range cases {
		if got := Affinity(c.a, c.b); got != c.want {
			t.Errorf("Affinity(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestSelectSmallest(t *testing.T) {
	t.Parallel()
	for n := 1; n < 60; n++ {
		for k := 1; k <= n; k++ {
			c := make([]cand, n)
			for i := range c {
				c[i] = cand{x: int32(i), cost: int64(mix64(uint64(n*1000+i)) % 7)} // many ties
			}
			selectSmallest(c, k)
			var maxIn cand
			for i, v := range c[:k] {
				if i == 0 || maxIn.cost < v.cost || (maxIn.cost == v.cost && maxIn.x < v.x) {
					maxIn = v
				}
			}
			for _, v := range c[k:] {
				if v.cost < maxIn.cost || (v.cost == maxIn.cost && v.x < maxIn.x) {
					t.Fatalf("n=%d k=%d: %v outside the first k is smaller than %v inside", n, k, v, maxIn)
				}
			}
		}
	}
}
