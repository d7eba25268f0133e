package web

import (
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Judges' pages offline: a service worker (static/judge-sw.js) keeps copies of
// the pages a judge has opened, for a tablet that restarts without a network.

// judgeServiceWorker serves the service worker from under /judge, allowed to
// control the whole site so that it sees logins and logouts and clears its
// copies then. It carries no data, so it is public, like the static files.
func (s *Server) judgeServiceWorker(c *gin.Context) {
	b, err := fs.ReadFile(staticFiles, "static/judge-sw.js")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Service-Worker-Allowed", "/")
	c.Header("Cache-Control", "no-cache") // a new version is picked up at once
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", b)
}

// judgeOfflinePage is what the service worker shows, offline, for a judge's
// page that was never opened on the tablet.
func (s *Server) judgeOfflinePage(c *gin.Context) {
	s.render(c, http.StatusOK, "judge_offline.html", "judge_offline.title", nil)
}
