package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"podium/contest/onward"
	"podium/fault"
	"podium/files/table"
	"podium/web/upload"
)

// Nominations to the provincial and national contests (contest/onward): a
// contest's page (suggestions, choice, target, status and result, due
// diligence with its files, submission, the package), the report across the
// organizer's contests with its export, and the JSON API. Only organizers of
// the contest reach the contest's routes (ContestOrganizer).

func nominationID(c *gin.Context) (int64, error) {
	return pathID(c, "nomination", onward.MsgNotFound)
}

// pageLevel is the level a page or form is about: province unless it says nation.
func pageLevel(c *gin.Context) onward.Level {
	l := c.Query("level")
	if v := c.PostForm("level"); v != "" {
		l = v
	}
	if onward.Level(l) == onward.Nation {
		return onward.Nation
	}
	return onward.Province
}

func (s *Server) nominationsPath(c *gin.Context, level onward.Level) string {
	return "/organizer/contests/" + strconv.FormatInt(contestID(c), 10) + "/nominations?level=" + string(level)
}

type nominationsPage struct {
	ContestID   int64
	ContestName string
	Level       onward.Level
	Levels      []onward.Level
	Published   bool // the contest has published results to nominate from
	Suggestions onward.Suggestions
	Nominations []onward.Nomination
	Coverage    onward.Coverage
	Drafts      int
	Year        int
	Errors      map[string]string // by form field; "" the message
	Form        string            // the form the errors are about: quota, nominate, submit, target-ID, decide-ID, check-ID, remove-ID
	V           map[string]string
	Done        string
	Today       string
	LackingText string // the tracks lacking checks, in the reader's language
}

func (s *Server) nominationsData(c *gin.Context, form string, errs map[string]string) (nominationsPage, error) {
	ctx := c.Request.Context()
	ct, err := s.contests.Contest(ctx, contestID(c))
	if err != nil {
		return nominationsPage{}, err
	}
	level := pageLevel(c)
	now := s.cfg.DB.Now().In(s.shanghai)
	p := nominationsPage{ContestID: ct.ID, ContestName: s.localizer(c).Name(ct.NameZh, ct.NameEn), Level: level, Levels: onward.Levels,
		Errors: errs, Form: form, V: map[string]string{}, Done: c.Query("done"), Year: now.Year(), Today: now.Format("2006-01-02")}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	for _, k := range []string{"quota", "year", "checkers", "checked_on", "findings", "outcome", "result", "status", "track", "group"} {
		p.V[k] = c.PostForm(k)
	}
	sg, err := s.onward.Suggest(ctx, ct.ID, level)
	switch {
	case err == nil:
		p.Published, p.Suggestions = true, sg
	case fault.ErrorCode(err) == fault.CodeConflict:
	default:
		return p, err
	}
	if p.Nominations, err = s.onward.Nominations(ctx, ct.ID, level); err != nil {
		return p, err
	}
	p.Coverage = onward.CoverageOf(level, p.Nominations)
	l := s.localizer(c)
	var lacking []string
	for _, t := range p.Coverage.Lacking() {
		lacking = append(lacking, l.Name(t.Zh, t.En))
	}
	p.LackingText = strings.Join(lacking, l.T("list.sep"))
	for _, n := range p.Nominations {
		if n.Status == onward.StatusDraft {
			p.Drafts++
		}
	}
	return p, nil
}

func (s *Server) nominationsPageGet(c *gin.Context) {
	p, err := s.nominationsData(c, "", nil)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "nominations.html", "nomination.title", p)
}

// nominationStep answers a form of the page: back to it on success, or the
// page again with the form's problems.
func (s *Server) nominationStep(c *gin.Context, form, anchor string, err error) {
	if err == nil {
		c.Redirect(http.StatusSeeOther, s.nominationsPath(c, pageLevel(c))+"&done="+strings.SplitN(form, "-", 2)[0]+"#"+anchor)
		return
	}
	status, fields, ok := s.formProblems(c, err)
	if !ok {
		return
	}
	p, derr := s.nominationsData(c, form, fields)
	if derr != nil {
		s.fail(c, derr)
		return
	}
	s.render(c, status, "nominations.html", "nomination.title", p)
}

