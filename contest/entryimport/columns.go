package entryimport

import (
	"strings"

	"golang.org/x/text/width"
)

// Columns lists the canonical column keys, in the order RowErrors of one row
// are reported. RowError.Column and FileError.Columns (for missing columns)
// use these keys.
var Columns = []string{
	"title", "track", "group", "organization", "kind", "uscc",
	"contact_name", "contact_phone", "contact_email",
	"summary", "stage", "technology", "market", "team", "financing", "members",
}

// RequiredColumns must be present in the header and filled in every row.
var RequiredColumns = []string{"title", "track", "group", "organization"}

// headerAliases maps a header cell, folded by headerKey, to its canonical key.
var headerAliases = map[string]string{}

func init() {
	for key, names := range map[string][]string{
		"title":         {"项目名称", "title"},
		"track":         {"赛道", "track"},
		"group":         {"组别", "group"},
		"organization":  {"单位名称", "企业名称", "团队名称", "organization"},
		"kind":          {"主体类型", "kind"},
		"uscc":          {"统一社会信用代码", "uscc"},
		"contact_name":  {"联系人", "联系人姓名", "contact", "contact_name"},
		"contact_phone": {"联系电话", "手机", "手机号", "手机号码", "联系人电话", "联系人手机", "phone", "contact_phone"},
		"contact_email": {"邮箱", "电子邮箱", "联系邮箱", "联系人邮箱", "email", "contact_email"},
		"summary":       {"项目简介", "summary"},
		"stage":         {"发展阶段", "stage"},
		"technology":    {"核心技术", "technology"},
		"market":        {"市场", "市场前景", "market"},
		"team":          {"团队", "团队情况", "team"},
		"financing":     {"融资", "融资情况", "融资情况与需求", "financing"},
		"members":       {"团队成员", "members"},
	} {
		for _, n := range names {
			headerAliases[headerKey(n)] = key
		}
	}
}

// headerKey folds a header cell for matching: full-width forms to half-width,
// lower case, without spaces, underscores, hyphens, zero-width characters, a
// leading or trailing "*" or a trailing "(必填)" or "(选填)" (full- or half-width).
func headerKey(s string) string {
	s = strings.ToLower(width.Fold.String(s))
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '\t', '\r', '\n', '\u00A0', '\u200B', '\uFEFF':
			return -1
		}
		return r
	}, s)
	for {
		t := strings.TrimSuffix(s, "(必填)")
		t = strings.TrimSuffix(t, "(选填)")
		t = strings.Trim(t, "*")
		if t == s {
			return s
		}
		s = t
	}
}

// header says which cell of a row holds each canonical column.
type header map[string]int

// mapHeader matches the header cells to columns. Empty header cells are
// ignored (their column is not read); an unrecognized or repeated one is a
// file-level error, as is a required column missing.
func mapHeader(cells []string) (header, *FileError) {
	h := header{}
	var unknown, dup []string
	for i, c := range cells {
		k := headerKey(c)
		if k == "" {
			continue
		}
		key, ok := headerAliases[k]
		switch {
		case !ok:
			unknown = appendColumn(unknown, c)
		case h.has(key):
			dup = appendColumn(dup, c)
		default:
			h[key] = i
		}
	}
	if len(unknown) > 0 {
		return nil, &FileError{Code: CodeUnknownColumn, Columns: unknown}
	}
	if len(dup) > 0 {
		return nil, &FileError{Code: CodeDuplicateColumn, Columns: dup}
	}
	var missing []string
	for _, key := range RequiredColumns {
		if !h.has(key) {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 {
		return nil, &FileError{Code: CodeMissingColumn, Columns: missing}
	}
	return h, nil
}

func (h header) has(key string) bool {
	_, ok := h[key]
	return ok
}

func appendColumn(list []string, cell string) []string {
	if len(list) >= maxListedColumns {
		return list
	}
	return append(list, truncate(strings.TrimSpace(cell)))
}
