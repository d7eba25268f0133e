package entry

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"

	"podium/tabular"
)

// Length limits, in runes.
const (
	maxTitleRunes        = 200
	maxOrganizationRunes = 200
	maxTextRunes         = tabular.MaxTextRunes
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
var kindNames = map[string]OrgKind{
	"企业":         OrgEnterprise,
	"enterprise": OrgEnterprise,
	"团队":         OrgTeam,
	"team":       OrgTeam,
}

// importValidator checks the rows of one file and remembers the titles seen.
type importValidator struct {
	titles map[string]int // folded title → line of its first row
}

func newImportValidator() *importValidator {
	return &importValidator{titles: map[string]int{}}
}

// row validates one readable row; its problems are left in c.
func (v *importValidator) row(c *tabular.Row) ImportRow {
	var in ImportRow
	in.Line = c.Line

	in.Title = c.Required("title", maxTitleRunes)
	if in.Title != "" {
		t := tabular.Fold(in.Title)
		if _, dup := v.titles[t]; dup {
			c.Report("title", codeDuplicateTitle, in.Title)
		} else {
			v.titles[t] = c.Line
		}
	}
	in.Track = c.Required("track", maxTextRunes)
	in.Group = c.Required("group", maxTextRunes)

	org := &in.Organization
	org.Name = c.Required("organization", maxOrganizationRunes)
	kind := c.Get("kind", maxTextRunes)
	if kind != "" {
		k, ok := kindNames[strings.ToLower(width.Fold.String(kind))]
		if !ok {
			c.Report("kind", codeKind, kind)
		}
		org.Kind = k
	}
	org.USCC = c.USCC("uscc")
	switch {
	case kind != "":
	case org.USCC != "" || c.Bad("uscc"):
		org.Kind = OrgEnterprise
	default:
		org.Kind = OrgTeam
	}
	if org.Kind == OrgEnterprise && org.USCC == "" && !c.Bad("uscc") {
		c.Report("uscc", codeUSCCRequired, "")
	}
	org.ContactName = c.Get("contact_name", maxTextRunes)
	org.ContactPhone = c.Phone("contact_phone")
	org.ContactEmail = c.Email("contact_email")

	f := &in.Fields
	f.Summary = c.Get("summary", maxTextRunes)
	if raw := c.Get("stage", maxTextRunes); raw != "" {
		s, ok := stageKey(raw)
		if !ok {
			c.Report("stage", codeStage, raw)
		}
		f.Stage = s
	}
	f.Technology = c.Get("technology", maxTextRunes)
	f.Market = c.Get("market", maxTextRunes)
	f.Team = c.Get("team", maxTextRunes)
	f.Financing = c.Get("financing", maxTextRunes)
	if raw := c.Get("members", maxTextRunes); raw != "" {
		org.Members = parseMembers(c, raw)
	}
	return in
}

// stageKey maps a stage key or Chinese label (with or without "阶段" or "期")
// to its key.
func stageKey(s string) (string, bool) {
	s = strings.ToLower(width.Fold.String(s))
	for _, k := range Stages {
		if s == k {
			return k, true
		}
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "阶段"), "期")
	k, ok := stageNames[strings.TrimSpace(s)]
	return k, ok
}

// parseMembers reads "张伟:CEO;李娜:CTO" or "张伟、李娜": members separated by
// ; ； 、 , ， or line breaks (see tabular.SplitList), each with an optional
// role after : or ：.
func parseMembers(c *tabular.Row, s string) []Member {
	var ms []Member
	for _, part := range tabular.SplitList(s) {
		name, role := part, ""
		if i := strings.IndexAny(part, ":："); i >= 0 {
			_, size := utf8.DecodeRuneInString(part[i:])
			name, role = part[:i], part[i+size:]
		}
		name, role = strings.TrimSpace(name), strings.TrimSpace(role)
		if name == "" {
			if !c.Bad("members") {
				c.Report("members", codeMembers, part)
			}
			continue
		}
		ms = append(ms, Member{Name: name, Role: role})
	}
	return ms
}
