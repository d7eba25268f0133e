package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/files/pdftext"
)

// chromiumPath finds Debian's Chromium. A missing browser fails the test: browser
// behaviour must be tested, never silently skipped.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("browser tests need Chromium: apt-get install -y chromium (or set CHROMIUM)")
	return ""
}

// newBrowser starts a headless Chromium with a viewport of the given size.
func newBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN"),
		chromedp.WindowSize(width, height),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser now, so failures are clear
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// An organizer logs in through the page, opens the contest editor on a tablet-sized
// screen, adds a track and a rubric criterion with the editor's "add a row" buttons,
// and saves: what was typed into the added rows is what gets stored.
func TestBrowserContestEditorAddsRows(t *testing.T) {
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	ctx := newBrowser(t, 820, 1180)

	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(h.http.URL + "/login"),
		chromedp.SendKeys(`input[name=login]`, "org@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`a[href="/organizer/contests/new"]`),
		// The link is there; it is followed by address: on a loaded machine a
		// click lost its node to the page still settling ("Could not find node").
		chromedp.Navigate(h.http.URL + "/organizer/contests/new"),
		chromedp.WaitVisible(`input[name=slug]`),
		chromedp.SendKeys(`input[name=slug]`, "browser-2026"),
		chromedp.SendKeys(`input[name=name_zh]`, "浏览器大赛"),
		// The tracks table offers three default tracks and a blank row (index 3); add another row.
		chromedp.Click(`table[data-prefix=tracks] + button[data-add]`),
		chromedp.WaitVisible(`input[name="tracks.4.key"]`),
		chromedp.SendKeys(`input[name="tracks.4.key"]`, "ai"),
		chromedp.SendKeys(`input[name="tracks.4.name_zh"]`, "人工智能"),
		// The default rubric has five criteria (weights 30+25+20+15+10); fill the blank sixth
		// row after lowering one weight, then add a seventh row and leave it empty.
		chromedp.SetValue(`input[name="rounds.0.criteria.4.weight"]`, "5"),
		chromedp.SendKeys(`input[name="rounds.0.criteria.5.key"]`, "esg"),
		chromedp.SendKeys(`input[name="rounds.0.criteria.5.name_zh"]`, "绿色发展"),
		chromedp.SendKeys(`input[name="rounds.0.criteria.5.max"]`, "5"),
		chromedp.Click(`.rounds > fieldset:first-child div.scroll + button[data-add]`),
		chromedp.WaitVisible(`input[name="rounds.0.criteria.6.key"]`),
		// The round becomes a live roadshow: its stage settings appear, in minutes.
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[bool](`(() => { const s = document.querySelector('select[name="rounds.0.kind"]');
				s.value = "live"; return s.dispatchEvent(new Event("change", {bubbles: true})); })()`)(ctx, tg)
			return chromedp.Void{}, err
		},
		chromedp.WaitVisible(`input[name="rounds.0.pitch_minutes"]`),
		chromedp.SetValue(`input[name="rounds.0.pitch_minutes"]`, "6"),
		chromedp.SetValue(`input[name="rounds.0.qa_minutes"]`, "4.5"),
		chromedp.Click(`input[name="rounds.0.names_public"]`),
		chromedp.Click(`button.primary.big`),
		chromedp.WaitVisible(`p.notice`),
		chromedp.ScrollIntoView(`input[name="rounds.0.pitch_minutes"]`),
	}
	for i, step := range steps {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := chromedp.Do(sctx, step)
		cancel()
		if err != nil {
			saveScreenshot(t, ctx, "contest-editor-failure.png")
			t.Fatalf("browser step %d: %v", i, err)
		}
	}
	saveScreenshot(t, ctx, "contest-editor-tablet.png")
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	list, err := h.store.ContestsOrganizedBy(context.Background(), org.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("contests after saving in the browser: %v %v (at %s)", list, err, location)
	}
	if want := h.http.URL + "/organizer/contests/" + strconv.FormatInt(list[0].ID, 10) + "?saved=1"; location != want {
		t.Errorf("landed on %s, want %s", location, want)
	}
	saved, err := h.store.Contest(context.Background(), list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved.Tracks) != 4 || saved.Tracks[3].Key != "ai" || saved.Tracks[3].NameZh != "人工智能" {
		t.Errorf("tracks %+v", saved.Tracks)
	}
	if r := saved.Rounds[0]; r.Kind != "live" || r.PitchSeconds != 360 || r.QASeconds != 270 || !r.NamesPublic {
		t.Errorf("live round: kind %s, pitch %d s, Q&A %d s, names public %v", r.Kind, r.PitchSeconds, r.QASeconds, r.NamesPublic)
	}
	// The blank round offered for adding keeps its stage settings hidden.
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="rounds.1.pitch_minutes"]').closest("[data-live-only]").hidden`))
	if err != nil || !hidden {
		t.Errorf("an online round's live settings are shown (%v)", err)
	}
	crit := saved.Rounds[0].Criteria
	if len(crit) != 6 || crit[5].Key != "esg" || crit[5].Max != 500 || crit[5].Weight != 500 || crit[4].Weight != 500 {
		t.Errorf("criteria %+v", crit)
	}
}

