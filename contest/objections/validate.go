package objections

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"podium/uscc"
)

// Bounds of what the form takes.
const (
	MaxNameRunes    = 100
	MaxGroundsRunes = 5000
	MaxReplyRunes   = 5000
	MaxEvidence     = 5        // evidence files per objection
	MaxNoteFiles    = 5        // files per investigation note
	MaxFileSize     = 10 << 20 // bytes per file
)

// foldText folds full-width letters, digits and punctuation (as a Chinese
// IME types them) to their usual forms, trims and collapses spaces. CJK
// characters are left as typed.
func foldText(s string) string {
	return strings.Join(strings.Fields(width.Fold.String(s)), " ")
}

// foldCode is foldText for codes and numbers: no spaces or dashes at all, upper case.
func foldCode(s string) string {
	s = strings.ToUpper(width.Fold.String(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, s)
}

// gb11643Weights and gb11643Check are the resident ID number's check digit
// rule (GB 11643-1999): the weighted sum of the first 17 digits mod 11
// indexes the check character.
var gb11643Weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const gb11643Check = "10X98765432"

// ValidResidentID reports whether n (folded, upper case) is an 18-character
// resident ID number with a real birth date and the right check character.
func ValidResidentID(n string) bool {
	if len(n) != 18 {
		return false
	}
	sum := 0
	for i := range 17 {
		c := n[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * gb11643Weights[i]
	}
	if n[17] != gb11643Check[sum%11] {
		return false
	}
	born, err := time.Parse("20060102", n[6:14])
	return err == nil && born.Year() >= 1900 && born.Format("20060102") == n[6:14]
}

var (
	passportPattern = regexp.MustCompile(`^[A-Z0-9]{5,20}$`)
	hkMacauPattern  = regexp.MustCompile(`^[HM][0-9]{8}([0-9]{2})?$`)
	taiwanPattern   = regexp.MustCompile(`^[0-9]{8}$|^[0-9]{10}[A-Z]?$`)
	mobilePattern   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	// A landline with its area code: 0 and 2–3 digits, then 7–8 digits, an
	// optional extension.
	landlinePattern = regexp.MustCompile(`^0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}(-[0-9]{1,6})?$`)
)

// validID reports whether number (folded) is a well-formed number of type t.
func validID(t IDType, number string) bool {
	switch t {
	case IDResident:
		return ValidResidentID(number)
	case IDPassport:
		return passportPattern.MatchString(number)
	case IDHKMacau:
		return hkMacauPattern.MatchString(number)
	case IDTaiwan:
		return taiwanPattern.MatchString(number)
	case IDUSCC:
		return uscc.Valid(number)
	}
	return false
}

// normalizePhone folds a phone number and drops the spaces, brackets and the
// +86 people add; a landline keeps one dash between area code and number.
func normalizePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '(' || r == ')' {
			return -1
		}
		return r
	}, width.Fold.String(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "0086")
	if m := strings.ReplaceAll(s, "-", ""); mobilePattern.MatchString(m) {
		return m
	}
	return s
}

// validPhone reports a mainland mobile number or a landline with its area code.
func validPhone(s string) bool { return mobilePattern.MatchString(s) || landlinePattern.MatchString(s) }

// validEmail reports a plain address (no display name) with a dotted domain.
func validEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

// MaskName shows a name's first character and hides the rest, keeping the
// last of a longer one (张三 → 张*, 欧阳明华 → 欧**华).
func MaskName(name string) string {
	r := []rune(name)
	switch n := len(r); {
	case n == 0:
		return ""
	case n == 1:
		return "*"
	case n == 2:
		return string(r[0]) + "*"
	default:
		return string(r[0]) + strings.Repeat("*", n-2) + string(r[n-1])
	}
}

func runes(s string) int { return utf8.RuneCountInString(s) }
