package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// This file serves the page where anyone checks an entrant's receipt
// (docs/verifiable-results.en.md). The check itself runs in the browser
// (static/receipt-verify.js): the server only serves the page, and the
// public heads the script fetches, so a reader need not trust it.

// verifyPageData is what verify.html shows.
type verifyPageData struct {
	ContestName string
	Slug        string
	HeadsURL    string // the contest's public heads (the lead's API)
	Receipt     string // ?receipt=, a path on this site to load and check at once
	Earlier     string // ?earlier=, older receipts on this site to compare with, as a JSON list
	Messages    string // the script's messages in the reader's language, as JSON
}

func (s *Server) verifyPage(c *gin.Context) {
	ct, ok := s.publicContest(c)
	if !ok {
		return
	}
	l := s.localizer(c)
	msgs, err := json.Marshal(l.prefixed("verify.", "award.level."))
	if err != nil {
		s.fail(c, err)
		return
	}
	page := verifyPageData{
		ContestName: l.Name(ct.NameZh, ct.NameEn),
		Slug:        ct.Slug,
		HeadsURL:    "/api/v1/public/results/" + url.PathEscape(ct.Slug) + "/heads",
		// Only this site's paths: the page must not fetch from elsewhere.
		Receipt:  safeNext(c.Query("receipt"), ""),
		Messages: string(msgs),
	}
	earlier := []string{}
	for _, e := range c.QueryArray("earlier") {
		if e = safeNext(e, ""); e != "" {
			earlier = append(earlier, e)
		}
	}
	b, _ := json.Marshal(earlier) // strings: cannot fail
	page.Earlier = string(b)
	s.render(c, http.StatusOK, "verify.html", "verify.title", page)
}

// prefixed is every message whose key starts with one of prefixes, in the
// reader's language, for a script that speaks to the reader itself.
func (l *Localizer) prefixed(prefixes ...string) map[string]string {
	out := map[string]string{}
	for k := range l.fallback {
		if slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(k, p) }) {
			out[k] = l.T(k)
		}
	}
	return out
}
