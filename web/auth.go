package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-redis/redis_rate/v10"

	"podium/contest"
	"podium/contest/access"
	"podium/fault"
)

// login checks credentials under the per-account and per-IP limits (kept in Redis
// so they hold across instances) and starts a session.
func (s *Server) login(c *gin.Context, login, password string) (access.Session, error) {
	ctx := c.Request.Context()
	if err := s.allowLogin(ctx, contest.NormalizeLogin(login), c.ClientIP()); err != nil {
		return access.Session{}, err
	}
	acct, err := s.accounts.Authenticate(ctx, login, password)
	if err != nil {
		return access.Session{}, err
	}
	return s.logInAs(c, acct.ID)
}

// logInAs starts a session for the account and sets its cookie.
func (s *Server) logInAs(c *gin.Context, accountID int64) (access.Session, error) {
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

// allowLogin counts a login attempt against both limits, the address first so that
// attempts on a locked account still count against it. When Redis is down the
// attempt is allowed: losing the limiter must not lock judges out. A Redis that
// fails the first check is not asked again for the second, so a login waits for
// at most one Redis timeout.
func (s *Server) allowLogin(ctx context.Context, login, ip string) error {
	for _, check := range []struct {
		key   string
		limit redis_rate.Limit
	}{
		{"login:ip:" + ip, s.cfg.LoginPerIP},
		{"login:account:" + login, s.cfg.LoginPerAccount},
	} {
		if reached, err := s.count(ctx, check.key, check.limit); err != nil || !reached {
			return err
		}
	}
	return nil
}

// allow counts one attempt under key (prefixed) against limit; see count.
func (s *Server) allow(ctx context.Context, key string, limit redis_rate.Limit) error {
	_, err := s.count(ctx, key, limit)
	return err
}

// count counts one attempt under key (prefixed) against limit, returning a
// rate-limited error when it is over. When Redis cannot be reached the attempt
// is allowed (reached is false); redisWatch logs the outage, once.
func (s *Server) count(ctx context.Context, key string, limit redis_rate.Limit) (reached bool, err error) {
	res, err := s.limiter.Allow(ctx, s.cfg.RedisPrefix+key, limit)
	if err != nil {
		return false, nil
	}
	if res.Allowed == 0 {
		return true, &fault.Error{Code: fault.CodeRateLimited, Message: "err.login.rate_limited"}
	}
	return true, nil
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
}

func (s *Server) loginPage(c *gin.Context) {
	s.render(c, http.StatusOK, "login.html", "login.title", loginForm{Next: c.Query("next")})
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
}

// The invite link shows a confirmation page first and is used only by its POST,
// so a chat app fetching a link preview cannot burn it.
func (s *Server) invitePage(c *gin.Context) {
	s.render(c, http.StatusOK, "invite.html", "invite.title", invitePage{Token: c.Param("token"), Key: randomToken()})
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
