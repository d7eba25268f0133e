package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"podium/contest/access"
	"podium/fault"
)

const (
	sessionCookie = "podium_session"
	csrfCookie    = "podium_csrf" // double-submit token for forms sent before login
	langCookie    = "podium_lang"
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "csrf_token"
)

// Context keys.
const (
	keySession = "podium.session"
	keyLang    = "podium.lang"
	keyContest = "podium.contest"
)

// withLang picks the request's language; ?lang= also remembers the choice in a cookie.
func (s *Server) withLang() gin.HandlerFunc {
	return func(c *gin.Context) {
		lang := negotiateLang(c.Request)
		if q := c.Query("lang"); q != "" && q == lang {
			s.setCookie(c, langCookie, lang, 365*24*3600, false)
		}
		c.Set(keyLang, lang)
		c.Next()
	}
}

func (s *Server) localizer(c *gin.Context) *Localizer {
	return s.catalog.localizer(c.GetString(keyLang))
}

// withSession loads the session named by the cookie, if any and still valid.
func (s *Server) withSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		token, err := c.Cookie(sessionCookie)
		if err != nil || token == "" {
			c.Next()
			return
		}
		sess, err := s.accounts.SessionByToken(c.Request.Context(), token)
		switch {
		case fault.ErrorCode(err) == fault.CodeUnauthorized:
			s.setCookie(c, sessionCookie, "", -1, true) // expired or logged out: forget it
		case err != nil:
			s.fail(c, err)
			return
		default:
			c.Set(keySession, sess)
			c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), sessionKey{}, sess))
		}
		c.Next()
	}
}

func session(c *gin.Context) (access.Session, bool) {
	v, ok := c.Get(keySession)
	if !ok {
		return access.Session{}, false
	}
	return v.(access.Session), true
}

// checkCSRF rejects state-changing requests that do not prove they come from
// Podium's own pages or API clients: a logged-in request must echo its session's
// token (header or form field); an anonymous form must echo the token cookie; an
// anonymous API call must be JSON, which a cross-site form cannot send. An API
// login is JSON too, logged in or not: a client whose session is stale (its
// token lost, say) logs in again, and the login replaces that session.
func (s *Server) checkCSRF() gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		if c.Request.Method == http.MethodPost && c.FullPath() == apiLoginPath && c.ContentType() == "application/json" {
			c.Next()
			return
		}
		var want string
		if sess, ok := session(c); ok {
			want = sess.CSRFToken
		} else if isAPI(c) {
			if c.ContentType() == "application/json" {
				c.Next()
				return
			}
		} else if ck, err := c.Cookie(csrfCookie); err == nil {
			want = ck
		}
		got := c.GetHeader(csrfHeader)
		if got == "" && isForm(c) {
			got = c.PostForm(csrfField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			s.fail(c, fault.Forbidden("err.csrf"))
			return
		}
		c.Next()
	}
}

func isForm(c *gin.Context) bool {
	ct := c.ContentType()
	return ct == "application/x-www-form-urlencoded" || ct == "multipart/form-data"
}

// csrfToken is the token a page embeds in its forms: the session's, or for an
// anonymous visitor a random one kept in a cookie (set here on first sight).
func (s *Server) csrfToken(c *gin.Context) string {
	if sess, ok := session(c); ok {
		return sess.CSRFToken
	}
	if ck, err := c.Cookie(csrfCookie); err == nil && ck != "" {
		return ck
	}
	token := randomToken()
	s.setCookie(c, csrfCookie, token, 0, true)
	return token
}

func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int, httpOnly bool) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: httpOnly, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

// Access says who may use a route. It is the whole authorization policy: every
// route in the table names one, and authorize enforces it.
type Access int

const (
	Public           Access = iota // anyone, logged in or not
	LoggedIn                       // any account
	Organizer                      // organizer accounts
	ContestOrganizer               // organizers of the contest named by :contest
	Judge                          // judge accounts
	Entrant                        // entrant accounts
	Investor                       // investor accounts (the showcase checks each contest's approval)
)

func (s *Server) authorize(a Access) gin.HandlerFunc {
	return func(c *gin.Context) {
		if a == Public {
			c.Next()
			return
		}
		sess, ok := session(c)
		if !ok {
			if isAPI(c) || c.Request.Method != http.MethodGet {
				s.fail(c, fault.Unauthorized("err.login.required"))
			} else {
				c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
				c.Abort()
			}
			return
		}
		role := sess.Account.Role
		switch a {
		case Organizer, ContestOrganizer:
			if role != access.RoleOrganizer {
				s.fail(c, fault.Forbidden("err.forbidden"))
				return
			}
		case Judge:
			if role != access.RoleJudge {
				s.fail(c, fault.Forbidden("err.forbidden"))
				return
			}
		case Entrant:
			if role != access.RoleEntrant {
				s.fail(c, fault.Forbidden("err.forbidden"))
				return
			}
		case Investor:
			if role != access.RoleInvestor {
				s.fail(c, fault.Forbidden("err.forbidden"))
				return
			}
		}
		if a == ContestOrganizer {
			// Another organizer's contest is reported as not found, so contests
			// are not discoverable by guessing ids.
			id, err := strconv.ParseInt(c.Param("contest"), 10, 64)
			if err != nil || id <= 0 {
				s.fail(c, fault.NotFound("err.contest.not_found"))
				return
			}
			ok, err := s.accounts.IsContestOrganizer(c.Request.Context(), id, sess.Account.ID)
			if err != nil {
				s.fail(c, err)
				return
			}
			if !ok {
				s.fail(c, fault.NotFound("err.contest.not_found"))
				return
			}
			c.Set(keyContest, id)
		}
		c.Next()
	}
}

// contestID is the id of the contest authorized for this request.
func contestID(c *gin.Context) int64 { return c.GetInt64(keyContest) }

// safeNext keeps a post-login redirect on this site: it accepts only a path
// (with an optional query and fragment) that every browser resolves on this
// origin, and returns fallback for anything else. Browsers drop tabs and
// newlines anywhere in a URL, trim other control characters at its ends and
// read a backslash as a slash, so "/\t/evil.example" is "//evil.example" to
// them: a control character or a backslash anywhere, raw or percent-encoded in
// the path, refuses the URL before it is parsed.
func safeNext(next, fallback string) string {
	if !strings.HasPrefix(next, "/") || !utf8.ValidString(next) || strings.ContainsFunc(next, unsafeInURL) {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.ContainsFunc(u.Path, unsafeInURL) {
		return fallback
	}
	return next
}

// unsafeInURL reports the characters browsers strip from or reinterpret in a URL.
func unsafeInURL(r rune) bool { return unicode.IsControl(r) || r == '\\' }
