package web_test

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jmoiron/sqlx"

	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/eligibility"
)

var (
	auditSubjectCell = regexp.MustCompile(`(?s)data-action="([^"]+)">[^<]*</td>\s*<td class="subject">(.*?)</td>`)
	auditRawRecord   = regexp.MustCompile(`(?s)<details><summary>[^<]*</summary><code class="payload">.*?</code></details>`)
	auditTags        = regexp.MustCompile(`<[^>]+>`)
)

// auditSubjects are the subject cells of an audit page, by action (the newest record's), as text.
func auditSubjects(body string) map[string]string {
	out := map[string]string{}
	for _, m := range auditSubjectCell.FindAllStringSubmatch(body, -1) {
		if _, seen := out[m[1]]; !seen {
			out[m[1]] = html.UnescapeString(strings.Join(strings.Fields(auditTags.ReplaceAllString(m[2], " ")), " "))
		}
	}
	return out
}

// The audit page says what each record is about as people know it (the
// round's name, the entry's code and title, the expert's name, the rule set's
// name), never a key or an internal id; and writes payloads as words: the
// eligibility rules each by name, on or off, the revenue limit in 万元; the
// experts of a panel by name; no JSON outside the stored record kept for
// checking. In both languages.
func TestAuditPageNamesSubjectsAndPayloads(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "audit-names", 2)
	ctx := t.Context()
	var entryID int64
	var code, title string
	if err := h.store.DB.QueryRow(`
		SELECT e.id, b.code, e.title FROM entries e JOIN blind_codes b ON b.entry_id = e.id
		WHERE e.contest_id = $1`, w.contest.ID).Scan(&entryID, &code, &title); err != nil {
		t.Fatal(err)
	}
	set := eligibility.National(2026).Set
	set.StartupGroup, set.GrowthGroup = "enterprise", "team"
	set.Rules[0].Enabled = false // not_listed, off
	if _, err := h.store.SetEligibilityRules(ctx, w.org.ID, w.contest.ID, set); err != nil {
		t.Fatal(err)
	}
	if err := h.store.AddConflict(ctx, w.org.ID, w.contest.ID, w.judges[1].expert, entryID, "同一单位"); err != nil {
		t.Fatal(err)
	}

	org := h.loggedIn(w.org)
	base := fmt.Sprintf("/organizer/contests/%d/audit", w.contest.ID)
	for _, tc := range []struct {
		lang     string
		subjects map[string]string
		payload  []string
	}{
		{"zh-CN", map[string]string{
			"contest.created":       "测试大赛 audit-names",
			"entries.reviewed":      "资格审查通过",
			"panel.set":             "初赛",
			"assignments.generated": "初赛",
			"round.state":           "初赛",
			"eligibility.rules_set": "2026 年中国创新创业大赛（全国赛）规则",
			"conflict.added":        code + "《" + title + "》、评委2号",
		}, []string{
			"<li>未上市：停用</li>", "<li>上一年度营业收入上限：启用、上限：20000 万元</li>", "<li>按成立日期分组：启用</li>",
			"<dt>初创组</dt><dd>企业组</dd>", "<dt>专家</dt><dd>评委1号、评委2号</dd>",
			"<dd>" + code + "《" + title + "》</dd>", // the entries reviewed
		}},
		{"en", map[string]string{
			"contest.created":       "Test contest audit-names",
			"entries.reviewed":      "Eligible",
			"eligibility.rules_set": "National contest rules 2026 (China Innovation and Entrepreneurship Competition)",
			"conflict.added":        code + " “" + title + "”, 评委2号",
		}, []string{
			"<li>Not listed: off</li>", "<li>Prior-year revenue limit: on, Limit: ¥200 million</li>",
			"<dt>Experts</dt><dd>评委1号, 评委2号</dd>",
		}},
	} {
		page := org.get(base + "?lang=" + tc.lang)
		if page.status != 200 {
			t.Fatalf("%s: audit page %d", tc.lang, page.status)
		}
		got := auditSubjects(page.body)
		for action, want := range tc.subjects {
			if got[action] != want {
				t.Errorf("%s: subject of %s is %q, want %q", tc.lang, action, got[action], want)
			}
		}
		for action, s := range got {
			if regexp.MustCompile(`^[a-z_]+[ :]\d+|^(prelim|accepted|national-\d+|custom|none)$|^expert \d+`).MatchString(s) {
				t.Errorf("%s: subject of %s is a key: %q", tc.lang, action, s)
			}
		}
		body := html.UnescapeString(page.body)
		for _, want := range tc.payload {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the page does not say %q", tc.lang, want)
			}
		}
		// Outside the stored record, no JSON and no rule or field key.
		shown := auditRawRecord.ReplaceAllString(body, "")
		for _, raw := range []string{`{"`, `"kind"`, "not_listed", "revenue_limit", "max_revenue", "200000000", "startup_group", "enterprise"} {
			if strings.Contains(shown, raw) {
				i := strings.Index(shown, raw)
				t.Errorf("%s: the page shows %q: …%s…", tc.lang, raw, shown[max(0, i-200):min(len(shown), i+100)])
			}
		}
	}
}

