package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/fault"
	"podium/web"
)

func TestAPILoginSessionCSRFAndLogout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c := h.client()

	res := c.api(http.MethodPost, "/api/v1/session", map[string]string{"login": "org@example.com", "password": contesttest.Password})
	if res.status != http.StatusOK {
		t.Fatalf("login: %d %s", res.status, res.body)
	}
	var sess struct {
		CSRFToken string `json:"csrf_token"`
		Account   struct {
			Role string `json:"role"`
		} `json:"account"`
	}
	res.json(t, &sess)
	if sess.CSRFToken == "" || sess.Account.Role != "organizer" {
		t.Fatalf("session response %s", res.body)
	}
	cookie := res.header.Get("Set-Cookie")
	for _, attr := range []string{"podium_session=", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("session cookie %q lacks %s", cookie, attr)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("Secure cookie without PODIUM_SECURE_COOKIES: %q", cookie)
	}
	if strings.Contains(res.body, "password") {
		t.Errorf("login response mentions the password hash: %s", res.body)
	}

	// A state-changing call without the CSRF token is refused; with it, it goes through.
	c.csrf = ""
	res = c.api(http.MethodPost, "/api/v1/contests", contesttest.Setup("csrf"))
	if res.status != http.StatusForbidden || !strings.Contains(res.body, "csrf") && res.errorBody(t).Code != "forbidden" {
		t.Errorf("without CSRF token: %d %s", res.status, res.body)
	}
	c.csrf = "wrong-token"
	if res = c.api(http.MethodPost, "/api/v1/contests", contesttest.Setup("csrf")); res.status != http.StatusForbidden {
		t.Errorf("with a wrong CSRF token: %d", res.status)
	}
	c.csrf = sess.CSRFToken
	if res = c.api(http.MethodPost, "/api/v1/contests", contesttest.Setup("csrf")); res.status != http.StatusCreated {
		t.Errorf("with the CSRF token: %d %s", res.status, res.body)
	}

	// Logout invalidates the session on the server, not just the cookie.
	old := c.http.Jar.Cookies(mustURL(t, h.http.URL))
	if res = c.api(http.MethodDelete, "/api/v1/session", nil); res.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", res.status, res.body)
	}
	replay := h.client()
	replay.http.Jar.SetCookies(mustURL(t, h.http.URL), old)
	if res = replay.get("/api/v1/me"); res.status != http.StatusUnauthorized {
		t.Errorf("old session after logout: %d", res.status)
	}
}

func TestLoginFailuresAndAnonymousCSRF(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c := h.client()

	res := c.api(http.MethodPost, "/api/v1/session", map[string]string{"login": "org@example.com", "password": "wrong"})
	if d := res.errorBody(t); res.status != http.StatusUnauthorized || d.Code != "unauthorized" {
		t.Errorf("wrong password: %d %+v", res.status, d)
	}
	// An anonymous API write that is not JSON could come from a cross-site form.
	res = c.do(http.MethodPost, "/api/v1/session", "text/plain", strings.NewReader(`{"login":"org@example.com","password":"password-123"}`))
	if res.status != http.StatusForbidden {
		t.Errorf("text/plain login: %d %s", res.status, res.body)
	}
	// A login form without the token cookie and field is refused...
	res = c.do(http.MethodPost, "/login", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"login": {"org@example.com"}, "password": {contesttest.Password}}.Encode()))
	if res.status != http.StatusForbidden {
		t.Errorf("login form without CSRF token: %d", res.status)
	}
	// ...and with them it logs in and redirects to the organizer's home.
	res = c.form("/login", url.Values{"login": {"org@example.com"}, "password": {contesttest.Password}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/organizer" {
		t.Errorf("login form: %d %s", res.status, res.header.Get("Location"))
	}
	// The redirect after login stays on this site.
	c = h.client()
	res = c.form("/login", url.Values{"login": {"org@example.com"}, "password": {contesttest.Password}, "next": {"//evil.example/x"}})
	if res.header.Get("Location") != "/organizer" {
		t.Errorf("open redirect: %s", res.header.Get("Location"))
	}
	// A wrong password re-renders the form with the message, in the user's language.
	c = h.client()
	res = c.form("/login?lang=en", url.Values{"login": {"org@example.com"}, "password": {"nope"}})
	if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "Wrong login or password.") || !strings.Contains(res.body, `value="org@example.com"`) {
		t.Errorf("failed login page: %d %s", res.status, res.body)
	}
}

func TestLoginRateLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(cfg *web.Config) {
		cfg.LoginPerAccount = redis_rate.Limit{Rate: 3, Burst: 3, Period: 60e9}
		cfg.LoginPerIP = redis_rate.Limit{Rate: 6, Burst: 6, Period: 60e9}
		cfg.RegisterPerIP = redis_rate.Limit{Rate: 2, Burst: 2, Period: 60e9}
	})
	contesttest.Account(t, h.store, access.RoleJudge, "a@example.com")
	contesttest.Account(t, h.store, access.RoleEntrant, "b@example.com")
	// Each attempt comes from a fresh browser on the same address (127.0.0.1).
	login := func(who, password string) int {
		return h.client().api(http.MethodPost, "/api/v1/session", map[string]string{"login": who, "password": password}).status
	}
	// Logins that succeed never count: a judge on several tablets, a hall
	// behind one NAT, log in again and again.
	for i := range 8 {
		if got := login("b@example.com", contesttest.Password); got != http.StatusOK {
			t.Fatalf("successful login %d of one account from one address: %d", i+1, got)
		}
	}
	for range 3 {
		if got := login("a@example.com", "wrong"); got != http.StatusUnauthorized {
			t.Fatalf("failed attempt: %d", got)
		}
	}
	// After three failures the account is refused, even with the right password.
	res := h.client().api(http.MethodPost, "/api/v1/session", map[string]string{"login": "A@example.com", "password": contesttest.Password})
	if d := res.errorBody(t); res.status != http.StatusTooManyRequests || d.Code != "rate_limited" {
		t.Errorf("over the account limit: %d %+v", res.status, d)
	}
	// Another account from the same address still works until the address's
	// failures reach its limit (three so far; unknown logins count too).
	if got := login("b@example.com", contesttest.Password); got != http.StatusOK {
		t.Errorf("other account: %d", got)
	}
	for _, who := range []string{"nobody1@example.com", "nobody2@example.com", "b@example.com"} {
		if got := login(who, "wrong"); got != http.StatusUnauthorized {
			t.Errorf("failure from the address: %d", got)
		}
	}
	if got := login("b@example.com", contesttest.Password); got != http.StatusTooManyRequests {
		t.Errorf("over the per-IP limit: %d", got)
	}
	// A forged X-Forwarded-For does not buy a fresh limit: no proxy is trusted by default.
	res = h.client().do(http.MethodPost, "/api/v1/session", "application/json",
		strings.NewReader(`{"login":"b@example.com","password":"password-123"}`), "X-Forwarded-For", "203.0.113.9")
	if res.status != http.StatusTooManyRequests {
		t.Errorf("forged X-Forwarded-For: %d", res.status)
	}
	// Registration has a limit of its own, untouched by the logins above.
	for i, want := range []int{http.StatusCreated, http.StatusCreated, http.StatusTooManyRequests} {
		res := h.client().api(http.MethodPost, "/api/v1/accounts", map[string]string{"display_name": "新用户",
			"phone": fmt.Sprintf("1390013900%d", i), "password": "a-good-password"})
		if res.status != want {
			t.Errorf("registration %d from the address: %d %s", i+1, res.status, res.body)
		}
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c := h.loggedIn(org)
	if res := c.get("/api/v1/me"); res.status != http.StatusOK {
		t.Fatalf("me: %d", res.status)
	}
	h.clock.Advance(h.store.SessionTTL + 1)
	res := c.get("/api/v1/me")
	if d := res.errorBody(t); res.status != http.StatusUnauthorized || d.Code != "unauthorized" {
		t.Errorf("expired session: %d %+v", res.status, d)
	}
	// A page sends the browser to log in again, coming back afterwards.
	res = h.loggedIn(org).get("/organizer")
	if res.status != http.StatusOK {
		t.Fatalf("fresh session: %d", res.status)
	}
	res = c.get("/organizer")
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/login?next=%2Forganizer" {
		t.Errorf("expired session on a page: %d %q", res.status, res.header.Get("Location"))
	}
}

func TestInviteLinkLogsJudgeInOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("invite-web"))
	if err != nil {
		t.Fatal(err)
	}
	// The organizer issues the link through the API.
	res := h.loggedIn(org).api(http.MethodPost, "/api/v1/contests/"+itoa(c.ID)+"/invites", map[string]string{"display_name": "赵评委"})
	if res.status != http.StatusCreated {
		t.Fatalf("create invite: %d %s", res.status, res.body)
	}
	var inv struct {
		Token string `json:"token"`
		URL   string `json:"url"`
	}
	res.json(t, &inv)
	if !strings.HasSuffix(inv.URL, "/invite/"+inv.Token) {
		t.Fatalf("invite url %q", inv.URL)
	}

	tablet := h.client()
	// Opening the link (or a chat app's preview of it) does not use it up.
	for range 2 {
		if res := tablet.get("/invite/" + inv.Token); res.status != http.StatusOK {
			t.Fatalf("invite page: %d", res.status)
		}
	}
	tablet.csrf = tablet.pageCSRF("/invite/" + inv.Token)
	res = tablet.form("/invite/"+inv.Token, nil)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/judge" {
		t.Fatalf("redeem: %d %s", res.status, res.body)
	}
	if res := tablet.get("/judge"); res.status != http.StatusOK || !strings.Contains(res.body, "目前没有分配给您的评审任务") {
		t.Errorf("judge home: %d %s", res.status, res.body)
	}
	// Opened again, the used link says so before anything is pressed, and
	// leads to the list (for the device that just used it).
	again := h.client().get("/invite/" + inv.Token)
	if again.status != http.StatusOK || !strings.Contains(again.body, "已使用过") || strings.Contains(again.body, `type="submit" class="primary big"`) ||
		!strings.Contains(again.body, `href="/judge"`) {
		t.Errorf("the used link's page: %d %s", again.status, again.body)
	}
	if unknown := h.client().get("/invite/not-a-token"); !strings.Contains(unknown.body, "邀请链接无效") {
		t.Errorf("an unknown link's page: %s", unknown.body)
	}
	// A second tablet with the same link is turned away with a clear message.
	second := h.client()
	second.csrf = second.pageCSRF("/login")
	res = second.form("/invite/"+inv.Token, nil)
	if res.status != http.StatusConflict || !strings.Contains(res.body, "已使用过") {
		t.Errorf("second use: %d %s", res.status, res.body)
	}
}

// A tablet whose reply to the invite was lost tries again with the same key
// and gets in; another device (another key, or none) is still refused. The
// page's form carries a key made when the page was rendered, so a re-posted
// form works too.
func TestInviteRedemptionRetriedWithItsKey(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	h := newHarness(t, func(cfg *web.Config) { cfg.Log = slog.New(slog.NewTextHandler(&logs, nil)) })
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("retry-web"))
	if err != nil {
		t.Fatal(err)
	}
	newInvite := func() string {
		t.Helper()
		return inviteToken(t, h.loggedIn(org).api(http.MethodPost, "/api/v1/contests/"+itoa(c.ID)+"/invites", map[string]string{"display_name": "赵评委"}))
	}
	// redeem posts as a tablet's script does, on a connection of its own.
	redeem := func(token, key string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/api/v1/invites/"+token, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		for _, ck := range res.Cookies() {
			if ck.Name == "podium_session" {
				return res.StatusCode, ck.Value
			}
		}
		return res.StatusCode, string(b)
	}

	token := newInvite()
	// The first reply is lost; the same request again, and a twin racing it, get in.
	first, session := redeem(token, "tablet-key")
	if first != http.StatusOK {
		t.Fatalf("redeem: %d %s", first, session)
	}
	var wg sync.WaitGroup
	sessions := make([]string, 3)
	for i := range sessions {
		wg.Go(func() {
			status, s := redeem(token, "tablet-key")
			if status != http.StatusOK {
				t.Errorf("retry %d: %d %s", i, status, s)
			}
			sessions[i] = s
		})
	}
	wg.Wait()
	for _, s := range sessions {
		if s == session {
			t.Errorf("a retry got the first session token again")
		}
		tablet := h.client()
		tablet.http.Jar.SetCookies(mustURL(t, h.http.URL), []*http.Cookie{{Name: "podium_session", Value: s, Path: "/"}})
		if res := tablet.get("/api/v1/judge/tasks"); res.status != http.StatusOK {
			t.Errorf("a retry's session: %d %s", res.status, res.body)
		}
	}
	for _, key := range []string{"second-device", ""} {
		if status, body := redeem(token, key); status != http.StatusConflict || !strings.Contains(body, "已使用过") {
			t.Errorf("another device (key %q): %d %s", key, status, body)
		}
	}
	h.clock.Advance(access.InviteRetryWindow + time.Second)
	if status, body := redeem(token, "tablet-key"); status != http.StatusConflict {
		t.Errorf("a retry after 10 minutes: %d %s", status, body)
	}

	// The page: a double tap or a reloaded form posts the page's key again.
	token = newInvite()
	tablet := h.client()
	page := tablet.get("/invite/" + token)
	m := inviteField.FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("the invite page has no key: %s", page.body)
	}
	tablet.csrf = csrfInput.FindStringSubmatch(page.body)[1]
	form := url.Values{"idempotency_key": {m[1]}}
	if res := tablet.form("/invite/"+token, form); res.status != http.StatusSeeOther || res.header.Get("Location") != "/judge" {
		t.Fatalf("redeem on the page: %d %s", res.status, res.body)
	}
	// The reply is lost: the tablet never got the session cookie.
	tablet.http.Jar.SetCookies(mustURL(t, h.http.URL), []*http.Cookie{{Name: "podium_session", Value: "", Path: "/", MaxAge: -1}})
	if res := tablet.form("/invite/"+token, form); res.status != http.StatusSeeOther || res.header.Get("Location") != "/judge" {
		t.Fatalf("re-posted form: %d %s", res.status, res.body)
	}
	if res := tablet.get("/judge"); res.status != http.StatusOK {
		t.Errorf("judge home after the re-posted form: %d", res.status)
	}
	if res := h.client().redeemOnPage(token); res.status != http.StatusConflict || !strings.Contains(res.body, "已使用过") {
		t.Errorf("a second tablet's page: %d %s", res.status, res.body)
	}
	for _, secret := range []string{token, "tablet-key", m[1]} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log carries %q: %s", secret, logs.String())
		}
	}
}

