package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Password reset pages: ask for a link, then set a new password with it.

type forgotForm struct {
	Login  string
	Sent   bool
	Errors map[string]string
}

func (s *Server) forgotPage(c *gin.Context) {
	s.render(c, http.StatusOK, "password_forgot.html", "reset.title", forgotForm{Login: c.Query("login")})
}

// forgotSubmit answers the same whether or not the account exists; it is
// limited per address like registration, so it cannot be used to flood inboxes
// or probe for accounts quickly.
func (s *Server) forgotSubmit(c *gin.Context) {
	form := forgotForm{Login: c.PostForm("login")}
	err := s.allow(c.Request.Context(), "reset:ip:"+c.ClientIP(), s.cfg.RegisterPerIP)
	if err == nil {
		err = s.accounts.RequestPasswordReset(c.Request.Context(), form.Login)
	}
	if err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			form.Errors = fields
			s.render(c, status, "password_forgot.html", "reset.title", form)
		}
		return
	}
	form.Sent = true
	s.render(c, http.StatusOK, "password_forgot.html", "reset.title", form)
}

type resetForm struct {
	Token  string
	Errors map[string]string
	// Gone is why the link cannot be used (used, expired, unknown); the page
	// then offers a new one instead of the form.
	Gone string
}

func (s *Server) resetPage(c *gin.Context) {
	form := resetForm{Token: c.Param("token")}
	if err := s.accounts.CheckPasswordReset(c.Request.Context(), form.Token); err != nil {
		status, d := s.describe(c, err)
		if status == http.StatusInternalServerError || status == http.StatusServiceUnavailable {
			s.fail(c, err)
			return
		}
		form.Gone = d.Message
		s.render(c, status, "password_reset.html", "reset.title", form)
		return
	}
	s.render(c, http.StatusOK, "password_reset.html", "reset.title", form)
}

func (s *Server) resetSubmit(c *gin.Context) {
	form := resetForm{Token: c.Param("token")}
	password := c.PostForm("password")
	if password != c.PostForm("password_again") {
		form.Errors = map[string]string{"password_again": s.localizer(c).T("err.reset.mismatch")}
		s.render(c, http.StatusUnprocessableEntity, "password_reset.html", "reset.title", form)
		return
	}
	if err := s.accounts.ResetPassword(c.Request.Context(), form.Token, password); err != nil {
		status, d := s.describe(c, err)
		switch status {
		case http.StatusInternalServerError, http.StatusServiceUnavailable:
			s.fail(c, err)
			return
		case http.StatusUnprocessableEntity:
			form.Errors = map[string]string{"": d.Message}
			for k, v := range d.Fields {
				form.Errors[k] = v
			}
		default:
			form.Gone = d.Message
		}
		s.render(c, status, "password_reset.html", "reset.title", form)
		return
	}
	c.Redirect(http.StatusSeeOther, "/login?reset=1")
}
