package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/files/pdftext"
	"podium/web"
)

// publishedWorld is newScoredWorld published, with a publicity period of 7 days.
type publishedWorld struct {
	scoredWorld
	periodEnd time.Time
}

func newPublishedWorld(t *testing.T, h *harness) publishedWorld {
	t.Helper()
	ctx := context.Background()
	w := publishedWorld{scoredWorld: newScoredWorld(t, h)}
	tie := map[string]string{w.codes["工业视觉质检"]: "third", w.codes["可降解包装材料"]: "second"}
	if _, err := h.store.ConfirmAwards(ctx, w.org.ID, w.contest.ID, "prelim", tie); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.PublishResults(ctx, w.org.ID, w.contest.ID, "prelim"); err != nil {
		t.Fatal(err)
	}
	if err := h.store.DB.Get(&w.periodEnd, `SELECT period_ends_at FROM publications WHERE contest_id = $1`, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	return w
}

// entryID is the id of the published entry titled title.
func (w publishedWorld) entryID(t *testing.T, h *harness, title string) string {
	t.Helper()
	var id int64
	if err := h.store.DB.Get(&id, `SELECT id FROM entries WHERE contest_id = $1 AND title = $2`, w.contest.ID, title); err != nil {
		t.Fatal(err)
	}
	return itoa(id)
}

func testPDF() []byte { return pdftext.Generate([]string{"异议证据：评审记录"}) }

func testPNG() []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 20, 20)))
	return b.Bytes()
}