// saveScreenshot writes the page to $PODIUM_SCREENSHOT_DIR, when set, for a person to look at.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("PODIUM_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	if err := os.WriteFile(dir+"/"+name, shot, 0o644); err != nil {
		t.Error(err)
	}
}

// An entrant on a tablet picks a business plan on the entry page: the page sends
// it with resumable uploads (CSRF header from the page), shows it done, and the
// file is recorded on the entry. A wrong file shows the server's message.
func TestBrowserEntrantUploadsBusinessPlan(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("browser-upload"))
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	ent, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "team", Title: "平板上传"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	planPath, fakePath := filepath.Join(dir, "计划书.pdf"), filepath.Join(dir, "fake.pdf")
	if err := os.WriteFile(planPath, pdftext.Generate([]string{"项目计划书"}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fakePath, []byte("GIF89a not a pdf at all"), 0o600); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, 820, 1180)
	err = chromedp.Do(b,
		chromedp.Navigate(h.http.URL+"/login"),
		chromedp.SendKeys(`input[name=login]`, "e@example.com"),
		chromedp.SendKeys(`input[name=password]`, contesttest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`a[href="/entrant/profile"]`), // the entrant's home: logged in
		chromedp.Navigate(fmt.Sprintf("%s/entrant/entries/%d", h.http.URL, ent.ID)),
		chromedp.SetUploadFiles(`input[data-upload-kind=business_plan]`, []string{planPath}),
		chromedp.WaitVisible(`input[data-upload-kind=business_plan] ~ .upload-done, .upload .upload-done`),
		chromedp.SetUploadFiles(`input[data-upload-kind=deck]`, []string{fakePath}),
		chromedp.WaitVisible(`.upload .upload-error`),
	)
	if err != nil {
		saveScreenshot(t, b, "entrant-upload-failure.png")
		t.Fatalf("browser: %v", err)
	}
	saveScreenshot(t, b, "entrant-upload-tablet.png")
	// The list of files shows the new one at once, without a reload.
	if listed, err := chromedp.Run(b, chromedp.Text(`table.uploads-list`)); err != nil || !strings.Contains(listed, "计划书.pdf") {
		t.Errorf("the list of files after the upload: %q %v", listed, err)
	}
	msg, err := chromedp.Run(b, chromedp.Text(`.upload .upload-error`))
	if err != nil || !strings.Contains(msg, "文件内容与所需类型不符") {
		t.Errorf("error shown for a wrong file: %q %v", msg, err)
	}
	got, err := h.store.EntryOfEntrant(ctx, entrant.ID, ent.ID)
	if err != nil || len(got.Uploads) != 1 || got.Uploads[0].Name != "计划书.pdf" || got.Uploads[0].Kind != "business_plan" {
		t.Errorf("recorded uploads %+v %v", got.Uploads, err)
	}
}
