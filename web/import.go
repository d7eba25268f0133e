package web

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/entryimport"
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

// maxImportBytes bounds an import file; 10,000 rows of text fit easily.
const maxImportBytes = 10 << 20

// runImport parses the uploaded file and imports its rows. Nothing is imported
// from a file with problems unless skipInvalid is set.
func (s *Server) runImport(c *gin.Context, skipInvalid bool) (importOutcome, error) {
	file, err := c.FormFile("file")
	if err != nil {
		return importOutcome{}, contest.Invalid("file", "err.import.no_file")
	}
	if file.Size > maxImportBytes {
		return importOutcome{}, contest.Invalid("file", "err.import.too_large")
	}
	f, err := file.Open()
	if err != nil {
		return importOutcome{}, err
	}
	defer f.Close()
	rows, parseProblems, err := entryimport.Parse(f, maxImportBytes)
	if err != nil {
		return importOutcome{}, err
	}
	// Rows the parser refused are left out of rows; if there were any, the rest
	// is only checked (so the organizer sees every problem at once) unless the
	// organizer chose to skip bad rows.
	res, err := s.store.ImportEntries(c.Request.Context(), accountID(c), contestID(c), rows, contest.ImportOptions{
		SkipInvalid: skipInvalid, DryRun: len(parseProblems) > 0 && !skipInvalid,
	})
	if err != nil {
		return importOutcome{}, err
	}
	l := s.localizer(c)
	out := importOutcome{Imported: res.Imported, Skipped: res.Skipped + countLines(parseProblems), Problems: []importProblem{}}
	for _, p := range parseProblems {
		out.Problems = append(out.Problems, importProblem{Line: p.Line, Column: p.Column, Message: l.T(p.Code), Value: p.Value})
	}
	for _, p := range res.Problems {
		out.Problems = append(out.Problems, importProblem{Line: p.Line, Column: p.Column, Message: l.T(p.Message)})
	}
	slices.SortStableFunc(out.Problems, func(a, b importProblem) int { return a.Line - b.Line })
	return out, nil
}

// countLines counts the distinct lines with problems.
func countLines(problems []entryimport.RowError) int {
	lines := map[int]bool{}
	for _, p := range problems {
		lines[p.Line] = true
	}
	return len(lines)
}

func (s *Server) importPage(c *gin.Context) {
	s.renderImport(c, http.StatusOK, importPage{})
}

func (s *Server) renderImport(c *gin.Context, status int, page importPage) {
	var err error
	if page.Contest, err = s.store.Contest(c.Request.Context(), contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "import.html", "import.title", page)
}

func (s *Server) importSubmit(c *gin.Context) {
	out, err := s.runImport(c, c.PostForm("skip_invalid") == "1")
	if err != nil {
		status, d := s.describe(c, err)
		if status == http.StatusInternalServerError {
			s.fail(c, err)
			return
		}
		s.renderImport(c, status, importPage{Error: d.Message})
		return
	}
	status := http.StatusOK
	if out.Imported == 0 && len(out.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.renderImport(c, status, importPage{Result: &out})
}

func (s *Server) apiImportEntries(c *gin.Context) {
	out, err := s.runImport(c, c.PostForm("skip_invalid") == "true" || c.PostForm("skip_invalid") == "1")
	if err != nil {
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if out.Imported == 0 && len(out.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	c.JSON(status, out)
}
