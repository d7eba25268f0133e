package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"podium/contest/access"
	"podium/contest/onward"
	"podium/contest/results"
)

var certificateNumber = regexp.MustCompile(`\d{4}-prelim-v\d+-[A-Z2-7]{16}`)

// entrantOf is the account that entered the entry titled title.
func entrantOf(t *testing.T, h *harness, w publishedWorld, title string) access.Account {
	t.Helper()
	var id int64
	if err := h.store.DB.Get(&id, `SELECT account_id FROM entries WHERE contest_id = $1 AND title = $2`, w.contest.ID, title); err != nil {
		t.Fatal(err)
	}
	a, err := h.store.Account(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// zipOf reads a ZIP of certificates: file name → PDF text.
func zipOf(t *testing.T, res response) map[string]string {
	t.Helper()
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/zip" {
		t.Fatalf("certificates.zip: %d %v %.300s", res.status, res.header, res.body)
	}
	zr, err := zip.NewReader(strings.NewReader(res.body), int64(len(res.body)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(rc)
		_ = rc.Close()
		out[f.Name] = extractText(t, b.Bytes())
	}
	return out
}

// The winners' certificates: one as PDF (read back by pdftotext and drawn by
// pdftoppm), all in a ZIP holding exactly the winners, the entrant's own;
// the public page accepts the printed number, refuses a changed one, and
// after version 2 says the version 1 certificate was superseded.
func TestCertificatesIssuedAndVerified(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newPublishedWorld(t, h)
	ctx := context.Background()
	org := h.loggedIn(w.org)

	// The ZIP holds exactly the three winners, named by prize and title.
	files := zipOf(t, org.get(w.path("certificates.zip")))
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	want := []string{"一等奖-智能巡检机器人-", "三等奖-工业视觉质检-", "二等奖-可降解包装材料-"}
	if len(names) != 3 {
		t.Fatalf("the ZIP holds %v, want the three winners", names)
	}
	for i, name := range names {
		if !strings.HasPrefix(name, want[i]) || !strings.HasSuffix(name, ".pdf") {
			t.Errorf("file %d is %q, want %s….pdf", i, name, want[i])
		}
	}
	for name, text := range files {
		if strings.Contains(text, "校园共享储能") || !certificateNumber.MatchString(text) {
			t.Errorf("%s: %s", name, text)
		}
	}

	// One certificate, as the organizer downloads it.
	first := w.entryID(t, h, "智能巡检机器人")
	res := org.get(w.path("certificates/" + first + ".pdf"))
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.body, "%PDF-") {
		t.Fatalf("certificate: %d %v %.300s", res.status, res.header, res.body)
	}
	t.Logf("certificate PDF: %d bytes", len(res.body))
	if len(res.body) > 1<<20 {
		t.Errorf("certificate is %d bytes: the font is not subset", len(res.body))
	}
	text := extractText(t, []byte(res.body))
	number := certificateNumber.FindString(text)
	for _, s := range []string{w.contest.NameZh, "荣誉证书", "Certificate of Award", "智能巡检机器人", "芯算团队", "一等奖", "First Prize", "核验", "/certificates/" + number} {
		if number == "" || !strings.Contains(text, s) {
			t.Errorf("pdftotext does not find %q (number %q) in:\n%s", s, number, text)
		}
	}
	renderPNG(t, []byte(res.body), "organizer-certificate")
	if res := org.get(w.path("certificates/" + w.entryID(t, h, "校园共享储能") + ".pdf")); res.status != http.StatusNotFound {
		t.Errorf("a certificate for an entry without a prize: %d", res.status)
	}

	// The entrant's own certificate is the same; one without a prize has none.
	own := h.loggedIn(entrantOf(t, h, w, "智能巡检机器人"))
	if res := own.get("/entrant/entries/" + first + "/result"); !strings.Contains(res.body, "/entrant/entries/"+first+"/certificate?round=prelim") {
		t.Errorf("the result page has no certificate link: %.3000s", res.body)
	}
	mine := own.get("/entrant/entries/" + first + "/certificate?round=prelim")
	if mine.status != http.StatusOK || certificateNumber.FindString(extractText(t, []byte(mine.body))) != number {
		t.Errorf("the entrant's certificate: %d", mine.status)
	}
	if res := own.get("/entrant/entries/" + w.entryID(t, h, "可降解包装材料") + "/certificate"); res.status == http.StatusOK {
		t.Error("an entrant downloads another's certificate")
	}
	last := w.entryID(t, h, "校园共享储能")
	if res := h.loggedIn(entrantOf(t, h, w, "校园共享储能")).get("/entrant/entries/" + last + "/certificate"); res.status != http.StatusNotFound {
		t.Errorf("a certificate without a prize: %d", res.status)
	}
	if page := org.get(w.path("publish")); !strings.Contains(page.body, `id="certificates-zip"`) {
		t.Error("the publish page has no link to the certificates")
	}

	// The public check: genuine and current, in Chinese and in English; a
	// changed character is refused.
	public := h.client()
	verify := fmt.Sprintf("/results/%s/certificates/", w.contest.Slug)
	page := public.get(verify + number)
	if page.status != http.StatusOK || !strings.Contains(page.body, `data-verdict="current"`) || !strings.Contains(page.body, "真实有效") ||
		!strings.Contains(page.body, "智能巡检机器人") || !strings.Contains(page.body, "一等奖") {
		t.Errorf("verify a genuine number: %d %.3000s", page.status, page.body)
	}
	if en := public.get(verify + number + "?lang=en"); !strings.Contains(en.body, "genuine and current") || !strings.Contains(en.body, "First Prize") {
		t.Errorf("verify in English: %.3000s", en.body)
	}
	changed := number[:len(number)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(number, "A")]
	for _, n := range []string{changed, strings.Replace(number, "-v1-", "-v2-", 1), "nonsense"} {
		if res := public.get(verify + n); res.status != http.StatusNotFound || !strings.Contains(res.body, `data-verdict="not-found"`) ||
			strings.Contains(res.body, "智能巡检机器人") {
			t.Errorf("verify %s: %d %.2000s", n, res.status, res.body)
		}
	}

	// Version 2: the round is revised (as after an upheld objection), the tie
	// decided the other way, and published again.
	eagle, seed := w.codes["工业视觉质检"], w.codes["可降解包装材料"]
	if err := h.store.DB.InTx(ctx, func(tx *sqlx.Tx) error {
		var roundID int64
		if err := tx.Get(&roundID, `SELECT id FROM rounds WHERE contest_id = $1 AND key = 'prelim'`, w.contest.ID); err != nil {
			return err
		}
		return results.ReviseTx(ctx, tx, h.store.DB.NowUTC(), w.org.ID, w.contest.ID, roundID, "YY-TEST-0001")
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.ConfirmAwards(ctx, w.org.ID, w.contest.ID, "prelim", map[string]string{eagle: "second", seed: "third"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.store.Publish(ctx, w.org.ID, w.contest.ID, "prelim", results.PublishOptions{Reason: "异议成立，重新认定并列奖项。", KeepPeriod: true}); err != nil {
		t.Fatal(err)
	}
	page = public.get(verify + number + "?lang=zh-CN")
	if page.status != http.StatusOK || !strings.Contains(page.body, `data-verdict="superseded"`) || !strings.Contains(page.body, "第 2 版") {
		t.Errorf("verify a version 1 number after version 2: %d %.3000s", page.status, page.body)
	}
	v2 := zipOf(t, org.get(w.path("certificates.zip")))
	var numbers []string
	for name, text := range v2 {
		n := certificateNumber.FindString(text)
		if !strings.Contains(n, "-v2-") {
			t.Errorf("%s after version 2: number %q", name, n)
		}
		numbers = append(numbers, n)
		if strings.HasPrefix(name, "二等奖") && !strings.Contains(text, "工业视觉质检") {
			t.Errorf("second prize after version 2: %s", text)
		}
	}
	if len(v2) != 3 {
		t.Errorf("version 2's ZIP: %d files", len(v2))
	}
	for _, n := range numbers {
		if res := public.get(verify + n); res.status != http.StatusOK || !strings.Contains(res.body, `data-verdict="current"`) {
			t.Errorf("verify version 2's %s: %d", n, res.status)
		}
	}
	// The domain says the same, and names the entry's current prize.
	v, err := onward.New(h.store.DB, h.store.Results).VerifyCertificate(ctx, w.contest.ID, number)
	if err != nil || v.Current || v.Version != 1 || v.CurrentVersion != 2 || v.CurrentAwardLevel != "first" || !slices.Contains(numbers, v.CurrentNumber) {
		t.Errorf("VerifyCertificate of version 1: %+v %v", v, err)
	}
}

// renderPNG draws the PDF's first page with poppler's pdftoppm, under
// CERTIFICATE_SHOTS when set (to look at), else in a temporary directory.
func renderPNG(t *testing.T, pdf []byte, name string) {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Fatal("this test needs pdftoppm: apt-get install -y poppler-utils")
	}
	dir := os.Getenv("CERTIFICATE_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	in := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "100", "-singlefile", in, filepath.Join(dir, name)).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	png, err := os.ReadFile(filepath.Join(dir, name+".png"))
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("no PNG: %v", err)
	}
}
