package web

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"podium/contest/objections"
	"podium/fault"
	"podium/web/upload"
)

// The organizers' side of objections: the list, the detail with its forms
// (assign, note with files, decide), evidence downloads, and the JSON API.
// Only organizers of the contest reach these routes (ContestOrganizer); the
// room scopes every query to the contest as well.

func objectionID(c *gin.Context) (int64, error) {
	return pathID(c, "objection", "err.objection.not_found")
}

func (s *Server) objectionsPath(c *gin.Context, rest string) string {
	p := "/organizer/contests/" + strconv.FormatInt(contestID(c), 10) + "/objections"
	if rest != "" {
		p += "/" + rest
	}
	return p
}

type objectionListPage struct {
	ContestID   int64
	ContestName string
	State       objections.State
	States      []objections.State
	List        []objections.Summary
}

func (s *Server) objectionListPage(c *gin.Context) {
	ctx := c.Request.Context()
	ct, err := s.contests.Contest(ctx, contestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	state := objections.State(c.Query("state"))
	list, err := s.objections.List(ctx, ct.ID, state)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "objection_list.html", "objection.list.title", objectionListPage{ContestID: ct.ID,
		ContestName: s.localizer(c).Name(ct.NameZh, ct.NameEn), State: state, States: objections.States, List: list})
}

type objectionDetailPage struct {
	ContestID   int64
	ContestName string
	O           objections.Detail
	Organizers  []objections.Organizer
	Remedies    []objections.Remedy
	Errors      map[string]string // by form field; "" the message
	Form        string            // the form the errors are about: assign, note, decide
	V           map[string]string
	Done        string // the step just taken
}

func (s *Server) objectionDetail(c *gin.Context, form string, errs map[string]string) (objectionDetailPage, error) {
	ctx := c.Request.Context()
	id, err := objectionID(c)
	if err != nil {
		return objectionDetailPage{}, err
	}
	ct, err := s.contests.Contest(ctx, contestID(c))
	if err != nil {
		return objectionDetailPage{}, err
	}
	d, err := s.objections.Get(ctx, ct.ID, id)
	if err != nil {
		return objectionDetailPage{}, err
	}
	orgs, err := s.objections.Organizers(ctx, ct.ID)
	if err != nil {
		return objectionDetailPage{}, err
	}
	p := objectionDetailPage{ContestID: ct.ID, ContestName: s.localizer(c).Name(ct.NameZh, ct.NameEn), O: d, Organizers: orgs,
		Remedies: objections.Remedies, Errors: errs, Form: form, V: map[string]string{}, Done: c.Query("done")}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	for _, k := range []string{"body", "outcome", "remedy", "reply"} {
		p.V[k] = c.PostForm(k)
	}
	return p, nil
}

func (s *Server) objectionDetailPage(c *gin.Context) {
	p, err := s.objectionDetail(c, "", nil)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "objection_detail.html", "objection.detail.title", p)
}

// objectionStep answers a form on the detail page: back to it on success, or
// the page again with the form's problems.
func (s *Server) objectionStep(c *gin.Context, form string, err error) {
	if err == nil {
		id, _ := objectionID(c)
		c.Redirect(http.StatusSeeOther, s.objectionsPath(c, strconv.FormatInt(id, 10))+"?done="+form+"#"+form)
		return
	}
	status, fields, ok := s.formProblems(c, err)
	if !ok {
		return
	}
	p, derr := s.objectionDetail(c, form, fields)
	if derr != nil {
		s.fail(c, derr)
		return
	}
	s.render(c, status, "objection_detail.html", "objection.detail.title", p)
}

func (s *Server) objectionAssignSubmit(c *gin.Context) {
	id, err := objectionID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	assignee, perr := strconv.ParseInt(c.PostForm("assignee"), 10, 64)
	if perr != nil {
		s.objectionStep(c, "assign", fault.Invalid("assignee", "err.objection.assignee"))
		return
	}
	s.objectionStep(c, "assign", s.objections.Assign(c.Request.Context(), accountID(c), contestID(c), id, assignee))
}

