package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"podium/contest/notify"
)

// refusing accepts mail for every address but one, which it refuses for good.
type refusing struct{ bad string }

func (r refusing) Name() string { return "smtp" }
func (r refusing) Send(_ context.Context, m notify.Outgoing) error {
	if m.To == r.bad {
		return fmt.Errorf("%w: 550 5.1.1 no such user", notify.ErrPermanent)
	}
	return nil
}

// The organizer sees what the contest told whom: the reminders of two
// judges, one sent and one refused by the mail server with its reason.
func TestMessagesPageShowsSentAndFailed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "messages", 2)
	org := h.loggedIn(w.org)
	for i, j := range w.judges {
		if _, err := h.store.DB.Exec(`UPDATE experts SET email = $2 WHERE id = $1`, j.expert, fmt.Sprintf("judge%d@example.cn", i)); err != nil {
			t.Fatal(err)
		}
	}
	if res := org.form(fmt.Sprintf("/organizer/contests/%d/rounds/prelim/reminders", w.contest.ID), map[string][]string{"expert": {"all"}}); res.status != http.StatusSeeOther {
		t.Fatalf("remind all: %d %s", res.status, res.body)
	}
	sender := &notify.Sender{DB: h.store.DB.DB, Email: refusing{bad: "judge1@example.cn"}}
	// The entrant's receipt and eligibility decision, and the two reminders.
	if n, err := sender.SendDue(context.Background()); err != nil || n != 4 {
		t.Fatalf("sent %d, %v", n, err)
	}
	page := org.get(fmt.Sprintf("/organizer/contests/%d/messages", w.contest.ID))
	if page.status != http.StatusOK {
		t.Fatalf("messages page: %d %s", page.status, page.body)
	}
	for _, want := range []string{"通知记录", "judge0@example.cn", "judge1@example.cn", "评审提醒", "已发送 (3)", "失败 (1)", "550 5.1.1 no such user", "对方拒收，不再重试。",
		`data-state="sent"`, `data-state="failed"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("messages page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "permanent failure") {
		t.Errorf("the Chinese page shows the outbox's own English prefix")
	}
	failed := org.get(fmt.Sprintf("/organizer/contests/%d/messages?state=failed", w.contest.ID))
	if strings.Contains(failed.body, "judge0@example.cn") || !strings.Contains(failed.body, "judge1@example.cn") {
		t.Errorf("the failed filter shows the wrong messages")
	}
	en := org.get(fmt.Sprintf("/organizer/contests/%d/messages?lang=en", w.contest.ID))
	if !strings.Contains(en.body, "Judging reminder") || !strings.Contains(en.body, "Failed (1)") ||
		!strings.Contains(en.body, "Refused by the other side") {
		t.Errorf("English page: %s", en.body)
	}
}

// Switching the language keeps the page's query: a filtered list stays filtered.
func TestLanguageSwitchKeepsTheQuery(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "switch", 1)
	org := h.loggedIn(w.org)
	page := org.get(fmt.Sprintf("/organizer/contests/%d/messages?state=failed", w.contest.ID))
	if !strings.Contains(page.body, `class="lang" href="?lang=en&amp;state=failed"`) {
		t.Errorf("the language switch drops the filter: %s", page.body)
	}
	en := org.get(fmt.Sprintf("/organizer/contests/%d/messages?lang=en&state=failed", w.contest.ID))
	if !strings.Contains(en.body, `class="lang" href="?lang=zh-CN&amp;state=failed"`) {
		t.Errorf("the switch back drops the filter")
	}
}
