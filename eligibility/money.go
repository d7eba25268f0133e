package eligibility

import (
	"golang.org/x/text/width"
	"strconv"
	"strings"
)

// MaxMoney is the largest amount of yuan Podium accepts for a fact (10^15:
// far above any company's, far below int64's limit).
const MaxMoney int64 = 1_000_000_000_000_000

// ParseWan reads an amount in 万元 (ten thousand yuan) as Chinese forms ask
// for it — digits, optionally a point and one or two decimals; thousands
// separators and a trailing 万元 or 万 are allowed — and returns it in whole
// yuan, exactly (no floating point). ok is false for anything else, a
// negative amount or more than MaxMoney.
func ParseWan(s string) (yuan int64, ok bool) {
	s = strings.TrimSpace(width.Fold.String(s)) // full-width digits and point, as a Chinese keyboard types them
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "万元"), "万"))
	s = strings.NewReplacer(",", "", "，", "", " ", "").Replace(s)
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || (dotted && (frac == "" || len(frac) > 2)) || !digits(whole) || !digits(frac) {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	yuan = w*10_000 + f*100
	return yuan, yuan <= MaxMoney
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Yuan is an amount of money in whole yuan, as a message argument: each
// language writes it its own way (万元 in Chinese, "¥16.71 million" in English).
type Yuan int64

// English writes an amount of yuan as English readers count it: millions
// from a million up ("¥16.71 million", exact, trailing zeros dropped),
// below that with thousands separators ("¥850,000").
func (y Yuan) English() string {
	n := int64(y)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	if n >= 1_000_000 {
		out := strconv.FormatInt(n/1_000_000, 10)
		if rest := n % 1_000_000; rest != 0 {
			out += "." + strings.TrimRight(strconv.FormatInt(1_000_000+rest, 10)[1:], "0")
		}
		return sign + "¥" + out + " million"
	}
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + "¥" + b.String()
}

// FormatWan writes yuan in 万元 without a unit and without trailing zeros:
// 200000000 → "20000", 200000001 → "20000.0001", 1234500 → "123.45".
func FormatWan(yuan int64) string {
	sign := ""
	if yuan < 0 {
		sign, yuan = "-", -yuan
	}
	out := sign + strconv.FormatInt(yuan/10_000, 10)
	if rest := yuan % 10_000; rest != 0 {
		out += "." + strings.TrimRight(strconv.FormatInt(10_000+rest, 10)[1:], "0")
	}
	return out
}
