package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest/contesttest"
)

// The investor showcase once the results are final: an investment company
// registers on a phone and applies to the contest; the organizer approves it
// at a desktop; the winner opts the entry in on a phone; the investor asks for
// the contact; the entrant accepts; the investor reads the contact.
func TestJourneyShowcase(t *testing.T) {
	h := newHarness(t)
	w := newPublishedWorld(t, h)
	h.clock.Advance(8 * 24 * time.Hour) // the publicity period is over: the results are final
	code := w.entryID(t, h, "智能巡检机器人")
	card := fmt.Sprintf("#contest-%d", w.contest.ID)

	inv := newJourney(t, h, "showcase-investor-phone", phone)
	inv.goTo("/login", `#investor-register-link`)
	inv.navigate("register as an investor", chromedp.Tap(`#investor-register-link`), chromedp.WaitVisible(`#investor-register`))
	inv.look("investor registration")
	inv.do("fill in the institution",
		chromedp.SendKeys(`input[name=institution]`, "启明创投管理有限公司"),
		chromedp.SendKeys(`input[name=uscc]`, "91310115ma1k427762"),
		chromedp.SendKeys(`input[name=contact_name]`, "周经理"),
		chromedp.SendKeys(`input[name=phone]`, "13912345678"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
	)
	inv.navigate("register", chromedp.Tap(`#investor-register button[type=submit]`), chromedp.WaitVisible(card))
	inv.look("investor home")
	inv.navigate("apply to the contest", chromedp.Tap(card+` form button[type=submit]`), chromedp.WaitVisible(card+` .badge`))
	inv.look("applied")
	if got := evalJ[string](inv, `document.querySelector("`+card+`").innerText`); !strings.Contains(got, "待审核") || !strings.Contains(got, "等待大赛组织方审核") {
		t.Errorf("after applying the contest reads %q", got)
	}

	org := inv.alongside("showcase-organizer-desktop", desktop)
	org.login("org@example.com")
	org.look("organizer home")
	org.navigate("open the contest", chromedp.Click(fmt.Sprintf(`article.dash[data-contest="%d"] h2 a`, w.contest.ID)), chromedp.WaitVisible(`#showcase-link`))
	org.navigate("the showcase", chromedp.Click(`#showcase-link`), chromedp.WaitVisible(`#applications`))
	org.look("an application to decide")
	row := `#applications tbody tr`
	if got := evalJ[string](org, `document.querySelector("`+row+`").innerText`); !strings.Contains(got, "启明创投管理有限公司") || !strings.Contains(got, "91310115MA1K427762") || !strings.Contains(got, "待审核") {
		t.Errorf("the application reads %q", got)
	}
	org.navigate("approve", chromedp.Click(row+` button[value=approve]`), chromedp.WaitVisible(`p.notice[role=status]`))
	org.look("investor approved")
	if got := evalJ[string](org, `document.querySelector("p.notice[role=status]").innerText + "|" + document.querySelector("`+row+` .badge").innerText`); got != "已批准该机构。|已获准" {
		t.Errorf("after approving: %q", got)
	}

	ent := inv.alongside("showcase-entrant-phone", phone)
	ent.login("e0@example.com")
	ent.navigate("open the entry", chromedp.Tap(`a[href="/entrant/entries/`+code+`"]`), chromedp.WaitVisible(`#showcase-link`))
	ent.look("entry with the showcase offered")
	ent.navigate("the showcase", chromedp.Tap(`#showcase-link`), chromedp.WaitVisible(`#opt-in`))
	ent.look("showcase not shown yet")
	ent.do("describe the round",
		chromedp.SetValue(`#opt-in select[name=round_raised]`, "a"),
		chromedp.SendKeys(`#opt-in input[name=amount_sought]`, "800"),
	)
	ent.navigate("opt in", chromedp.Tap(`#opt-in button[type=submit]`), chromedp.WaitVisible(`#done`))
	ent.look("shown")
	if got := evalJ[string](ent, `document.querySelector("#done").innerText + "|" + document.querySelector("#listing-state .badge").innerText`); got != "已保存：本项目正在展示。|展示中" {
		t.Errorf("after opting in: %q", got)
	}
	if got := evalJ[string](ent, `document.querySelector("#preview").innerText`); !strings.Contains(got, "800万元") || !strings.Contains(got, "A轮") {
		t.Errorf("the preview: %q", got)
	}

	// The investor, back on the home page, browses and asks.
	inv.goTo("/investor", card)
	inv.look("investor approved")
	inv.navigate("browse the showcase", chromedp.Tap(card+` a.button`), chromedp.WaitVisible(`#entry-`+code))
	inv.look("showcase")
	entry := "#entry-" + code
	if got := evalJ[string](inv, `document.querySelector("`+entry+`").innerText`); !strings.Contains(got, "智能巡检机器人") || !strings.Contains(got, "一等奖") ||
		!strings.Contains(got, "A轮") || strings.Contains(got, "芯算团队") || strings.Contains(got, "c0@example.com") {
		t.Errorf("the card before asking: %q", got)
	}
	inv.do("write to the entrant", chromedp.SendKeys(entry+` textarea[name=message]`, "我们关注工业机器人领域，希望约时间交流本轮融资。"))
	inv.navigate("ask for the contact", chromedp.Tap(entry+` button[type=submit]`), chromedp.WaitVisible(entry+` .request-state`))
	inv.look("contact asked")
	if got := evalJ[string](inv, `document.querySelector("`+entry+` .request-state .badge").innerText`); got != "等待回复" {
		t.Errorf("after asking the request is %q", got)
	}

	// The entrant reads the request and accepts.
	ent.goTo("/entrant/entries/"+code+"/showcase", `#requests`)
	ent.look("a request")
	if got := evalJ[string](ent, `document.querySelector("#requests").innerText`); !strings.Contains(got, "启明创投管理有限公司") || !strings.Contains(got, "周经理") ||
		!strings.Contains(got, "希望约时间交流本轮融资") || !strings.Contains(got, "等待回复") {
		t.Errorf("the request as the entrant reads it: %q", got)
	}
	ent.navigate("accept", chromedp.Tap(`#requests button[value=accept]`), chromedp.WaitVisible(`#done`))
	ent.look("request accepted")
	if got := evalJ[string](ent, `document.querySelector("#done").innerText + "|" + document.querySelector("#requests .badge").innerText`); got != "已同意，对方现在可以看到您的联系方式。|已同意" {
		t.Errorf("after accepting: %q", got)
	}

	inv.goTo(fmt.Sprintf("/investor/contests/%d/showcase", w.contest.ID), `#contact-`+code)
	inv.look("contact")
	if got := evalJ[string](inv, `document.querySelector("#contact-`+code+`").innerText`); !strings.Contains(got, "芯算团队") || !strings.Contains(got, "c0@example.com") {
		t.Errorf("the contact: %q", got)
	}
	if got := evalJ[string](inv, `document.querySelector("`+entry+` .request-state .badge").innerText`); got != "已同意" {
		t.Errorf("the request reads %q once accepted", got)
	}
	inv.english("contact")
}
