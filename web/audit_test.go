package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var auditSeq = regexp.MustCompile(`<tr data-seq="(\d+)">`)

// seqs are the record numbers an audit page shows, in order.
func seqs(body string) []string {
	var out []string
	for _, m := range auditSeq.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// The organizer reads the contest's audit log page: newest first, filtered by
// action, a few at a time with a link to older records, times in Beijing time,
// the chain verified on request (and a broken chain reported), and the whole log
// to download.
func TestAuditLogPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newJudging(t, h, "audit-page", 2)
	org := h.loggedIn(w.org)
	base := fmt.Sprintf("/organizer/contests/%d/audit", w.contest.ID)
	var total int
	if err := h.store.DB.Get(&total, `SELECT count(*) FROM audit_log WHERE contest_id = $1`, w.contest.ID); err != nil || total < 5 {
		t.Fatalf("the world has %d audit records (%v)", total, err)
	}

	if edit := org.get(fmt.Sprintf("/organizer/contests/%d", w.contest.ID)); !strings.Contains(edit.body, `href="`+base+`"`) {
		t.Error("the contest's page does not link to its audit log")
	}
	page := org.get(base)
	if page.status != http.StatusOK {
		t.Fatalf("audit page: %d %s", page.status, page.body)
	}
	if got := seqs(page.body); len(got) != total || got[0] != fmt.Sprint(total) || got[total-1] != "1" {
		t.Errorf("records shown %v, want %d down to 1", got, total)
	}
	recs, err := h.store.Records(t.Context(), w.contest.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	for _, want := range []string{
		last.At.In(shanghai(t)).Format("2006-01-02 15:04:05"),                 // Beijing time, to the second
		fmt.Sprintf(`title="%x">%x</code>`, last.Hash, last.Hash[:6]),         // short hash, full on hover
		`data-action="round.state">评审轮次开启/关闭</td>`, `<dt>状态</dt><dd>评分中</dd>`, // names, not codes
		`{&#34;state&#34;: &#34;open&#34;}`, w.org.DisplayName, // the stored record, kept for checking
		fmt.Sprintf(`href="/api/v1/contests/%d/audit"`, w.contest.ID),
		fmt.Sprintf(`href="/api/v1/contests/%d/audit?format=csv"`, w.contest.ID),
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the audit page lacks %s", want)
		}
	}

	// Filtered by an action.
	filtered := org.get(base + "?action=round.state")
	if got := seqs(filtered.body); len(got) != 1 || got[0] != fmt.Sprint(last.Seq) {
		t.Errorf("round.state records %v, want [%d]", got, last.Seq)
	}
	// Two at a time: the older link continues below the last record shown.
	first := org.get(base + "?limit=2")
	if got := seqs(first.body); len(got) != 2 || got[1] != fmt.Sprint(total-1) {
		t.Errorf("first page %v", got)
	}
	older := regexp.MustCompile(`class="button older" href="([^"]+)"`).FindStringSubmatch(first.body)
	if older == nil {
		t.Fatal("no link to older records")
	}
	second := org.get(strings.ReplaceAll(older[1], "&amp;", "&"))
	if got := seqs(second.body); len(got) != 2 || got[0] != fmt.Sprint(total-2) || !strings.Contains(second.body, `class="button newest"`) {
		t.Errorf("second page %v", got)
	}
	oldest := org.get(fmt.Sprintf("%s?limit=2&before=3", base))
	if got := seqs(oldest.body); len(got) != 2 || strings.Contains(oldest.body, `class="button older"`) {
		t.Errorf("the oldest page %v offers older records", got)
	}

	// Verification on request.
	if strings.Contains(page.body, "verify-result") {
		t.Error("the chain was verified without being asked")
	}
	ok := org.get(base + "?verify=1")
	if !strings.Contains(ok.body, fmt.Sprintf("链条完好：已校验全部 %d 条记录", total)) {
		t.Errorf("verification of a sound chain: %s", ok.body)
	}
	// Someone with database access rewrites a record: the page says where the chain breaks.
	for _, q := range []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
		fmt.Sprintf(`UPDATE audit_log SET payload = '{"state":"closed"}' WHERE contest_id = %d AND seq = %d`, w.contest.ID, last.Seq)} {
		if _, err := h.store.DB.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	broken := org.get(base + "?verify=1")
	if !strings.Contains(broken.body, "链条已被破坏") || !strings.Contains(broken.body, fmt.Sprintf("第 %d 条记录", last.Seq)) {
		t.Errorf("verification of a rewritten chain: %s", broken.body)
	}
}
