package contest

import (
	"encoding/json"
	"golang.org/x/text/width"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"podium/fault"
)

// Beijing is the wall clock contests happen on (Asia/Shanghai; without a
// zone database, UTC+8: China has had no DST since 1991). Times are stored in
// UTC and shown, mailed and exported on this clock.
var Beijing = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// Small rules and helpers the rooms share: contact details, names, keywords,
// and how values are stored and read.

// Mainland mobile numbers: 11 digits starting 13–19.
var mobilePattern = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// ValidMobile reports whether s is a mainland mobile number (normalized, see NormalizeLogin).
func ValidMobile(s string) bool { return mobilePattern.MatchString(s) }

// NormalizeLogin returns the canonical form of an email address or mobile number.
func NormalizeLogin(login string) string {
	login = strings.TrimSpace(width.Fold.String(login)) // a Chinese keyboard's full-width digits and @
	if strings.Contains(login, "@") {
		return strings.ToLower(login)
	}
	return strings.TrimPrefix(strings.ReplaceAll(login, " ", ""), "+86")
}

// UTC is t in UTC, nil for nil: how times leave the store.
func UTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// NonNil is s, or an empty list for nil (JSON shows [] rather than null).
func NonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// MustJSON marshals plain data, which cannot fail.
func MustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain data is marshalled here
	}
	return b
}

// CleanKeywords trims keywords and drops empty and repeated ones (case-insensitively).
func CleanKeywords(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, k := range in {
		k = strings.TrimSpace(k)
		if k == "" || seen[strings.ToLower(k)] || utf8.RuneCountInString(k) > 50 {
			continue
		}
		seen[strings.ToLower(k)] = true
		out = append(out, k)
	}
	return out
}

// UniqueIDs is the set of ids.
func UniqueIDs(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// CheckName checks a name for length (at most 200 runes) and, if required, presence.
func CheckName(p fault.Problems, field, name string, required bool) {
	switch n := utf8.RuneCountInString(name); {
	case required && n == 0:
		p.Add(field, "err.required")
	case n > 200:
		p.Add(field, "err.too_long")
	}
}
