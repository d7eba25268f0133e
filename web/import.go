package web

import (
	"io"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/entryimport"
	"podium/contest/expertimport"
	"podium/fault"
	"podium/tabular"
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

// parsedFile is an import file read by its parser: the problems found in it,
// and how to store its good rows.
type parsedFile struct {
	problems []tabular.RowError
	store    func(contest.ImportOptions) (contest.ImportResult, error)
}

// runImport reads the uploaded file with parse and imports its rows. Rows the
// parser refused are problems already: with any of them the rest is only checked
// (so the organizer sees every problem at once) unless the organizer chose to
// skip bad rows.
func (s *Server) runImport(c *gin.Context, skipInvalid bool, parse func(io.Reader) (parsedFile, error)) (importOutcome, error) {
	file, err := c.FormFile("file")
	if err != nil {
		return importOutcome{}, fault.Invalid("file", "err.import.no_file")
	}
	if file.Size > maxImportBytes {
		return importOutcome{}, fault.Invalid("file", "err.import.too_large")
	}
	f, err := file.Open()
	if err != nil {
		return importOutcome{}, err
	}
	defer f.Close()
	parsed, err := parse(f)
	if err != nil {
		return importOutcome{}, err
	}
	res, err := parsed.store(contest.ImportOptions{SkipInvalid: skipInvalid, DryRun: len(parsed.problems) > 0 && !skipInvalid})
	if err != nil {
		return importOutcome{}, err
	}
	l := s.localizer(c)
	out := importOutcome{Imported: res.Imported, Skipped: res.Skipped + countLines(parsed.problems), Problems: []importProblem{}}
	for _, p := range parsed.problems {
		out.Problems = append(out.Problems, importProblem{Line: p.Line, Column: p.Column, Message: l.T(p.Code), Value: p.Value})
	}
	for _, p := range res.Problems {
		out.Problems = append(out.Problems, importProblem{Line: p.Line, Column: p.Column, Message: l.T(p.Message)})
	}
	slices.SortStableFunc(out.Problems, func(a, b importProblem) int { return a.Line - b.Line })
	return out, nil
}

// parseEntries reads an entries file for the contest of the request.
func (s *Server) parseEntries(c *gin.Context) func(io.Reader) (parsedFile, error) {
	return func(r io.Reader) (parsedFile, error) {
		rows, problems, err := entryimport.Parse(r, maxImportBytes)
		return parsedFile{problems: problems, store: func(opt contest.ImportOptions) (contest.ImportResult, error) {
			return s.store.ImportEntries(c.Request.Context(), accountID(c), contestID(c), rows, opt)
		}}, err
	}
}

// parseExperts reads an expert pool file.
func (s *Server) parseExperts(c *gin.Context) func(io.Reader) (parsedFile, error) {
	return func(r io.Reader) (parsedFile, error) {
		rows, problems, err := expertimport.Parse(r, maxImportBytes)
		return parsedFile{problems: problems, store: func(opt contest.ImportOptions) (contest.ImportResult, error) {
			return s.store.ImportExperts(c.Request.Context(), accountID(c), rows, opt)
		}}, err
	}
}

// countLines counts the distinct lines with problems.
func countLines(problems []tabular.RowError) int {
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
	out, err := s.runImport(c, c.PostForm("skip_invalid") == "1", s.parseEntries(c))
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
	out, err := s.runImport(c, skipInvalid(c), s.parseEntries(c))
	s.reply(c, out.status(), out, err)
}

func (s *Server) apiImportExperts(c *gin.Context) {
	out, err := s.runImport(c, skipInvalid(c), s.parseExperts(c))
	s.reply(c, out.status(), out, err)
}

// expertsImportSubmit imports the pool from a file on the experts page.
func (s *Server) expertsImportSubmit(c *gin.Context) {
	out, err := s.runImport(c, c.PostForm("skip_invalid") == "1", s.parseExperts(c))
	if err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			s.renderExperts(c, status, expertsPage{ImportError: fields[""]})
		}
		return
	}
	s.renderExperts(c, out.status(), expertsPage{Import: &out})
}
