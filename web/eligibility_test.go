package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/eligibility"
	"podium/files/filecheck"
)

// eligibilityContest is a contest open for entries with a startup, a growth
// and a team group, and no upload required.
func eligibilityContest(t *testing.T, h *harness, organizer access.Account, slug string) contest.Contest {
	t.Helper()
	setup := contesttest.Setup(slug)
	setup.Groups = []contest.Category{{Key: "startup", NameZh: "初创组", NameEn: "Startup"}, {Key: "growth", NameZh: "成长组", NameEn: "Growth"}, {Key: "team", NameZh: "团队组", NameEn: "Team"}}
	opens, deadline := h.clock.T.Add(-time.Hour), h.clock.T.Add(72*time.Hour)
	setup.RegistrationOpensAt, setup.SubmissionDeadline = &opens, &deadline
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	c, err := h.store.CreateContest(context.Background(), organizer.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func profileForm(facts map[string]string) url.Values {
	v := url.Values{"kind": {"enterprise"}, "name": {"星河智能科技有限公司"}, "uscc": {"91440300708461136T"},
		"contact_name": {"张伟"}, "contact_phone": {"13800138000"}, "listed": {"no"}, "national_top3_before": {"no"}}
	for k, x := range facts {
		v.Set(k, x)
	}
	return v
}

func TestEligibilityOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	organizer := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "founder@example.com")
	c := eligibilityContest(t, h, organizer, "elig-web")
	org, ent := h.loggedIn(organizer), h.loggedIn(entrant)
	page := fmt.Sprintf("/organizer/contests/%d/eligibility", c.ID)

	// The organizer loads the national preset: its groups are guessed from the contest's names, nothing saved yet.
	if res := org.get(page); res.status != http.StatusOK || !strings.Contains(res.body, "2026 年中国创新创业大赛（全国赛）规则") || !strings.Contains(res.body, "尚未设置资格条件") {
		t.Fatalf("rules page: %d %.300s", res.status, res.body)
	}
	res := org.form(page, url.Values{"preset": {"national-2026"}, "load": {"1"}})
	if res.status != http.StatusOK || !strings.Contains(res.body, `<option value="startup" selected>初创组`) || !strings.Contains(res.body, `<option value="growth" selected>成长组`) ||
		!strings.Contains(res.body, `value="20000"`) {
		t.Fatalf("preset loaded: %d %.2000s", res.status, res.body)
	}
	if r, _ := h.store.EligibilityRulesOf(ctx, c.ID); r.Set.Enabled() {
		t.Fatal("loading a preset saved it")
	}
	save := url.Values{"preset": {"national-2026"}, "startup_group": {"startup"}, "growth_group": {"growth"}, "reference_year": {""},
		"max_revenue_wan": {"20000"}, "rule.not_listed": {"on"}, "rule.revenue_limit": {"on"}, "rule.group_by_establishment": {"on"},
		"rule.growth_certificate": {"on"}, "rule.no_prior_top3": {"on"}}
	// Mistakes come back as field errors, nothing saved.
	bad := url.Values{}
	for k, v := range save {
		bad[k] = v
	}
	bad.Set("growth_group", "startup")
	bad.Set("max_revenue_wan", "两亿")
	if res := org.form(page+"?lang=en", bad); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "at most two decimals") {
		t.Fatalf("bad limit: %d %.3000s", res.status, res.body)
	}
	bad.Set("max_revenue_wan", "20000")
	if res := org.form(page+"?lang=zh-CN", bad); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "初创组和成长组不能是同一个组别") {
		t.Fatalf("same groups: %d %.3000s", res.status, res.body)
	}
	if res := org.form(page, save); res.status != http.StatusSeeOther {
		t.Fatalf("save rules: %d %.2000s", res.status, res.body)
	}
	stored, err := h.store.EligibilityRulesOf(ctx, c.ID)
	if r, _ := stored.Set.Rule(eligibility.RevenueLimit); err != nil || stored.Set.Preset != "national-2026" || r.MaxRevenue != 200_000_000 || stored.Set.GrowthGroup != "growth" {
		t.Fatalf("stored: %#v %v", stored, err)
	}
	if res := org.get(page + "?saved=1"); !strings.Contains(res.body, "资格条件已保存") || !strings.Contains(res.body, "当前规则：2026 年") {
		t.Errorf("saved page: %.1500s", res.body)
	}

	// The entrant's profile: amounts in 万元, validated per field.
	res = ent.form("/entrant/profile", profileForm(map[string]string{"established_on": "2025-02-30", "revenue_prev_year_wan": "12.345", "tech_sme_number": "编号#1"}))
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "请以万元为单位填写金额") ||
		!strings.Contains(res.body, "请填写有效的成立日期") || !strings.Contains(res.body, "编号只能包含字母") || !strings.Contains(res.body, `value="12.345"`) {
		t.Fatalf("bad facts: %d %.3000s", res.status, res.body)
	}
	res = ent.form("/entrant/profile", profileForm(map[string]string{"established_on": "2025-03-01", "registered_capital_wan": "500",
		"revenue_prev_year_wan": "20000.01", "listed": "no"}))
	if res.status != http.StatusSeeOther {
		t.Fatalf("save profile: %d %.2000s", res.status, res.body)
	}
	var saved entry.Organization
	ent.get("/api/v1/profile").json(t, &saved)
	if saved.EstablishedOn != "2025-03-01" || saved.RevenuePrevYear == nil || *saved.RevenuePrevYear != 200_000_100 || *saved.RegisteredCapital != 5_000_000 {
		t.Fatalf("profile saved: %+v", saved.CompanyFacts)
	}
	if res := ent.get("/entrant/profile"); !strings.Contains(res.body, `value="20000.01"`) || !strings.Contains(res.body, `value="2025-03-01"`) {
		t.Errorf("profile page shows: %.3000s", res.body)
	}

	// A growth-group entry of a company established 2025-03-01 with revenue above the limit is refused, by rule, in either language.
	e, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "growth", Title: "散热膜", Fields: entry.Fields{Summary: "石墨烯"}})
	if err != nil {
		t.Fatal(err)
	}
	submit := fmt.Sprintf("/entrant/entries/%d/submit", e.ID)
	res = ent.form(submit, nil)
	for _, want := range []string{"项目不符合本大赛的资格条件，未提交。", "成立于 2025-03-01，应报名初创组。", "上一年度营业收入 20000.01 万元，超过 20000 万元的上限。", `href="/entrant/profile"`} {
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, want) {
			t.Errorf("refusal (zh-CN) lacks %q: %d %.4000s", want, res.status, res.body)
		}
	}
	res = ent.form(submit+"?lang=en", nil)
	for _, want := range []string{"Established 2025-03-01: this entry belongs in the Startup group.", "Prior-year revenue of ¥200.0001 million is above the limit of ¥200 million."} {
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, want) {
			t.Errorf("refusal (en) lacks %q: %d %.4000s", want, res.status, res.body)
		}
	}
	api := ent.api(http.MethodPost, fmt.Sprintf("/api/v1/entries/%d/submit?lang=zh-CN", e.ID), map[string]any{})
	if d := api.errorBody(t); api.status != http.StatusUnprocessableEntity || d.Fields["group"] != "成立于 2025-03-01，应报名初创组。" || d.Fields["organization.revenue_prev_year"] == "" {
		t.Errorf("API refusal: %d %s", api.status, api.body)
	}
	if got, _ := h.store.EntryOfEntrant(ctx, entrant.ID, e.ID); got.State != entry.Draft || got.Snapshot != nil {
		t.Fatalf("refused submission wrote: %s", got.State)
	}

	// Fixed: revenue at the limit exactly, the startup group.
	if res := ent.form("/entrant/profile", profileForm(map[string]string{"established_on": "2025-03-01", "revenue_prev_year_wan": "20000"})); res.status != http.StatusSeeOther {
		t.Fatalf("profile: %d", res.status)
	}
	if _, err := h.store.UpdateEntry(ctx, entrant.ID, e.ID, entry.Input{Track: "materials", Group: "startup", Title: "散热膜", Fields: entry.Fields{Summary: "石墨烯"}}); err != nil {
		t.Fatal(err)
	}
	if res := ent.form(submit, nil); res.status != http.StatusSeeOther {
		t.Fatalf("eligible submission: %d %.3000s", res.status, res.body)
	}

	// The organizer lowers the limit: review shows the rule the entry now fails, by name.
	save.Set("max_revenue_wan", "10000")
	if res := org.form(page, save); res.status != http.StatusSeeOther {
		t.Fatalf("lower the limit: %d", res.status)
	}
	list := org.get(fmt.Sprintf("/organizer/contests/%d/entries?ineligible=1", c.ID))
	if !strings.Contains(list.body, "散热膜") || !strings.Contains(list.body, "上一年度营业收入上限") {
		t.Errorf("entries list: %.4000s", list.body)
	}
	detail := org.get(fmt.Sprintf("/organizer/contests/%d/entries/%d?lang=en", c.ID, e.ID))
	if !strings.Contains(detail.body, "<strong>Prior-year revenue limit</strong>: Prior-year revenue of ¥200 million is above the limit of ¥100 million.") ||
		!strings.Contains(detail.body, "<dt>Track / group</dt>") {
		t.Errorf("entry review: %.4000s", detail.body)
	}
	assertNoFullWidth(t, "the English entry review", detail.body, "散热膜", "石墨烯", "星河智能科技有限公司", "张伟")
	if zh := org.get(fmt.Sprintf("/organizer/contests/%d/entries/%d?lang=zh-CN", c.ID, e.ID)); !strings.Contains(zh.body, "<strong>上一年度营业收入上限</strong>：上一年度营业收入 20000 万元，超过 10000 万元的上限。") {
		t.Errorf("Chinese entry review: %.4000s", zh.body)
	}
	var apiList struct {
		Entries []entry.Summary `json:"entries"`
	}
	org.get(fmt.Sprintf("/api/v1/contests/%d/entries", c.ID)).json(t, &apiList)
	if len(apiList.Entries) != 1 || len(apiList.Entries[0].Ineligible) != 1 || apiList.Entries[0].Ineligible[0].Rule != eligibility.RevenueLimit {
		t.Errorf("API list: %+v", apiList.Entries)
	}
	// The JSON API reads and sets the rules too.
	var rules struct {
		Rules   eligibility.RuleSet `json:"rules"`
		Presets []struct {
			ID, Name string
		} `json:"presets"`
	}
	org.get(fmt.Sprintf("/api/v1/contests/%d/eligibility?lang=en", c.ID)).json(t, &rules)
	if rules.Rules.Preset != "national-2026" || len(rules.Presets) == 0 || !strings.Contains(rules.Presets[0].Name, "National contest rules") {
		t.Errorf("API rules: %+v", rules)
	}
	put := org.api(http.MethodPut, fmt.Sprintf("/api/v1/contests/%d/eligibility", c.ID), map[string]any{"rules": []map[string]any{{"kind": "group_by_establishment", "enabled": true}}})
	if d := put.errorBody(t); put.status != http.StatusUnprocessableEntity || d.Fields["startup_group"] == "" {
		t.Errorf("API rules without groups: %d %s", put.status, put.body)
	}
}
