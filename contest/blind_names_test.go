package contest_test

import (
	"context"
	"testing"

	"podium/contest"
)

// A judge reads the entry's text with the organization's brand and short
// names blacked out, however they are spelled, as its full name is.
func TestJudgeReadsNoBrandOrShortName(t *testing.T) {
	t.Parallel()
	w := newScoringWorld(t)
	ctx := context.Background()
	if _, err := w.s.DB.Exec(`UPDATE entries SET snapshot = jsonb_set(jsonb_set(snapshot, '{organization,name}', '"NovaSense柔感科技有限公司"'),
		'{fields}', '{"summary": "NOVASENSE团队研发柔性传感器。", "technology": "ｎｏｖａｓｅｎｓｅ 的核心专利", "market": "柔 感 科 技已进入三家医院",
		  "team": "Novasense 创始团队", "financing": "QQ：12345678", "keywords": ["柔感", "传感器"]}')
		WHERE id = $1`, w.target.EntryID); err != nil {
		t.Fatal(err)
	}
	if err := w.s.SetRoundState(ctx, w.organizer.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	b, err := w.s.JudgeEntry(ctx, w.judge, w.target.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := b.Fields
	for got, want := range map[string]string{
		f.Summary: "■■团队研发柔性传感器。", f.Technology: "■■ 的核心专利", f.Market: "■■已进入三家医院",
		f.Team: "■■ 创始团队", f.Financing: "QQ：■■", f.Keywords[0] + "," + f.Keywords[1]: "■■,传感器",
	} {
		if got != want {
			t.Errorf("judge reads %q, want %q", got, want)
		}
	}
}
