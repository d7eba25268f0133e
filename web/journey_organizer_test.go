package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"podium/files/pdftext"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/scoring"
)

// An organizer at a desktop sets up a contest of two rounds in the editor,
// accepts the submitted entries in bulk, seats a panel and runs the
// assignment, watches the judges' progress, ranks, confirms who advances to the
// final, and after the final (judged through the stores) ranks it, confirms the
// awards, publishes the results and exports the winners to XLSX.
func TestJourneyOrganizerAtDesktop(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")

	j := newJourney(t, h, "organizer-desktop", desktop)
	j.login("org@example.com")
	j.look("organizer home")
	j.goTo("/organizer/contests/new", `input[name=slug]`)
	j.look("new contest")
	j.do("set up the contest",
		chromedp.SendKeys(`input[name=slug]`, "xingcheng-2026"),
		chromedp.SendKeys(`input[name=name_zh]`, "星城创新创业大赛"),
		chromedp.SetValue(`input[name="rounds.0.reviews_per_entry"]`, "2"),
		chromedp.SendKeys(`input[name="rounds.0.advance_count"]`, "2"),
		// The final, in the blank round the editor offers.
		chromedp.SendKeys(`input[name="rounds.1.key"]`, "final"),
		chromedp.SendKeys(`input[name="rounds.1.name_zh"]`, "决赛"),
		chromedp.SetValue(`input[name="rounds.1.reviews_per_entry"]`, "2"),
		chromedp.SendKeys(`input[name="rounds.1.criteria.0.key"]`, "overall"),
		chromedp.SendKeys(`input[name="rounds.1.criteria.0.name_zh"]`, "综合表现"),
		chromedp.SendKeys(`input[name="rounds.1.criteria.0.max"]`, "100"),
	)
	// Awards for the team group: one first prize and one second.
	j.do("awards",
		chromedp.SendKeys(`input[name="awards.0.group"]`, "team"),
		chromedp.SetValue(`select[name="awards.0.level"]`, "first"),
		chromedp.SendKeys(`input[name="awards.0.count"]`, "1"),
		chromedp.Click(`table[data-prefix=awards] + button[data-add]`),
		chromedp.WaitVisible(`input[name="awards.1.group"]`),
		chromedp.SendKeys(`input[name="awards.1.group"]`, "team"),
		chromedp.SetValue(`select[name="awards.1.level"]`, "second"),
		chromedp.SendKeys(`input[name="awards.1.count"]`, "1"),
	)
	j.look("contest filled in")
	j.navigate("save", chromedp.Click(`button.primary.big`), chromedp.WaitVisible(`p.notice`))
	j.look("contest saved")
	list, err := h.store.ContestsOrganizedBy(ctx, org.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("contests: %v %v", list, err)
	}
	c, err := h.store.Contest(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Setup.Rounds; len(r) != 2 || r[0].ReviewsPerEntry != 2 || r[0].AdvanceCount == nil || r[1].Key != "final" || len(c.Setup.Awards) != 2 {
		t.Fatalf("the contest as saved: %+v", c.Setup)
	}
	base := fmt.Sprintf("/organizer/contests/%d", c.ID)

	// Entrants submit (their journey is the entrant's); experts are in the pool.
	titles := []string{"智能巡检机器人", "可降解包装材料", "工业视觉质检", "校园共享储能"}
	for i, title := range titles {
		a := contesttest.Account(t, h.store, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := h.store.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: title + "团队",
			ContactName: "联系人", ContactEmail: fmt.Sprintf("c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		e, err := h.store.CreateEntry(ctx, a.ID, c.ID, entry.Input{Track: c.Setup.Tracks[0].Key, Group: "team", Title: title})
		if err != nil {
			t.Fatal(err)
		}
		attachPlan(t, h, a, e.ID, pdftext.Generate([]string{title + "商业计划书"}))
		if _, err := h.store.SubmitEntry(ctx, a.ID, e.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	var experts []int64
	for _, name := range []string{"王教授", "李研究员", "赵总工"} {
		x, err := h.store.SaveExpert(ctx, org.ID, judging.ExpertInput{Name: name, Organization: name + "所在单位"})
		if err != nil {
			t.Fatal(err)
		}
		experts = append(experts, x.ID)
	}

	// Eligibility: every entry accepted at once.
	j.goTo(base+"/entries", `input[data-select-all="entry"]`)
	j.look("entries to review")
	j.do("accept all",
		chromedp.Click(`input[data-select-all="entry"]`),
		chromedp.Click(`input[name=decision][value=accept]`),
	)
	j.navigate("apply", chromedp.Click(`form[action$="/entries/review"] button.primary`), chromedp.WaitVisible(`p.notice[role=status]`))
	j.look("entries accepted")
	var accepted int
	if err := h.store.DB.Get(&accepted, `SELECT count(*) FROM entries WHERE contest_id = $1 AND state = 'accepted'`, c.ID); err != nil || accepted != len(titles) {
		t.Fatalf("%d entries accepted (%v)", accepted, err)
	}

	// The panel and the assignment run.
	j.goTo(base+"/rounds/prelim/assignments", `input[data-select-all="expert"]`)
	j.look("assignments")
	j.do("seat the panel",
		chromedp.Click(`input[data-select-all="expert"]`),
	)
	j.navigate("save the panel", chromedp.Click(`form[action$="/panel"] button[type=submit]`), chromedp.WaitVisible(`form[action$="/runs"] button.primary`))
	j.look("panel seated")
	// The page refreshes itself while the run is running, and then says how it went.
	j.navigate("run the assignment", chromedp.Click(`form[action$="/runs"] button.primary`),
		chromedp.WaitVisible(`p.notice[role=status], [role=alert]`), chromedp.WaitNotPresent(`meta[http-equiv=refresh]`))
	waitForRuns(t, h)
	assigned, err := h.store.Assignments(ctx, c.ID, "prelim")
	if err != nil || len(assigned) != 2*len(titles) {
		t.Fatalf("assignments after the run: %d %v", len(assigned), err)
	}
	j.look("assigned")
	if got := evalJ[string](j, `document.querySelector("p.notice[role=status]").innerText`); !strings.Contains(got, "8") {
		t.Errorf("the run's report: %q", got)
	}

	// Progress: the round opens, the judges score, the organizer watches.
	j.goTo(base+"/rounds/prelim/progress", `button[name=state][value=open]`)
	j.look("progress before opening")
	j.navigate("open the round", chromedp.Click(`button[name=state][value=open]`), chromedp.WaitVisible(`button[name=state][value=closed]`))
	j.look("round open")
	judges := map[int64]int64{}
	for _, x := range experts {
		inv, err := h.store.InviteExpert(ctx, org.ID, c.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		judges[x] = inv.AccountID
	}
	for i, a := range assigned {
		if i == len(assigned)-1 {
			j.goTo(base+"/rounds/prelim/progress", `button[name=state][value=closed]`)
			j.look("progress, one sheet to go")
		}
		// 90% of every maximum for the first entry, 80% for the second, …
		share := scoring.Points(90 - 10*indexOf(titles, a.EntryTitle))
		marks := map[string]scoring.Points{}
		for _, cr := range c.Setup.Rounds[0].Criteria {
			marks[cr.Key] = cr.Max * share / 100
		}
		in := judging.SheetInput{Marks: marks}
		key := fmt.Sprint("journey-", a.ID)
		if _, err := h.store.SubmitSheet(ctx, access.EveryContest(judges[a.ExpertID]), a.ID, in, key, []byte(key)); err != nil {
			t.Fatal(err)
		}
	}
	j.goTo(base+"/rounds/prelim/progress", `button[name=state][value=closed]`)
	j.look("progress complete")
	j.navigate("close the round", chromedp.Click(`button[name=state][value=closed]`), chromedp.WaitVisible(`button[name=state][value=open]`))
	j.look("round closed")

	// Ranking, awards, publication.
	j.goTo(base+"/rounds/prelim/ranking", `table`)
	j.look("ranking")
	first := evalJ[string](j, `document.querySelector("table tbody tr").innerText`)
	if !strings.Contains(first, titles[0]) {
		t.Errorf("the ranking's first line: %q, want %s", first, titles[0])
	}
	// The first two advance to the final.
	j.goTo(base+"/rounds/prelim/advancement", `#advancement-form button.primary`)
	j.look("advancement proposed")
	j.navigate("confirm the advancement", chromedp.Click(`#advancement-form button.primary`), chromedp.WaitVisible(`#advancement-confirmed`))
	j.look("advancement confirmed")

	// The final is judged as the preliminary was (seen above in the browser): through the stores.
	if err := h.store.SetPanel(ctx, org.ID, c.ID, "final", experts[:2]); err != nil {
		t.Fatal(err)
	}
	run, err := h.store.StartAssignment(ctx, org.ID, c.ID, "final", 1)
	if err != nil {
		t.Fatal(err)
	}
	if run, err = h.store.RunAssignment(ctx, org.ID, c.ID, "final", run.ID); err != nil || run.Added != 4 {
		t.Fatalf("the final's run: %+v %v", run, err)
	}
	if err := h.store.SetRoundState(ctx, org.ID, c.ID, "final", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	finals, err := h.store.Assignments(ctx, c.ID, "final")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range finals {
		// The second of the preliminary wins the final.
		mark := map[string]scoring.Points{titles[0]: 8000, titles[1]: 9000}[a.EntryTitle]
		key := fmt.Sprint("journey-final-", a.ID)
		in := judging.SheetInput{Marks: map[string]scoring.Points{"overall": mark}}
		if _, err := h.store.SubmitSheet(ctx, access.EveryContest(judges[a.ExpertID]), a.ID, in, key, []byte(key)); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.store.SetRoundState(ctx, org.ID, c.ID, "final", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	j.goTo(base+"/rounds/final/ranking", `table`)
	j.look("final ranking")
	j.goTo(base+"/rounds/final/awards", `#awards-form button.primary`)
	j.look("awards proposed")
	j.navigate("confirm the awards", chromedp.Click(`#awards-form button.primary`), chromedp.WaitVisible(`#awards-confirmed`))
	j.look("awards confirmed")
	j.goTo(base+"/rounds/final/publish", `#publish-form`)
	j.look("publish")
	j.do("confirm publishing", chromedp.Click(`#publish-form input[name=confirm]`))
	j.navigate("publish", chromedp.Click(`#publish-form button.primary`))
	j.look("published")
	var published int
	if err := h.store.DB.Get(&published, `SELECT count(*) FROM publications WHERE contest_id = $1`, c.ID); err != nil || published != 1 {
		t.Errorf("%d publications (%v)", published, err)
	}

	// The winners, as the contest page's export link gives them.
	j.goTo(base, `#exports a[href$="/exports/winners?format=xlsx"]`)
	j.look("contest with exports")
	j.english("contest with exports")
	got := evalJ[download](j, `fetch(document.querySelector('#exports a[href$="/exports/winners?format=xlsx"]').href).then(async r => {
		const b = new Uint8Array(await r.arrayBuffer()); let s = "";
		for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
		return {status: r.status, type: r.headers.get("Content-Type"), body: btoa(s)};
	})`)
	if got.Status != 200 || got.ContentType != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("winners export: %d %q", got.Status, got.ContentType)
	}
	raw, err := base64.StdEncoding.DecodeString(got.Body)
	if err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("excelize cannot open the winners: %v", err)
	}
	defer book.Close()
	rows, err := book.GetRows(book.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range rows {
		text = append(text, strings.Join(r, " | "))
	}
	all := strings.Join(text, "\n")
	if len(rows) != 3 || !strings.Contains(rows[1][5]+rows[2][5], titles[1]+titles[0]) {
		t.Errorf("winners in the XLSX:\n%s", all)
	}
}

// download is a response as the page's fetch saw it, its body in base64.
type download struct {
	Status      int    `json:"status"`
	ContentType string `json:"type"`
	Body        string `json:"body"`
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
