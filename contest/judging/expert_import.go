// This file reads an organizer's expert pool (专家库) from a CSV or
// XLSX file.
//
// Reading the file (CSV or XLSX, its encoding, its header, the limits on size
// and rows) is package tabular's work; this file knows the expert columns
// and checks their values. As there, parseExperts never stops at the first problem in
// a row: it returns every good row and a tabular.RowError for every problem it found,
// so the organizer can fix the file in one pass. A problem with the file as a
// whole is returned as the error, with no rows: a *fault.Error of
// fault.CodeInvalid whose Message is the reason's message key and whose Err
// is a *tabular.FileError (see package tabular). Required columns missing from the
// header are reported as codeMissingExpertColumn, whose text names the expert
// columns.

package judging

import (
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"podium/tabular"
)

// Limits of an experts file's values.
const (
	// minCapacity and maxCapacity bound the capacity column.
	minCapacity = 1
	maxCapacity = 500

	maxNameRunes         = 50
	maxOrganizationRunes = 200
	maxShortRunes        = 100  // title, region, one field
	maxListRunes         = 1000 // a fields or keywords cell
	maxKeywordRunes      = 50
)

// Message keys an experts file adds to tabular's (see there for the file-level
// ones and the row-level err.import.required, too_long, uscc, phone, email,
// encoding, cell_count and csv_quote).
const (
	// codeMissingExpertColumn is the file-level code for required columns
	// missing (tabular.FileError.Columns lists their keys).
	codeMissingExpertColumn = "err.import.missing_expert_column"
	// codeCapacity: the capacity is not a whole number from minCapacity to maxCapacity.
	codeCapacity = "err.import.capacity"
	// codeDuplicateExpert: an earlier row has the same name and the same phone
	// or email, or, when the row gives neither, the same name and
	// organization. Reported on the later row's name column.
	codeDuplicateExpert = "err.import.duplicate_expert"
)

// expertSchema is the columns of an experts file, with the header texts that name them.
var expertSchema = tabular.NewSchema(codeMissingExpertColumn,
	tabular.Column{Key: "name", Names: []string{"姓名", "专家姓名"}, Required: true},
	tabular.Column{Key: "organization", Names: []string{"工作单位", "单位", "单位名称"}, Required: true},
	tabular.Column{Key: "uscc", Names: []string{"统一社会信用代码"}},
	tabular.Column{Key: "title", Names: []string{"职称", "职务"}},
	tabular.Column{Key: "fields", Names: []string{"评审领域", "领域", "赛道"}},
	tabular.Column{Key: "keywords", Names: []string{"关键词", "研究方向"}},
	tabular.Column{Key: "region", Names: []string{"地区", "所在地", "所在地区"}},
	tabular.Column{Key: "phone", Names: []string{"手机", "手机号", "手机号码", "联系电话"}},
	tabular.Column{Key: "email", Names: []string{"邮箱", "电子邮箱"}},
	tabular.Column{Key: "capacity", Names: []string{"评审上限", "最多评审数"}},
	tabular.Column{Key: "conflicts", Names: []string{"回避单位", "利益冲突单位"}},
)

// expertColumns lists the column keys (tabular.RowError.Column, tabular.FileError.Columns for
// missing columns), in expertSchema order.
var expertColumns = expertSchema.Keys()

// requiredExpertColumns must be present in the header and filled in every row.
var requiredExpertColumns = expertSchema.Required()

// parseExperts reads experts from a CSV or XLSX file (see tabular.Open for the
// formats and encodings), reading at most maxBytes (tabular.DefaultMaxBytes if
// maxBytes <= 0) and at most tabular.MaxRows data rows.
//
// rows holds only the rows without any problem, in file order; problems holds
// every problem of every other row, in file order (a row with problems is left
// out of rows whole). A file-level problem is returned as err with no rows and
// no problems.
//
// Values are trimmed. USCCs come back normalized, phones as their 11 digits,
// emails as the bare address. Fields (track keys or names, kept as typed, for
// the caller to match against the contest) and keywords are split on ; ； 、 ,
// ， and line breaks, and repeats are dropped (case- and width-insensitively,
// the first spelling kept). An empty capacity is 0 (the default).
func parseExperts(r io.Reader, maxBytes int64) (rows []ExpertRow, problems []tabular.RowError, err error) {
	v := &expertValidator{seen: map[string]int{}}
	return tabular.Read(r, maxBytes, expertSchema, v.row)
}

// expertValidator checks the rows of one file and remembers the experts seen.
type expertValidator struct {
	seen map[string]int // identity (see expertIdentities) → line of its first row
}

// row validates one readable row; its problems are left in c.
func (v *expertValidator) row(c *tabular.Row) ExpertRow {
	in := ExpertRow{Line: c.Line}
	e := &in.ExpertInput
	e.Name = c.Required("name", maxNameRunes)
	e.Organization = c.Required("organization", maxOrganizationRunes)
	e.USCC = c.USCC("uscc")
	e.Title = c.Get("title", maxShortRunes)
	e.Fields = c.List("fields", maxListRunes, maxShortRunes)
	e.Keywords = c.List("keywords", maxListRunes, maxKeywordRunes)
	e.Conflicts = c.List("conflicts", maxListRunes, maxShortRunes)
	e.Region = c.Get("region", maxShortRunes)
	e.Phone = c.Phone("phone")
	e.Email = c.Email("email")
	if raw := c.Get("capacity", maxShortRunes); raw != "" {
		n, ok := parseCapacity(raw)
		if !ok {
			c.Report("capacity", codeCapacity, raw)
		}
		e.Capacity = n
	}

	dup := false
	for _, id := range expertIdentities(c, e) {
		if _, ok := v.seen[id]; ok {
			dup = true
		} else {
			v.seen[id] = c.Line
		}
	}
	if dup {
		c.Report("name", codeDuplicateExpert, e.Name)
	}
	return in
}

// expertIdentities returns the keys under which the expert of a row counts as the
// same as another's: name and phone, name and email, or, with neither given,
// name and organization. A value with a problem of its own is no identity.
func expertIdentities(c *tabular.Row, e *ExpertInput) []string {
	if e.Name == "" {
		return nil
	}
	name := tabular.Fold(e.Name)
	var ids []string
	if e.Phone != "" {
		ids = append(ids, "phone\x00"+name+"\x00"+e.Phone)
	}
	if e.Email != "" {
		ids = append(ids, "email\x00"+name+"\x00"+strings.ToLower(e.Email))
	}
	if len(ids) == 0 && !c.Bad("phone") && !c.Bad("email") && e.Organization != "" {
		ids = append(ids, "org\x00"+name+"\x00"+tabular.Fold(e.Organization))
	}
	return ids
}

// parseCapacity reads a whole number from minCapacity to maxCapacity, in
// full- or half-width digits; "20.0", as a spreadsheet may show a number, is 20.
func parseCapacity(s string) (int, bool) {
	s = strings.TrimSpace(width.Fold.String(s))
	if i := strings.IndexByte(s, '.'); i > 0 && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false // no signs, spaces or exponents
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < minCapacity || n > maxCapacity {
		return 0, false
	}
	return n, true
}
