package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"podium/contest/judging"
	"podium/fault"
)

func expertID(c *gin.Context) (int64, error) { return pathID(c, "expert", "err.expert.not_found") }

// splitList reads a list typed into one field ("材料; AI、能源").
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(",，;；、\n", r) })
}

func expertFromForm(c *gin.Context) judging.ExpertInput {
	capacity, _ := strconv.Atoi(strings.TrimSpace(c.PostForm("capacity")))
	return judging.ExpertInput{
		Name: c.PostForm("name"), Organization: c.PostForm("organization"), USCC: c.PostForm("uscc"), Title: c.PostForm("title"),
		Fields: splitList(c.PostForm("fields")), Keywords: splitList(c.PostForm("keywords")), Region: c.PostForm("region"),
		Phone: c.PostForm("phone"), Email: c.PostForm("email"), Capacity: capacity, Conflicts: splitList(c.PostForm("conflicts")),
	}
}

// expertsPage is the pool, with a form to add (or edit) one expert.
type expertsPage struct {
	Experts []judging.Expert
	Query   string
	Form    judging.ExpertInput
	EditID  int64
	// ReadOnly: the expert opened serves only other organizers' contests, so
	// the record is shown, without phone and email, and cannot be changed.
	ReadOnly bool
	Errors   map[string]string
	Saved    bool
	// Import is the outcome of an import file, ImportError a file that could not be read.
	Import      *importOutcome
	ImportError string
}

func (s *Server) expertsPage(c *gin.Context) {
	s.renderExperts(c, http.StatusOK, expertsPage{Saved: c.Query("saved") == "1"})
}

func (s *Server) renderExperts(c *gin.Context, status int, page expertsPage) {
	var err error
	page.Query = trimmedQuery(c, "q")
	if page.Experts, err = s.judging.Experts(c.Request.Context(), accountID(c), page.Query); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "experts.html", "experts.title", page)
}

func (s *Server) expertEditPage(c *gin.Context) {
	id, err := expertID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	x, err := s.judging.Expert(c.Request.Context(), accountID(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderExperts(c, http.StatusOK, expertsPage{Form: x.ExpertInput, EditID: id, ReadOnly: x.ReadOnly()})
}

func (s *Server) expertSaveSubmit(c *gin.Context) {
	in := expertFromForm(c)
	var err error
	id, _ := expertID(c)
	if id != 0 {
		_, err = s.judging.UpdateExpert(c.Request.Context(), accountID(c), id, in)
	} else {
		_, err = s.judging.SaveExpert(c.Request.Context(), accountID(c), in)
	}
	if err != nil {
		page := expertsPage{Form: in, EditID: id}
		if fault.ErrorCode(err) == fault.CodeForbidden {
			// Another organizer's expert: why, and the record as it is, read-only.
			status, d := s.describe(c, err)
			page.Errors = map[string]string{"": d.Message}
			if id != 0 {
				x, xerr := s.judging.Expert(c.Request.Context(), accountID(c), id)
				if xerr != nil {
					s.fail(c, xerr)
					return
				}
				page.Form, page.ReadOnly = x.ExpertInput, true
			}
			s.renderExperts(c, status, page)
			return
		}
		if status, fields, ok := s.formProblems(c, err); ok {
			page.Errors = fields
			s.renderExperts(c, status, page)
		}
		return
	}
	c.Redirect(http.StatusSeeOther, "/organizer/experts?saved=1")
}

// API.

func (s *Server) apiExperts(c *gin.Context) {
	list, err := s.judging.Experts(c.Request.Context(), accountID(c), trimmedQuery(c, "q"))
	s.reply(c, http.StatusOK, gin.H{"experts": list}, err)
}

func (s *Server) apiCreateExpert(c *gin.Context) {
	var in judging.ExpertInput
	if err := s.bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	x, err := s.judging.SaveExpert(c.Request.Context(), accountID(c), in)
	if err == nil {
		c.Header("Location", fmt.Sprintf("/api/v1/experts/%d", x.ID))
	}
	s.reply(c, http.StatusCreated, x, err)
}

func (s *Server) apiGetExpert(c *gin.Context) {
	id, err := expertID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	x, err := s.judging.Expert(c.Request.Context(), accountID(c), id)
	s.reply(c, http.StatusOK, x, err)
}

func (s *Server) apiUpdateExpert(c *gin.Context) {
	id, err := expertID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in judging.ExpertInput
	if err := s.bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	x, err := s.judging.UpdateExpert(c.Request.Context(), accountID(c), id, in)
	s.reply(c, http.StatusOK, x, err)
}

func (s *Server) apiInviteExpert(c *gin.Context) {
	id, err := expertID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	inv, err := s.judging.InviteExpert(c.Request.Context(), accountID(c), contestID(c), id)
	s.reply(c, http.StatusCreated, inviteResponse{Invite: inv, URL: s.inviteURL(c, inv)}, err)
}
