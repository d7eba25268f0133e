package onward

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"podium/scoring"
)

// The names exports write for vocabulary values are the catalogs' — what the
// pages show — in both languages, and every audit action has one.
func TestExportNamesAreTheCatalogs(t *testing.T) {
	cats := map[Lang]map[string]string{}
	for _, l := range []Lang{Chinese, English} {
		b, err := os.ReadFile("../../web/i18n/" + string(l) + ".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		cats[l] = m
	}
	for key, w := range catalogNames {
		zh, okZh := cats[Chinese][key]
		en, okEn := cats[English][key]
		if !okZh || !okEn {
			t.Errorf("catalogNames has %q, which the catalogs do not", key)
			continue
		}
		if w.zh != zh || w.en != en {
			t.Errorf("catalogNames[%q] = %q, the catalogs say %q; write:\n\t%q: {%q, %q},", key, w, word{zh, en}, key, zh, en)
		}
	}
	for key := range cats[English] {
		if strings.HasPrefix(key, "audit.action.") {
			if _, ok := catalogNames[key]; !ok {
				t.Errorf("the audit export cannot name %q; add to catalogNames:\n\t%q: {%q, %q},", key, key, cats[Chinese][key], cats[English][key])
			}
		}
	}
	// The prefixes exports compose keys with all have names.
	for _, key := range []string{"entry.state.accepted", "entry.source.entrant", "entry.source.import", "profile.kind.enterprise",
		"profile.kind.team", "profile.kind.institution", "award.level.honorable", "objection.kind.person", "objection.state.upheld",
		"objection.remedy.rescore", "nomination.level.nation", "nomination.status.withdrawn", "nomination.outcome.pass",
		"nomination.outcome.fail", "nomination.outcome.none", "showcase.request.pending", "showcase.request.accepted",
		"showcase.request.declined", "round.method.trimmed", "round.method.zscore", "ranking.dropped", "ranking.rule.few_sheets",
		"entry.stage.growth"} {
		if _, ok := catalogNames[key]; !ok {
			t.Errorf("catalogNames lacks %q", key)
		}
	}
	if got := fmt.Sprint(rule(English, scoringFewSheets())); !strings.Contains(got, "Mean without the highest and lowest") {
		t.Errorf("fallback rule %q", got)
	}
}

func scoringFewSheets() scoring.Rule {
	return scoring.Rule{Method: scoring.MethodTrimmed, Fallback: scoring.FallbackFewSheets, Sheets: 2, Needed: 3}
}
