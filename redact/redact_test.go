package redact_test

import (
	"slices"
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

// An organization's brand and short names are redacted as its full name is:
// the name without its legal form and generic words, and each script run of
// it, but never a generic word on its own.
func TestOrganizationCores(t *testing.T) {
	for name, want := range map[string][]string{
		"NovaSense柔感科技有限公司":               {"novasense柔感科技", "novasense柔感", "novasense", "柔感科技有限公司", "柔感科技", "柔感"},
		"星河智能科技有限公司":                      {"星河智能科技", "星河智能"},
		"BrightPath明途团队":                  {"brightpath明途", "brightpath", "明途团队", "明途"},
		"深圳市星河智能科技有限公司":                   {"星河智能科技有限公司", "深圳市星河智能科技", "星河智能科技", "深圳市星河智能", "星河智能"},
		"腾讯科技（深圳）有限公司":                    {"腾讯科技有限公司", "腾讯科技", "腾讯"}, // a region alone is no name
		"ＢＲＩＧＨＴＰＡＴＨ Technology Co., Ltd.": {"brightpath technology co", "brightpath technology", "brightpath"},
		"比亚迪股份有限公司":                       {"比亚迪"},
		"奇虎360科技有限公司":                     {"奇虎360科技", "奇虎360", "奇虎"}, // digits alone are no name
		"3M中国有限公司":                        {"3m中国"},                   // "3m" is too short, 中国 generic
		"Tech Team":                       nil,                        // generic words only
		"科技有限公司":                          nil,
		"AI团队":                            nil, // too short once the generic word is gone
	} {
		if got := redact.Cores(name); !slices.Equal(got, want) {
			t.Errorf("Cores(%q) = %q, want %q", name, got, want)
		}
	}
}

// What a judge saw of "NovaSense柔感科技有限公司" before, and real-world names.
func TestBrandAndShortNamesRedacted(t *testing.T) {
	for name, cases := range map[string]map[string]string{
		"NovaSense柔感科技有限公司": {
			"NOVASENSE团队由三位博士组成":         "■■团队由三位博士组成",
			"ｎｏｖａｓｅｎｓｅ的柔性传感器":            "■■的柔性传感器",
			"柔 感 科 技成立于2021年":            "■■成立于2021年",
			"Novasense brand, 柔感 inside": "■■ brand, ■■ inside",
			"柔性传感器的科技含量高":                "柔性传感器的科技含量高", // neither 柔感 nor a generic word alone
			"novasensei is a word":       "novasensei is a word",
		},
		"星河智能科技有限公司": {
			"星河智能的产品线": "■■的产品线",
			"智能科技行业":   "智能科技行业",
		},
		"BrightPath明途团队": {
			"BrightPath 与明途是同一团队": "■■ 与■■是同一团队",
			"brightpath's plan":   "■■'s plan",
			"团队协作":                "团队协作",
		},
	} {
		r := redact.New(append([]string{name}, redact.Cores(name)...))
		for in, want := range cases {
			if got := r.String(in); got != want {
				t.Errorf("%s: %q\n got %q\nwant %q", name, in, got, want)
			}
		}
	}
}

// QQ numbers are masked only where labelled "QQ"; WeChat IDs are not masked.
func TestLabelledQQNumbers(t *testing.T) {
	var r redact.Redactor
	for in, want := range map[string]string{
		"QQ：12345678":           "QQ：■■",
		"qq号 1234567890，欢迎加好友":  "qq号 ■■，欢迎加好友",
		"ＱＱ群：987654321":         "ＱＱ群：■■",
		"订单 12345678，库存 987654": "订单 12345678，库存 987654",
		"QQ音乐 12345 首歌":         "QQ音乐 12345 首歌",
		"微信 xxx_bp":             "微信 xxx_bp",
	} {
		if got := r.String(in); got != want {
			t.Errorf("%q:\n got %q\nwant %q", in, got, want)
		}
	}
}
