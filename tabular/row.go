package tabular

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"

	"podium/uscc"
)

// MaxTextRunes is the length limit, in runes, of the free-text values the
// shared checks read (phones, emails, USCCs), generous enough that a too-long
// value is reported as what is wrong with it rather than as too long.
const MaxTextRunes = 5000

// Row is one data row of a file, and the problems found in it so far.
type Row struct {
	Line int // 1-based line of the CSV file / row number of the sheet
	// Values holds the cell of every column the header has, by column key, as
	// read (not trimmed; "" for a cell past the end of a short sheet row). It
	// is nil when the row could not be read; Problems then says why.
	Values   map[string]string
	Problems []RowError
	bad      map[string]bool // columns already reported
}

// Report records a problem with column ("" for the whole row); value is the
// offending value, truncated to MaxValueRunes runes.
func (r *Row) Report(column, code, value string) {
	r.Problems = append(r.Problems, RowError{Line: r.Line, Column: column, Code: code, Value: Truncate(value)})
	if column != "" {
		if r.bad == nil {
			r.bad = map[string]bool{}
		}
		r.bad[column] = true
	}
}

// Bad reports whether a problem with column has been reported.
func (r *Row) Bad(column string) bool { return r.bad[column] }

// Get returns the trimmed value of column ("" when the file has no such
// column), reporting err.import.encoding for text that could not be decoded
// and err.import.too_long for a value over limit runes; either way it then
// returns "".
func (r *Row) Get(column string, limit int) string {
	v := strings.TrimSpace(r.Values[column])
	switch {
	case !utf8.ValidString(v) || strings.ContainsRune(v, utf8.RuneError):
		r.Report(column, CodeEncoding, v)
		return ""
	case utf8.RuneCountInString(v) > limit:
		r.Report(column, CodeTooLong, v)
		return ""
	}
	return v
}

// Required is Get for a column every row must fill: an empty value is
// err.import.required (unless Get already reported the column).
func (r *Row) Required(column string, limit int) string {
	v := r.Get(column, limit)
	if v == "" && !r.bad[column] {
		r.Report(column, CodeRequired, "")
	}
	return v
}

// Phone returns the value of column as a mainland mobile number's 11 digits
// (see NormalizePhone), "" when empty or, reported as err.import.phone, not
// such a number.
func (r *Row) Phone(column string) string { return r.normalized(column, CodePhone, NormalizePhone) }

// Email returns the value of column as a bare email address (see
// NormalizeEmail), "" when empty or, reported as err.import.email, not an address.
func (r *Row) Email(column string) string { return r.normalized(column, CodeEmail, NormalizeEmail) }

// normalized reads an optional column through normalize, reporting code when it refuses the value.
func (r *Row) normalized(column, code string, normalize func(string) (string, bool)) string {
	raw := r.Get(column, MaxTextRunes)
	if raw == "" {
		return ""
	}
	v, ok := normalize(raw)
	if !ok {
		r.Report(column, code, raw)
	}
	return v
}

// USCC returns the value of column as a normalized unified social credit code
// (see NormalizeUSCC), "" when empty or, reported as err.import.uscc, not a
// valid code.
func (r *Row) USCC(column string) string {
	raw := r.Get(column, MaxTextRunes)
	if raw == "" {
		return ""
	}
	c, ok := NormalizeUSCC(raw)
	if !ok {
		r.Report(column, CodeUSCC, raw)
		return ""
	}
	return c
}

// List returns the items of column (see SplitList), each trimmed, without
// repeats (compared as Fold does, the first spelling kept). A cell over limit
// runes, or an item over itemLimit, is reported as err.import.too_long (the
// item as the value) and the list is then nil.
func (r *Row) List(column string, limit, itemLimit int) []string {
	raw := r.Get(column, limit)
	if raw == "" {
		return nil
	}
	var items []string
	seen := map[string]bool{}
	for _, it := range SplitList(raw) {
		if utf8.RuneCountInString(it) > itemLimit {
			r.Report(column, CodeTooLong, it)
			return nil
		}
		if k := Fold(it); !seen[k] {
			seen[k] = true
			items = append(items, it)
		}
	}
	return items
}

// SplitList splits a cell listing several items, separated by ; ； 、 , ， or
// line breaks, into its trimmed, non-empty items.
func SplitList(s string) []string {
	var items []string
	for _, part := range strings.FieldsFunc(s, isListSeparator) {
		if part = strings.TrimSpace(part); part != "" {
			items = append(items, part)
		}
	}
	return items
}

func isListSeparator(r rune) bool {
	return strings.ContainsRune(";；、,，\n\r", r)
}

// Fold is the form in which two values count as the same: full-width folded,
// lower case, runs of spaces as one, trimmed.
func Fold(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(width.Fold.String(s))), " ")
}

// Truncate cuts s to MaxValueRunes runes, replacing invalid UTF-8.
func Truncate(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	n := 0
	for i := range s {
		if n == MaxValueRunes {
			return s[:i]
		}
		n++
	}
	return s
}

// NormalizePhone checks a mainland mobile number and returns its 11 digits.
// Full-width digits, spaces, hyphens and a "+86" (or "86" before the 11 digits)
// are allowed.
func NormalizePhone(s string) (string, bool) {
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

// NormalizeEmail checks an email address, full-width forms allowed, and
// returns the bare address ("李娜 <a@b.cn>" gives "a@b.cn").
func NormalizeEmail(s string) (string, bool) {
	a, err := mail.ParseAddress(width.Fold.String(s))
	if err != nil {
		return "", false
	}
	return a.Address, true
}

// NormalizeUSCC checks a unified social credit code, typed with spaces, in
// lower case or in full-width forms, and returns it normalized
// (uscc.Normalize); invalid, it returns "" and false.
func NormalizeUSCC(s string) (string, bool) {
	c := uscc.Normalize(s)
	if !uscc.Valid(c) {
		return "", false
	}
	return c, true
}
