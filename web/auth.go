package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-redis/redis_rate/v10"

	"podium/contest"
	"podium/contest/access"
	"podium/fault"
)

// login checks credentials under the per-account and per-IP limits (kept in Redis
// so they hold across instances) and starts a session. Only failed attempts
// count: a judge logging in on three tablets, or a hall of entrants behind one
// NAT, is never held back by logins that succeed.
func (s *Server) login(c *gin.Context, login, password string) (access.Session, error) {
	ctx := c.Request.Context()
	limits := s.loginLimits(contest.NormalizeLogin(login), c.ClientIP())
	counting, err := s.peek(ctx, limits)
	if err != nil {
		return access.Session{}, err
	}
	acct, err := s.accounts.Authenticate(ctx, login, password)
	if fault.ErrorCode(err) == fault.CodeUnauthorized && counting {
		s.countFailure(ctx, limits)
	}
	if err != nil {
		return access.Session{}, err
	}
	return s.logInAs(c, acct.ID)
}

// logInAs starts a session for the account and sets its cookie. The session
// the browser had until now, if any, ends: a login replaces it.
func (s *Server) logInAs(c *gin.Context, accountID int64) (access.Session, error) {
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		if err := s.accounts.DeleteSession(c.Request.Context(), old); err != nil {
			return access.Session{}, err
		}
	}
	token, sess, err := s.accounts.CreateSession(c.Request.Context(), accountID)
	if err != nil {
		return access.Session{}, err
	}
	s.startSession(c, token, sess)
	return sess, nil
}

func (s *Server) startSession(c *gin.Context, token string, sess access.Session) {
	// Max-Age is measured on the domain's clock, the one that decides expiry.
	s.setCookie(c, sessionCookie, token, int(sess.ExpiresAt.Sub(s.cfg.DB.Now()).Seconds()), true)
	c.Set(keySession, sess)
}

// keyedLimit is a rate limit under a key (unprefixed).
type keyedLimit struct {
	key   string
	limit redis_rate.Limit
}

// loginLimits are the limits a login attempt is checked against.
func (s *Server) loginLimits(login, ip string) []keyedLimit {
	return []keyedLimit{{"login:ip:" + ip, s.cfg.LoginPerIP}, {"login:account:" + login, s.cfg.LoginPerAccount}}
}

// peek checks, without counting, that every limit has an attempt left. When
// Redis cannot be reached the attempt is allowed (losing the limiter must not
// lock judges out) and counting is false: Redis is not asked again, so a
// login waits for at most one Redis timeout. Attempts that pass the peek
// together are each counted when they fail, so parallel guesses on an
// account gain at most the attempts in flight, once.
func (s *Server) peek(ctx context.Context, limits []keyedLimit) (counting bool, err error) {
	for _, l := range limits {
		res, err := s.limiter.AllowN(ctx, s.cfg.RedisPrefix+l.key, l.limit, 0)
		if err != nil {
			return false, nil // redisWatch logs the outage, once
		}
		if res.Remaining < 1 {
			return true, rateLimited()
		}
	}
	return true, nil
}

// countFailure counts a failed attempt against every limit.
func (s *Server) countFailure(ctx context.Context, limits []keyedLimit) {
	for _, l := range limits {
		if _, err := s.limiter.Allow(ctx, s.cfg.RedisPrefix+l.key, l.limit); err != nil {
			return
		}
	}
}

func rateLimited() error {
	return &fault.Error{Code: fault.CodeRateLimited, Message: "err.login.rate_limited"}
}

// allow counts one attempt under key (prefixed) against limit, returning a
// rate-limited error when it is over. When Redis cannot be reached the attempt
// is allowed; redisWatch logs the outage, once.
func (s *Server) allow(ctx context.Context, key string, limit redis_rate.Limit) error {
	res, err := s.limiter.Allow(ctx, s.cfg.RedisPrefix+key, limit)
	if err == nil && res.Allowed == 0 {
		return rateLimited()
	}
	return nil
}

func (s *Server) logout(c *gin.Context) error {
	token, _ := c.Cookie(sessionCookie)
	if err := s.accounts.DeleteSession(c.Request.Context(), token); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, "", -1, true)
	return nil
}

