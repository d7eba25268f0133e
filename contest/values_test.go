package contest_test

import (
	"testing"

	"podium/contest"
)

// Logins typed on a Chinese keyboard (full-width digits and @) are the same
// logins; spaces and the country code are not part of a mobile number.
func TestNormalizeLoginFoldsWidth(t *testing.T) {
	for in, want := range map[string]string{
		"１３９１２３４５６７８":            "13912345678",
		"+86 139 1234 5678":      "13912345678",
		"Li.Na＠Example.CN":       "li.na@example.cn",
		" zhang.wei@example.cn ": "zhang.wei@example.cn",
	} {
		if got := contest.NormalizeLogin(in); got != want {
			t.Errorf("NormalizeLogin(%q) = %q, want %q", in, got, want)
		}
		if got := contest.NormalizeLogin(in); len(want) == 11 && !contest.ValidMobile(got) {
			t.Errorf("%q is not a valid mobile after normalizing", in)
		}
	}
}
