package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"podium/contest/access"
)

// A refused mark says the criterion's limits: its range or its step, in the
// reader's language (contesttest.Setup: 技术 up to 40, step 0.5).
func TestScoreErrorsStateTheLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "limits", 1)
	judge := h.loggedIn(w.judges[0].account)
	base := fmt.Sprintf("/api/v1/judge/assignments/%d", w.judges[0].assignment)
	for _, c := range []struct{ body, lang, want string }{
		{`{"marks":{"tech":"45"}}`, "zh-CN", "技术：须在 0–40 之间。"},
		{`{"marks":{"tech":"12.3"}}`, "zh-CN", "技术：须为 0.5 的整数倍。"},
		{`{"marks":{"tech":"45"}}`, "en", "must be between 0 and 40."},
		{`{"marks":{"tech":"12.3"}}`, "en", "must be a multiple of 0.5."},
	} {
		res := judge.do(http.MethodPut, base+"/draft", "application/json", strings.NewReader(c.body),
			"X-CSRF-Token", judge.csrf, "Accept-Language", c.lang)
		d := res.errorBody(t)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(d.Fields["marks.tech"], c.want) {
			t.Errorf("%s (%s): %d %q, want %q", c.body, c.lang, res.status, d.Fields["marks.tech"], c.want)
		}
	}
	sheet, err := h.store.JudgeEntry(context.Background(), access.EveryContest(w.judges[0].account.ID), w.judges[0].assignment)
	if err != nil || len(sheet.Sheet.Marks) != 0 {
		t.Errorf("a refused draft was stored: %+v %v", sheet.Sheet, err)
	}
}