// The organizer reads the audit page on a desktop, in Chinese and in
// English: names everywhere, no catalog key, nothing wider than the screen.
func TestBrowserAuditPageNames(t *testing.T) {
	h := newHarness(t)
	w := newJudging(t, h, "audit-browser", 2)
	set := eligibility.National(2026).Set
	set.StartupGroup, set.GrowthGroup = "enterprise", "team"
	if _, err := h.store.SetEligibilityRules(t.Context(), w.org.ID, w.contest.ID, set); err != nil {
		t.Fatal(err)
	}
	j := newJourney(t, h, "audit-names", desktop)
	j.login("org@example.com")
	j.goTo(fmt.Sprintf("/organizer/contests/%d/audit", w.contest.ID), `table.audit-log`)
	j.look("audit log")
	text := evalJ[string](j, `document.querySelector("table.audit-log").innerText`)
	for _, want := range []string{"2026 年中国创新创业大赛（全国赛）规则", "上一年度营业收入上限：启用、上限：20000 万元", "评委1号、评委2号"} {
		if !strings.Contains(text, want) {
			t.Errorf("the audit page does not say %q", want)
		}
	}
	j.english("audit log")
	text = evalJ[string](j, `document.querySelector("table.audit-log").innerText`)
	for _, want := range []string{"National contest rules 2026", "Prior-year revenue limit: on, Limit: ¥200 million"} {
		if !strings.Contains(text, want) {
			t.Errorf("the English audit page does not say %q", want)
		}
	}
	j.do("open the stored record", chromedp.Click(`tr[data-seq] details summary`))
}

// Subjects written as "entry 12", an assignment's id, "investor 149" and an
// entry no longer there are named too: the entry by code and title, the
// assignment by its entry and expert, the investor by its account's name with
// its number beside it; the gone entry says so, by number.
func TestAuditPageNamesEveryKindOfSubject(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "audit-kinds", 1)
	var entryID int64
	var code, title string
	if err := h.store.DB.QueryRow(`
		SELECT e.id, b.code, e.title FROM entries e JOIN blind_codes b ON b.entry_id = e.id
		WHERE e.contest_id = $1`, w.contest.ID).Scan(&entryID, &code, &title); err != nil {
		t.Fatal(err)
	}
	investor := contesttest.Account(t, h.store, access.RoleInvestor, "vc@example.com")
	records := []struct {
		action  audit.Action
		subject string
	}{
		{audit.ShowcaseOptedIn, fmt.Sprintf("entry %d", entryID)},
		{audit.ScoreReopened, fmt.Sprint(w.judges[0].assignment)},
		{audit.ShowcaseInvestorApplied, fmt.Sprintf("investor %d", investor.ID)},
		{audit.ShowcaseWithdrawn, "entry 987654"},
	}
	if err := h.store.DB.InTx(t.Context(), func(tx *sqlx.Tx) error {
		for _, r := range records {
			if err := audit.Append(t.Context(), tx, time.Now(), &w.contest.ID, &w.org.ID, r.action, r.subject, nil); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	page := h.loggedIn(w.org).get(fmt.Sprintf("/organizer/contests/%d/audit", w.contest.ID))
	got := auditSubjects(page.body)
	for action, want := range map[audit.Action]string{
		audit.ShowcaseOptedIn:         code + "《" + title + "》",
		audit.ScoreReopened:           code + "《" + title + "》、评委1号",
		audit.ShowcaseInvestorApplied: investor.DisplayName + fmt.Sprintf(" #%d", investor.ID),
		audit.ShowcaseWithdrawn:       "项目 #987654（已不存在）",
	} {
		if got[string(action)] != want {
			t.Errorf("subject of %s is %q, want %q", action, got[string(action)], want)
		}
	}
}
