package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The organizer reminds a judge who is behind from the progress page; the judge
// sees the notice on the task list (page and API) and dismisses it; the progress
// page shows when the judge was last reminded.
func TestReminderFromProgressPageToJudge(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "remind", 2)
	org := h.loggedIn(w.org)
	progress := fmt.Sprintf("/organizer/contests/%d/rounds/prelim/progress", w.contest.ID)
	remind := fmt.Sprintf("/organizer/contests/%d/rounds/prelim/reminders", w.contest.ID)
	first, second := w.judges[0], w.judges[1]

	page := org.get(progress)
	if page.status != http.StatusOK || !strings.Contains(page.body, `name="expert" value="all"`) ||
		!strings.Contains(page.body, fmt.Sprintf(`name="expert" value="%d"`, first.expert)) {
		t.Fatalf("progress page offers no reminders: %d %s", page.status, page.body)
	}
	res := org.form(remind, url.Values{"expert": {fmt.Sprint(first.expert)}})
	if res.status != http.StatusSeeOther || !strings.HasSuffix(res.header.Get("Location"), "/progress?reminded=1&skipped=0") {
		t.Fatalf("remind one: %d %s %s", res.status, res.header.Get("Location"), res.body)
	}
	page = org.get(progress + "?reminded=1&skipped=0")
	when := h.clock.T.In(shanghai(t)).Format("2006-01-02 15:04")
	if !strings.Contains(page.body, "已提醒 1 位评委") || strings.Count(page.body, `<td class="last-reminded">`+when+`</td>`) != 1 {
		t.Errorf("progress page after reminding: want the notice and one judge reminded at %s: %s", when, page.body)
	}
	// Remind all: the first judge was just reminded and is left out.
	res = org.form(remind, url.Values{"expert": {"all"}})
	if !strings.HasSuffix(res.header.Get("Location"), "?reminded=1&skipped=1") {
		t.Errorf("remind all: %d %s", res.status, res.header.Get("Location"))
	}
	// Reminding the first judge again at once says why not, on the page.
	res = org.form(remind, url.Values{"expert": {fmt.Sprint(first.expert)}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, "刚刚已被提醒过") {
		t.Errorf("remind again at once: %d %s", res.status, res.body)
	}

	// The judge sees it on the task list, and through the API.
	judge := h.loggedIn(first.account)
	home := judge.get("/judge")
	if home.status != http.StatusOK || !strings.Contains(home.body, "组织方提醒：初赛 还有 1 份评分未提交") {
		t.Fatalf("the judge's list shows no reminder: %d %s", home.status, home.body)
	}
	var tasks struct {
		Reminders []struct {
			ID      int64 `json:"id"`
			Pending int   `json:"pending"`
		} `json:"reminders"`
	}
	judge.get("/api/v1/judge/tasks").json(t, &tasks)
	if len(tasks.Reminders) != 1 || tasks.Reminders[0].Pending != 1 {
		t.Fatalf("reminders in the API: %+v", tasks)
	}
	// Another judge cannot dismiss it; its own judge can, from the page.
	other := h.loggedIn(second.account)
	if res := other.form(fmt.Sprintf("/judge/reminders/%d/dismiss", tasks.Reminders[0].ID), nil); res.status != http.StatusNotFound {
		t.Errorf("another judge dismissing: %d", res.status)
	}
	res = judge.form(fmt.Sprintf("/judge/reminders/%d/dismiss", tasks.Reminders[0].ID), nil)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/judge" {
		t.Fatalf("dismiss: %d %s", res.status, res.body)
	}
	if home := judge.get("/judge"); strings.Contains(home.body, "组织方提醒") {
		t.Errorf("the reminder is still shown after dismissing it")
	}
	if home := other.get("/judge"); !strings.Contains(home.body, "组织方提醒") {
		t.Errorf("the second judge's reminder (from remind all) is not shown")
	}
}

func TestReminderAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "remind-api", 2)
	org := h.loggedIn(w.org)
	path := fmt.Sprintf("/api/v1/contests/%d/rounds/prelim/reminders", w.contest.ID)
	for _, body := range []map[string]any{{}, {"all": true, "expert_id": w.judges[0].expert}, {"expert_id": -1}} {
		if res := org.api(http.MethodPost, path, body); res.status != http.StatusUnprocessableEntity || res.errorBody(t).Fields["expert_id"] == "" {
			t.Errorf("%v: %d %s", body, res.status, res.body)
		}
	}
	if res := org.api(http.MethodPost, path, map[string]any{"expert_id": 999999}); res.status != http.StatusNotFound {
		t.Errorf("a judge not in the round: %d %s", res.status, res.body)
	}
	res := org.api(http.MethodPost, path, map[string]any{"all": true})
	if res.status != http.StatusCreated || res.body != `{"sent":2,"skipped":0}` {
		t.Errorf("remind all: %d %s", res.status, res.body)
	}
	var progress struct {
		Judges []struct {
			ExpertID       int64   `json:"expert_id"`
			LastRemindedAt *string `json:"last_reminded_at"`
		} `json:"judges"`
	}
	org.get(fmt.Sprintf("/api/v1/contests/%d/rounds/prelim/progress", w.contest.ID)).json(t, &progress)
	if len(progress.Judges) != 2 || progress.Judges[0].LastRemindedAt == nil || progress.Judges[1].LastRemindedAt == nil {
		t.Errorf("progress without the reminders: %+v", progress)
	}
	// A closed round takes no reminders.
	if res := org.api(http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/rounds/prelim/state", w.contest.ID), map[string]any{"state": "closed"}); res.status != http.StatusOK {
		t.Fatal(res.body)
	}
	if res := org.api(http.MethodPost, path, map[string]any{"all": true}); res.status != http.StatusConflict {
		t.Errorf("remind in a closed round: %d %s", res.status, res.body)
	}
}
