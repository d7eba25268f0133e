package entryimport

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"

	"podium/contest"
)

// Length limits, in runes.
const (
	maxTitleRunes        = 200
	maxOrganizationRunes = 200
	maxTextRunes         = 5000
)

// stageNames maps the Chinese stage labels to contest.Stages keys.
var stageNames = map[string]string{
	"创意": "idea",
	"原型": "prototype",
	"试点": "pilot",
	"营收": "revenue",
	"成长": "growth",
}

// kindNames maps the accepted organization kinds to their keys.
var kindNames = map[string]string{
	"企业":         contest.OrgEnterprise,
	"enterprise": contest.OrgEnterprise,
	"团队":         contest.OrgTeam,
	"team":       contest.OrgTeam,
}

// validator checks rows against one header and remembers the titles seen.
type validator struct {
	h      header
	titles map[string]int // folded title → line of its first row
}

func newValidator(h header) *validator {
	return &validator{h: h, titles: map[string]int{}}
}

// rowCheck accumulates one row's problems.
type rowCheck struct {
	line     int
	cells    []string
	h        header
	problems []RowError
	bad      map[string]bool // columns already reported
}

func (c *rowCheck) report(column, code, value string) {
	c.problems = append(c.problems, RowError{Line: c.line, Column: column, Code: code, Value: truncate(value)})
	if column != "" {
		c.bad[column] = true
	}
}

// get returns the trimmed value of column key ("" when the column is absent),
// reporting undecodable text and values over limit runes.
func (c *rowCheck) get(key string, limit int) string {
	i, ok := c.h[key]
	if !ok || i >= len(c.cells) {
		return ""
	}
	v := strings.TrimSpace(c.cells[i])
	switch {
	case !utf8.ValidString(v) || strings.ContainsRune(v, utf8.RuneError):
		c.report(key, CodeEncoding, v)
		return ""
	case utf8.RuneCountInString(v) > limit:
		c.report(key, CodeTooLong, v)
		return ""
	}
	return v
}

// required is get for a column every row must fill.
func (c *rowCheck) required(key string, limit int) string {
	v := c.get(key, limit)
	if v == "" && !c.bad[key] {
		c.report(key, CodeRequired, "")
	}
	return v
}

// row validates one non-empty record of the right width.
func (v *validator) row(rec record) (contest.ImportRow, []RowError) {
	c := &rowCheck{line: rec.line, cells: rec.cells, h: v.h, bad: map[string]bool{}}
	var in contest.ImportRow
	in.Line = rec.line

	in.Title = c.required("title", maxTitleRunes)
	if in.Title != "" {
		t := foldTitle(in.Title)
		if _, dup := v.titles[t]; dup {
			c.report("title", CodeDuplicateTitle, in.Title)
		} else {
			v.titles[t] = rec.line
		}
	}
	in.Track = c.required("track", maxTextRunes)
	in.Group = c.required("group", maxTextRunes)

	org := &in.Organization
	org.Name = c.required("organization", maxOrganizationRunes)
	kind := c.get("kind", maxTextRunes)
	if kind != "" {
		k, ok := kindNames[strings.ToLower(width.Fold.String(kind))]
		if !ok {
			c.report("kind", CodeKind, kind)
		}
		org.Kind = k
	}
	if raw := c.get("uscc", maxTextRunes); raw != "" {
		org.USCC = contest.NormalizeUSCC(width.Fold.String(raw))
		if !contest.ValidUSCC(org.USCC) {
			c.report("uscc", CodeUSCC, raw)
		}
	}
	switch {
	case kind != "":
	case org.USCC != "" || c.bad["uscc"]:
		org.Kind = contest.OrgEnterprise
	default:
		org.Kind = contest.OrgTeam
	}
	if org.Kind == contest.OrgEnterprise && org.USCC == "" && !c.bad["uscc"] {
		c.report("uscc", CodeUSCCRequired, "")
	}
	org.ContactName = c.get("contact_name", maxTextRunes)
	if raw := c.get("contact_phone", maxTextRunes); raw != "" {
		p, ok := normalizePhone(raw)
		if !ok {
			c.report("contact_phone", CodePhone, raw)
		}
		org.ContactPhone = p
	}
	if raw := c.get("contact_email", maxTextRunes); raw != "" {
		a, err := mail.ParseAddress(width.Fold.String(raw))
		if err != nil {
			c.report("contact_email", CodeEmail, raw)
		} else {
			org.ContactEmail = a.Address
		}
	}

	f := &in.Fields
	f.Summary = c.get("summary", maxTextRunes)
	if raw := c.get("stage", maxTextRunes); raw != "" {
		s, ok := stageKey(raw)
		if !ok {
			c.report("stage", CodeStage, raw)
		}
		f.Stage = s
	}
	f.Technology = c.get("technology", maxTextRunes)
	f.Market = c.get("market", maxTextRunes)
	f.Team = c.get("team", maxTextRunes)
	f.Financing = c.get("financing", maxTextRunes)
	if raw := c.get("members", maxTextRunes); raw != "" {
		org.Members = parseMembers(c, raw)
	}
	return in, c.problems
}

// foldTitle is the form in which two titles count as the same: full-width
// folded, lower case, runs of spaces as one.
func foldTitle(t string) string {
	return strings.Join(strings.Fields(strings.ToLower(width.Fold.String(t))), " ")
}

// normalizePhone checks a mainland mobile number and returns its 11 digits.
// Full-width digits, spaces, hyphens and a "+86" (or "86" before the 11 digits)
// are allowed.
func normalizePhone(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == '\u00A0' || r == '\u3000' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, width.Fold.String(s))
	if t, ok := strings.CutPrefix(s, "+86"); ok {
		s = t
	} else if len(s) == 13 && strings.HasPrefix(s, "86") {
		s = s[2:]
	}
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return "", false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	return s, true
}

// stageKey maps a stage key or Chinese label (with or without "阶段" or "期")
// to its key.
func stageKey(s string) (string, bool) {
	s = strings.ToLower(width.Fold.String(s))
	for _, k := range contest.Stages {
		if s == k {
			return k, true
		}
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "阶段"), "期")
	k, ok := stageNames[strings.TrimSpace(s)]
	return k, ok
}

// parseMembers reads "张伟:CEO;李娜:CTO" or "张伟、李娜": members separated by
// ; ； 、 , ， or line breaks, each with an optional role after : or ：.
func parseMembers(c *rowCheck, s string) []contest.Member {
	var ms []contest.Member
	for _, part := range strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune(";；、,，\n\r", r)
	}) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, role := part, ""
		if i := strings.IndexAny(part, ":："); i >= 0 {
			_, size := utf8.DecodeRuneInString(part[i:])
			name, role = part[:i], part[i+size:]
		}
		name, role = strings.TrimSpace(name), strings.TrimSpace(role)
		if name == "" {
			if !c.bad["members"] {
				c.report("members", CodeMembers, part)
			}
			continue
		}
		ms = append(ms, contest.Member{Name: name, Role: role})
	}
	return ms
}