func (s *Server) nominationQuotaSubmit(c *gin.Context) {
	level, err := onward.ParseLevel(c.PostForm("level"))
	if err != nil {
		s.nominationStep(c, "quota", "suggestions", err)
		return
	}
	n, perr := strconv.Atoi(strings.TrimSpace(c.PostForm("quota")))
	if perr != nil {
		s.nominationStep(c, "quota", "suggestions", fault.Invalid("quota", onward.MsgQuota))
		return
	}
	s.nominationStep(c, "quota", "suggestions", s.onward.SetQuota(c.Request.Context(), accountID(c), contestID(c), level, n))
}

func (s *Server) nominateSubmit(c *gin.Context) {
	level, err := onward.ParseLevel(c.PostForm("level"))
	if err != nil {
		s.nominationStep(c, "nominate", "suggestions", err)
		return
	}
	year, perr := strconv.Atoi(strings.TrimSpace(c.PostForm("year")))
	if perr != nil {
		year = 0 // refused by the domain, with the other problems
	}
	var ids []int64
	for _, v := range c.PostFormArray("entry") {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.nominationStep(c, "nominate", "suggestions", fault.Invalid("entries", onward.MsgNotRanked))
			return
		}
		ids = append(ids, id)
	}
	_, err = s.onward.Nominate(c.Request.Context(), accountID(c), contestID(c), level, year, ids)
	s.nominationStep(c, "nominate", "nominations", err)
}

func (s *Server) nominationsSubmitSubmit(c *gin.Context) {
	level, err := onward.ParseLevel(c.PostForm("level"))
	if err == nil {
		_, err = s.onward.Submit(c.Request.Context(), accountID(c), contestID(c), level)
	}
	s.nominationStep(c, "submit", "coverage", err)
}

func (s *Server) nominationTargetSubmit(c *gin.Context) {
	id, err := nominationID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	year, _ := strconv.Atoi(strings.TrimSpace(c.PostForm("year")))
	err = s.onward.SetTarget(c.Request.Context(), accountID(c), contestID(c), id, onward.Target{Year: year, Track: c.PostForm("track"), Group: c.PostForm("group")})
	s.nominationStep(c, "target-"+strconv.FormatInt(id, 10), "n-"+strconv.FormatInt(id, 10), err)
}

func (s *Server) nominationRemoveSubmit(c *gin.Context) {
	id, err := nominationID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.nominationStep(c, "remove-"+strconv.FormatInt(id, 10), "nominations", s.onward.Remove(c.Request.Context(), accountID(c), contestID(c), id))
}

func (s *Server) nominationDecideSubmit(c *gin.Context) {
	id, err := nominationID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	err = s.onward.Decide(c.Request.Context(), accountID(c), contestID(c), id, onward.NominationStatus(c.PostForm("status")), c.PostForm("result"))
	s.nominationStep(c, "decide-"+strconv.FormatInt(id, 10), "n-"+strconv.FormatInt(id, 10), err)
}

func (s *Server) nominationCheckSubmit(c *gin.Context) {
	id, err := nominationID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	form := "check-" + strconv.FormatInt(id, 10)
	var files []onward.Upload
	if mf, err := c.MultipartForm(); err == nil {
		for _, fh := range mf.File["files"] {
			if fh.Filename == "" {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				s.fail(c, err)
				return
			}
			defer f.Close()
			files = append(files, onward.Upload{Name: cleanFileName(fh.Filename), File: f, Size: fh.Size})
		}
	} else if !errors.Is(err, http.ErrNotMultipart) {
		s.nominationStep(c, form, "n-"+strconv.FormatInt(id, 10), fault.Invalid("files", "err.nomination.form"))
		return
	}
	_, err = s.onward.RecordCheck(c.Request.Context(), accountID(c), contestID(c), id, onward.CheckInput{
		Checkers: c.PostForm("checkers"), CheckedOn: c.PostForm("checked_on"), Findings: c.PostForm("findings"),
		Outcome: onward.CheckOutcome(c.PostForm("outcome")), Files: files})
	s.nominationStep(c, form, "n-"+strconv.FormatInt(id, 10), err)
}

