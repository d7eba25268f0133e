package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/files/filecheck"
	"podium/scoring"
)

// The server's export, given to `podium score`, reproduces the server's ranking
// byte for byte, for every method: anyone can recompute a published ranking.
func TestExportReproducesRankingWithPodiumScore(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := &Main{Config: testConfig(t)}
	t.Cleanup(func() { m.Close() })
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	go m.Serve(ctx)
	s := storesOf(m)
	s.PasswordCost = bcrypt.MinCost

	org, err := s.CreateAccount(ctx, access.NewAccount{Role: access.RoleOrganizer, Email: "org@example.com", DisplayName: "组织方", Password: "password-123"})
	if err != nil {
		t.Fatal(err)
	}
	setup := contesttest.Setup("reproduce")
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	setup.Rounds[0].ReviewsPerEntry, setup.Rounds[0].TrimMin, setup.Rounds[0].TieBreak = 5, 3, []string{"tech", "market"}
	c, err := s.CreateContest(ctx, org.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	var entries []int64
	for i := range 6 {
		a, err := s.CreateAccount(ctx, access.NewAccount{Role: access.RoleEntrant, Email: fmt.Sprintf("e%d@example.com", i), DisplayName: "参赛者", Password: "password-123"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: fmt.Sprintf("团队%d", i), ContactName: "联系人", ContactEmail: fmt.Sprintf("c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		e, err := s.CreateEntry(ctx, a.ID, c.ID, entry.Input{Track: []string{"materials", "manufacturing"}[i%2], Group: "team", Title: fmt.Sprintf("项目%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, a.ID, e.ID, false); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e.ID)
	}
	if _, err := s.ReviewEntries(ctx, org.ID, c.ID, entries, true, ""); err != nil {
		t.Fatal(err)
	}
	var experts []int64
	judgeOf := map[int64]int64{}
	for i := range 7 {
		x, err := s.SaveExpert(ctx, org.ID, judging.ExpertInput{Name: fmt.Sprintf("专家%d", i), Organization: fmt.Sprintf("单位%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		experts = append(experts, x.ID)
	}
	if err := s.SetPanel(ctx, org.ID, c.ID, "prelim", experts); err != nil {
		t.Fatal(err)
	}
	ar, err := s.StartAssignment(ctx, org.ID, c.ID, "prelim", 3)
	if err != nil {
		t.Fatal(err)
	}
	if ar, err = s.RunAssignment(ctx, org.ID, c.ID, "prelim", ar.ID); err != nil || ar.State != "done" {
		t.Fatalf("run %+v %v", ar, err)
	}
	for _, x := range experts {
		inv, err := s.InviteExpert(ctx, org.ID, c.ID, x)
		if err != nil {
			t.Fatal(err)
		}
		judgeOf[x] = inv.AccountID
	}
	if err := s.SetRoundState(ctx, org.ID, c.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, err := s.Assignments(ctx, c.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(7, 7))
	mark := func(max int) scoring.Points { return scoring.Points(rnd.IntN(max*2+1) * 50) } // steps of 0.50
	for _, a := range list {
		in := judging.SheetInput{Marks: map[string]scoring.Points{"tech": mark(40), "market": mark(30), "team": mark(30)}}
		if _, err := s.SubmitSheet(ctx, access.EveryContest(judgeOf[a.ExpertID]), a.ID, in, fmt.Sprint("k", a.ID), []byte(fmt.Sprint(a.ID))); err != nil {
			t.Fatal(err)
		}
	}

	token, _, err := s.CreateSession(ctx, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) []byte {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, m.URL()+path, nil)
		req.AddCookie(&http.Cookie{Name: "podium_session", Value: token})
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
		}
		return b
	}
	base := fmt.Sprintf("/api/v1/contests/%d/rounds/prelim", c.ID)
	for _, method := range []scoring.Method{"trimmed", "mean", "median", "zscore"} {
		t.Run(string(method), func(t *testing.T) {
			cur, err := s.Contest(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			cur.Rounds[0].Method = method
			if _, err := s.UpdateContest(ctx, org.ID, c.ID, cur.Setup); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			rubric, sheets := filepath.Join(dir, "rubric.json"), filepath.Join(dir, "sheets.csv")
			if err := os.WriteFile(rubric, get(base+"/export/rubric.json"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(sheets, get(base+"/export/sheets.csv"), 0o600); err != nil {
				t.Fatal(err)
			}
			published := get(base + "/ranking?format=csv")
			var stdout, stderr bytes.Buffer
			code := run(ctx, []string{"score", "--rubric", rubric, "--scores", sheets, "--method", string(method), "--trim-min", "3", "--tiebreak", "tech,market"},
				nil, &stdout, &stderr, os.Getenv)
			if code != 0 {
				t.Fatalf("podium score: exit %d: %s", code, stderr.String())
			}
			if !bytes.Equal(stdout.Bytes(), published) {
				t.Errorf("podium score on the export:\n%s\nthe server's ranking:\n%s", stdout.String(), published)
			}
			// podium export's matrix, derived columns and all, in either
			// language, is what podium score reads too.
			for _, lang := range []string{"zh-CN", "en"} {
				matrix := filepath.Join(dir, "matrix-"+lang+".csv")
				var exported, exportErr bytes.Buffer
				dbURL := func(k string) string {
					if k == "DATABASE_URL" {
						return m.Config.DatabaseURL
					}
					return ""
				}
				if code := run(ctx, []string{"export", "--contest", fmt.Sprint(c.ID), "--what", "matrix", "--round", "prelim", "--format", "csv", "--lang", lang},
					nil, &exported, &exportErr, dbURL); code != 0 {
					t.Fatalf("podium export: exit %d: %s", code, exportErr.String())
				}
				if err := os.WriteFile(matrix, exported.Bytes(), 0o600); err != nil {
					t.Fatal(err)
				}
				stdout.Reset()
				stderr.Reset()
				if code := run(ctx, []string{"score", "--rubric", rubric, "--scores", matrix, "--method", string(method), "--trim-min", "3", "--tiebreak", "tech,market"},
					nil, &stdout, &stderr, os.Getenv); code != 0 {
					t.Fatalf("podium score on podium export's %s matrix: exit %d: %s", lang, code, stderr.String())
				}
				if !bytes.Equal(stdout.Bytes(), published) {
					t.Errorf("podium score on podium export's %s matrix:\n%s\nthe server's ranking:\n%s", lang, stdout.String(), published)
				}
			}
			if bytes.Count(published, []byte("\n")) != 7 { // header + six entries
				t.Errorf("ranking has the wrong size:\n%s", published)
			}
		})
	}
}
