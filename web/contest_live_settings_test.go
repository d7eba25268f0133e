package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
)

// The contest editor carries a live round's stage settings: saving the page
// as it was served keeps the pitch and Q&A durations and names_public (they
// used to fall back to the defaults), and edits of them are stored.
func TestContestEditorKeepsLiveRoundSettings(t *testing.T) {
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c := h.loggedIn(org)
	setup := contesttest.Setup("live-keep")
	final := setup.Rounds[0]
	final.Key, final.NameZh, final.Kind = "final", "决赛", contest.KindLive
	final.PitchSeconds, final.QASeconds, final.NamesPublic = 20, 10, true
	setup.Rounds = append(setup.Rounds, final)
	created, err := h.store.CreateContest(context.Background(), org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	path := "/organizer/contests/" + itoa(created.ID)
	page := c.get(path)
	if page.status != http.StatusOK {
		t.Fatalf("editor: %d", page.status)
	}
	for _, want := range []string{`name="rounds.1.pitch_minutes" value="0.33"`, `name="rounds.1.qa_minutes" value="0.17"`,
		`name="rounds.1.names_public" value="true" checked`, "评委可见参赛者名称（本轮不盲评）"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("editor lacks %s", want)
		}
	}
	// The online round's stage settings are there, hidden; the live round's show.
	if !regexp.MustCompile(`data-live-only hidden>\s*<h3>现场路演</h3>\s*<div class="grid">\s*<label>路演时长（分钟）\s*<input name="rounds.0.pitch_minutes"`).MatchString(page.body) ||
		regexp.MustCompile(`data-live-only hidden>\s*<h3>现场路演</h3>\s*<div class="grid">\s*<label>路演时长（分钟）\s*<input name="rounds.1.pitch_minutes"`).MatchString(page.body) {
		t.Error("the live settings are not shown for live rounds only")
	}

	saveAsServed := func() contest.Contest {
		t.Helper()
		form := formOf(c.get(path).body)
		res := c.form(path, form)
		if res.status != http.StatusSeeOther {
			t.Fatalf("saving the editor as served: %d %s", res.status, res.body)
		}
		saved, err := h.store.Contest(context.Background(), created.ID)
		if err != nil {
			t.Fatal(err)
		}
		return saved
	}
	saved := saveAsServed()
	if r := saved.Rounds[1]; r.PitchSeconds != 20 || r.QASeconds != 10 || !r.NamesPublic {
		t.Errorf("live round after saving the page: pitch %d, qa %d, names public %v", r.PitchSeconds, r.QASeconds, r.NamesPublic)
	}
	if r := saved.Rounds[0]; r.PitchSeconds != 480 || r.QASeconds != 420 || r.NamesPublic {
		t.Errorf("online round after saving the page: %+v", r)
	}

	// Edited: five minutes of pitch, three and a half of questions, blind.
	form := formOf(c.get(path).body)
	form.Set("rounds.1.pitch_minutes", "5")
	form.Set("rounds.1.qa_minutes", "3.5")
	form.Del("rounds.1.names_public")
	if res := c.form(path, form); res.status != http.StatusSeeOther {
		t.Fatalf("edited: %d %s", res.status, res.body)
	}
	saved = saveAsServed()
	if r := saved.Rounds[1]; r.PitchSeconds != 300 || r.QASeconds != 210 || r.NamesPublic {
		t.Errorf("live round after editing: pitch %d, qa %d, names public %v", r.PitchSeconds, r.QASeconds, r.NamesPublic)
	}
	// A duration that is not one is refused, under the field.
	form = formOf(c.get(path).body)
	form.Set("rounds.1.qa_minutes", "-1")
	if res := c.form(path, form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "between 1 second and 2 hours") &&
		!strings.Contains(res.body, "1 秒") {
		t.Errorf("negative Q&A: %d", res.status)
	}
}

var (
	inputTag    = regexp.MustCompile(`<input\b[^>]*>`)
	attr        = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
	selectTag   = regexp.MustCompile(`(?s)<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>`)
	optionTag   = regexp.MustCompile(`<option\b[^>]*\bvalue="([^"]*)"([^>]*)>`)
	textareaTag = regexp.MustCompile(`(?s)<textarea\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>`)
)

// formOf is the form a page offers, as a browser posts it untouched: every
// named input with its value (checkboxes and radios only when checked), each
// select's selected option (else its first), each textarea.
func formOf(page string) url.Values {
	form := url.Values{}
	for _, tag := range inputTag.FindAllString(page, -1) {
		a := map[string]string{}
		for _, m := range attr.FindAllStringSubmatch(strings.TrimPrefix(tag, "<input"), -1) {
			if _, seen := a[m[1]]; !seen {
				a[m[1]] = html.UnescapeString(m[2])
			}
		}
		_, checked := a["checked"]
		switch a["type"] {
		case "submit", "button", "file", "image", "reset":
			continue
		case "checkbox", "radio":
			if !checked {
				continue
			}
		}
		if a["name"] != "" {
			form.Add(a["name"], a["value"])
		}
	}
	for _, m := range selectTag.FindAllStringSubmatch(page, -1) {
		options := optionTag.FindAllStringSubmatch(m[2], -1)
		if len(options) == 0 {
			continue
		}
		value := options[0][1]
		for _, o := range options {
			if strings.Contains(o[2], "selected") {
				value = o[1]
			}
		}
		form.Add(m[1], html.UnescapeString(value))
	}
	for _, m := range textareaTag.FindAllStringSubmatch(page, -1) {
		form.Add(m[1], html.UnescapeString(strings.TrimPrefix(m[2], "\n")))
	}
	return form
}
