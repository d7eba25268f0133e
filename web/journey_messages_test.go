package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"podium/contest/notify"
)

// An organizer at a desktop reminds the judges who have not scored yet; the
// mail server refuses one address; the home page says a message failed, and
// the contest's messages page shows which, why, and what was sent.
func TestJourneyMessages(t *testing.T) {
	h := newHarness(t)
	w := newJudging(t, h, "messages", 2)
	for i, j := range w.judges {
		if _, err := h.store.DB.Exec(`UPDATE experts SET email = $2 WHERE id = $1`, j.expert, fmt.Sprintf("judge%d@example.cn", i)); err != nil {
			t.Fatal(err)
		}
	}

	j := newJourney(t, h, "messages-desktop", desktop)
	j.login("org@example.com")
	j.look("organizer home while judging")
	j.navigate("the round's progress", chromedp.Click(`li[data-action=scoring] a`), chromedp.WaitVisible(`form.remind-all button`))
	j.look("progress")
	j.navigate("remind every judge behind", chromedp.Click(`form.remind-all button`), chromedp.WaitVisible(`.judges-progress p.notice[role=status]`))
	j.look("judges reminded")
	if got := evalJ[string](j, `document.querySelector(".judges-progress p.notice").innerText`); got != "已提醒 2 位评委。" {
		t.Errorf("after reminding: %q", got)
	}

	// The mail worker sends what is due; the server refuses judge1's address for good.
	sender := &notify.Sender{DB: h.store.DB.DB, Email: refusing{bad: "judge1@example.cn"}}
	if n, err := sender.SendDue(context.Background()); err != nil || n != 4 {
		t.Fatalf("sent %d, %v", n, err)
	}

	j.goTo("/organizer", `li[data-action=messages] a`)
	j.look("organizer home with a failed message")
	if got := evalJ[string](j, `document.querySelector("li[data-action=messages] a").innerText`); got != "1 封通知发送失败" {
		t.Errorf("the home page says %q", got)
	}
	j.navigate("the failed messages", chromedp.Click(`li[data-action=messages] a`), chromedp.WaitVisible(`#messages`))
	j.look("failed messages")
	rows := evalJ[[]string](j, `[...document.querySelectorAll("#messages tbody tr")].map(r => r.innerText)`)
	if len(rows) != 1 || !strings.Contains(rows[0], "judge1@example.cn") || !strings.Contains(rows[0], "评审提醒") ||
		!strings.Contains(rows[0], "失败") || !strings.Contains(rows[0], "550 5.1.1 no such user") {
		t.Errorf("the failed messages: %q", rows)
	}
	if got := evalJ[string](j, `document.querySelector("nav.round-nav [aria-current=page]").innerText`); got != "失败 (1)" {
		t.Errorf("the filter chosen reads %q", got)
	}

	j.navigate("every message", chromedp.Click(`nav.round-nav a:first-child`), chromedp.WaitVisible(`#messages tr[data-state=sent]`))
	j.look("every message")
	states := evalJ[[]string](j, `[...document.querySelectorAll("#messages tbody tr")].map(r => r.dataset.state + ":" + r.querySelector(".badge").innerText)`)
	sent, failed := 0, 0
	for _, s := range states {
		switch s {
		case "sent:已发送":
			sent++
		case "failed:失败":
			failed++
		default:
			t.Errorf("a message shown as %q", s)
		}
	}
	if sent != 3 || failed != 1 {
		t.Errorf("%d sent and %d failed shown, want 3 and 1: %q", sent, failed, states)
	}
	if got := evalJ[string](j, `document.querySelector("#messages").innerText`); !strings.Contains(got, "judge0@example.cn") || !strings.Contains(got, "报名提交回执") {
		t.Errorf("every message: %q", got)
	}
	j.english("every message")
	if got := evalJ[string](j, `document.querySelector("#messages").innerText`); !strings.Contains(got, "Judging reminder") || !strings.Contains(got, "Failed") {
		t.Errorf("the messages in English: %q", got)
	}
}
