package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"podium/contest"
	"podium/contest/judging"
)

// "Being submitted" and "already submitted" are both 409 conflicts (clients that
// know only the code keep working), told apart by the error's reason, so that a
// tablet can act without reading the message: retry later, or fetch the sheet.
func TestSubmissionConflictsHaveDistinctReasons(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "conflict-reasons", 1)
	seat := w.judges[0]
	judge := h.loggedIn(seat.account)
	path := fmt.Sprintf("/api/v1/judge/assignments/%d/sheet", seat.assignment)
	submit := func(key, body string) response {
		return judge.do(http.MethodPost, path, "application/json", strings.NewReader(body), "X-CSRF-Token", judge.csrf, "Idempotency-Key", key)
	}
	body := `{"marks":{"tech":30,"market":20,"team":25}}`

	// The first request with key k1 is still being processed: it holds the key's
	// lock, as the submission's statement does while it runs.
	first, err := h.store.DB.BeginTxx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	first.MustExec(`SELECT pg_advisory_xact_lock(hashtextextended($1, $2))`, "k1", seat.account.ID)
	res := submit("k1", body)
	d := res.errorBody(t)
	if res.status != http.StatusConflict || d.Code != "conflict" || d.Reason != judging.ReasonInProgress {
		t.Errorf("a twin of a submission in flight: %d %+v", res.status, d)
	}
	_ = first.Rollback()

	if res := submit("k1", body); res.status != http.StatusCreated {
		t.Fatalf("submit: %d %s", res.status, res.body)
	}
	// Another request (another device, a new key) finds the sheet submitted.
	res = submit("k2", `{"marks":{"tech":10,"market":10,"team":10}}`)
	d = res.errorBody(t)
	if res.status != http.StatusConflict || d.Code != "conflict" || d.Reason != judging.ReasonAlreadySubmitted {
		t.Errorf("a second submission: %d %+v", res.status, d)
	}
	// So does a draft.
	res = judge.do(http.MethodPut, fmt.Sprintf("/api/v1/judge/assignments/%d/draft", seat.assignment), "application/json",
		strings.NewReader(`{"marks":{"tech":1}}`), "X-CSRF-Token", judge.csrf)
	if d := res.errorBody(t); res.status != http.StatusConflict || d.Reason != judging.ReasonAlreadySubmitted {
		t.Errorf("a draft of a submitted sheet: %d %+v", res.status, d)
	}
	// Other conflicts carry no reason.
	if err := h.store.SetRoundState(context.Background(), w.org.ID, w.contest.ID, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	res = submit("k3", body)
	if d := res.errorBody(t); res.status != http.StatusConflict || d.Reason != "" || strings.Contains(res.body, `"reason"`) {
		t.Errorf("a submission to a closed round: %d %s", res.status, res.body)
	}
}
