package web_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
)

// nominationIDs are the contest's nominations by entry title.
func nominationIDs(t *testing.T, h *harness, contestID int64) map[string]int64 {
	t.Helper()
	var rows []struct {
		ID    int64  `db:"id"`
		Title string `db:"title"`
	}
	if err := h.store.DB.Select(&rows, `SELECT n.id, e.title FROM nominations n JOIN entries e ON e.id = n.entry_id WHERE n.contest_id = $1`, contestID); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Title] = r.ID
	}
	return out
}

// The organizer's whole flow through the pages: the quota suggests the top
// three; nominating them; a failed due diligence (with a photo) withdraws
// one; submission is refused until the track has two checks, naming the
// track; then submitted, accepted with a result; the package downloads as a
// ZIP with both tables; the report across contests shows the result; in
// English, names and no keys.
func TestNominationPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newPublishedWorld(t, h)
	org := h.loggedIn(w.org)
	base := fmt.Sprintf("/organizer/contests/%d/nominations", w.contest.ID)

	page := org.get(base + "?level=nation")
	if page.status != http.StatusOK || !strings.Contains(page.body, `id="candidates"`) {
		t.Fatalf("page: %d %.3000s", page.status, page.body)
	}
	if res := org.form(base+"/quota", url.Values{"level": {"nation"}, "quota": {"abc"}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "名额须为 1 到 100 之间的整数") {
		t.Fatalf("bad quota: %d %.2000s", res.status, res.body)
	}
	if res := org.form(base+"/quota", url.Values{"level": {"nation"}, "quota": {"3"}}); res.status != http.StatusSeeOther {
		t.Fatalf("quota: %d %.2000s", res.status, res.body)
	}
	page = org.get(base + "?level=nation")
	if n := strings.Count(page.body, `class="suggested"`); n != 3 {
		t.Fatalf("%d suggested rows, want 3 (the quota)", n)
	}
	if res := org.form(base, url.Values{"level": {"nation"}, "year": {"2027"}}); res.status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.body, "请至少勾选一个项目") {
		t.Fatalf("none chosen: %d %.2000s", res.status, res.body)
	}
	var chosen url.Values = url.Values{"level": {"nation"}, "year": {"2027"}}
	for _, title := range []string{"智能巡检机器人", "可降解包装材料", "工业视觉质检"} {
		chosen.Add("entry", w.entryID(t, h, title))
	}
	if res := org.form(base, chosen); res.status != http.StatusSeeOther {
		t.Fatalf("nominate: %d %.2000s", res.status, res.body)
	}
	ids := nominationIDs(t, h, w.contest.ID)
	if len(ids) != 3 {
		t.Fatalf("nominations %v", ids)
	}
	// A failed due diligence with a photo withdraws 工业视觉质检.
	bad := ids["工业视觉质检"]
	check := func(id int64, outcome string, files map[string]map[string][]byte) response {
		return org.multipartForm(fmt.Sprintf("%s/%d/checks?level=nation", base, id), url.Values{
			"checkers": {"张三、李四"}, "checked_on": {"2026-10-30"}, "findings": {"营业执照与申报材料不符。"}, "outcome": {outcome}}, files)
	}
	if res := check(bad, "fail", map[string]map[string][]byte{"files": {"现场.exe": []byte("MZ\x90\x00 not an image")}}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a program as evidence: %d %.2000s", res.status, res.body)
	}
	if res := check(bad, "fail", map[string]map[string][]byte{"files": {"现场.png": testPNG()}}); res.status != http.StatusSeeOther {
		t.Fatalf("failed check: %d %.2000s", res.status, res.body)
	}
	var status string
	if err := h.store.DB.Get(&status, `SELECT status FROM nominations WHERE id = $1`, bad); err != nil || status != "withdrawn" {
		t.Fatalf("after a failed check: %q %v", status, err)
	}
	var audited int
	if err := h.store.DB.Get(&audited, `SELECT count(*) FROM audit_log WHERE action = 'nomination.withdrawn' AND subject = $1`, fmt.Sprintf("nomination:%d", bad)); err != nil || audited != 1 {
		t.Fatalf("withdrawal audited %d times (%v)", audited, err)
	}
	if a := org.get(fmt.Sprintf("/organizer/contests/%d/audit", w.contest.ID)); !strings.Contains(a.body, "尽职调查未通过，推荐撤回") {
		t.Errorf("the audit page does not name the withdrawal: %.3000s", a.body)
	}
	page = org.get(base + "?level=nation")
	if !strings.Contains(page.body, fmt.Sprintf(`id="n-%d" data-status="withdrawn"`, bad)) || !strings.Contains(page.body, "现场.png") {
		t.Errorf("the page does not show the withdrawal and its file: %.4000s", page.body)
	}
	// The withdrawn one takes no decision: refused with the statuses by name.
	if res := org.form(fmt.Sprintf("%s/%d/decision?level=nation", base, bad), url.Values{"status": {"accepted"}}); res.status != http.StatusConflict ||
		!strings.Contains(res.body, "推荐状态不能从“已撤回”改为“已获接收”") {
		t.Errorf("decision on a withdrawn nomination: %d %.3000s", res.status, res.body)
	}
	// Two nominees left in 新材料: both need a check before submission.
	if res := org.form(base+"/submit", url.Values{"level": {"nation"}}); res.status != http.StatusConflict || !strings.Contains(res.body, "缺少核查的赛道：新材料") {
		t.Fatalf("submit without checks: %d %.3000s", res.status, res.body)
	}
	for _, title := range []string{"智能巡检机器人", "可降解包装材料"} {
		if res := check(ids[title], "pass", map[string]map[string][]byte{"files": {"报告.pdf": testPDF()}}); res.status != http.StatusSeeOther {
			t.Fatalf("passed check: %d %.2000s", res.status, res.body)
		}
	}
	// Marking submitted cannot be undone: the button is behind a second,
	// in-page step that says what will happen.
	page = org.get(base + "?level=nation")
	if !regexp.MustCompile(`(?s)<details class="withdraw-box" id="submit-box"><summary>标记国赛推荐为已提交</summary>\s*<form method="post" action="[^"]*/submit" id="submit">.*?2 个草稿将标记为已推荐.*?<button type="submit" class="danger"[^>]*>确认标记 2 个推荐为已提交</button>\s*</form></details>`).MatchString(page.body) {
		t.Errorf("the submission is not asked for twice: %.6000s", page.body)
	}
	// English: the level in lower case mid-sentence.
	if en := org.get(base+"?level=nation", "Accept-Language", "en"); !strings.Contains(en.body, "Mark the national contest nominations submitted") ||
		!strings.Contains(en.body, "Places the national contest gives") {
		t.Errorf("English nominations page: %.6000s", en.body)
	}
	if res := org.form(base+"/submit", url.Values{"level": {"nation"}}); res.status != http.StatusSeeOther {
		t.Fatalf("submit: %d %.3000s", res.status, res.body)
	}
	// A submitted nomination's target is fixed; its decision is recorded.
	top := ids["智能巡检机器人"]
	if res := org.form(fmt.Sprintf("%s/%d/target?level=nation", base, top), url.Values{"year": {"2027"}, "track": {"新材料"}, "group": {"初创组"}}); res.status != http.StatusConflict {
		t.Fatalf("target after submission: %d", res.status)
	}
	if res := org.form(fmt.Sprintf("%s/%d/decision?level=nation", base, top), url.Values{"status": {"accepted"}, "result": {"全国赛优秀企业"}}); res.status != http.StatusSeeOther {
		t.Fatalf("decision: %d %.2000s", res.status, res.body)
	}

	// The package: a ZIP with both tables and the materials' index.
	res := org.get(base + "/package.zip?level=nation")
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/zip" {
		t.Fatalf("package: %d %s %.500s", res.status, res.header.Get("Content-Type"), res.body)
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(res.body)), int64(len(res.body)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, n := range []string{"推荐项目汇总表.xlsx", "地方赛区赛事情况统计表.xlsx", "项目材料/materials.csv"} {
		if !names[n] {
			t.Errorf("the package lacks %s: %v", n, names)
		}
	}
	if res := org.get(base + "/package.zip?level=province"); res.status != http.StatusConflict {
		t.Errorf("a level with no nominee: %d", res.status)
	}

	// The report across contests, in both languages.
	fared := org.get("/organizer/nominations")
	if fared.status != http.StatusOK || !strings.Contains(fared.body, "全国赛优秀企业") || !strings.Contains(fared.body, `data-year="2027" data-level="nation"`) {
		t.Fatalf("report: %d %.3000s", fared.status, fared.body)
	}
	for _, path := range []string{"/organizer/nominations", base + "?level=nation"} {
		en := org.get(path, "Accept-Language", "en")
		if en.status != http.StatusOK || strings.Contains(en.body, "nomination.") || strings.Contains(en.body, "fared.") {
			t.Errorf("%s in English shows a key: %.3000s", path, en.body)
		}
	}
	if en := org.get("/organizer/nominations", "Accept-Language", "en"); !strings.Contains(en.body, "How our entries fared upward") || !strings.Contains(en.body, "National contest") {
		t.Errorf("English report: %.3000s", en.body)
	}
	export := org.get("/organizer/nominations/export?format=csv")
	if export.status != http.StatusOK || !strings.HasPrefix(export.body, "\uFEFF年度") || !strings.Contains(export.body, "全国赛优秀企业") {
		t.Errorf("report export: %d %.1000s", export.status, export.body)
	}
	// Another organizer sees none of it.
	var api struct {
		Rows []struct{ Title string } `json:"rows"`
	}
	other := h.loggedIn(contesttest.Account(t, h.store, access.RoleOrganizer, "another@example.com"))
	other.get("/api/v1/nominations").json(t, &api)
	if len(api.Rows) != 0 {
		t.Errorf("another organizer sees %v", api.Rows)
	}
}