// homeFor is where an account lands after logging in.
func homeFor(role access.Role) string {
	switch role {
	case access.RoleOrganizer:
		return "/organizer"
	case access.RoleJudge:
		return "/judge"
	case access.RoleInvestor:
		return "/investor"
	default:
		return "/entrant"
	}
}

// Pages.

func (s *Server) home(c *gin.Context) {
	if sess, ok := session(c); ok {
		c.Redirect(http.StatusSeeOther, homeFor(sess.Account.Role))
		return
	}
	c.Redirect(http.StatusSeeOther, "/login")
}

type loginForm struct {
	Login string
	Next  string
	Error string
	Reset bool // just reset the password
}

func (s *Server) loginPage(c *gin.Context) {
	s.render(c, http.StatusOK, "login.html", "login.title", loginForm{Next: c.Query("next"), Reset: c.Query("reset") == "1"})
}

func (s *Server) loginSubmit(c *gin.Context) {
	form := loginForm{Login: c.PostForm("login"), Next: c.PostForm("next")}
	sess, err := s.login(c, form.Login, c.PostForm("password"))
	if err != nil {
		status, d := s.describe(c, err)
		form.Error = d.Message
		s.render(c, status, "login.html", "login.title", form)
		return
	}
	c.Redirect(http.StatusSeeOther, safeNext(form.Next, homeFor(sess.Account.Role)))
}

func (s *Server) logoutSubmit(c *gin.Context) {
	if err := s.logout(c); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/login")
}

// invitePage is what an invite link opens.
type invitePage struct {
	Token string
	Key   string // names this page's redemption, so a double tap or a re-posted form gets in again
	// Problem is why the link cannot be used (used, expired, unknown): the
	// page says so instead of offering the button. Used: it was used, perhaps
	// on this very device, whose list the page then links to.
	Problem string
	Used    bool
}

// The invite link shows a confirmation page first and is used only by its POST,
// so a chat app fetching a link preview cannot burn it.
func (s *Server) invitePage(c *gin.Context) {
	page := invitePage{Token: c.Param("token"), Key: randomToken()}
	// A link that cannot be used says so, and why, before anything is pressed;
	// the page is still 200: it is an answer, not a broken address.
	if err := s.accounts.CheckInvite(c.Request.Context(), page.Token); err != nil {
		status, d := s.describe(c, err)
		if status >= http.StatusInternalServerError {
			s.fail(c, err)
			return
		}
		var fe *fault.Error
		page.Problem, page.Used = d.Message, errors.As(err, &fe) && fe.Message == "err.invite.used"
	}
	s.render(c, http.StatusOK, "invite.html", "invite.title", page)
}

// redemption is how this request redeems an invite: with the Idempotency-Key
// header (or the key the invite page's form carries), and the device's
// current session, whose contests a session of the same judge keeps.
func redemption(c *gin.Context) access.Redemption {
	key := c.GetHeader("Idempotency-Key")
	if key == "" && isForm(c) {
		key = c.PostForm("idempotency_key")
	}
	current, _ := c.Cookie(sessionCookie)
	return access.Redemption{Key: key, Session: current}
}

func (s *Server) inviteSubmit(c *gin.Context) {
	token, sess, err := s.accounts.RedeemInvite(c.Request.Context(), c.Param("token"), redemption(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.startSession(c, token, sess)
	c.Redirect(http.StatusSeeOther, "/judge")
}

// API.

type sessionResponse struct {
	Account   access.Account `json:"account"`
	CSRFToken string         `json:"csrf_token"`
	ExpiresAt time.Time      `json:"expires_at"`
}

func newSessionResponse(sess access.Session) sessionResponse {
	return sessionResponse{Account: sess.Account, CSRFToken: sess.CSRFToken, ExpiresAt: sess.ExpiresAt}
}

func (s *Server) apiLogin(c *gin.Context) {
	var req struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	sess, err := s.login(c, req.Login, req.Password)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newSessionResponse(sess))
}

func (s *Server) apiLogout(c *gin.Context) {
	if err := s.logout(c); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) apiMe(c *gin.Context) {
	sess, _ := session(c)
	c.JSON(http.StatusOK, newSessionResponse(sess))
}

func (s *Server) apiRedeemInvite(c *gin.Context) {
	token, sess, err := s.accounts.RedeemInvite(c.Request.Context(), c.Param("token"), redemption(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.startSession(c, token, sess)
	c.JSON(http.StatusOK, newSessionResponse(sess))
}
