package onward

import (
	"podium/fault"
	"podium/web/i18n"
)

// Lang is the language an export's headers and names are in. The web layer
// has catalogs for pages; an export's words are few and fixed, so they are a
// table here, keeping the domain free of web's catalogs.
type Lang string

// The languages.
const (
	Chinese Lang = "zh-CN"
	English Lang = "en"
)

// ParseLang reads a language tag; empty means Chinese, the default locale.
func ParseLang(s string) (Lang, error) {
	switch Lang(s) {
	case "", Chinese:
		return Chinese, nil
	case English:
		return English, nil
	}
	return "", fault.Invalid("lang", "err.export.lang")
}

func (l Lang) orDefault() Lang {
	if l == English {
		return English
	}
	return Chinese
}

// word is one header or name in both languages.
type word struct{ zh, en string }

func (w word) in(l Lang) string {
	if l == English {
		return w.en
	}
	return w.zh
}

func words(l Lang, ws ...word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.in(l)
	}
	return out
}

// Sheet names, which are also the last part of file names.
var sheetNames = map[What]word{
	Entries:     {"参赛项目", "Entries"},
	Ranking:     {"排名", "Ranking"},
	Matrix:      {"评分矩阵", "Score matrix"},
	Scores:      {"评分明细", "Scores by judge"},
	Winners:     {"获奖名单", "Winners"},
	Workload:    {"评委工作量", "Judges' workload"},
	Objections:  {"异议", "Objections"},
	Audit:       {"审计日志", "Audit log"},
	Showcase:    {"投资路演联系请求", "Showcase requests"},
	Nominations: {"推荐情况", "Nominations"},
}

func sheetName(w What, l Lang) string { return sheetNames[w].in(l) }

// The entries' columns. The Chinese headers are those the entries import
// reads (contest/entry's import schema), so an export can be edited and
// imported into another contest.
var entryColumns = []word{
	{"ID", "ID"},
	{"项目名称", "Title"},
	{"赛道", "Track"},
	{"组别", "Group"},
	{"单位名称", "Organization"},
	{"主体类型", "Kind"},
	{"统一社会信用代码", "USCC"},
	{"联系人", "Contact"},
	{"联系电话", "Phone"},
	{"邮箱", "Email"},
	{"项目简介", "Summary"},
	{"发展阶段", "Stage"},
	{"核心技术", "Technology"},
	{"市场前景", "Market"},
	{"团队情况", "Team"},
	{"融资情况与需求", "Financing"},
	{"关键词", "Keywords"},
	{"来源", "Source"},
	{"状态", "State"},
	{"审查意见", "Review reason"},
	{"提交时间", "Submitted at"},
	{"审查时间", "Reviewed at"},
}

var rankingColumns = []word{
	{"名次", "Rank"},
	{"编号", "Code"},
	{"项目名称", "Title"},
	{"单位名称", "Organization"},
	{"赛道", "Track"},
	{"组别", "Group"},
	{"得分", "Score"},
	{"评分数", "Sheets"},
	{"各评委总分", "Judges' totals"},
	{"去掉的评分", "Dropped"},
	{"计分规则", "Rule"},
	{"并列判定", "Tie-break"},
}

var winnerColumns = []word{
	{"组别", "Group"},
	{"赛道", "Track"},
	{"奖项", "Prize"},
	{"组内名次", "Rank in track and group"}, // as the ranking page names it
	{"得分", "Score"},
	{"项目名称", "Title"},
	{"单位名称", "Organization"},
	{"联系人", "Contact"},
	{"联系电话", "Phone"},
	{"邮箱", "Email"},
	{"本轮名次", "Round rank"}, // across tracks and groups
}

// name is a catalog key's name in l, as the pages show it (web/i18n); a key
// without one is written as it is, which the tests catch.
func name(l Lang, key string) string {
	if w, ok := i18n.Text(string(l), key); ok {
		return w
	}
	return key
}

// named is value v of a vocabulary (prefix is its catalog keys' prefix, e.g.
// "entry.state.") by its name in l; empty stays empty.
func named(l Lang, prefix, v string) string {
	if v == "" {
		return ""
	}
	return name(l, prefix+v)
}

// kindName is an organization's kind by its name. In Chinese it is the word
// the entries import reads back (企业, 团队), as the Chinese headers are the
// import's: the catalog's 团队（未注册企业） would not be read.
func kindName(l Lang, kind string) string {
	if w, ok := importKinds[kind]; ok && l != English {
		return w
	}
	return named(l, "profile.kind.", kind)
}

var importKinds = map[string]string{"enterprise": "企业", "team": "团队"}
