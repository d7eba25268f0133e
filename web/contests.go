package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/onward"
	"podium/contest/overview"
	"podium/fault"
	"podium/scoring"
)

// API.

func (s *Server) apiListContests(c *gin.Context) {
	sess, _ := session(c)
	list, err := s.contests.ContestsOrganizedBy(c.Request.Context(), sess.Account.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"contests": list})
}

func (s *Server) apiCreateContest(c *gin.Context) {
	sess, _ := session(c)
	var setup contest.Setup
	if err := s.bindJSON(c, &setup); err != nil {
		s.fail(c, err)
		return
	}
	created, err := s.contests.CreateContest(c.Request.Context(), sess.Account.ID, setup)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/contests/%d", created.ID))
	c.JSON(http.StatusCreated, created)
}

func (s *Server) apiGetContest(c *gin.Context) {
	got, err := s.contests.Contest(c.Request.Context(), contestID(c))
	s.reply(c, http.StatusOK, got, err)
}

func (s *Server) apiUpdateContest(c *gin.Context) {
	var setup contest.Setup
	if err := s.bindJSON(c, &setup); err != nil {
		s.fail(c, err)
		return
	}
	updated, err := s.contests.UpdateContest(c.Request.Context(), accountID(c), contestID(c), setup)
	s.reply(c, http.StatusOK, updated, err)
}

type inviteResponse struct {
	access.Invite
	URL string `json:"url"`
}

func (s *Server) apiCreateInvite(c *gin.Context) {
	var req access.NewJudge
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.createInvite(c, req)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, inv)
}

func (s *Server) createInvite(c *gin.Context, j access.NewJudge) (inviteResponse, error) {
	sess, _ := session(c)
	inv, err := s.accounts.CreateInvite(c.Request.Context(), sess.Account.ID, contestID(c), j)
	if err != nil {
		return inviteResponse{}, err
	}
	return inviteResponse{Invite: inv, URL: s.inviteURL(c, inv)}, nil
}

// inviteURL is the link a judge opens on their tablet.
func (s *Server) inviteURL(c *gin.Context, inv access.Invite) string {
	return s.baseURL(c) + "/invite/" + url.PathEscape(inv.Token)
}

