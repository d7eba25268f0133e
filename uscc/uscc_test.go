package uscc_test

import (
	"testing"

	"podium/uscc"
)

func TestValid(t *testing.T) {
	// Codes of real companies, as published in China's national enterprise
	// credit information system.
	valid := []string{
		"914403001922038216", // 华为技术有限公司
		"91440300708461136T", // 深圳市腾讯计算机系统有限公司
		"91330100799655058B", // 阿里巴巴（中国）有限公司
		"91110000802100433B", // 北京百度网讯科技有限公司
		"9144030071526726XG", // 比亚迪股份有限公司 (organization code check X)
		// Codes issued since 2015 carry letters in the organization code
		// ("MA…"); these three were found in published records (invoices,
		// registrations). Both check characters hold only with GB 11714's
		// A=10 … Z=35, so they were refused before that was fixed.
		"91310115MA1K427762",
		"91310115MA1H971RXF",
		"91110108MA01G0FB09",
	}
	for _, code := range valid {
		if !uscc.Valid(code) {
			t.Errorf("uscc.Valid(%s) = false, want true", code)
		}
	}
	invalid := map[string]string{
		"914403001922038217":  "last check character off by one",
		"914403001922038226":  "organization-code check character wrong",
		"91440300192203821":   "17 characters",
		"9144030019220382160": "19 characters",
		"91440300I92203821B":  "I is not in the alphabet",
		"914403001922O38216":  "O is not in the alphabet",
		"91440300708461136t":  "lower case (uscc.Normalize upper-cases first)",
		// The organization-code check computed with the 31-letter alphabet
		// (H=17, J=18 … instead of A=10 … Z=35); the whole code's check is right.
		"91310115MA1K427788": "organization-code check of the wrong alphabet",
		"":                   "empty",
	}
	for code, why := range invalid {
		if uscc.Valid(code) {
			t.Errorf("uscc.Valid(%q) = true, want false: %s", code, why)
		}
	}
	if got := uscc.Normalize(" 9144 0300 7084 6113 6t "); got != "91440300708461136T" || !uscc.Valid(got) {
		t.Errorf("uscc.Normalize = %q", got)
	}
	// Full-width, as a Chinese IME types it on a phone.
	if got := uscc.Normalize("９１３１０１１５ＭＡ１Ｋ４２７７６２"); got != "91310115MA1K427762" {
		t.Errorf("uscc.Normalize(full-width) = %q", got)
	}
}
