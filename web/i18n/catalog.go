// Package i18n holds Podium's message catalogs, one flat JSON file per
// language (zh-CN.json, en.json), and reads them. The web layer translates
// pages with them; exports and other output of the domain read the same names
// through Text, so a state or an action is called the same everywhere.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sync"
)

//go:embed *.json
var files embed.FS

// Codes are the catalogs' languages, the default first.
var Codes = []string{"zh-CN", "en"}

var (
	once   sync.Once
	loaded map[string]map[string]string
	err    error
)

// Load returns every catalog: language code → key → text. The maps are
// shared; callers must not change them.
func Load() (map[string]map[string]string, error) {
	once.Do(func() {
		cats := map[string]map[string]string{}
		for _, code := range Codes {
			b, rerr := files.ReadFile(code + ".json")
			if rerr != nil {
				err = rerr
				return
			}
			m := map[string]string{}
			if jerr := json.Unmarshal(b, &m); jerr != nil {
				err = fmt.Errorf("catalog %s: %w", code, jerr)
				return
			}
			cats[code] = m
		}
		loaded = cats
	})
	return loaded, err
}

// Text is key's text in lang, or in the default language when lang lacks it;
// false when neither has it.
func Text(lang, key string) (string, bool) {
	cats, err := Load()
	if err != nil {
		return "", false
	}
	if s, ok := cats[lang][key]; ok {
		return s, true
	}
	s, ok := cats[Codes[0]][key]
	return s, ok
}
