package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/judging"
)

// judgingWorld is a contest whose preliminary round is open, with one eligible entry
// (its business plan the plan given, if any) and a panel of judges, each invited
// (with an account) and assigned the entry.
type judgingWorld struct {
	org     access.Account
	contest contest.Contest
	judges  []judgeSeat
}

// judgeSeat is a judge of the panel: the expert, the account, the assignment and
// the unused invite token that logs the judge in.
type judgeSeat struct {
	expert     int64
	account    access.Account
	assignment int64
	token      string
}

func newJudging(t *testing.T, h *harness, slug string, judges int, plan ...[]byte) judgingWorld {
	t.Helper()
	ctx := context.Background()
	w := judgingWorld{org: contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")}
	setup := contesttest.Setup(slug)
	setup.Rounds[0].ReviewsPerEntry = judges
	var err error
	if w.contest, err = h.store.CreateContest(ctx, w.org.ID, setup); err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	entryID := submittedEntry(t, h, entrant, w.contest.ID, plan...)
	if _, err := h.store.ReviewEntries(ctx, w.org.ID, w.contest.ID, []int64{entryID}, true, ""); err != nil {
		t.Fatal(err)
	}
	var panel []int64
	for i := range judges {
		x, err := h.store.SaveExpert(ctx, w.org.ID, judging.ExpertInput{Name: fmt.Sprintf("评委%d号", i+1), Organization: fmt.Sprintf("第%d大学", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		panel = append(panel, x.ID)
	}
	if err := h.store.SetPanel(ctx, w.org.ID, w.contest.ID, "prelim", panel); err != nil {
		t.Fatal(err)
	}
	run, err := h.store.StartAssignment(ctx, w.org.ID, w.contest.ID, "prelim", 1)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = h.store.RunAssignment(ctx, w.org.ID, w.contest.ID, "prelim", run.ID); err != nil || run.Added != judges {
		t.Fatalf("run %+v %v", run, err)
	}
	if err := h.store.SetRoundState(ctx, w.org.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, err := h.store.Assignments(ctx, w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range panel {
		seat := judgeSeat{expert: x}
		for _, a := range list {
			if a.ExpertID == x {
				seat.assignment = a.ID
			}
		}
		inv, err := h.store.InviteExpert(ctx, w.org.ID, w.contest.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		if seat.account, err = h.store.Account(ctx, inv.AccountID); err != nil {
			t.Fatal(err)
		}
		seat.token = inv.Token
		w.judges = append(w.judges, seat)
	}
	return w
}

// shanghai is the time zone in which pages show times.
func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A score is what the judge entered: a null, missing or non-numeric mark is a
// 422 naming the criterion, for drafts and submissions alike, and nothing is
// stored. Before marks were decoded strictly, {"tech": null} was stored as 0.
func TestMarksMustBeNumbers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "null-marks", 1)
	judge := h.loggedIn(w.judges[0].account)
	base := fmt.Sprintf("/api/v1/judge/assignments/%d", w.judges[0].assignment)
	cases := map[string]string{
		`{"marks":{"tech":null,"market":"20","team":"20"}}`:       "marks.tech",
		`{"marks":{"tech":"abc","market":"20","team":"20"}}`:      "marks.tech",
		`{"marks":{"tech":true,"market":"20","team":"20"}}`:       "marks.tech",
		`{"marks":{"tech":{"v":1},"market":"20","team":"20"}}`:    "marks.tech",
		`{"marks":{"tech":"30.005","market":"20","team":"20"}}`:   "marks.tech",
		`{"marks":{"market":"20","team":"20"}}`:                   "marks.tech", // missing
		`{"marks":{"tech":"30","market":"20","team":null}}`:       "marks.team",
		`{"marks":{"tech":"30","market":"","team":"20"}}`:         "marks.market",
		`{"marks":{"tech":"30","market":"20","team":"20","x":1}}`: "marks.x",
	}
	n := 0
	for body, field := range cases {
		n++
		for _, req := range []struct{ method, path string }{{http.MethodPost, "/sheet"}, {http.MethodPut, "/draft"}} {
			if req.method == http.MethodPut && !strings.Contains(body, "null") && !strings.Contains(body, "abc") {
				continue // a draft may lack marks; the decoding cases are what matter here
			}
			res := judge.do(req.method, base+req.path, "application/json", strings.NewReader(body),
				"X-CSRF-Token", judge.csrf, "Idempotency-Key", fmt.Sprintf("null-marks-%d", n))
			d := res.errorBody(t)
			if res.status != http.StatusUnprocessableEntity || d.Fields[field] == "" {
				t.Errorf("%s %s: %d %s, want 422 naming %s", req.method, body, res.status, res.body, field)
			}
		}
	}
	sheet, err := h.store.JudgeEntry(context.Background(), access.EveryContest(w.judges[0].account.ID), w.judges[0].assignment)
	if err != nil {
		t.Fatal(err)
	}
	if sheet.Sheet.State != "new" || len(sheet.Sheet.Marks) != 0 {
		t.Errorf("a refused sheet was stored: %+v", sheet.Sheet)
	}
}