// nominationFile serves a due-diligence file to the contest's organizers, as a download.
func (s *Server) nominationFile(c *gin.Context) {
	id, err := nominationID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	fileID, err := pathID(c, "file", "err.nomination.file_not_found")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.onward.CheckFileOf(c.Request.Context(), contestID(c), id, fileID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := upload.ServeBlob(c.Writer, c.Request, s.cfg.Blobs, f.Key, f.ContentType, f.Name, false); err != nil {
		s.fail(c, err)
	}
}

func (s *Server) exportLang(c *gin.Context) onward.Lang {
	if c.GetString(keyLang) == "en" {
		return onward.English
	}
	return onward.Chinese
}

// nominationPackage streams a level's nomination package as a ZIP
// (?level=province|nation): checked first, so that a level without nominees
// is an error page; then the ZIP goes out as it is written.
func (s *Server) nominationPackage(c *gin.Context) {
	level, err := onward.ParseLevel(c.DefaultQuery("level", string(onward.Province)))
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.onward.PreparePackage(c.Request.Context(), contestID(c), level, s.exportLang(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", upload.ContentDisposition("attachment", p.Name+".zip"))
	c.Header("Content-Type", "application/zip")
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	if err := s.onward.WritePackage(c.Request.Context(), c.Writer, p); err != nil {
		s.log.ErrorContext(c.Request.Context(), "nomination package failed after it started", "contest", contestID(c), "err", err)
	}
}

type faredPage struct {
	Fared onward.Fared
}

// faredPageGet is the report across the organizer's contests: how their
// entries fared at the higher contests.
func (s *Server) faredPageGet(c *gin.Context) {
	f, err := s.onward.Fared(c.Request.Context(), accountID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "nominations_fared.html", "fared.title", faredPage{Fared: f})
}

// faredExport streams the report as XLSX (the default) or CSV.
func (s *Server) faredExport(c *gin.Context) {
	format, err := table.ParseFormat(c.DefaultQuery("format", string(table.XLSX)))
	if err != nil {
		s.fail(c, fault.Invalid("format", "err.export.format"))
		return
	}
	e, err := s.onward.FaredExport(c.Request.Context(), accountID(c), s.exportLang(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", upload.ContentDisposition("attachment", e.Name+format.Extension()))
	c.Header("Content-Type", format.ContentType())
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	if err := e.WriteTo(c.Request.Context(), c.Writer, format); err != nil {
		s.log.ErrorContext(c.Request.Context(), "nominations report failed after it started", "err", err)
	}
}

// JSON API: a contest's nominations with the coverage of each level, and
// the report across the caller's contests.

func (s *Server) apiNominations(c *gin.Context) {
	ctx := c.Request.Context()
	list, err := s.onward.Nominations(ctx, contestID(c), "")
	if err != nil {
		s.fail(c, err)
		return
	}
	cov := map[onward.Level]onward.Coverage{}
	for _, l := range onward.Levels {
		cov[l] = onward.CoverageOf(l, list)
	}
	s.reply(c, http.StatusOK, gin.H{"nominations": list, "coverage": cov}, nil)
}

func (s *Server) apiFared(c *gin.Context) {
	f, err := s.onward.Fared(c.Request.Context(), accountID(c))
	s.reply(c, http.StatusOK, f, err)
}