// baseURL is the configured public address, or the one this request came in on.
func (s *Server) baseURL(c *gin.Context) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimSuffix(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// Pages.

func (s *Server) organizerHome(c *gin.Context) {
	sess, _ := session(c)
	list, err := s.contests.ContestsOrganizedBy(c.Request.Context(), sess.Account.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	gaps, err := s.judging.UndecidedGaps(c.Request.Context(), sess.Account.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	ids := make([]int64, len(list))
	for i, ct := range list {
		ids[i] = ct.ID
	}
	dash, err := s.overview.OfContests(c.Request.Context(), ids)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "organizer.html", "organizer.title", organizerHome{Contests: list, Gaps: gaps, Dash: dash})
}

// organizerHome is the organizer's contests with their dashboards, and the
// rounds whose entries short of reviews or not scored wait for a decision.
type organizerHome struct {
	Contests []contest.ContestSummary
	Gaps     []judging.RoundGaps
	Dash     map[int64]*overview.Contest
}

// EntryStates are the entry states the dashboard counts, in the order it shows them.
func (organizerHome) EntryStates() []string {
	return []string{"submitted", "accepted", "rejected", "withdrawn"}
}

// contestForm is the contest editor's data: the setup as typed, and what is wrong with it.
type contestForm struct {
	ID     int64
	Setup  contest.Setup
	Errors map[string]string // field path → translated message
	Saved  bool
	Rounds []contest.Round // the saved rounds, whose pages the editor links
	// Materials counts the files of each round's ZIP of materials (linked when any).
	Materials onward.MaterialsCount
}

// Err returns the translated problem with a field, for the template.
func (f contestForm) Err(field string) string { return f.Errors[field] }

func (s *Server) contestNewPage(c *gin.Context) {
	s.render(c, http.StatusOK, "contest_edit.html", "contest.new_title", contestForm{Setup: blankSetup()})
}

func (s *Server) contestEditPage(c *gin.Context) {
	got, err := s.contests.Contest(c.Request.Context(), contestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	materials, err := s.onward.CountMaterials(c.Request.Context(), got.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "contest_edit.html", "contest.edit_title",
		contestForm{ID: got.ID, Setup: got.Setup, Saved: c.Query("saved") == "1", Rounds: got.Rounds, Materials: materials})
}

func (s *Server) contestCreateSubmit(c *gin.Context) {
	sess, _ := session(c)
	setup, problems := s.parseSetupForm(c)
	if err := problems.Err(); err != nil {
		s.formError(c, contestForm{Setup: setup}, err, "contest.new_title")
		return
	}
	created, err := s.contests.CreateContest(c.Request.Context(), sess.Account.ID, setup)
	if err != nil {
		s.formError(c, contestForm{Setup: setup}, err, "contest.new_title")
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d?saved=1", created.ID))
}

func (s *Server) contestUpdateSubmit(c *gin.Context) {
	id := contestID(c)
	setup, problems := s.parseSetupForm(c)
	form := contestForm{ID: id, Setup: setup}
	if saved, err := s.contests.Contest(c.Request.Context(), id); err == nil {
		form.Rounds = saved.Rounds // the links go to the rounds as saved, whatever the refused form says
	}
	if err := problems.Err(); err != nil {
		s.formError(c, form, err, "contest.edit_title")
		return
	}
	if _, err := s.contests.UpdateContest(c.Request.Context(), accountID(c), id, setup); err != nil {
		s.formError(c, form, err, "contest.edit_title")
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d?saved=1", id))
}

// formError re-renders the editor with every problem next to its field; nothing was saved.
func (s *Server) formError(c *gin.Context, form contestForm, err error, titleKey string) {
	if status, fields, ok := s.formProblems(c, err); ok {
		form.Errors = fields
		s.render(c, status, "contest_edit.html", titleKey, form)
	}
}

// blankSetup is what a new contest starts from: the usual tracks, groups and a
// three-round format with a common rubric, all editable.
func blankSetup() contest.Setup {
	rubric := []contest.Criterion{
		{Key: "tech", NameZh: "技术与产品", NameEn: "Technology and product", Max: 3000, Weight: 3000, Step: 50},
		{Key: "market", NameZh: "市场与商业模式", NameEn: "Market and business model", Max: 2500, Weight: 2500, Step: 50},
		{Key: "team", NameZh: "团队", NameEn: "Team", Max: 2000, Weight: 2000, Step: 50},
		{Key: "finance", NameZh: "财务与融资", NameEn: "Finance and funding", Max: 1500, Weight: 1500, Step: 50},
		{Key: "impact", NameZh: "社会效益", NameEn: "Social impact", Max: 1000, Weight: 1000, Step: 50},
	}
	return contest.Setup{
		Tracks: []contest.Category{
			{Key: "manufacturing", NameZh: "智能制造", NameEn: "Smart manufacturing"},
			{Key: "materials", NameZh: "新材料", NameEn: "New materials"},
			{Key: "biomed", NameZh: "生物医药", NameEn: "Biomedicine"},
		},
		Groups: []contest.Category{
			{Key: "enterprise", NameZh: "企业组", NameEn: "Enterprise"},
			{Key: "team", NameZh: "团队组", NameEn: "Team"},
		},
		Rounds: []contest.Round{
			{Key: "prelim", NameZh: "初赛", NameEn: "Preliminary", Kind: contest.KindOnline, Method: "trimmed", TrimMin: 5, ReviewsPerEntry: 5, Criteria: rubric},
		},
		// As a contest set up through the API: the business plan is required
		// (its box ticked), unless the organizer clears it.
		Entry: contest.EntrySettings{RequiredUploads: []entry.UploadKind{entry.UploadBusinessPlan}},
	}
}

// parseSetupForm reads the contest editor's form. Field names mirror the JSON
// paths ("rounds.0.criteria.1.max"); rows whose fields are all empty are ignored,
// so the blank row the editor offers for adding does not count.
func (s *Server) parseSetupForm(c *gin.Context) (contest.Setup, fault.Problems) {
	f := formReader{c: c, loc: s.shanghai, problems: fault.Problems{}}
	setup := contest.Setup{
		Slug:                f.str("slug"),
		NameZh:              f.str("name_zh"),
		NameEn:              f.str("name_en"),
		Description:         f.str("description"),
		RegistrationOpensAt: f.time("registration_opens_at"),
		SubmissionDeadline:  f.time("submission_deadline"),
		Tracks:              f.categories("tracks"),
		Groups:              f.categories("groups"),
		Entry: contest.EntrySettings{
			// Checkboxes: none ticked is an explicit "nothing required", not the default.
			RequiredFields:  append([]string{}, c.PostFormArray("entry.required_fields")...),
			RequiredUploads: uploadKinds(c.PostFormArray("entry.required_uploads")),
			DocumentLimitMB: f.int("entry.document_limit_mb"),
			VideoLimitMB:    f.int("entry.video_limit_mb"),
		},
	}
	for i := 0; f.has(fmt.Sprintf("rounds.%d.", i)); i++ {
		at := fmt.Sprintf("rounds.%d.", i)
		if f.blank(at) {
			continue
		}
		r := contest.Round{
			Key: f.str(at + "key"), NameZh: f.str(at + "name_zh"), NameEn: f.str(at + "name_en"),
			Kind: contest.RoundKind(f.str(at + "kind")), Method: scoring.Method(f.str(at + "method")),
			TrimMin: f.int(at + "trim_min"), ReviewsPerEntry: f.int(at + "reviews_per_entry"),
			AdvanceCount: f.optInt(at + "advance_count"), AdvancePercent: f.optInt(at + "advance_percent"),
			FinalWeight: f.int(at + "final_weight"), TieBreak: f.list(at + "tie_break"),
			OpensAt: f.time(at + "opens_at"), ClosesAt: f.time(at + "closes_at"),
			PitchSeconds: f.minutes(at+"pitch_minutes", at+"pitch_seconds"), QASeconds: f.minutes(at+"qa_minutes", at+"qa_seconds"),
			NamesPublic: f.str(at+"names_public") == "true",
		}
		for j := 0; f.has(fmt.Sprintf("%squotas.%d.", at, j)); j++ {
			qat := fmt.Sprintf("%squotas.%d.", at, j)
			if f.blank(qat) {
				continue
			}
			r.Quotas = append(r.Quotas, contest.Quota{Track: f.str(qat + "track"), Group: f.str(qat + "group"), Count: f.int(qat + "count")})
		}
		for j := 0; f.has(fmt.Sprintf("%scriteria.%d.", at, j)); j++ {
			cat := fmt.Sprintf("%scriteria.%d.", at, j)
			if f.blank(cat) {
				continue
			}
			r.Criteria = append(r.Criteria, contest.Criterion{
				Key: f.str(cat + "key"), NameZh: f.str(cat + "name_zh"), NameEn: f.str(cat + "name_en"),
				DescriptionZh: f.str(cat + "description_zh"), DescriptionEn: f.str(cat + "description_en"),
				Max: f.points(cat + "max"), Weight: f.points(cat + "weight"), Step: f.points(cat + "step"),
			})
		}
		setup.Rounds = append(setup.Rounds, r)
	}
	for i := 0; f.has(fmt.Sprintf("awards.%d.", i)); i++ {
		at := fmt.Sprintf("awards.%d.", i)
		if f.blank(at) {
			continue
		}
		setup.Awards = append(setup.Awards, contest.AwardQuota{
			Group: f.str(at + "group"), Track: f.str(at + "track"), Level: f.str(at + "level"), Count: f.int(at + "count"),
		})
	}
	return setup, f.problems
}

// formReader reads typed values from a posted form, recording unreadable ones.
type formReader struct {
	c        *gin.Context
	loc      *time.Location
	problems fault.Problems
}

// fieldPath turns a form name ("rounds.0.key") into the JSON field path
// ("rounds[0].key") used by validation, so that both report problems under one name.
func fieldPath(name string) string {
	parts := strings.Split(name, ".")
	var b strings.Builder
	for i, p := range parts {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

func (f formReader) str(name string) string { return strings.TrimSpace(f.c.PostForm(name)) }

func (f formReader) has(prefix string) bool {
	for k := range f.c.Request.PostForm {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// blank reports whether every field under prefix is empty, ignoring the values
// that selects and defaults give a blank row.
func (f formReader) blank(prefix string) bool {
	for k, vs := range f.c.Request.PostForm {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		switch strings.TrimPrefix(k, prefix) {
		case "kind", "method", "trim_min", "step", "final_weight", "reviews_per_entry", "level", "pitch_minutes", "qa_minutes":
			continue // selects and defaults always carry a value
		}
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				return false
			}
		}
	}
	return true
}

// minutes reads a duration typed in minutes ("8", "7.5", "0.33") as whole
// seconds; unreadable, its problem is reported under field (the seconds' path).
func (f formReader) minutes(name, field string) int {
	v := f.str(name)
	if v == "" {
		return 0
	}
	m, err := strconv.ParseFloat(v, 64)
	if err != nil || m <= 0 || m > 120 || math.IsNaN(m) {
		f.problems.Add(fieldPath(field), "err.round.stage_seconds")
		return 0
	}
	return int(math.Round(m * 60))
}

// minutesText shows seconds as minutes for the editor: whole minutes plain,
// others to two places (which read back to the same seconds).
func minutesText(seconds int) string {
	if seconds == 0 {
		return ""
	}
	if seconds%60 == 0 {
		return strconv.Itoa(seconds / 60)
	}
	return strings.TrimRight(strconv.FormatFloat(float64(seconds)/60, 'f', 2, 64), "0")
}

func (f formReader) int(name string) int {
	v := f.str(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.problems.Add(fieldPath(name), "err.integer")
	}
	return n
}

func (f formReader) optInt(name string) *int {
	if f.str(name) == "" {
		return nil
	}
	n := f.int(name)
	return &n
}

func (f formReader) points(name string) scoring.Points {
	v := f.str(name)
	if v == "" {
		return 0
	}
	p, err := scoring.ParsePoints(v)
	if err != nil {
		f.problems.Add(fieldPath(name), "err.points")
	}
	return p
}

// time reads a datetime-local value, which organizers type in Asia/Shanghai time.
func (f formReader) time(name string) *time.Time {
	v := f.str(name)
	if v == "" {
		return nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", v, f.loc)
	if err != nil {
		f.problems.Add(fieldPath(name), "err.datetime")
		return nil
	}
	t = t.UTC()
	return &t
}

func (f formReader) list(name string) []string {
	var out []string
	for _, part := range strings.Split(f.str(name), ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (f formReader) categories(name string) []contest.Category {
	var out []contest.Category
	for i := 0; f.has(fmt.Sprintf("%s.%d.", name, i)); i++ {
		at := fmt.Sprintf("%s.%d.", name, i)
		if f.blank(at) {
			continue
		}
		out = append(out, contest.Category{Key: f.str(at + "key"), NameZh: f.str(at + "name_zh"), NameEn: f.str(at + "name_en")})
	}
	return out
}

// Judges (invites) page.

type judgesPage struct {
	Contest contest.Contest
	Judges  []access.Judge
	Invite  *inviteResponse
	Errors  map[string]string
	Form    access.NewJudge
	// Organization is the new judge's organization, as typed: the pool needs it.
	Organization string
}

func (s *Server) judgesPage(c *gin.Context) {
	s.renderJudges(c, http.StatusOK, judgesPage{})
}

func (s *Server) renderJudges(c *gin.Context, status int, page judgesPage) {
	ctx := c.Request.Context()
	var err error
	if page.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	if page.Judges, err = s.accounts.ContestJudges(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "judges.html", "judges.title", page)
}

// inviteCreateSubmit invites a judge from the judges page: someone of the
// expert pool, or someone new, who joins the pool (experts and judges are
// one list; the pool's page edits their fields and capacity).
func (s *Server) inviteCreateSubmit(c *gin.Context) {
	form := access.NewJudge{DisplayName: c.PostForm("display_name"), Email: c.PostForm("email")}
	organization := c.PostForm("organization")
	inv, err := s.judging.InviteJudge(c.Request.Context(), accountID(c), contestID(c), form.DisplayName, organization, form.Email)
	if err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			if m, ok := fields["name"]; ok { // the pool's word for the judge's name
				fields["display_name"] = m
			}
			s.renderJudges(c, status, judgesPage{Errors: fields, Form: form, Organization: organization})
		}
		return
	}
	res := inviteResponse{Invite: inv, URL: s.inviteURL(c, inv)}
	s.renderJudges(c, http.StatusCreated, judgesPage{Invite: &res})
}

// Role homes.

// uploadKinds is the upload kinds a form names (checkboxes: none ticked is an
// empty list, not nil).
func uploadKinds(names []string) []entry.UploadKind {
	kinds := make([]entry.UploadKind, len(names))
	for i, n := range names {
		kinds[i] = entry.UploadKind(n)
	}
	return kinds
}
