package redact_test

import (
	"testing"

	"podium/redact"
)

func TestNamesInAnySpelling(t *testing.T) {
	r := redact.New([]string{"ＡＢＣ科技", "欧阳绝密", "Li Na", "x", "司马 隐名"})
	for in, want := range map[string]string{
		// Case and width: the organization registered in full-width forms.
		"abc科技研发了散热膜。":          "■■研发了散热膜。",
		"由ABC科技与Abc科技联合出品":      "由■■与■■联合出品",
		"ＡＢＣ科技的产品":              "■■的产品",
		"ａｂｃ 科 技":               "■■",
		"负责人：欧阳 绝密（CEO）":        "负责人：■■（CEO）",
		"欧阳\n绝密负责技术":            "■■负责技术",
		"司马隐名、司马 隐名":            "■■、■■",
		"Team lead: LI NA, CTO": "Team lead: ■■, CTO",
		"li-na is not her name": "li-na is not her name",
		// A Latin name is a word, not a part of one.
		"Carolina and Linaro": "Carolina and Linaro",
		"Lina joined":         "■■ joined",
		// One-letter names are ignored; the rest of the text is left as written
		// (full-width punctuation, Kangxi radicals, line breaks).
		"x 轴数据：⽬标１００％\n下一行": "x 轴数据：⽬标１００％\n下一行",
		"": "",
	} {
		if got := r.String(in); got != want {
			t.Errorf("%q:\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestContactDetails(t *testing.T) {
	var r redact.Redactor // no names: contact details only
	for in, want := range map[string]string{
		"电话13912345678。":                       "电话■■。",
		"电话 139-1234-5678，微信同号":                "电话 ■■，微信同号",
		"+86 139 1234 5678":                    "■■",
		"+86-13912345678 或 0086 139 1234 5678": "■■ 或 ■■",
		"手机：１３９１２３４５６７８":                       "手机：■■",
		"座机 0571-88888888 转 123":               "座机 ■■",
		"(010) 6552 9988；021-55556666":         "■■；■■",
		"客服 400-810-8888":                      "客服 ■■",
		"邮箱 secret.founder@example.com 欢迎来信":   "邮箱 ■■ 欢迎来信",
		"Founder@Secret-Star.CN":               "■■",
		"邮箱：ｆｏｕｎｄｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ":               "邮箱：■■",
		"统一社会信用代码 91110000802100433B。":         "统一社会信用代码 ■■。",
		"代码91350100MA2Y0G7L1X（新设企业）":           "代码■■（新设企业）",
		"91350100ma2y0g7l1x":                   "■■",
		// What is not a contact detail stays.
		"融资 1,000,000 元，估值 ¥50,000,000":      "融资 1,000,000 元，估值 ¥50,000,000",
		"2025 年营收 12345678 元，2024-2026 三年规划": "2025 年营收 12345678 元，2024-2026 三年规划",
		"增长 13.5%，专利 ZL202010123456.7":       "增长 13.5%，专利 ZL202010123456.7",
		"订单号 1391234567890123":               "订单号 1391234567890123",
		"日期 2025-01-01，版本 v1.3.9":            "日期 2025-01-01，版本 v1.3.9",
		"not@an address":                     "not@an address",
	} {
		if got := r.String(in); got != want {
			t.Errorf("%q:\n got %q\nwant %q", in, got, want)
		}
	}
}

// Names and contact details next to each other make one mark.
func TestAdjacentMarksMerge(t *testing.T) {
	r := redact.New([]string{"星河科技"})
	if got := r.String("星河科技13912345678"); got != "■■" {
		t.Errorf("got %q", got)
	}
	if got := r.String("星河科技，13912345678"); got != "■■，■■" {
		t.Errorf("got %q", got)
	}
}
