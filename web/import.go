package web

import (
	"io"
	"mime/multipart"
	"net/http"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/fault"
)

// importPage shows the import form and, after an attempt, what happened.
type importPage struct {
	Contest contest.Contest
	Result  *importOutcome
	Error   string
}

// importOutcome is an import's result with every problem translated, the file's
// own (parse) problems and the contest's (unknown track, duplicate USCC …) together.
type importOutcome struct {
	Imported int             `json:"imported"`
	Skipped  int             `json:"skipped"`
	Problems []importProblem `json:"problems"`
}

type importProblem struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
	Value   string `json:"value,omitempty"`
}

// importFile opens the file a form posted, within the domain's size limit.
func importFile(c *gin.Context) (multipart.File, error) {
	file, err := c.FormFile("file")
	if err != nil {
		return nil, fault.Invalid("file", "err.import.no_file")
	}
	if file.Size > contest.MaxImportBytes {
		return nil, fault.Invalid("file", "err.import.too_large")
	}
	return file.Open()
}

// runImport imports the posted file with do and translates its problems.
func (s *Server) runImport(c *gin.Context, skipInvalid bool, do func(io.Reader, contest.ImportOptions) (contest.ImportResult, error)) (importOutcome, error) {
	f, err := importFile(c)
	if err != nil {
		return importOutcome{}, err
	}
	defer f.Close()
	res, err := do(f, contest.ImportOptions{SkipInvalid: skipInvalid})
	if err != nil {
		return importOutcome{}, err
	}
	l := s.localizer(c)
	out := importOutcome{Imported: res.Imported, Skipped: res.Skipped, Problems: make([]importProblem, 0, len(res.Problems))}
	for _, p := range res.Problems {
		out.Problems = append(out.Problems, importProblem{Line: p.Line, Column: p.Column, Message: l.T(p.Message), Value: p.Value})
	}
	return out, nil
}

// importEntries imports an entries file into the contest of the request.
func (s *Server) importEntries(c *gin.Context) func(io.Reader, contest.ImportOptions) (contest.ImportResult, error) {
	return func(r io.Reader, opt contest.ImportOptions) (contest.ImportResult, error) {
		return s.entries.ImportEntries(c.Request.Context(), accountID(c), contestID(c), r, opt)
	}
}

// importExperts imports an expert pool file.
func (s *Server) importExperts(c *gin.Context) func(io.Reader, contest.ImportOptions) (contest.ImportResult, error) {
	return func(r io.Reader, opt contest.ImportOptions) (contest.ImportResult, error) {
		return s.judging.ImportExperts(c.Request.Context(), accountID(c), r, opt)
	}
}

func (s *Server) importPage(c *gin.Context) {
	s.renderImport(c, http.StatusOK, importPage{})
}

func (s *Server) renderImport(c *gin.Context, status int, page importPage) {
	var err error
	if page.Contest, err = s.contests.Contest(c.Request.Context(), contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "import.html", "import.title", page)
}

func (s *Server) importSubmit(c *gin.Context) {
	out, err := s.runImport(c, c.PostForm("skip_invalid") == "1", s.importEntries(c))
	if err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			s.renderImport(c, status, importPage{Error: fields[""]})
		}
		return
	}
	s.renderImport(c, out.status(), importPage{Result: &out})
}

// status is 422 when the file's problems kept anything from being imported.
func (o importOutcome) status() int {
	if o.Imported == 0 && len(o.Problems) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

func skipInvalid(c *gin.Context) bool {
	return c.PostForm("skip_invalid") == "true" || c.PostForm("skip_invalid") == "1"
}

func (s *Server) apiImportEntries(c *gin.Context) {
	out, err := s.runImport(c, skipInvalid(c), s.importEntries(c))
	s.reply(c, out.status(), out, err)
}

func (s *Server) apiImportExperts(c *gin.Context) {
	out, err := s.runImport(c, skipInvalid(c), s.importExperts(c))
	s.reply(c, out.status(), out, err)
}

// expertsImportSubmit imports the pool from a file on the experts page.
func (s *Server) expertsImportSubmit(c *gin.Context) {
	out, err := s.runImport(c, c.PostForm("skip_invalid") == "1", s.importExperts(c))
	if err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			s.renderExperts(c, status, expertsPage{ImportError: fields[""]})
		}
		return
	}
	s.renderExperts(c, out.status(), expertsPage{Import: &out})
}