func TestSecureCookiesWhenConfigured(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(cfg *web.Config) { cfg.SecureCookies = true })
	contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	res := h.client().api(http.MethodPost, "/api/v1/session", map[string]string{"login": "org@example.com", "password": contesttest.Password})
	cookie := res.header.Get("Set-Cookie")
	if res.status != http.StatusOK || !strings.Contains(cookie, "; Secure") || !strings.Contains(cookie, "HttpOnly") {
		t.Errorf("login with secure cookies: %d %q", res.status, cookie)
	}
	if page := h.client().get("/login"); !strings.Contains(page.header.Get("Set-Cookie"), "; Secure") {
		t.Errorf("CSRF cookie not Secure: %q", page.header.Get("Set-Cookie"))
	}
}

// An API client whose session is still valid but whose CSRF token is lost
// logs in again with JSON: the login passes the CSRF check and replaces the
// old session. Other writes, and the login form, still need the token.
func TestAPILoginReplacesAStaleSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c := h.loggedIn(org)
	u, _ := url.Parse(h.http.URL)
	cookie := func() string {
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "podium_session" {
				return ck.Value
			}
		}
		return ""
	}
	old := cookie()
	c.csrf = "" // the client lost its token
	if res := c.api(http.MethodPost, "/api/v1/contests", map[string]string{}); res.status != http.StatusForbidden {
		t.Errorf("a write without the token: %d", res.status)
	}
	form := url.Values{"login": {"org@example.com"}, "password": {contesttest.Password}}.Encode()
	if res := c.do(http.MethodPost, "/login", "application/x-www-form-urlencoded", strings.NewReader(form)); res.status != http.StatusForbidden {
		t.Errorf("the login form without the token: %d", res.status)
	}
	res := c.api(http.MethodPost, "/api/v1/session", map[string]string{"login": "org@example.com", "password": contesttest.Password})
	if res.status != http.StatusOK {
		t.Fatalf("API login with a session still valid: %d %s", res.status, res.body)
	}
	var sess struct {
		CSRFToken string `json:"csrf_token"`
	}
	res.json(t, &sess)
	if cookie() == old || cookie() == "" {
		t.Fatal("the login did not set a new session")
	}
	if _, err := h.store.SessionByToken(context.Background(), old); fault.ErrorCode(err) != fault.CodeUnauthorized {
		t.Errorf("the replaced session still works: %v", err)
	}
	c.csrf = sess.CSRFToken
	if res := c.get("/api/v1/me"); res.status != http.StatusOK || !strings.Contains(res.body, sess.CSRFToken) {
		t.Errorf("me with the new session: %d %s", res.status, res.body)
	}
	// Not JSON: a cross-site form could send it, so the token is required.
	res = c.do(http.MethodPost, "/api/v1/session", "text/plain", strings.NewReader(`{"login":"org@example.com","password":"`+contesttest.Password+`"}`))
	if res.status != http.StatusForbidden {
		t.Errorf("a text/plain login with a session: %d", res.status)
	}
}
