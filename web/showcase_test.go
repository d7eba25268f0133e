package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/showcase"
)

// The authorization matrix's sixth caller, an investor (approved for no
// contest), over every route: the routes of the investor's own are written
// out here; any other route that needs a login refuses an investor (403),
// except those for every account; a public route answers as to anyone.
var investorAccess = map[string]int{
	"GET /investor":                                                    200,
	"POST /investor/contests/:contest/apply":                           404, // the matrix's contest is a draft with nothing published
	"GET /investor/contests/:contest/showcase":                         403, // not approved
	"POST /investor/contests/:contest/showcase/:entry/request":         403,
	"GET /api/v1/investor/contests":                                    200,
	"POST /api/v1/investor/contests/:contest/apply":                    404,
	"GET /api/v1/investor/contests/:contest/showcase":                  403,
	"POST /api/v1/investor/contests/:contest/showcase/:entry/requests": 403,
	// For every account.
	"POST /logout":              303,
	"DELETE /api/v1/session":    204,
	"GET /api/v1/me":            200,
	"GET /api/v1/open-contests": 200,
}

func TestAuthorizationInvestor(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "entrant@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("matrix"))
	if err != nil {
		t.Fatal(err)
	}
	sc := showcase.New(h.store.DB, h.store.Accounts, h.store.Results)
	inv, err := sc.Register(ctx, showcase.InvestorInput{Institution: "矩阵资本", USCC: "91310115MA1H971RXF", ContactName: "矩阵经理",
		Email: "investor@example.com", Password: contesttest.Password})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	for _, r := range h.server.Routes() {
		key := r.Method + " " + r.Path
		want, ok := investorAccess[key]
		if !ok {
			row, inMatrix := authzMatrix[key]
			if !inMatrix {
				continue // TestAuthorizationMatrix reports it
			}
			want = row[0] // public: as to anyone
			if row != [5]int{want, want, want, want, want} {
				want = http.StatusForbidden // needs a login, of a role an investor's is not
			}
		}
		path := strings.NewReplacer(":contest", fmt.Sprint(c.ID), ":token", "not-a-real-token", ":id", "no-such-upload",
			":round", "prelim", ":expert", "999999", ":run", "999999", ":assignment", "999999", ":reminder", "999999",
			":room", "999999", ":slot", "999999", ":what", "entries", ":request", "999999", ":investor", "999999",
			":reference", "YY00000000000000", ":objection", "999999", ":file", "999999", ":number", "2026-prelim-v1-AAAAAAAAAAAAAAAA").Replace(r.Path)
		if strings.Contains(r.Path, ":entry") || strings.Contains(r.Path, ":upload") {
			entryID, uploadID := submittedEntryWithFile(t, h, entrant, c.ID)
			path = strings.NewReplacer(":entry", fmt.Sprint(entryID), ":upload", uploadID).Replace(path)
		}
		cl := h.loggedIn(inv)
		var res response
		switch {
		case r.Method == http.MethodGet:
			res = cl.get(path)
		case r.Method == http.MethodHead:
			res = cl.do(r.Method, path, "", nil, "X-CSRF-Token", cl.csrf)
		case strings.HasPrefix(path, "/api/"):
			res = cl.api(r.Method, path, map[string]any{})
		default:
			res = cl.form(path, nil)
		}
		waitForRuns(t, h)
		if res.status != want {
			t.Errorf("%s as investor: status %d, want %d (%.200s)", key, res.status, want, res.body)
		}
	}
}

// showcaseWorld is the published world with its results final, investors
// registered (approved, approved too, pending, rejected, approved for
// another contest) and their clients.
type showcaseWorld struct {
	publishedWorld
	sc                                        *showcase.Service
	alpha, beta, pending, rejected, elsewhere access.Account
}

const (
	shownTitle  = "智能巡检机器人" // first prize; opts in
	hiddenTitle = "可降解包装材料" // never opts in
	shownOrg    = "芯算团队"
	shownEmail  = "c0@example.com"
	hiddenEmail = "c1@example.com"
)

var usccs = []string{"91310115MA1K427762", "914403001922038216", "91110000802100433B", "91310000631696382C", "91330100799655058B"}

