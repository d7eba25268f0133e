package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/files/pdftext"
)

// TestMaterialsDownloads: the organizer downloads a round's and an entry's
// materials as a ZIP named in UTF-8; the files are the entrants' bytes;
// another contest's organizer, the entrant and a judge are refused (the
// entrant gets their own entry's ZIP); mistakes are error pages in the
// reader's language, not a cut-off archive.
func TestMaterialsDownloads(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	other := contesttest.Account(t, h.store, access.RoleOrganizer, "other@example.com")
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "entrant@example.com")
	stranger := contesttest.Account(t, h.store, access.RoleEntrant, "stranger@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("materials"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.CreateContest(ctx, other.ID, contesttest.Setup("other-contest")); err != nil {
		t.Fatal(err)
	}
	inv, err := h.store.CreateInvite(ctx, org.ID, c.ID, access.NewJudge{DisplayName: "评委", Email: "judge@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	judge, err := h.store.Account(ctx, inv.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	plans := [][]byte{pdftext.Generate([]string{"第一份商业计划书"}), pdftext.Generate([]string{"第二份商业计划书"})}
	ids := []int64{submittedEntry(t, h, entrant, c.ID, plans[0]), submittedEntry(t, h, entrant, c.ID, plans[1])}
	if _, err := h.store.ReviewEntries(ctx, org.ID, c.ID, ids, true, ""); err != nil {
		t.Fatal(err)
	}
	codes := map[int64]string{}
	for _, id := range ids {
		var code string
		if err := h.store.DB.Get(&code, `SELECT b.code FROM blind_codes b JOIN rounds r ON r.id = b.round_id WHERE r.key = 'prelim' AND b.entry_id = $1`, id); err != nil {
			t.Fatal(err)
		}
		codes[id] = code
	}
	zipOf := func(t *testing.T, res response, name string) map[string][]byte {
		t.Helper()
		if res.status != 200 {
			t.Fatalf("status %d: %.300s", res.status, res.body)
		}
		if ct := res.header.Get("Content-Type"); ct != "application/zip" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := res.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape(name)) {
			t.Errorf("Content-Disposition %q, want the UTF-8 name %q", cd, name)
		}
		zr, err := zip.NewReader(strings.NewReader(res.body), int64(len(res.body)))
		if err != nil {
			t.Fatalf("not a ZIP: %v", err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		return files
	}
	same := func(t *testing.T, got, want []byte, name string) {
		t.Helper()
		if sha256.Sum256(got) != sha256.Sum256(want) {
			t.Errorf("%s: not the uploaded bytes", name)
		}
	}
	base := fmt.Sprintf("/organizer/contests/%d", c.ID)
	orgCl := h.loggedIn(org)

	t.Run("round", func(t *testing.T) {
		dir := "测试大赛 materials-初赛-材料"
		for _, path := range []string{base + "/rounds/prelim/materials.zip", fmt.Sprintf("/api/v1/contests/%d/rounds/prelim/materials.zip", c.ID)} {
			files := zipOf(t, orgCl.get(path), dir+".zip")
			if len(files) != 3 {
				t.Errorf("%s: %d files, want the index and 2 plans", path, len(files))
			}
			for i, id := range ids {
				name := dir + "/" + codes[id] + "/" + codes[id] + "-business_plan.pdf"
				same(t, files[name], plans[i], name)
			}
			if !bytes.Contains(files[dir+"/materials.csv"], []byte("星河 计划书.pdf")) {
				t.Errorf("the index does not name the uploaded file: %s", files[dir+"/materials.csv"])
			}
		}
		files := zipOf(t, orgCl.get(base+"/rounds/prelim/materials.zip", "Accept-Language", "en"), "Test contest materials-初赛-materials.zip") // the round has no English name
		if len(files) != 3 {
			t.Errorf("in English: %d files", len(files))
		}
	})
	t.Run("entry", func(t *testing.T) {
		id := ids[1]
		files := zipOf(t, orgCl.get(fmt.Sprintf("%s/entries/%d/materials.zip?round=prelim", base, id)), "测试大赛 materials-初赛-"+codes[id]+"-材料.zip")
		same(t, files["测试大赛 materials-初赛-"+codes[id]+"-材料/"+codes[id]+"/"+codes[id]+"-business_plan.pdf"], plans[1], "by code")
		e := fmt.Sprintf("E%d", id)
		files = zipOf(t, orgCl.get(fmt.Sprintf("%s/entries/%d/materials.zip", base, id)), "测试大赛 materials-"+e+"-材料.zip")
		same(t, files["测试大赛 materials-"+e+"-材料/"+e+"/"+e+"-business_plan.pdf"], plans[1], "by number")
		// The entrant's own.
		files = zipOf(t, h.loggedIn(entrant).get(fmt.Sprintf("/entrant/entries/%d/materials.zip", id)), "测试大赛 materials-"+e+"-材料.zip")
		same(t, files["测试大赛 materials-"+e+"-材料/"+e+"/"+e+"-business_plan.pdf"], plans[1], "the entrant's own")
	})
	t.Run("refused", func(t *testing.T) {
		for _, tc := range []struct {
			who    string
			cl     *client
			path   string
			status int
			says   string
		}{
			{"another contest's organizer", h.loggedIn(other), base + "/rounds/prelim/materials.zip", 404, ""},
			{"another contest's organizer", h.loggedIn(other), fmt.Sprintf("%s/entries/%d/materials.zip", base, ids[0]), 404, ""},
			{"the entrant", h.loggedIn(entrant), base + "/rounds/prelim/materials.zip", 403, ""},
			{"a judge", h.loggedIn(judge), fmt.Sprintf("%s/entries/%d/materials.zip", base, ids[0]), 403, ""},
			{"another entrant", h.loggedIn(stranger), fmt.Sprintf("/entrant/entries/%d/materials.zip", ids[0]), 404, ""},
			{"the organizer, no such round", orgCl, base + "/rounds/nope/materials.zip", 404, "评审轮次不存在"},
			{"the organizer, an entry in no round named so", orgCl, fmt.Sprintf("%s/entries/%d/materials.zip?round=nope", base, ids[0]), 404, "评审轮次不存在"},
			{"the organizer, no such entry", orgCl, base + "/entries/999999/materials.zip", 404, "参赛项目不存在"},
		} {
			res := tc.cl.get(tc.path)
			if res.status != tc.status || strings.HasPrefix(res.body, "PK") || !strings.Contains(res.body, tc.says) {
				t.Errorf("%s, %s: %d, want %d saying %q: %.300s", tc.who, tc.path, res.status, tc.status, tc.says, res.body)
			}
		}
		// A round nobody uploaded to: said plainly, no empty archive.
		if _, err := h.store.DB.Exec(`DELETE FROM blobs WHERE entry_id = ANY($1)`, fmt.Sprintf("{%d,%d}", ids[0], ids[1])); err != nil {
			t.Fatal(err)
		}
		if res := orgCl.get(base + "/rounds/prelim/materials.zip"); res.status != 404 || !strings.Contains(res.body, "没有可下载的材料") {
			t.Errorf("no files: %d %.300s", res.status, res.body)
		}
	})
}

// TestScoreSheetDownloads: a live final's sheets as PDF to the contest's
// organizer (inline, named in UTF-8), per entry and per judge, in Chinese or
// English; refused to anyone else.
func TestScoreSheetDownloads(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	lf := contesttest.NewLiveFinal(t, h.store)
	base := fmt.Sprintf("/organizer/contests/%d/rounds/final/score-sheets", lf.Contest.ID)
	var code string
	if err := h.store.DB.Get(&code, `SELECT b.code FROM blind_codes b JOIN rounds r ON r.id = b.round_id WHERE r.contest_id = $1 AND r.key = 'final' AND b.entry_id = $2`,
		lf.Contest.ID, lf.Entries[0]); err != nil {
		t.Fatal(err)
	}
	org := h.loggedIn(lf.Organizer)
	pdf := func(t *testing.T, res response, name string) string {
		t.Helper()
		if res.status != 200 {
			t.Fatalf("status %d: %.300s", res.status, res.body)
		}
		if ct := res.header.Get("Content-Type"); ct != "application/pdf" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := res.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline;") || !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape(name)) {
			t.Errorf("Content-Disposition %q, want the UTF-8 name %q", cd, name)
		}
		return extractText(t, []byte(res.body))
	}
	text := pdf(t, org.get(fmt.Sprintf("%s/entries/%d", base, lf.Entries[0])), "测试大赛 live-final-决赛-"+code+"-评分表.pdf")
	if n := strings.Count(text, "评委签名"); n != 5 {
		t.Errorf("%d judge's signature lines, want the 5 judges of the entry's room:\n%s", n, text)
	}
	for _, want := range []string{"测试大赛 live-final", code, "技术", "市场", "团队", "参赛者确认签名", "现场专家0", "现场专家4"} {
		if !strings.Contains(text, want) {
			t.Errorf("the entry's sheets do not say %q", want)
		}
	}
	text = pdf(t, org.get(fmt.Sprintf("/api/v1/contests/%d/rounds/final/score-sheets/judges/%d", lf.Contest.ID, lf.Experts[0]), "Accept-Language", "en"),
		"Test contest live-final-决赛-现场专家0-score sheets.pdf")
	if n := strings.Count(text, "Judge's signature"); n != 3 || !strings.Contains(text, "Entrant's signature") {
		t.Errorf("judge 0's sheets in English: %d pages:\n%s", n, text)
	}
	for _, tc := range []struct {
		who    string
		cl     *client
		path   string
		status int
	}{
		{"another contest's organizer", h.loggedIn(lf.OtherOrganizer), fmt.Sprintf("%s/entries/%d", base, lf.Entries[0]), 404},
		{"another contest's organizer", h.loggedIn(lf.OtherOrganizer), fmt.Sprintf("%s/judges/%d", base, lf.Experts[0]), 404},
		{"a judge of the final", h.loggedIn(lf.Judges[0]), fmt.Sprintf("%s/judges/%d", base, lf.Experts[0]), 403},
		{"anonymous", h.client(), fmt.Sprintf("%s/entries/%d", base, lf.Entries[0]), 303},
		{"the organizer, an entry of another contest", org, fmt.Sprintf("/organizer/contests/%d/rounds/final/score-sheets/entries/999999", lf.Contest.ID), 404},
	} {
		if res := tc.cl.get(tc.path); res.status != tc.status || strings.HasPrefix(res.body, "%PDF") {
			t.Errorf("%s, %s: %d, want %d", tc.who, tc.path, res.status, tc.status)
		}
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "someone@example.com")
	if res := h.loggedIn(entrant).get(fmt.Sprintf("%s/entries/%d", base, lf.Entries[0])); res.status != 403 {
		t.Errorf("an entrant: %d", res.status)
	}
}
