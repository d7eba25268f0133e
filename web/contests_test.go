package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
)

func TestContestSetupAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c := h.loggedIn(org)

	// Points are exact decimals in JSON: 12.5 is 1250 hundredths, never a float.
	body := `{"slug":"api-2026","name_zh":"接口大赛","name_en":"","description":"",
		"registration_opens_at":"2026-12-01T01:00:00Z","submission_deadline":"2027-01-15T16:00:00+08:00",
		"tracks":[{"key":"materials","name_zh":"新材料","name_en":"New materials"}],
		"groups":[{"key":"team","name_zh":"团队组","name_en":""}],
		"rounds":[{"key":"prelim","name_zh":"初赛","name_en":"","kind":"online","method":"median","trim_min":0,
		  "reviews_per_entry":3,"advance_count":5,"advance_percent":null,"final_weight":0,"tie_break":["tech"],
		  "opens_at":null,"closes_at":null,"quotas":[],
		  "criteria":[{"key":"tech","name_zh":"技术","name_en":"","description_zh":"","description_en":"","max":12.5,"weight":60,"step":0.25},
		              {"key":"market","name_zh":"市场","name_en":"","description_zh":"","description_en":"","max":40,"weight":40,"step":0.5}]}],
		"awards":[{"group":"team","level":"first","count":1}]}`
	res := c.do(http.MethodPost, "/api/v1/contests", "application/json", strings.NewReader(body), "X-CSRF-Token", c.csrf)
	if res.status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.status, res.body)
	}
	var created contest.Contest
	res.json(t, &created)
	if res.header.Get("Location") != "/api/v1/contests/"+itoa(created.ID) {
		t.Errorf("Location %q", res.header.Get("Location"))
	}
	cr := created.Rounds[0].Criteria[0]
	if cr.Max != 1250 || cr.Weight != 6000 || cr.Step != 25 || created.Rounds[0].TrimMin != 5 {
		t.Errorf("criterion %+v, trim-min %d", cr, created.Rounds[0].TrimMin)
	}
	if got := created.SubmissionDeadline.UTC().Format("2006-01-02 15:04"); got != "2027-01-15 08:00" {
		t.Errorf("deadline stored as %s UTC, want 2027-01-15 08:00", got)
	}
	if !strings.Contains(res.body, `"max":12.50`) {
		t.Errorf("points not written as exact decimals: %s", res.body)
	}

	// Update: every invalid field gets its own message, in the caller's language.
	created.Rounds[0].Criteria[1].Weight = 3000
	created.Tracks = append(created.Tracks, created.Tracks[0])
	res = c.api(http.MethodPut, "/api/v1/contests/"+itoa(created.ID), created.Setup)
	d := res.errorBody(t)
	if res.status != http.StatusUnprocessableEntity || d.Code != "invalid" ||
		d.Fields["rounds[0].criteria"] != "各评分项权重之和须为 100。" || d.Fields["tracks[1].key"] != "标识重复。" {
		t.Errorf("invalid update: %d %+v", res.status, d)
	}
	res = c.do(http.MethodPut, "/api/v1/contests/"+itoa(created.ID)+"?lang=en", "application/json",
		strings.NewReader(mustJSON(t, created.Setup)), "X-CSRF-Token", c.csrf)
	if d := res.errorBody(t); d.Fields["rounds[0].criteria"] != "The criteria's weights must add up to 100." {
		t.Errorf("English message: %+v", d)
	}
	got := c.get("/api/v1/contests/" + itoa(created.ID))
	var loaded contest.Contest
	got.json(t, &loaded)
	if len(loaded.Tracks) != 1 || loaded.Rounds[0].Criteria[1].Weight != 4000 {
		t.Errorf("a rejected update changed the contest: %+v", loaded)
	}

	// Malformed bodies are clear 422s, never 500s.
	for name, tc := range map[string]struct{ body, field, msg string }{
		"three decimals": {`{"rounds":[{"criteria":[{"max":1.234}]}]}`, "body", "分值须为最多两位小数的数字。"},
		"unknown field":  {`{"slug":"x","colour":"red"}`, "colour", "不认识的字段。"},
		"wrong type":     {`{"slug":12}`, "slug", "数据类型不正确。"},
		"not JSON":       {`{"slug":`, "body", "JSON 格式错误。"},
		"empty":          {``, "body", "请求内容为空。"},
	} {
		// ?lang=zh-CN: the English request above made English this browser's choice.
		res := c.do(http.MethodPost, "/api/v1/contests?lang=zh-CN", "application/json", strings.NewReader(tc.body), "X-CSRF-Token", c.csrf)
		d := res.errorBody(t)
		if res.status != http.StatusUnprocessableEntity || d.Fields[tc.field] != tc.msg {
			t.Errorf("%s: %d %+v", name, res.status, d)
		}
	}
	res = c.do(http.MethodPost, "/api/v1/contests", "text/plain", strings.NewReader(body), "X-CSRF-Token", c.csrf)
	if d := res.errorBody(t); res.status != http.StatusUnprocessableEntity || d.Fields["body"] == "" {
		t.Errorf("wrong content type: %d %+v", res.status, d)
	}

	res = c.get("/api/v1/contests")
	if res.status != http.StatusOK || !strings.Contains(res.body, `"slug":"api-2026"`) {
		t.Errorf("list: %d %s", res.status, res.body)
	}
}

func TestContestEditorPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c := h.loggedIn(org)

	if res := c.get("/organizer/contests/new"); res.status != http.StatusOK || !strings.Contains(res.body, "智能制造") {
		t.Fatalf("new contest page: %d", res.status)
	}
	form := url.Values{
		"slug": {"page-2026"}, "name_zh": {"页面大赛"}, "name_en": {"Page contest"},
		"submission_deadline": {"2027-01-15T24:00"}, // not a time
		"tracks.0.key":        {"ai"}, "tracks.0.name_zh": {"人工智能"},
		"tracks.1.key": {""}, "tracks.1.name_zh": {""}, // the blank row the editor offers
		"groups.0.key": {"team"}, "groups.0.name_zh": {"团队组"},
		"rounds.0.key": {"prelim"}, "rounds.0.name_zh": {"初赛"}, "rounds.0.kind": {"online"}, "rounds.0.method": {"trimmed"},
		"rounds.0.trim_min": {"5"}, "rounds.0.reviews_per_entry": {"5"}, "rounds.0.final_weight": {"0"},
		"rounds.0.criteria.0.key": {"tech"}, "rounds.0.criteria.0.name_zh": {"技术"}, "rounds.0.criteria.0.max": {"60"}, "rounds.0.criteria.0.step": {"0.5"},
		"rounds.0.criteria.1.key": {"market"}, "rounds.0.criteria.1.name_zh": {"市场"}, "rounds.0.criteria.1.max": {"40.125"},
		"rounds.1.key": {""}, "rounds.1.name_zh": {""}, "rounds.1.kind": {"online"}, "rounds.1.method": {"trimmed"},
		"rounds.1.trim_min": {"5"}, "rounds.1.reviews_per_entry": {"5"}, "rounds.1.criteria.0.key": {""},
		"rounds.0.quotas.0.track": {"ai"}, "rounds.0.quotas.0.group": {"team"}, "rounds.0.quotas.0.count": {"3"},
		"rounds.0.quotas.1.track": {""}, "rounds.0.quotas.1.group": {""}, "rounds.0.quotas.1.count": {""},
		"awards.0.group": {"team"}, "awards.0.track": {""}, "awards.0.level": {"first"}, "awards.0.count": {"1"},
		"awards.1.group": {""}, "awards.1.track": {""}, "awards.1.level": {"first"}, "awards.1.count": {""},
	}
	res := c.form("/organizer/contests", form)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid form: %d %s", res.status, res.body)
	}
	for _, msg := range []string{"时间格式不正确。", "请填写最多两位小数的数字。", "本次修改未保存"} {
		if !strings.Contains(res.body, msg) {
			t.Errorf("re-rendered form lacks %q", msg)
		}
	}
	if !strings.Contains(res.body, `value="页面大赛"`) {
		t.Error("typed values were lost on the re-rendered form")
	}
	if list, _ := h.store.ContestsOrganizedBy(context.Background(), org.ID); len(list) != 0 {
		t.Fatalf("an invalid form saved a contest: %v", list)
	}

	form.Set("submission_deadline", "2027-01-16T00:00")
	form["entry.required_fields"] = []string{"summary", "market"}
	form["entry.required_uploads"] = []string{"business_plan", "deck"}
	form.Set("entry.document_limit_mb", "30")
	form.Set("entry.video_limit_mb", "300")
	form.Set("rounds.0.criteria.1.max", "40")
	res = c.form("/organizer/contests", form)
	if res.status != http.StatusSeeOther {
		t.Fatalf("valid form: %d %s", res.status, res.body)
	}
	list, err := h.store.ContestsOrganizedBy(context.Background(), org.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("saved contests %v %v", list, err)
	}
	saved, err := h.store.Contest(context.Background(), list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(saved.Tracks) != 1 || len(saved.Rounds) != 1 || saved.Rounds[0].Criteria[0].Max != 6000 ||
		saved.Rounds[0].Criteria[0].Step != 50 || saved.Rounds[0].Criteria[1].Weight != 4000 ||
		len(saved.Rounds[0].Quotas) != 1 || saved.Rounds[0].Quotas[0].Count != 3 ||
		len(saved.Awards) != 1 || saved.Awards[0].Level != "first" || saved.Awards[0].Count != 1 ||
		strings.Join(saved.Entry.RequiredFields, ",") != "summary,market" || fmt.Sprint(saved.Entry.RequiredUploads) != "[business_plan deck]" ||
		saved.Entry.DocumentLimitMB != 30 || saved.Entry.VideoLimitMB != 300 {
		t.Errorf("saved %+v", saved)
	}
	// Typed in Beijing time, stored in UTC.
	if got := saved.SubmissionDeadline.Format("2006-01-02T15:04Z07:00"); got != "2027-01-15T16:00Z" {
		t.Errorf("deadline %s", got)
	}
	if res.header.Get("Location") != "/organizer/contests/"+itoa(saved.ID)+"?saved=1" {
		t.Errorf("redirect %q", res.header.Get("Location"))
	}
	page := c.get(res.header.Get("Location"))
	if page.status != http.StatusOK || !strings.Contains(page.body, "已保存。") || !strings.Contains(page.body, `value="2027-01-16T00:00"`) {
		t.Errorf("editor after save: %d", page.status)
	}
	// The same page in English.
	page = c.get("/organizer/contests/" + itoa(saved.ID) + "?lang=en")
	if !strings.Contains(page.body, "Contest setup") || !strings.Contains(page.body, `lang="en"`) {
		t.Errorf("English editor: %.300s", page.body)
	}

	// Judges page: issue an invite link from the form.
	res = c.form("/organizer/contests/"+itoa(saved.ID)+"/judges", url.Values{"display_name": {"钱评委"}, "organization": {"东北大学"}})
	if res.status != http.StatusCreated || !strings.Contains(res.body, "/invite/") || !strings.Contains(res.body, "钱评委") {
		t.Errorf("invite form: %d %s", res.status, res.body)
	}
	// Experts and judges are one list: the new judge joined the pool.
	var pooled int
	if err := h.store.DB.Get(&pooled, `SELECT count(*) FROM experts WHERE name = '钱评委' AND organization = '东北大学' AND account_id IS NOT NULL`); err != nil || pooled != 1 {
		t.Errorf("the invited judge is not in the expert pool: %d %v", pooled, err)
	}
	// Invited again, the same expert is found, not added twice.
	if res := c.form("/organizer/contests/"+itoa(saved.ID)+"/judges", url.Values{"display_name": {"钱评委"}, "organization": {"东北大学"}}); res.status != http.StatusCreated {
		t.Errorf("inviting again: %d", res.status)
	}
	if err := h.store.DB.Get(&pooled, `SELECT count(*) FROM experts WHERE name = '钱评委'`); err != nil || pooled != 1 {
		t.Errorf("inviting again added the expert twice: %d %v", pooled, err)
	}
	res = c.form("/organizer/contests/"+itoa(saved.ID)+"/judges?lang=en", url.Values{"display_name": {""}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Enter the expert") {
		t.Errorf("invalid invite form: %d", res.status)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
