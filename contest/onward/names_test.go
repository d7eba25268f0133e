package onward

import (
	"fmt"
	"strings"
	"testing"

	"podium/scoring"
	"podium/web/i18n"
)

// The names exports write for vocabulary values are the catalogs' — what the
// pages show — and every key exports compose has one in both languages (a
// missing one would be written as its key).
func TestExportNamesAreTheCatalogs(t *testing.T) {
	cats, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"entry.state.accepted", "entry.source.entrant", "entry.source.import", "profile.kind.enterprise",
		"profile.kind.team", "profile.kind.institution", "award.level.honorable", "objection.kind.person", "objection.state.upheld",
		"objection.remedy.rescore", "nomination.level.nation", "nomination.status.withdrawn", "nomination.outcome.pass",
		"nomination.outcome.fail", "nomination.outcome.none", "showcase.request.pending", "showcase.request.accepted",
		"showcase.request.declined", "round.method.trimmed", "round.method.zscore", "ranking.dropped", "ranking.rule.few_sheets",
		"entry.stage.growth", "audit.action.contest.created"} {
		for _, l := range []Lang{Chinese, English} {
			if _, ok := cats[string(l)][key]; !ok {
				t.Errorf("the %s catalog lacks %q", l, key)
			}
		}
		if got := name(English, key); got == key {
			t.Errorf("name(%q) is the key", key)
		}
	}
	if got, want := name(English, "entry.state.accepted"), cats["en"]["entry.state.accepted"]; got != want {
		t.Errorf("English name %q, the catalog says %q", got, want)
	}
	if got, want := name(Chinese, "entry.state.accepted"), cats["zh-CN"]["entry.state.accepted"]; got != want {
		t.Errorf("Chinese name %q, the catalog says %q", got, want)
	}
	if got := fmt.Sprint(rule(English, scoringFewSheets())); !strings.Contains(got, "Mean without the highest and lowest") {
		t.Errorf("fallback rule %q", got)
	}
}

func scoringFewSheets() scoring.Rule {
	return scoring.Rule{Method: scoring.MethodTrimmed, Fallback: scoring.FallbackFewSheets, Sheets: 2, Needed: 3}
}
