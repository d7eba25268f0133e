package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/audit"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/results"
	"podium/files/filecheck"
	"podium/scoring"
)

// shortWorld is a contest whose preliminary requires 5 reviews per entry
// (trimmed, trim-min 5), with a panel of five experts of the 新材料 track.
type shortWorld struct {
	org     access.Account
	contest contest.Contest
	entries map[string]int64 // by title
	codes   map[string]string
}

var shortEntries = []struct{ org, track, title string }{
	{"星河智能科技有限公司", "materials", "智能温控涂层"},
	{"鹰眼装备股份有限公司", "materials", "工业视觉质检"},
	{"华东理工大学", "materials", "可降解包装材料"},       // one panel expert is of its organization: 4 eligible
	{"芯算微电子有限公司", "manufacturing", "校园共享储能"}, // nobody on the panel judges its track
}

func newShortWorld(t *testing.T, h *harness, entries int) shortWorld {
	t.Helper()
	ctx := context.Background()
	w := shortWorld{org: contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com"), entries: map[string]int64{}, codes: map[string]string{}}
	if _, err := h.store.DB.Exec(`UPDATE accounts SET display_name = '赵组织' WHERE id = $1`, w.org.ID); err != nil {
		t.Fatal(err)
	}
	setup := contesttest.Setup("short")
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	one := 1
	setup.Rounds[0].AdvanceCount = &one
	var err error
	if w.contest, err = h.store.CreateContest(ctx, w.org.ID, setup); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, e := range shortEntries[:entries] {
		a := contesttest.Account(t, h.store, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := h.store.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: e.org,
			ContactName: "联系人", ContactEmail: fmt.Sprintf("c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		ent, err := h.store.CreateEntry(ctx, a.ID, w.contest.ID, entry.Input{Track: e.track, Group: "team", Title: e.title})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.store.SubmitEntry(ctx, a.ID, ent.ID, true); err != nil {
			t.Fatal(err)
		}
		ids, w.entries[e.title] = append(ids, ent.ID), ent.ID
	}
	if _, err := h.store.ReviewEntries(ctx, w.org.ID, w.contest.ID, ids, true, ""); err != nil {
		t.Fatal(err)
	}
	var panel []int64
	for _, x := range []judging.ExpertInput{
		{Name: "王建国", Organization: "清华大学", Fields: []string{"新材料"}},
		{Name: "李秀英", Organization: "华东理工 大学", Fields: []string{"新材料"}},
		{Name: "张伟", Organization: "中科院上海硅酸盐研究所", Fields: []string{"新材料"}},
		{Name: "刘洋", Organization: "浙江大学", Fields: []string{"新材料"}},
		{Name: "陈静", Organization: "复旦大学", Fields: []string{"新材料"}},
	} {
		e, err := h.store.SaveExpert(ctx, w.org.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		panel = append(panel, e.ID)
	}
	if err := h.store.SetPanel(ctx, w.org.ID, w.contest.ID, "prelim", panel); err != nil {
		t.Fatal(err)
	}
	for title, id := range w.entries {
		var code string
		if err := h.store.DB.Get(&code, `SELECT b.code FROM blind_codes b JOIN rounds r ON r.id = b.round_id WHERE r.contest_id = $1 AND b.entry_id = $2`,
			w.contest.ID, id); err != nil {
			t.Fatal(err)
		}
		w.codes[title] = code
	}
	return w
}

func (w shortWorld) path(rest string) string {
	return fmt.Sprintf("/organizer/contests/%d/rounds/prelim/%s", w.contest.ID, rest)
}

func (w shortWorld) api(rest string) string {
	return fmt.Sprintf("/api/v1/contests/%d/rounds/prelim/%s", w.contest.ID, rest)
}

// score opens the round, has every active assignment's judge submit (the nth
// judge of an entry marks 20 + 2n) and closes it.
func (w shortWorld) score(t *testing.T, h *harness) {
	t.Helper()
	ctx := context.Background()
	if err := h.store.SetRoundState(ctx, w.org.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, _ := h.store.Assignments(ctx, w.contest.ID, "prelim")
	nth := map[int64]int{}
	for _, a := range list {
		if a.State != "active" {
			continue
		}
		inv, err := h.store.InviteExpert(ctx, w.org.ID, w.contest.ID, a.ExpertID)
		if err != nil {
			t.Fatal(err)
		}
		m := scoring.Points((20 + 2*nth[a.EntryID]) * 100)
		nth[a.EntryID]++
		key := fmt.Sprint("sheet-", a.ID)
		if _, err := h.store.SubmitSheet(ctx, access.EveryContest(inv.AccountID), a.ID, judging.SheetInput{Marks: map[string]scoring.Points{"tech": m, "market": m, "team": m}}, key, []byte(key)); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.store.SetRoundState(ctx, w.org.ID, w.contest.ID, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
}

func wantIn(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("%s lacks %q", what, s)
		}
	}
}

func wantNotIn(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, s := range unwanted {
		if strings.Contains(body, s) {
			t.Errorf("%s has %q", what, s)
		}
	}
}

// A recusal nobody can replace: the progress page, the ranking (page, API and
// its explanation), the reviews export and the organizer home all show the
// entry short of reviews; publication is refused naming it by code and title,
// in the reader's language; accepting the shortfall with a reason on the
// progress page unblocks it and the ranking says who accepted it and why.
func TestUnreplaceableRecusalOnThePages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	w := newShortWorld(t, h, 2)
	run, err := h.store.StartAssignment(ctx, w.org.ID, w.contest.ID, "prelim", 1)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = h.store.RunAssignment(ctx, w.org.ID, w.contest.ID, "prelim", run.ID); err != nil || run.State != judging.RunDone {
		t.Fatalf("run %+v %v", run, err)
	}
	list, _ := h.store.Assignments(ctx, w.contest.ID, "prelim")
	for _, a := range list {
		if a.EntryID != w.entries["智能温控涂层"] {
			continue
		}
		inv, err := h.store.InviteExpert(ctx, w.org.ID, w.contest.ID, a.ExpertID)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := h.store.Recuse(ctx, access.EveryContest(inv.AccountID), a.ID, "与项目负责人为同一课题组"); err != nil || r != 0 {
			t.Fatalf("recusal: replacement %d %v", r, err)
		}
		break
	}
	code, title := w.codes["智能温控涂层"], "智能温控涂层"
	org := h.loggedIn(w.org)

	progress := org.get(w.path("progress"))
	if progress.status != http.StatusOK {
		t.Fatalf("progress %d", progress.status)
	}
	wantIn(t, "progress page", progress.body, "0/4 · <strong>需 5 份</strong>", `data-status="short"`, code, title, "4/5 份评审", "缺额，待处理",
		"有 1 个项目待处理")

	w.score(t, h)
	ranking := org.get(w.path("ranking"))
	wantIn(t, "ranking page", ranking.body, code, title,
		"本轮要求 5 份评审，只有 4 份；缺额尚未处理。",
		"“去掉一个最高分和一个最低分后取平均”至少需要 5 份评分表，只收到 4 份，因此取算术平均。",
		"计分规则：去掉一个最高分和一个最低分后取平均（5 份评分表）。", `id="undecided"`)
	var api struct {
		Entries []struct {
			Entry   string
			Rule    scoring.Rule
			Reviews *judging.EntryReviews `json:"reviews"`
		} `json:"entries"`
		Undecided []judging.EntryReviews `json:"undecided"`
		NotScored []judging.EntryReviews `json:"not_scored"`
	}
	org.get(w.api("ranking")).json(t, &api)
	if len(api.Undecided) != 1 || api.Undecided[0].Code != code || len(api.NotScored) != 0 {
		t.Fatalf("ranking API: undecided %+v, not scored %+v", api.Undecided, api.NotScored)
	}
	for _, e := range api.Entries {
		if e.Entry == code && (e.Reviews == nil || e.Reviews.Status != judging.ReviewsShort || e.Rule.Fallback != scoring.FallbackFewSheets || e.Rule.Sheets != 4) {
			t.Errorf("ranking API entry %+v %+v", e, e.Reviews)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(org.get(w.api("export/reviews.csv")).body)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("reviews export %v %v", rows, err)
	}
	for _, r := range rows[1:] {
		if r[0] == code && (r[1] != title || r[2] != "5" || r[5] != "4" || r[6] != "short") {
			t.Errorf("export row %v", r)
		}
	}
	wantIn(t, "organizer home", org.get("/organizer").body, code+"《"+title+"》", "缺额，待处理")

	if res := org.api(http.MethodPost, w.api("advancement"), nil); res.status != http.StatusOK {
		t.Fatalf("advancement %d %s", res.status, res.body)
	}
	res := org.api(http.MethodPost, w.api("publish"), nil)
	if res.status != http.StatusConflict || !strings.Contains(res.errorBody(t).Message, code+"《"+title+"》") {
		t.Fatalf("publication with a shortfall: %d %s", res.status, res.body)
	}
	res = h.loggedIn(w.org).api(http.MethodPost, w.api("publish")+"?lang=en", nil) // ?lang= sticks: another client
	if msg := res.errorBody(t).Message; !strings.Contains(msg, code+" “"+title+"”") || !strings.HasPrefix(msg, "Publication refused") {
		t.Fatalf("English refusal: %s", msg)
	}
	publish := org.form(w.path("publish"), url.Values{"confirm": {"yes"}})
	wantIn(t, "refused publication page", publish.body, "不能公示", code+"《"+title+"》")

	// The decision, on the progress page: a reason is required.
	ent := fmt.Sprint(w.entries[title])
	if res := org.form(w.path("reviews/"+ent+"/accept"), url.Values{"reason": {" "}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "请填写原因") {
		t.Fatalf("accepting without a reason: %d", res.status)
	}
	const reason = "评审组内已无可替换的新材料专家"
	if res := org.form(w.path("reviews/"+ent+"/accept"), url.Values{"reason": {reason}}); res.status != http.StatusSeeOther {
		t.Fatalf("accepting: %d %s", res.status, res.body)
	}
	wantIn(t, "progress after the decision", org.get(w.path("progress")+"?decided=accepted").body, "已确认缺额，并记入审计日志。", "赵组织", reason)
	ranking = org.get(w.path("ranking"))
	wantIn(t, "ranking after the decision", ranking.body, "本轮要求 5 份评审，只有 4 份；缺额已由 赵组织 于 ", "确认："+reason)
	wantNotIn(t, "ranking after the decision", ranking.body, `id="undecided"`)
	log, _ := h.store.Records(ctx, w.contest.ID)
	if last := log[len(log)-1]; last.Action != audit.ShortfallAccepted || !strings.Contains(string(last.Payload), reason) {
		t.Fatalf("audit %s %s", last.Action, last.Payload)
	}
	if res := org.api(http.MethodPost, w.api("publish"), nil); res.status != http.StatusOK {
		t.Fatalf("publication after the decision: %d %s", res.status, res.body)
	}
}

// A partial run: the assignments page tells what it could not assign in the
// page's language, naming entries by code and title (never "entry 3: needs 1
// experts"); the entry nobody could be assigned to shows in the ranking as
// not scored and blocks publication until it is withdrawn from the round.
func TestPartialRunReportAndUnscoredEntryOnThePages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newShortWorld(t, h, 4)
	org := h.loggedIn(w.org)
	res := org.form(w.path("runs"), url.Values{"seed": {"3"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("run: %d %s", res.status, res.body)
	}
	waitForRuns(t, h)
	page := org.get(res.header.Get("Location"))
	few, none := w.codes["可降解包装材料"]+"《可降解包装材料》", w.codes["校园共享储能"]+"《校园共享储能》"
	wantIn(t, "zh-CN assignments page", page.body, `id="run-report"`, "已新增 14 条分配；以下 2 个项目未能分配足额专家：",
		few+"：还差 1 位专家（每项需 5 位）：评审组中 5 位专家的领域含该赛道，其中 1 位有利益冲突；可评审的只有 4 位。",
		none+"：还差 5 位专家（每项需 5 位）：评审组中 0 位专家的领域含该赛道；可评审的只有 0 位。")
	wantNotIn(t, "zh-CN assignments page", page.body, "entry ", "needs ", "experts", "track ")
	en := h.loggedIn(w.org).get(res.header.Get("Location") + "&lang=en") // ?lang= sticks: another client
	wantIn(t, "English assignments page", en.body, w.codes["可降解包装材料"]+" “可降解包装材料”: 1 of its 5 experts missing: 5 experts of the panel judge its track; of them 1 have a conflict of interest; 4 may judge it.")
	// The manual form names entries by code and title, the short ones first.
	wantIn(t, "assignments form", page.body, `<option value="`+fmt.Sprint(w.entries["校园共享储能"])+`">`+none+" · 0/5 份评审 · 未评分，待处理</option>")

	var apiRun judging.AssignmentRun
	org.get(strings.Replace(res.header.Get("Location"), w.path("assignments?run="), fmt.Sprintf("/api/v1/contests/%d/assignment-runs/", w.contest.ID), 1)).json(t, &apiRun)
	if apiRun.State != judging.RunPartial || len(apiRun.Report.Unfilled) != 2 || apiRun.Report.Unfilled[0].Title == "" {
		t.Fatalf("run API %+v", apiRun)
	}

	w.score(t, h)
	ranking := org.get(w.path("ranking"))
	wantIn(t, "ranking page", ranking.body, `class="not-scored overdue" data-code="`+w.codes["校园共享储能"]+`" data-status="unscored"`, "未评分", "本轮要求 5 份评审，一份也没有；尚未处理。")
	if res := org.api(http.MethodPost, w.api("advancement"), nil); res.status != http.StatusOK {
		t.Fatalf("advancement %d %s", res.status, res.body)
	}
	res = org.api(http.MethodPost, w.api("publish"), nil)
	if msg := res.errorBody(t).Message; res.status != http.StatusConflict || !strings.Contains(msg, few) || !strings.Contains(msg, none) {
		t.Fatalf("publication: %d %s", res.status, res.body)
	}
	unscored := fmt.Sprint(w.entries["校园共享储能"])
	if res := org.api(http.MethodPost, w.api("reviews/"+unscored+"/accept"), map[string]string{"reason": "同意"}); res.status != http.StatusConflict {
		t.Fatalf("accepting an unscored entry: %d %s", res.status, res.body)
	}
	const reason = "本赛道无评审专家，经组委会研究不参加本轮"
	var withdrawn judging.EntryReviews
	res = org.api(http.MethodPost, w.api("reviews/"+unscored+"/withdraw"), map[string]string{"reason": reason})
	if res.json(t, &withdrawn); res.status != http.StatusOK || withdrawn.Status != judging.ReviewsWithdrawn || withdrawn.Decision.By != "赵组织" {
		t.Fatalf("withdrawal: %d %s", res.status, res.body)
	}
	if res := org.api(http.MethodPost, w.api("reviews/"+fmt.Sprint(w.entries["可降解包装材料"])+"/accept"), map[string]string{"reason": "仅 4 位专家可评"}); res.status != http.StatusOK {
		t.Fatalf("accepting: %d %s", res.status, res.body)
	}
	var reviews struct {
		Entries   []judging.EntryReviews `json:"entries"`
		Undecided int                    `json:"undecided"`
	}
	org.get(w.api("reviews")).json(t, &reviews)
	if reviews.Undecided != 0 || len(reviews.Entries) != 4 {
		t.Fatalf("reviews %+v", reviews)
	}
	if res := org.api(http.MethodPost, w.api("advancement"), nil); res.status != http.StatusOK {
		t.Fatalf("advancement %d %s", res.status, res.body)
	}
	var published struct {
		Results []results.RoundResult `json:"results"`
	}
	res = org.api(http.MethodPost, w.api("publish"), nil)
	if res.json(t, &published); res.status != http.StatusOK || len(published.Results) != 3 {
		t.Fatalf("publication: %d %s", res.status, res.body)
	}
	wantIn(t, "ranking after withdrawal", org.get(w.path("ranking")).body, "已由 赵组织 于 ", "决定退出本轮："+reason)
}
