package entry

import (
	"regexp"
	"strings"
	"time"
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
	facts := &org.CompanyFacts
	if raw := c.Get("established_on", maxTextRunes); raw != "" {
		d, ok := importDate(raw)
		if !ok {
			c.Report("established_on", codeDate, raw)
		}
		facts.EstablishedOn = d
	}
	// Amounts in 万元, read and checked by OrganizationInput.normalize.
	if raw := c.Get("registered_capital", maxTextRunes); raw != "" {
		facts.CapitalWan = &raw
	}
	if raw := c.Get("revenue_prev_year", maxTextRunes); raw != "" {
		facts.RevenueWan = &raw
	}
	facts.Listed = yesNo(c, "listed")
	facts.NationalTop3Before = yesNo(c, "national_top3_before")
	facts.TechSMENumber = c.Get("tech_sme_number", maxTextRunes)
	facts.HighTechCertNumber = c.Get("high_tech_cert_number", maxTextRunes)
	return in
}

// importDate reads a date as spreadsheets write it: 2025-03-01, 2025/3/1,
// 2025.3.1, 2025年3月1日, or 03-01-25 (Excel's default short date, month
// first, as a spreadsheet library renders it). It returns YYYY-MM-DD.
func importDate(s string) (string, bool) {
	s = strings.TrimSpace(width.Fold.String(s))
	s = strings.TrimSuffix(strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s), "-")
	if m := shortDate.FindStringSubmatch(s); m != nil { // mm-dd-yy
		s = "20" + m[3] + "-" + m[1] + "-" + m[2]
	}
	t, err := time.Parse("2006-1-2", s)
	if err != nil {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

var shortDate = regexp.MustCompile(`^(\d{2})-(\d{2})-(\d{2})$`)

// yesNo reads 是/否 (yes/no, Y/N, true/false, 1/0); empty is no.
func yesNo(c *tabular.Row, column string) bool {
	raw := c.Get(column, maxTextRunes)
	switch strings.ToLower(width.Fold.String(raw)) {
	case "", "否", "no", "n", "false", "0", "未上市":
		return false
	case "是", "yes", "y", "true", "1", "已上市":
		return true
	}
	c.Report(column, codeYesNo, raw)
	return false
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