// multipartForm posts fields and files (field → name → bytes) with the client's CSRF token.
func (c *client) multipartForm(path string, fields url.Values, files map[string]map[string][]byte) response {
	c.h.t.Helper()
	if c.csrf == "" {
		c.csrf = c.pageCSRF("/login")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fields.Set("csrf_token", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for field, byName := range files {
		for name, b := range byName {
			fw, _ := mw.CreateFormFile(field, name)
			_, _ = fw.Write(b)
		}
	}
	_ = mw.Close()
	return c.do(http.MethodPost, path, mw.FormDataContentType(), &body)
}

const (
	objectorID   = "11010519491231002X"
	objectorName = "王小明"
)

func goodObjection(entry string) url.Values {
	return url.Values{"entry": {"prelim:" + entry}, "kind": {"person"}, "name": {objectorName}, "id_type": {"resident"},
		"id_number": {objectorID}, "phone": {"13800138000"}, "email": {"wang@example.com"}, "grounds": {"该项目评分存在明显错误。"}}
}

// blobCount is the number of files in the blob store.
func (h *harness) blobCount(t *testing.T) int {
	t.Helper()
	n := 0
	if err := filepath.WalkDir(h.blobDir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			n++
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func (h *harness) objectionRows(t *testing.T) (objections, files int) {
	t.Helper()
	if err := h.store.DB.Get(&objections, `SELECT count(*) FROM objections`); err != nil {
		t.Fatal(err)
	}
	if err := h.store.DB.Get(&files, `SELECT count(*) FROM objection_files`); err != nil {
		t.Fatal(err)
	}
	return objections, files
}

// The public form: it lists the published entries and the deadline, refuses
// bad input with each field's error beside it and the typed values kept (422),
// files a good objection and sends the objector to its page by reference; the
// ID number shows on no public page. After the period it says so and offers no form.
func TestObjectionFormFilesAndShowsTheReference(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newPublishedWorld(t, h)
	code := w.codes["可降解包装材料"] // never shown to the public
	entry := w.entryID(t, h, "可降解包装材料")
	cl := h.client()
	form := fmt.Sprintf("/results/%d/objections/new", w.contest.ID)

	page := cl.get(form + "?round=prelim&entry=" + entry)
	if page.status != 200 || !strings.Contains(page.body, `value="prelim:`+entry+`" selected`) || strings.Contains(page.body, code) ||
		!strings.Contains(page.body, "智能巡检机器人") || !strings.Contains(page.body, w.periodEnd.In(shanghai(t)).Format("2006-01-02 15:04")) {
		t.Fatalf("form: %d %.3000s", page.status, page.body)
	}
	if bySlug := cl.get("/results/results/objections/new"); bySlug.status != 200 || !strings.Contains(bySlug.body, `class="objection-form"`) {
		t.Errorf("form by slug: %d", bySlug.status)
	}

	post := fmt.Sprintf("/results/%d/objections", w.contest.ID)
	bad := goodObjection(entry)
	bad.Set("id_number", "110105194912310021")
	bad.Set("phone", "12345")
	bad.Set("grounds", "  ")
	res := cl.multipartForm(post, bad, map[string]map[string][]byte{"evidence": {"证据.pdf": testPDF()}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="id_number-error"`) ||
		!strings.Contains(res.body, "证件号码不正确") || !strings.Contains(res.body, `id="phone-error"`) ||
		!strings.Contains(res.body, `id="grounds-error"`) || !strings.Contains(res.body, `value="`+objectorName+`"`) ||
		!strings.Contains(res.body, `value="wang@example.com"`) || !strings.Contains(res.body, `id="files-again"`) {
		t.Fatalf("refused form: %d %.4000s", res.status, res.body)
	}
	exe := goodObjection(entry)
	res = cl.multipartForm(post, exe, map[string]map[string][]byte{"evidence": {"scan.pdf": append([]byte("MZ\x90\x00"), make([]byte, 300)...)}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="evidence-error"`) || !strings.Contains(res.body, "scan.pdf") {
		t.Errorf("an .exe as evidence: %d %.3000s", res.status, res.body)
	}
	anon := goodObjection(entry)
	anon.Del("name")
	anon.Del("id_number")
	if res := cl.multipartForm(post, anon, nil); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "不受理匿名异议") {
		t.Errorf("anonymous: %d", res.status)
	}
	robot := goodObjection(entry)
	robot.Set("website", "http://spam.example")
	if res := cl.multipartForm(post, robot, nil); res.status != http.StatusUnprocessableEntity {
		t.Errorf("honeypot: %d", res.status)
	}
	if n, f := h.objectionRows(t); n != 0 || f != 0 || h.blobCount(t) != 0 {
		t.Fatalf("refused filings wrote %d objections, %d files, %d blobs", n, f, h.blobCount(t))
	}

	res = cl.multipartForm(post, goodObjection(entry), map[string]map[string][]byte{"evidence": {"证据.pdf": testPDF(), "照片.png": testPNG()}})
	loc := res.header.Get("Location")
	if res.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/objections/YY-") {
		t.Fatalf("filing: %d %s %.2000s", res.status, loc, res.body)
	}
	status := cl.get(loc)
	display := strings.TrimSuffix(strings.TrimPrefix(loc, "/objections/"), "?filed=1")
	if status.status != 200 || !strings.Contains(status.body, `id="reference">`+display) || !strings.Contains(status.body, "已受理") ||
		!strings.Contains(status.body, "王*明") || !strings.Contains(status.body, "可降解包装材料") || strings.Contains(status.body, code) {
		t.Errorf("status page: %d %.3000s", status.status, status.body)
	}
	for _, p := range []response{page, status, cl.get("/api/v1/public/objections/" + display)} {
		for _, secret := range []string{objectorID, "110105", objectorName, "13800138000", code} {
			if strings.Contains(p.body, secret) {
				t.Errorf("a public page shows %q", secret)
			}
		}
	}
	if n, f := h.objectionRows(t); n != 1 || f != 2 || h.blobCount(t) != 2 {
		t.Errorf("after filing: %d objections, %d files, %d blobs (a PDF's judge copy is not kept)", n, f, h.blobCount(t))
	}

	// After the period: said plainly, no form; a late post is refused.
	h.clock.T = w.periodEnd.Add(time.Minute)
	late := cl.get(form)
	if late.status != 200 || !strings.Contains(late.body, `id="period-over"`) || strings.Contains(late.body, `class="objection-form"`) {
		t.Errorf("after the period: %d %.2000s", late.status, late.body)
	}
	if res := cl.multipartForm(post, goodObjection(entry), nil); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "公示期已结束") {
		t.Errorf("late filing: %d", res.status)
	}

	// A contest with nothing published says so.
	other, err := h.store.CreateContest(context.Background(), w.org.ID, contesttest.Setup("unpublished"))
	if err != nil {
		t.Fatal(err)
	}
	if p := cl.get(fmt.Sprintf("/results/%d/objections/new", other.ID)); p.status != 200 || !strings.Contains(p.body, `id="not-published"`) {
		t.Errorf("unpublished contest: %d", p.status)
	}
	if p := cl.get("/objections/YY-0000-0000-0000"); p.status != 404 {
		t.Errorf("unknown reference: %d", p.status)
	}
	// The lookup takes the reference as typed.
	if p := cl.get("/objections?reference=" + url.QueryEscape(strings.ToLower(strings.ReplaceAll(display, "-", " ")))); p.status != 303 ||
		p.header.Get("Location") != "/objections/"+display {
		t.Errorf("lookup: %d %s", p.status, p.header.Get("Location"))
	}
	if p := cl.get("/objections?reference=YY-0000-0000-0000"); p.status != 404 || !strings.Contains(p.body, `id="reference-error"`) {
		t.Errorf("lookup of an unknown reference: %d", p.status)
	}
}

// The JSON API: the public files with base64 files and reads its state; the
// contest's organizer lists, reads (the full ID number), assigns, notes and
// upholds, which closes the round again; another contest's organizer gets 404
// everywhere, and the state is public only through the reference.
func TestObjectionAPIAndHandling(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newPublishedWorld(t, h)
	entryID := w.entryID(t, h, "工业视觉质检")
	public := h.client()
	b64 := base64.StdEncoding.EncodeToString
	filing := map[string]any{"round": "prelim", "entry": json.Number(entryID), "kind": "organization", "name": "李四", "organization": "某某科技有限公司",
		"id_type": "uscc", "id_number": "91440300708461136T", "phone": "0755-86013388", "email": "legal@example.com",
		"grounds": "该项目主体资格不符合参赛条件。", "evidence": []map[string]string{{"name": "证据.pdf", "content": b64(testPDF())}}}
	res := public.api(http.MethodPost, fmt.Sprintf("/api/v1/public/results/%s/objections", w.contest.Slug), filing)
	if d := res.errorBody(t); res.status != 422 || d.Fields["letter"] == "" {
		t.Fatalf("no stamped letter: %d %s", res.status, res.body)
	}
	filing["letter"] = map[string]string{"name": "公函.png", "content": b64(testPNG())}
	res = public.api(http.MethodPost, fmt.Sprintf("/api/v1/public/results/%d/objections", w.contest.ID), filing)
	var filed struct {
		Reference, Display, State string
	}
	res.json(t, &filed)
	if res.status != http.StatusCreated || filed.State != "received" || !strings.HasPrefix(filed.Reference, "YY") {
		t.Fatalf("API filing: %d %s", res.status, res.body)
	}
	var st map[string]any
	public.get("/api/v1/public/objections/"+strings.ToLower(filed.Display)).json(t, &st)
	if st["state"] != "received" || st["name"] != "李*" || fmt.Sprint(st["entry"]) != entryID || st["entry_title"] != "工业视觉质检" {
		t.Errorf("public state: %v", st)
	}

	org := h.loggedIn(w.org)
	var list struct {
		Objections []struct {
			ID        int64  `json:"id"`
			Reference string `json:"reference"`
			IDHint    string `json:"id_hint"`
		} `json:"objections"`
	}
	org.get(fmt.Sprintf("/api/v1/contests/%d/objections?state=received", w.contest.ID)).json(t, &list)
	if len(list.Objections) != 1 || list.Objections[0].IDHint != "136T" {
		t.Fatalf("list: %+v", list)
	}
	oid := list.Objections[0].ID
	base := fmt.Sprintf("/api/v1/contests/%d/objections/%d", w.contest.ID, oid)
	page := fmt.Sprintf("/organizer/contests/%d/objections/%d", w.contest.ID, oid)

	// Another contest's organizer: 404 on every organizer route of this objection.
	stranger := contesttest.Account(t, h.store, access.RoleOrganizer, "stranger@example.com")
	if _, err := h.store.CreateContest(context.Background(), stranger.ID, contesttest.Setup("stranger")); err != nil {
		t.Fatal(err)
	}
	sc := h.loggedIn(stranger)
	for _, r := range []response{
		sc.get(fmt.Sprintf("/organizer/contests/%d/objections", w.contest.ID)), sc.get(page), sc.get(page + "/files/1"),
		sc.form(page+"/assign", url.Values{"assignee": {itoa(stranger.ID)}}), sc.form(page+"/notes", url.Values{"body": {"x"}}),
		sc.form(page+"/decision", url.Values{"outcome": {"rejected"}, "reply": {"x"}}),
		sc.get(fmt.Sprintf("/api/v1/contests/%d/objections", w.contest.ID)), sc.get(base),
		sc.api(http.MethodPost, base+"/assign", map[string]any{"assignee": stranger.ID}),
		sc.api(http.MethodPost, base+"/notes", map[string]any{"body": "x"}),
		sc.api(http.MethodPost, base+"/decision", map[string]any{"outcome": "rejected", "reply": "x"}),
	} {
		if r.status != http.StatusNotFound {
			t.Errorf("another contest's organizer: %d %.200s", r.status, r.body)
		}
	}

	var d struct {
		IDNumber string `json:"id_number"`
		State    string `json:"state"`
		Files    []struct {
			ID      int64  `json:"id"`
			Purpose string `json:"purpose"`
		} `json:"files"`
		Notes []struct{ Body string } `json:"notes"`
	}
	org.get(base).json(t, &d)
	if d.IDNumber != "91440300708461136T" || len(d.Files) != 2 || d.Files[1].Purpose != "stamped_letter" {
		t.Fatalf("detail: %+v", d)
	}
	file := org.get(fmt.Sprintf("%s/files/%d", page, d.Files[0].ID))
	if file.status != 200 || !strings.HasPrefix(file.body, "%PDF-") || !strings.Contains(file.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("evidence download: %d %v", file.status, file.header)
	}
	if res := org.api(http.MethodPost, base+"/assign", map[string]any{"assignee": stranger.ID}); res.status != 422 {
		t.Errorf("assigned to a stranger: %d", res.status)
	}
	if res := org.api(http.MethodPost, base+"/assign", map[string]any{"assignee": w.org.ID}); res.status != 200 {
		t.Errorf("assign: %d %s", res.status, res.body)
	}
	if res := org.api(http.MethodPost, base+"/notes", map[string]any{"body": "核实参赛资格",
		"files": []map[string]string{{"name": "核查.pdf", "content": b64(testPDF())}}}); res.status != 201 {
		t.Errorf("note: %d %s", res.status, res.body)
	}
	// The organizer's page shows the ID number in full; the public page does not.
	detail := org.get(page)
	if detail.status != 200 || !strings.Contains(detail.body, "91440300708461136T") || !strings.Contains(detail.body, "核实参赛资格") {
		t.Errorf("detail page: %d %.3000s", detail.status, detail.body)
	}
	if p := public.get("/objections/" + filed.Display); strings.Contains(p.body, "91440300708461136T") {
		t.Error("the public page shows the USCC given as ID")
	}
	if res := org.form(page+"/decision", url.Values{"outcome": {"upheld"}, "reply": {"资格不符，取消其获奖。"}}); res.status != 422 ||
		!strings.Contains(res.body, "异议成立时请选择处理方式") {
		t.Errorf("upheld without remedy: %d %.2000s", res.status, res.body)
	}
	res = org.form(page+"/decision", url.Values{"outcome": {"upheld"}, "remedy": {"disqualify"}, "reply": {"资格不符，取消其获奖。"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("uphold: %d %.2000s", res.status, res.body)
	}
	var round string
	if err := h.store.DB.Get(&round, `SELECT state FROM rounds WHERE contest_id = $1 AND key = 'prelim'`, w.contest.ID); err != nil || round != "closed" {
		t.Errorf("after upholding the round is %s (%v)", round, err)
	}
	public.get("/api/v1/public/objections/"+filed.Reference).json(t, &st)
	if st["state"] != "upheld" || st["reply"] != "资格不符，取消其获奖。" || st["remedy"] != "disqualify" {
		t.Errorf("public state after the decision: %v", st)
	}
	var log string
	if err := h.store.DB.Get(&log, `SELECT string_agg(action || ' ' || subject || ' ' || payload::text, E'\n') FROM audit_log WHERE contest_id = $1`, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"objection.filed", "objection.assigned", "objection.note_added", "objection.decided", "results.revised"} {
		if !strings.Contains(log, a) {
			t.Errorf("no %s record", a)
		}
	}
	for _, secret := range []string{"91440300708461136T", "李四", "0755-86013388", "legal@example.com"} {
		if strings.Contains(log, secret) {
			t.Errorf("the audit log holds %q", secret)
		}
	}
}

// The per-IP limit holds filings from one address, refused ones included.
func TestObjectionRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *web.Config) { c.ObjectionPerIP = redis_rate.Limit{Rate: 2, Burst: 2, Period: time.Hour} })
	w := newPublishedWorld(t, h)
	cl := h.client()
	post := fmt.Sprintf("/results/%d/objections", w.contest.ID)
	for i := range 3 {
		res := cl.multipartForm(post, url.Values{"grounds": {"该项目评分有误，请核查。"}}, nil)
		if want := map[bool]int{true: 422, false: 429}[i < 2]; res.status != want {
			t.Errorf("attempt %d: %d, want %d", i+1, res.status, want)
		}
		// Over the limit the form comes back, with what was typed and when to try again.
		if i == 2 && (!strings.Contains(res.body, "请一小时后再提交") || !strings.Contains(res.body, "该项目评分有误，请核查。")) {
			t.Errorf("the form over the limit: %.2000s", res.body)
		}
	}
	if res := h.client().api(http.MethodPost, fmt.Sprintf("/api/v1/public/results/%d/objections", w.contest.ID), map[string]any{}); res.status != http.StatusTooManyRequests {
		t.Errorf("the API over the limit: %d", res.status)
	}
}
