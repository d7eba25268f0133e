package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An entrant on a phone reads the published result during the publicity
// period, objects to it from the result page and keeps the reference; the
// organizer at a desktop finds the objection waiting on the home page, reads
// it and rejects it with a reply; the entrant looks the reference up and reads
// the decision.
func TestJourneyObjection(t *testing.T) {
	h := newHarness(t)
	w := newPublishedWorld(t, h)
	code := w.entryID(t, h, "可降解包装材料")

	e := newJourney(t, h, "objection-entrant-phone", phone)
	e.login("e1@example.com")
	e.look("entrant home")
	e.navigate("open the entry", chromedp.Tap(`a[href="/entrant/entries/`+code+`"]`), chromedp.WaitVisible(`#my-result`))
	e.navigate("open the result", chromedp.Tap(`#my-result`), chromedp.WaitVisible(`#score-prelim`))
	e.look("my result in the publicity period")
	resultPath := e.location()
	if got := evalJ[string](e, `document.querySelector(".my-result h2 .badge").innerText`); !strings.Contains(got, "公示") {
		t.Errorf("the result's state reads %q, want the publicity period named", got)
	}
	e.navigate("object", chromedp.Tap(`.my-result a[href*="/objections/new"]`), chromedp.WaitVisible(`form.objection-form`))
	e.look("objection form")
	if got := evalJ[string](e, `(s => s.options[s.selectedIndex].text)(document.querySelector("select[name=entry]"))`); !strings.Contains(got, "可降解包装材料") {
		t.Errorf("the form chose %q, want the entrant's own entry", got)
	}
	e.do("fill in the objection",
		chromedp.Tap(`input[name=kind][value=person]`),
		chromedp.SendKeys(`input[name=name]`, "林晓"),
		chromedp.SendKeys(`input[name=id_number]`, "11010519491231002x"),
		chromedp.SendKeys(`input[name=phone]`, "13800138000"),
		chromedp.SendKeys(`input[name=email]`, "linxiao@example.com"),
		chromedp.SendKeys(`textarea[name=grounds]`, "两位评委对本项目的市场分相差较大，请核查评分记录。"),
	)
	e.navigate("send the objection", chromedp.Tap(`form.objection-form button[type=submit]`), chromedp.WaitVisible(`#reference`))
	e.look("objection filed")
	ref := evalJ[string](e, `document.querySelector("#reference").innerText`)
	filed := evalJ[string](e, `document.querySelector("#filed").innerText + "|" + document.querySelector("#state").innerText`)
	if !strings.HasPrefix(ref, "YY-") || !strings.Contains(filed, "异议已受理") || !strings.HasSuffix(filed, "|已受理") {
		t.Fatalf("after filing: reference %q, page says %q", ref, filed)
	}

	o := e.alongside("objection-organizer-desktop", desktop)
	o.login("org@example.com")
	o.look("organizer home with an objection waiting")
	o.navigate("the waiting objections", chromedp.Click(`li[data-action=objections] a`), chromedp.WaitVisible(`#objections`))
	o.look("objections")
	row := evalJ[string](o, `document.querySelector("#objections tbody tr").innerText`)
	if !strings.Contains(row, ref) || !strings.Contains(row, "林晓") || !strings.Contains(row, "已受理") || !strings.Contains(row, "可降解包装材料") {
		t.Errorf("the objection's row: %q", row)
	}
	o.navigate("open the objection", chromedp.Click(`#objections tbody tr a`), chromedp.WaitVisible(`#decide`))
	o.look("objection to decide")
	if got := evalJ[string](o, `document.querySelector(".grounds").innerText + "|" + document.querySelector("#id-number").innerText`); got != "两位评委对本项目的市场分相差较大，请核查评分记录。|11010519491231002X" {
		t.Errorf("the organizer reads %q", got)
	}
	o.do("reject with a reply",
		chromedp.Click(`#decide input[name=outcome][value=rejected]`),
		chromedp.SendKeys(`#decide textarea[name=reply]`, "经调取评分表核查，两位评委的评分均在规则范围内，异议不予支持。"),
	)
	o.navigate("decide", chromedp.Click(`#decide button[type=submit]`), chromedp.WaitVisible(`#decision`))
	o.look("objection decided")
	if got := evalJ[string](o, `document.querySelector("#state").innerText + "|" + document.querySelector("#done").innerText`); got != "不予支持|处理决定已记录，并写入审计日志。" {
		t.Errorf("after deciding the page says %q", got)
	}
	o.english("objection decided")
	if got := evalJ[string](o, `document.querySelector("#decision").innerText`); !strings.Contains(got, "Rejected") && !strings.Contains(got, "rejected") {
		t.Errorf("the decision in English: %q", got)
	}

	// The entrant comes back later to the result, and from the objection form's
	// link types the kept reference, as written on paper.
	e.goTo(resultPath, `.my-result a[href*="/objections/new"]`)
	e.navigate("object again", chromedp.Tap(`.my-result a[href*="/objections/new"]`), chromedp.WaitVisible(`a[href="/objections"]`))
	e.navigate("look up an objection", chromedp.Tap(`a[href="/objections"]`), chromedp.WaitVisible(`form.objection-lookup`))
	e.look("look up an objection")
	e.do("type the reference", chromedp.SendKeys(`input[name=reference]`, strings.ToLower(ref)))
	e.navigate("look it up", chromedp.Tap(`form.objection-lookup button[type=submit]`), chromedp.WaitVisible(`#reply`))
	e.look("objection answered")
	got := evalJ[string](e, `document.querySelector("#state").innerText + "|" + document.querySelector("#reply").innerText`)
	if got != "不予支持|经调取评分表核查，两位评委的评分均在规则范围内，异议不予支持。" {
		t.Errorf("the entrant reads %q", got)
	}
	e.english("objection answered")
}