func (s *Server) objectionNoteSubmit(c *gin.Context) {
	id, err := objectionID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var files []objections.Upload
	if form, err := c.MultipartForm(); err == nil {
		for _, fh := range form.File["files"] {
			if fh.Filename == "" {
				continue
			}
			u, err := openPart(fh)
			if err != nil {
				s.fail(c, err)
				return
			}
			defer u.File.(multipart.File).Close()
			files = append(files, u)
		}
	} else if !errors.Is(err, http.ErrNotMultipart) {
		s.fail(c, fault.Invalid("body", "err.objection.form"))
		return
	}
	s.objectionStep(c, "note", s.objections.AddNote(c.Request.Context(), accountID(c), contestID(c), id, c.PostForm("body"), files))
}

func (s *Server) objectionDecideSubmit(c *gin.Context) {
	id, err := objectionID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := objections.Decision{Outcome: objections.Outcome(c.PostForm("outcome")), Reply: c.PostForm("reply"), Remedy: objections.Remedy(c.PostForm("remedy"))}
	if d.Outcome == objections.Rejected {
		d.Remedy = "" // the remedy list stays on the form whatever is chosen
	}
	s.objectionStep(c, "decide", s.objections.Decide(c.Request.Context(), accountID(c), contestID(c), id, d))
}

// objectionFile serves an objection's file to the contest's organizers, as a download.
func (s *Server) objectionFile(c *gin.Context) {
	id, err := objectionID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	fileID, err := pathID(c, "file", "err.objection.file_not_found")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := s.objections.FileOf(c.Request.Context(), contestID(c), id, fileID)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Evidence comes from the public: never rendered inline on Podium's origin.
	if err := upload.ServeBlob(c.Writer, c.Request, s.cfg.Blobs, f.Key, f.ContentType, f.Name, false); err != nil {
		s.fail(c, err)
	}
}

// JSON API.

func (s *Server) apiObjections(c *gin.Context) {
	list, err := s.objections.List(c.Request.Context(), contestID(c), objections.State(c.Query("state")))
	s.reply(c, http.StatusOK, gin.H{"objections": list}, err)
}

func (s *Server) apiObjection(c *gin.Context) {
	id, err := objectionID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.objections.Get(c.Request.Context(), contestID(c), id)
	s.reply(c, http.StatusOK, d, err)
}

func (s *Server) apiAssignObjection(c *gin.Context) {
	id, err := objectionID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		Assignee int64 `json:"assignee"`
	}
	if err := s.bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.objections.Assign(c.Request.Context(), accountID(c), contestID(c), id, in.Assignee); err != nil {
		s.fail(c, err)
		return
	}
	s.apiObjection(c)
}

func (s *Server) apiObjectionNote(c *gin.Context) {
	id, err := objectionID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		Body  string    `json:"body"`
		Files []apiFile `json:"files"`
	}
	if err := s.bindJSONUpTo(c, &in, maxObjectionBody); err != nil {
		s.fail(c, err)
		return
	}
	var files []objections.Upload
	for _, f := range in.Files {
		u, err := f.upload("files")
		if err != nil {
			s.fail(c, err)
			return
		}
		files = append(files, u)
	}
	if err := s.objections.AddNote(c.Request.Context(), accountID(c), contestID(c), id, in.Body, files); err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.objections.Get(c.Request.Context(), contestID(c), id)
	s.reply(c, http.StatusCreated, d, err)
}

func (s *Server) apiDecideObjection(c *gin.Context) {
	id, err := objectionID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var d objections.Decision
	if err := s.bindJSON(c, &d); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.objections.Decide(c.Request.Context(), accountID(c), contestID(c), id, d); err != nil {
		s.fail(c, err)
		return
	}
	s.apiObjection(c)
}
