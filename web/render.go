package web

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/entry"
	"podium/scoring"
)

// Page is what every template receives.
type Page struct {
	L       *Localizer
	Title   string
	Account *access.Account
	CSRF    string
	Path    string
	URI     string   // path and query, for forms that come back to this view
	Scripts []string // the page's own scripts, besides app.js
	Data    any
}

// OtherLanguage is this view in the other language: the same path and query
// (a list's filters, the round shown), with lang switched.
func (p Page) OtherLanguage() string {
	u, err := url.Parse(p.URI)
	if err != nil {
		return "?lang=" + p.L.Other()
	}
	q := u.Query()
	q.Set("lang", p.L.Other())
	return "?" + q.Encode()
}

// pageScripts are the scripts a page needs beyond app.js.
var pageScripts = map[string][]string{
	"entry.html":         {"/static/vendor/tus.min.js", "/static/upload.js"},
	"judge_entry.html":   {"/static/judge.js", "/static/judge-pdf.js", "/static/judge-offline.js"},
	"judge.html":         {"/static/judge-offline.js"},
	"judge_live.html":    {"/static/judge.js", "/static/judge-live.js", "/static/judge-offline.js"},
	"live_board.html":    {"/static/live-board.js"},
	"live_console.html":  {"/static/live-console.js"},
	"objection_new.html": {"/static/objection-form.js"},
}

// parsePages parses every page with the shared layout, once, at boot.
func parsePages(funcs template.FuncMap) (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || base == "partials.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		pages[base] = t
	}
	return pages, nil
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		// local formats a time in Asia/Shanghai, where the contest happens.
		"local": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(s.shanghai).Format("2006-01-02 15:04")
		},
		// localSeconds is local to the second, for records such as the audit log's.
		"localSeconds": func(t time.Time) string { return t.In(s.shanghai).Format("2006-01-02 15:04:05") },
		// inputTime formats a time for a datetime-local input (Asia/Shanghai).
		"inputTime": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(s.shanghai).Format("2006-01-02T15:04")
		},
		"ptr": func(t time.Time) *time.Time { return &t },
		// category names a track or group by its key, in the reader's language.
		"category": func(l *Localizer, cats []contest.Category, key string) string {
			for _, c := range cats {
				if c.Key == key {
					return l.Name(c.NameZh, c.NameEn)
				}
			}
			return key
		},
		"overdue":        func(t *time.Time) bool { return t != nil && s.cfg.DB.Now().After(*t) },
		"fieldPath":      fieldPath,
		"methods":        func() []scoring.Method { return scoring.Methods },
		"join":           func(s []string) string { return strings.Join(s, ", ") },
		"awardLevels":    func() []string { return contest.AwardLevels },
		"entryFieldKeys": func() []string { return contest.EntryFieldKeys },
		// entryTextKeys are the free-text fields (stage is a choice).
		"entryTextKeys": func() []string {
			return slices.DeleteFunc(slices.Clone(contest.EntryFieldKeys), func(k string) bool { return k == "stage" })
		},
		"entryField":    func(f entry.Fields, key string) string { return f.Value(key) },
		"stages":        func() []string { return entry.Stages },
		"uploadKinds":   func() []entry.UploadKind { return entry.UploadKinds },
		"has":           slices.Contains[[]string],
		"hasKind":       slices.Contains[[]entry.UploadKind],
		"blankConflict": func() entry.DeclaredConflict { return entry.DeclaredConflict{Kind: entry.ConflictExpert} },
		"uploadLimitMB": func(e contest.EntrySettings, kind entry.UploadKind) int64 { return e.UploadLimit(kind) >> 20 },
		"uploadAccept":  uploadAccept,
		"entrySorts":    func() []entry.SortKey { return entry.SortKeys },
		// bytes shows a file size for people.
		"bytes": func(n int64) string {
			switch {
			case n >= 1<<20:
				return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
			case n >= 1<<10:
				return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
			}
			return fmt.Sprintf("%d B", n)
		},
		"blankAward": func() contest.AwardQuota { return contest.AwardQuota{} },
		"yuan":       yuanText, // an amount in yuan, for people (showcase.go)
		// weighted: the contest has a combined final ranking (a round with a final weight).
		"weighted": weighted,
		// pageKeys are a round's organizer pages in the order of the work, each
		// the last part of its address and the start of its title's key.
		"pageKeys": func() []string {
			return []string{"assignments", "progress", "ranking", "advancement", "awards", "publish"}
		},
		// lastRound is whether r is the contest's last round: prizes are given there only.
		"lastRound": func(rounds []contest.Round, r contest.Round) bool {
			return len(rounds) > 0 && rounds[len(rounds)-1].Key == r.Key
		},
		// countText leaves the count of a blank row empty rather than "0".
		"countText": func(n int, key string) string {
			if n == 0 && key == "" {
				return ""
			}
			return strconv.Itoa(n)
		},
		"minutes": minutesText,
		"blankRound": func() contest.Round {
			return contest.Round{Kind: contest.KindOnline, Method: "trimmed", TrimMin: 5, ReviewsPerEntry: 5, PitchSeconds: 480, QASeconds: 420}
		},
		// pts shows points for an input: empty for zero, so blank rows stay blank.
		"pts": func(p scoring.Points) string {
			if p == 0 {
				return ""
			}
			return p.String()
		},
		"deref": func(p *int) string {
			if p == nil {
				return ""
			}
			return strconv.Itoa(*p)
		},
		// iso is a time for scripts (RFC 3339, UTC); "" for none.
		"iso": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.UTC().Format(time.RFC3339Nano)
		},
		"mul1000": func(sec int) int64 { return int64(sec) * 1000 },
		"derefID": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
		// inc is i+1, for numbering from 1.
		"inc": func(i int) int { return i + 1 },
		// clock shows milliseconds as m:ss, with a minus sign in overtime.
		"clock": func(ms int64) string {
			sign := ""
			if ms < 0 {
				sign, ms = "-", -ms
			}
			sec := (ms + 999) / 1000
			if sign != "" {
				sec = ms / 1000
			}
			return fmt.Sprintf("%s%d:%02d", sign, sec/60, sec%60)
		},
		// dict builds the argument of a sub-template from key/value pairs.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
}

// render executes a page into a buffer first, so that a template error becomes a
// clean 500 instead of half a page.
func (s *Server) render(c *gin.Context, status int, page, titleKey string, data any) {
	s.renderIn(c, "layout", status, page, titleKey, data)
}

// renderBare renders a page in the bare layout: no navigation, only the
// page (the live final's big screen and phone view).
func (s *Server) renderBare(c *gin.Context, status int, page, titleKey string, data any) {
	s.renderIn(c, "bare", status, page, titleKey, data)
}

func (s *Server) renderIn(c *gin.Context, layout string, status int, page, titleKey string, data any) {
	t, ok := s.pages[page]
	if !ok {
		s.log.Error("unknown page", "page", page)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	l := s.localizer(c)
	p := Page{L: l, Title: l.T(titleKey), CSRF: s.csrfToken(c), Path: c.Request.URL.Path, URI: c.Request.URL.RequestURI(),
		Scripts: pageScripts[page], Data: data}
	if sess, ok := session(c); ok {
		p.Account = &sess.Account
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, layout, p); err != nil {
		s.log.Error("render page", "page", page, "err", err)
		c.String(http.StatusInternalServerError, l.T("err.internal"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func randomToken() string { return rand.Text() }
