package web

import (
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/text/language"

	"podium/contest"
	"podium/contest/entry"
	"podium/contest/onward"
	"podium/eligibility"
	"podium/web/i18n"
)

// Languages Podium speaks; the first is the default.
var languages = []language.Tag{language.MustParse("zh-CN"), language.English}

// langCodes are the codes used in cookies, ?lang= and catalog file names, in the order of languages.
var langCodes = i18n.Codes

var matcher = language.NewMatcher(languages)

// Catalog holds every message in every language.
type Catalog map[string]map[string]string // lang → key → text

func loadCatalog() (Catalog, error) {
	cat, err := i18n.Load()
	return Catalog(cat), err
}

// Localizer translates message keys into one language.
type Localizer struct {
	Lang     string
	messages map[string]string
	fallback map[string]string
}

func (c Catalog) localizer(lang string) *Localizer {
	return &Localizer{Lang: lang, messages: c[lang], fallback: c[langCodes[0]]}
}

// T translates key, formatting args into it with fmt verbs when given. An unknown
// key is returned as is, which a catalog test catches before it ships.
func (l *Localizer) T(key string, args ...any) string {
	msg, ok := l.messages[key]
	if !ok {
		msg, ok = l.fallback[key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// args writes a domain error's arguments in the reader's language.
func (l *Localizer) args(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case contest.EntryRefs:
			a = l.Entries(v)
		case contest.Category: // a track or group, by its name in the reader's language
			a = l.Name(v.NameZh, v.NameEn)
		case onward.NameList: // names in both languages (nominations' tracks)
			names := make([]string, len(v))
			for i, n := range v {
				names[i] = l.Name(n.Zh, n.En)
			}
			a = strings.Join(names, l.T("list.sep"))
		case eligibility.Yuan:
			a = l.Money(int64(v))
		case onward.StatusWord:
			a = l.T("nomination.status." + string(v))
		case entry.MissingUploads: // materials by their names: "商业计划书、路演 PPT"
			names := make([]string, len(v))
			for i, k := range v {
				names[i] = l.T("upload.kind." + string(k))
			}
			a = strings.Join(names, l.T("list.sep"))
		}
		out[i] = a
	}
	return out
}

// Entry names an entry by its blind code and title, as organizers read it:
// "MA-4K7Q《智能温控涂层》" or "MA-4K7Q “Smart coating”".
func (l *Localizer) Entry(code, title string) string { return l.T("entry.ref", code, title) }

// Entries names a list of entries.
func (l *Localizer) Entries(refs contest.EntryRefs) string {
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = l.Entry(r.Code, r.Title)
	}
	return strings.Join(names, l.T("list.sep"))
}

// Name picks a name in the reader's language: the English one on English
// pages when there is one, the Chinese one otherwise (contests, rounds, tracks,
// groups and criteria all have both).
func (l *Localizer) Name(zh, en string) string { return localized(zh, en, l.Lang) }

// Other is the language the switch offers.
func (l *Localizer) Other() string {
	if l.Lang == "en" {
		return "zh-CN"
	}
	return "en"
}

// negotiateLang picks the language from ?lang=, then the lang cookie, then Accept-Language.
func negotiateLang(r *http.Request) string {
	if code, ok := knownLang(r.URL.Query().Get("lang")); ok {
		return code
	}
	if ck, err := r.Cookie(langCookie); err == nil {
		if code, ok := knownLang(ck.Value); ok {
			return code
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return langCodes[0]
	}
	return langCodes[i]
}

func knownLang(code string) (string, bool) {
	for _, c := range langCodes {
		if c == code {
			return c, true
		}
	}
	return "", false
}
