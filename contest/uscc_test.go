package contest_test

import (
	"testing"

	"podium/contest"
)

func TestValidUSCC(t *testing.T) {
	// Codes of real companies, as published in China's national enterprise
	// credit information system.
	valid := []string{
		"914403001922038216", // 华为技术有限公司
		"91440300708461136T", // 深圳市腾讯计算机系统有限公司
		"91330100799655058B", // 阿里巴巴（中国）有限公司
		"91110000802100433B", // 北京百度网讯科技有限公司
		"9144030071526726XG", // 比亚迪股份有限公司 (organization code check X)
	}
	for _, code := range valid {
		if !contest.ValidUSCC(code) {
			t.Errorf("ValidUSCC(%s) = false, want true", code)
		}
	}
	invalid := map[string]string{
		"914403001922038217":  "last check character off by one",
		"914403001922038226":  "organization-code check character wrong",
		"91440300192203821":   "17 characters",
		"9144030019220382160": "19 characters",
		"91440300I92203821B":  "I is not in the alphabet",
		"914403001922O38216":  "O is not in the alphabet",
		"91440300708461136t":  "lower case (NormalizeUSCC upper-cases first)",
		"":                    "empty",
	}
	for code, why := range invalid {
		if contest.ValidUSCC(code) {
			t.Errorf("ValidUSCC(%q) = true, want false: %s", code, why)
		}
	}
	if got := contest.NormalizeUSCC(" 9144 0300 7084 6113 6t "); got != "91440300708461136T" || !contest.ValidUSCC(got) {
		t.Errorf("NormalizeUSCC = %q", got)
	}
}
