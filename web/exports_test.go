package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/files/table"
)

// An organizer downloads a round's ranking and matrix and the contest's
// entries from the pages' export links: streamed, named in Chinese (RFC 5987),
// the ranking cell by cell what the ranking service computes.
func TestExportDownloads(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newScoredWorld(t, h)
	ctx := context.Background()
	org := h.loggedIn(w.org)
	base := fmt.Sprintf("/organizer/contests/%d/exports/", w.contest.ID)

	// The pages link the exports.
	if res := org.get(fmt.Sprintf("/organizer/contests/%d", w.contest.ID)); !strings.Contains(res.body, base+"entries?format=xlsx") {
		t.Errorf("contest page has no entries export link (%d)", res.status)
	}
	if res := org.get(w.path("ranking")); !strings.Contains(res.body, base+"matrix?format=csv&amp;round=prelim") {
		t.Errorf("ranking page has no matrix export link (%d)", res.status)
	}

	res := org.get(base + "ranking?format=csv&round=prelim")
	if res.status != http.StatusOK {
		t.Fatalf("ranking: %d %.300s", res.status, res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	name := "测试大赛 results-初赛-排名.csv"
	if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''"+strings.ReplaceAll(url.QueryEscape(name), "+", "%20")) {
		t.Errorf("Content-Disposition %q, want the file name %s", cd, name)
	}
	if !strings.HasPrefix(res.body, table.BOM) {
		t.Fatalf("CSV without BOM")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, table.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rk, rs, err := h.store.Ranking(ctx, w.contest.ID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(rk.Entries) || rows[0][0] != "名次" || rows[0][6] != "得分" {
		t.Fatalf("ranking rows %q", rows)
	}
	for i, r := range rk.Entries {
		got := rows[1+i]
		if got[0] != strconv.Itoa(r.Rank) || got[1] != r.Entry || got[2] != rs.Titles[r.Entry] || got[6] != r.Score.String() || got[7] != strconv.Itoa(len(r.Sheets)) {
			t.Errorf("row %d %q, want rank %d %s %s %s", i+1, got, r.Rank, r.Entry, rs.Titles[r.Entry], r.Score)
		}
	}

	// The matrix as XLSX, in English: the same cells as the CSV.
	xres := org.get(base + "matrix?format=xlsx&round=prelim&lang=en")
	if xres.status != http.StatusOK || xres.header.Get("Content-Type") != table.XLSX.ContentType() {
		t.Fatalf("matrix xlsx: %d %s", xres.status, xres.header.Get("Content-Type"))
	}
	if cd := xres.header.Get("Content-Disposition"); !strings.Contains(cd, "Score%20matrix.xlsx") {
		t.Errorf("English file name: %q", cd)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(xres.body)))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	xrows, err := x.GetRows("Score matrix")
	if err != nil {
		t.Fatal(err)
	}
	cres := org.get(base + "matrix?format=csv&round=prelim")
	crows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(cres.body, table.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(xrows) != len(crows) || len(crows) != 1+len(rs.Sheets) {
		t.Fatalf("matrix: %d XLSX rows, %d CSV rows, %d sheets", len(xrows), len(crows), len(rs.Sheets))
	}
	for i := range crows {
		for len(xrows[i]) < len(crows[i]) {
			xrows[i] = append(xrows[i], "")
		}
		if strings.Join(xrows[i], "|") != strings.Join(crows[i], "|") {
			t.Errorf("matrix row %d: XLSX %q, CSV %q", i+1, xrows[i], crows[i])
		}
	}

	// Entries (no round needed) and the refusals.
	if res := org.get(base + "entries"); res.status != http.StatusOK || !strings.Contains(res.header.Get("Content-Disposition"), ".xlsx") {
		t.Errorf("entries default format: %d %q", res.status, res.header.Get("Content-Disposition"))
	}
	for _, c := range []struct {
		path   string
		status int
	}{
		{"everything", http.StatusNotFound},
		{"ranking?format=csv", http.StatusUnprocessableEntity},
		{"ranking?format=csv&round=final", http.StatusNotFound},
		{"entries?format=pdf", http.StatusUnprocessableEntity},
	} {
		if res := org.get(base + c.path); res.status != c.status {
			t.Errorf("%s: %d, want %d", c.path, res.status, c.status)
		}
	}
	// Another organizer's contest is not found.
	other := h.loggedIn(contesttest.Account(t, h.store, access.RoleOrganizer, "other@example.com"))
	if res := other.get(base + "entries?format=csv"); res.status != http.StatusNotFound || strings.Contains(res.body, "联系人") {
		t.Errorf("other organizer: %d", res.status)
	}
}