func newShowcaseWorld(t *testing.T, h *harness, final bool) showcaseWorld {
	t.Helper()
	ctx := context.Background()
	w := showcaseWorld{publishedWorld: newPublishedWorld(t, h), sc: showcase.New(h.store.DB, h.store.Accounts, h.store.Results)}
	otherOrg := contesttest.Account(t, h.store, access.RoleOrganizer, "other-org@example.com")
	other, err := h.store.CreateContest(ctx, otherOrg.ID, contesttest.Setup("elsewhere"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.DB.Exec(`UPDATE contests SET state = 'open' WHERE id = $1`, other.ID); err != nil {
		t.Fatal(err)
	}
	for i, p := range []struct {
		acct      *access.Account
		name      string
		contestID int64
		decide    string
	}{{&w.alpha, "阿尔法创投", w.contest.ID, "approve"}, {&w.beta, "贝塔基金", w.contest.ID, "approve"},
		{&w.pending, "待审资本", w.contest.ID, ""}, {&w.rejected, "被拒资本", w.contest.ID, "reject"}, {&w.elsewhere, "他赛资本", other.ID, "approve"}} {
		a, err := w.sc.Register(ctx, showcase.InvestorInput{Institution: p.name, USCC: usccs[i], ContactName: p.name + "经理",
			Email: fmt.Sprintf("investor%d@example.com", i), Password: contesttest.Password})
		if err != nil {
			t.Fatal(err)
		}
		*p.acct = a
		if err := w.sc.Apply(ctx, a.ID, p.contestID); err != nil {
			t.Fatal(err)
		}
		org := w.org.ID
		if p.contestID == other.ID {
			org = otherOrg.ID
		}
		if p.decide != "" {
			reason := ""
			if p.decide == "reject" {
				reason = "资质不符"
			}
			if err := w.sc.DecideInvestor(ctx, org, p.contestID, a.ID, p.decide == "approve", reason); err != nil {
				t.Fatal(err)
			}
		}
	}
	if final {
		h.clock.Advance(8 * 24 * time.Hour)
	}
	return w
}

func (w showcaseWorld) browsePath() string {
	return fmt.Sprintf("/investor/contests/%d/showcase", w.contest.ID)
}
func (w showcaseWorld) apiPath() string {
	return fmt.Sprintf("/api/v1/investor/contests/%d/showcase", w.contest.ID)
}

// Nothing before the results are final: the investor's showcase is refused
// (HTML and JSON), the entrant's page says it opens later and refuses an
// opt-in, and the entry page offers no link.
func TestShowcaseClosedBeforeResultsAreFinal(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newShowcaseWorld(t, h, false)
	alpha := h.loggedIn(w.alpha)
	res := alpha.get(w.browsePath())
	// A page that says when it opens, not an error page; nothing of any entrant.
	if res.status != http.StatusOK || !strings.Contains(res.body, `id="showcase-not-yet"`) || !strings.Contains(res.body, "本次公示期截止") ||
		strings.Contains(res.body, shownTitle) {
		t.Errorf("showcase page before final: %d %.300s", res.status, res.body)
	}
	if res := alpha.get(w.apiPath()); res.status != http.StatusConflict || res.errorBody(t).Message == "" {
		t.Errorf("showcase JSON before final: %d %s", res.status, res.body)
	}
	entrant := h.loggedIn(entrantOf(t, h, w.publishedWorld, shownTitle))
	id := w.entryID(t, h, shownTitle)
	if page := entrant.get("/entrant/entries/" + id); strings.Contains(page.body, `id="showcase-link"`) {
		t.Error("the entry page links the showcase before the results are final")
	}
	if page := entrant.get("/entrant/entries/" + id + "/showcase"); page.status != http.StatusOK || !strings.Contains(page.body, `id="not-final"`) {
		t.Errorf("entrant's showcase page before final: %d %.300s", page.status, page.body)
	}
	res = entrant.form("/entrant/entries/"+id+"/showcase", url.Values{"round_raised": {"angel"}, "amount_sought": {"500"}, "unit": {"wan"}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, "成绩尚未最终确定") {
		t.Errorf("opt-in before final: %d %.300s", res.status, res.body)
	}
}

// The whole flow over HTTP: only the entry that opted in is shown, with
// nothing of its entrant's identity; investors not approved for the contest
// see nothing; contact reaches the accepted investor only, not the declined
// one; the organizers' report lists who asked whom.
func TestShowcaseOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newShowcaseWorld(t, h, true)
	shownID, hiddenID := w.entryID(t, h, shownTitle), w.entryID(t, h, hiddenTitle)
	entrant := h.loggedIn(entrantOf(t, h, w.publishedWorld, shownTitle))
	other := h.loggedIn(entrantOf(t, h, w.publishedWorld, hiddenTitle))

	// The entry page links the showcase; the opt-in previews exactly what is shown.
	if page := entrant.get("/entrant/entries/" + shownID); !strings.Contains(page.body, `id="showcase-link"`) {
		t.Errorf("no showcase link on the entry page: %.500s", page.body)
	}
	res := entrant.form("/entrant/entries/"+shownID+"/showcase", url.Values{"round_raised": {"angel"}, "amount_sought": {"12.5万"}, "unit": {"wan"}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "拟融资金额") || !strings.Contains(res.body, `value="12.5万"`) {
		t.Errorf("bad amount: %d %.300s", res.status, res.body)
	}
	res = entrant.form("/entrant/entries/"+shownID+"/showcase", url.Values{"round_raised": {"angel"}, "amount_sought": {"500"}, "unit": {"wan"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("opt-in: %d %.300s", res.status, res.body)
	}
	page := entrant.get(res.header.Get("Location"))
	for _, s := range []string{"展示中", "500万元", "天使轮", "一等奖", shownTitle} {
		if !strings.Contains(page.body, s) {
			t.Errorf("the entrant's page lacks %q", s)
		}
	}

	secretsOf := func(body string, secrets ...string) []string {
		var found []string
		for _, s := range secrets {
			if strings.Contains(body, s) {
				found = append(found, s)
			}
		}
		return found
	}
	allSecrets := []string{shownEmail, shownOrg, hiddenEmail, hiddenTitle, "绿种团队"}
	// An approved investor sees the entry shown, and nothing of the other, nor contact (HTML and JSON).
	alpha, beta := h.loggedIn(w.alpha), h.loggedIn(w.beta)
	for _, r := range []response{alpha.get(w.browsePath()), alpha.get(w.apiPath()), beta.get(w.browsePath())} {
		if r.status != http.StatusOK || !strings.Contains(r.body, shownTitle) {
			t.Errorf("showcase: %d %.300s", r.status, r.body)
		}
		if found := secretsOf(r.body, allSecrets...); len(found) > 0 {
			t.Errorf("the showcase carries %v before any acceptance", found)
		}
	}
	// Filters: another track shows nothing.
	if r := alpha.get(w.browsePath() + "?track=manufacturing"); !strings.Contains(r.body, `id="no-entries"`) {
		t.Errorf("filtered: %.300s", r.body)
	}
	// Investors not approved for the contest see nothing, HTML and JSON.
	for name, a := range map[string]access.Account{"pending": w.pending, "rejected": w.rejected, "approved elsewhere": w.elsewhere} {
		cl := h.loggedIn(a)
		for _, r := range []response{cl.get(w.browsePath()), cl.get(w.apiPath())} {
			if r.status != http.StatusForbidden || strings.Contains(r.body, shownTitle) || len(secretsOf(r.body, allSecrets...)) > 0 {
				t.Errorf("%s: %d %.300s", name, r.status, r.body)
			}
		}
		if r := cl.api(http.MethodPost, w.apiPath()+"/"+shownID+"/requests", map[string]string{"message": "想了解"}); r.status != http.StatusForbidden {
			t.Errorf("%s asks: %d %s", name, r.status, r.body)
		}
	}
	// No request reaches the entry that did not opt in.
	if r := alpha.api(http.MethodPost, w.apiPath()+"/"+hiddenID+"/requests", map[string]string{"message": "想了解"}); r.status != http.StatusNotFound {
		t.Errorf("asking the hidden entry: %d %s", r.status, r.body)
	}

	// Alpha asks on the page; beta through JSON.
	res = alpha.form(w.browsePath()+"/"+shownID+"/request", url.Values{"message": {""}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "请填写留言") {
		t.Errorf("empty message: %d %.300s", res.status, res.body)
	}
	res = alpha.form(w.browsePath()+"/"+shownID+"/request", url.Values{"message": {"我们关注巡检机器人，想约时间详谈。"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("ask: %d %.300s", res.status, res.body)
	}
	if r := alpha.get(res.header.Get("Location")); !strings.Contains(r.body, "请求已发送") || len(secretsOf(r.body, allSecrets...)) > 0 {
		t.Errorf("after asking: %.500s", r.body)
	}
	res = beta.api(http.MethodPost, w.apiPath()+"/"+shownID+"/requests", map[string]string{"message": "贝塔想了解"})
	if res.status != http.StatusCreated {
		t.Fatalf("beta asks: %d %s", res.status, res.body)
	}
	var betaReq showcase.SentRequest
	res.json(t, &betaReq)
	if r := beta.api(http.MethodPost, w.apiPath()+"/"+shownID+"/requests", map[string]string{"message": "再问"}); r.status != http.StatusConflict {
		t.Errorf("asking twice: %d", r.status)
	}

	// The entrant sees both requests, and answers: accepts alpha on the page, declines beta by JSON.
	var view showcase.EntrantView
	entrant.get("/api/v1/entries/"+shownID+"/showcase").json(t, &view)
	var alphaReq int64
	for _, r := range view.Requests {
		if r.Institution == "阿尔法创投" {
			alphaReq = r.ID
		}
	}
	page = entrant.get("/entrant/entries/" + shownID + "/showcase")
	if alphaReq == 0 || !strings.Contains(page.body, "阿尔法创投") || !strings.Contains(page.body, "我们关注巡检机器人") || !strings.Contains(page.body, "贝塔基金") {
		t.Fatalf("requests on the entrant's page: %d %.500s", alphaReq, page.body)
	}
	// Another entrant cannot answer them.
	if r := other.form(fmt.Sprintf("/entrant/entries/%s/showcase/requests/%d/decision", shownID, alphaReq), url.Values{"decision": {"accept"}}); r.status != http.StatusNotFound {
		t.Errorf("another entrant answers: %d", r.status)
	}
	res = entrant.form(fmt.Sprintf("/entrant/entries/%s/showcase/requests/%d/decision", shownID, alphaReq), url.Values{"decision": {"accept"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("accept: %d %.300s", res.status, res.body)
	}
	if r := entrant.api(http.MethodPost, fmt.Sprintf("/api/v1/entries/%s/showcase/requests/%d/decision", shownID, betaReq.ID), map[string]string{"decision": "decline"}); r.status != http.StatusNoContent {
		t.Fatalf("decline: %d %s", r.status, r.body)
	}
	// Alpha now sees the contact (HTML and JSON); beta does not; nobody sees the hidden entrant's.
	for _, r := range []response{alpha.get(w.browsePath()), alpha.get(w.apiPath())} {
		if !strings.Contains(r.body, shownEmail) || !strings.Contains(r.body, shownOrg) {
			t.Errorf("accepted, alpha does not see the contact: %.500s", r.body)
		}
		if found := secretsOf(r.body, hiddenEmail, hiddenTitle); len(found) > 0 {
			t.Errorf("alpha sees %v", found)
		}
	}
	for _, r := range []response{beta.get(w.browsePath()), beta.get(w.apiPath())} {
		if found := secretsOf(r.body, allSecrets...); len(found) > 0 || !strings.Contains(r.body, "declined") && !strings.Contains(r.body, "已婉拒") {
			t.Errorf("declined, beta: %v %.300s", found, r.body)
		}
	}

	// The organizers' report (linked from the contest page): who asked whom and the answers; no contact, no message.
	org := h.loggedIn(w.org)
	if p := org.get(fmt.Sprintf("/organizer/contests/%d", w.contest.ID)); !strings.Contains(p.body, `id="showcase-link"`) {
		t.Error("no showcase link on the contest page")
	}
	rep := org.get(fmt.Sprintf("/organizer/contests/%d/showcase", w.contest.ID))
	for _, s := range []string{"阿尔法创投", "贝塔基金", "待审资本", shownTitle, "已同意", "已婉拒"} {
		if !strings.Contains(rep.body, s) {
			t.Errorf("the report lacks %q", s)
		}
	}
	if found := secretsOf(rep.body, shownEmail, "我们关注巡检机器人"); len(found) > 0 || strings.Contains(rep.body, "他赛资本") {
		t.Errorf("the report carries %v", found)
	}
	var report showcase.Report
	org.get(fmt.Sprintf("/api/v1/contests/%d/showcase", w.contest.ID)).json(t, &report)
	if len(report.Requests) != 2 || !report.Final || report.Shown != 1 || len(report.Applications) != 4 {
		t.Errorf("report JSON: %+v", report)
	}
	// The same as an export (contest/onward), linked from the report.
	if !strings.Contains(rep.body, fmt.Sprintf(`/organizer/contests/%d/exports/showcase?format=xlsx`, w.contest.ID)) {
		t.Error("the report does not link its export")
	}
	csvRes := org.get(fmt.Sprintf("/organizer/contests/%d/exports/showcase?format=csv", w.contest.ID))
	if csvRes.status != http.StatusOK || !strings.HasPrefix(csvRes.body, "\uFEFF") || !strings.Contains(csvRes.body, "阿尔法创投") ||
		strings.Count(csvRes.body, "\n") != 3 || strings.Contains(csvRes.body, shownEmail) || strings.Contains(csvRes.body, "我们关注巡检机器人") {
		t.Errorf("showcase export: %d %q", csvRes.status, csvRes.body)
	}
	// The organizer approves the pending investor on the page; a rejection needs a reason.
	decide := fmt.Sprintf("/organizer/contests/%d/showcase/investors/%d/decision", w.contest.ID, w.pending.ID)
	if r := org.form(decide, url.Values{"decision": {"reject"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "拒绝时请填写理由") {
		t.Errorf("reject without a reason: %d %.300s", r.status, r.body)
	}
	if r := org.form(decide, url.Values{"decision": {"approve"}}); r.status != http.StatusSeeOther {
		t.Errorf("approve: %d %.300s", r.status, r.body)
	}
	if r := h.loggedIn(w.pending).get(w.browsePath()); r.status != http.StatusOK || !strings.Contains(r.body, shownTitle) {
		t.Errorf("approved now: %d", r.status)
	}

	// Withdrawn: no longer shown, contact no longer given.
	if r := entrant.form("/entrant/entries/"+shownID+"/showcase/withdraw", nil); r.status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d %.300s", r.status, r.body)
	}
	if r := alpha.get(w.apiPath()); strings.Contains(r.body, shownTitle) || strings.Contains(r.body, shownEmail) {
		t.Errorf("after withdrawal: %s", r.body)
	}
}

// An investment institution registers on its page (the USCC checked, in the
// user's language), lands on its home, applies, and waits for approval.
func TestInvestorRegistersAndApplies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newShowcaseWorld(t, h, true)
	cl := h.client()
	if p := cl.get("/login"); !strings.Contains(p.body, `href="/investor/register"`) {
		t.Error("the login page does not link the investors' registration")
	}
	form := url.Values{"institution": {"新锐资本"}, "uscc": {"91310115MA1K427788"}, "contact_name": {"赵经理"}, "phone": {"13912345678"}, "password": {"password-123"}}
	res := cl.form("/investor/register", form)
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "校验位") || !strings.Contains(res.body, `value="新锐资本"`) {
		t.Errorf("bad USCC: %d %.500s", res.status, res.body)
	}
	form.Set("uscc", "91310115ma1k427762") // lower case, taken by alpha
	if res := cl.form("/investor/register", form); res.status != http.StatusConflict || !strings.Contains(res.body, "已注册") {
		t.Errorf("taken USCC: %d %.300s", res.status, res.body)
	}
	form.Set("uscc", "91110108MA01G0FB09")
	res = cl.form("/investor/register", form)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/investor" {
		t.Fatalf("register: %d %.300s", res.status, res.body)
	}
	home := cl.get("/investor")
	if home.status != http.StatusOK || !strings.Contains(home.body, "新锐资本") || !strings.Contains(home.body, w.contest.NameZh) {
		t.Fatalf("home: %d %.500s", home.status, home.body)
	}
	cl.csrf = cl.pageCSRF("/investor")
	res = cl.form(fmt.Sprintf("/investor/contests/%d/apply", w.contest.ID), nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("apply: %d %.300s", res.status, res.body)
	}
	if home := cl.get("/investor"); !strings.Contains(home.body, "待审核") {
		t.Errorf("after applying: %.500s", home.body)
	}
	if r := cl.get(w.browsePath()); r.status != http.StatusForbidden || !strings.Contains(r.body, "尚未获准") {
		t.Errorf("pending: %d %.300s", r.status, r.body)
	}
	if r := cl.get("/"); r.header.Get("Location") != "/investor" {
		t.Errorf("home redirect: %v", r.header)
	}
}
