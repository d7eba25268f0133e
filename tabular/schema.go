package tabular

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/width"
)

// Column is one column an import file may have.
type Column struct {
	Key      string   // the column's key: what RowError.Column, Row values and FileError.Columns (missing) use
	Names    []string // the header texts that name it (the key itself is always accepted too)
	Required bool     // the header must have it (whether every row must fill it is the caller's check)
}

// Schema is the set of columns of one kind of import file. Build it once with
// NewSchema; it is safe for concurrent use.
type Schema struct {
	keys        []string
	required    []string
	aliases     map[string]string // header cell folded by HeaderKey → column key
	missingCode string
}

// NewSchema builds a schema of columns. missingCode is the message key of the
// file-level error for required columns missing from the header
// (CodeMissingColumn when ""), so that its text can name the columns this kind
// of file needs. It panics when two columns share a key or a header name: a
// schema is fixed in code, and such a clash is a programming error.
func NewSchema(missingCode string, columns ...Column) *Schema {
	if missingCode == "" {
		missingCode = CodeMissingColumn
	}
	s := &Schema{aliases: map[string]string{}, missingCode: missingCode}
	for _, c := range columns {
		if c.Key == "" || slices.Contains(s.keys, c.Key) {
			panic(fmt.Sprintf("tabular: column key %q missing or repeated", c.Key))
		}
		s.keys = append(s.keys, c.Key)
		if c.Required {
			s.required = append(s.required, c.Key)
		}
		for _, n := range append([]string{c.Key}, c.Names...) {
			k := HeaderKey(n)
			if other, ok := s.aliases[k]; ok && other != c.Key {
				panic(fmt.Sprintf("tabular: header %q names both %s and %s", n, other, c.Key))
			}
			if k == "" {
				panic(fmt.Sprintf("tabular: empty header name for %s", c.Key))
			}
			s.aliases[k] = c.Key
		}
	}
	return s
}

// Keys returns the column keys in schema order (the order in which a row's
// problems are usually reported).
func (s *Schema) Keys() []string { return append([]string(nil), s.keys...) }

// Required returns the keys of the required columns, in schema order.
func (s *Schema) Required() []string { return append([]string(nil), s.required...) }

// Lookup returns the key of the column a header cell names.
func (s *Schema) Lookup(cell string) (key string, ok bool) {
	key, ok = s.aliases[HeaderKey(cell)]
	return key, ok
}

// HeaderKey folds a header cell for matching: full-width forms to half-width,
// lower case, without spaces, underscores, hyphens, zero-width characters, a
// leading or trailing "*" or a trailing "(必填)" or "(选填)" (full- or half-width).
func HeaderKey(s string) string {
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

// header says which cell of a row holds each column.
type header map[string]int

// mapHeader matches the header cells to columns. Empty header cells are
// ignored (their column is not read); an unrecognized or repeated one is a
// file-level error, as is a required column missing.
func (s *Schema) mapHeader(cells []string) (header, *FileError) {
	h := header{}
	var unknown, dup []string
	for i, c := range cells {
		k := HeaderKey(c)
		if k == "" {
			continue
		}
		key, ok := s.aliases[k]
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
	for _, key := range s.required {
		if !h.has(key) {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 {
		return nil, &FileError{Code: s.missingCode, Columns: missing}
	}
	return h, nil
}

func (h header) has(key string) bool {
	_, ok := h[key]
	return ok
}

func appendColumn(list []string, cell string) []string {
	if len(list) >= MaxListedColumns {
		return list
	}
	return append(list, Truncate(strings.TrimSpace(cell)))
}
