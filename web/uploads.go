package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"podium/contest/access"
	"podium/contest/entry"
	"podium/fault"
	"podium/files/filecheck"
	"podium/web/upload"
)

// sessionKey carries the session in a request's context, for the upload
// component, which sees plain *http.Request values.
type sessionKey struct{}

func sessionFrom(r *http.Request) (access.Session, bool) {
	sess, ok := r.Context().Value(sessionKey{}).(access.Session)
	return sess, ok
}

// newUploads builds the resumable upload server with Podium's rules: only an
// entrant's own draft, before the deadline, within the contest's size limit.
func (s *Server) newUploads() (*upload.Server, error) {
	return upload.New(upload.Config{
		StagingDir:  s.cfg.StagingDir,
		BasePath:    uploadsPath + "/",
		IdleTimeout: s.cfg.ReadTimeout,
		Log:         s.log,
		Owner: func(r *http.Request) string {
			if sess, ok := sessionFrom(r); ok {
				return strconv.FormatInt(sess.Account.ID, 10)
			}
			return ""
		},
		Authorize: func(r *http.Request, meta upload.Meta, length int64) (int64, error) {
			sess, _ := sessionFrom(r)
			ent, err := strconv.ParseInt(meta.Entry, 10, 64)
			if err != nil {
				return 0, fault.NotFound("err.entry.not_found")
			}
			return s.entries.UploadLimit(r.Context(), sess.Account.ID, ent, entry.UploadKind(meta.Kind))
		},
		Complete: func(ctx context.Context, r *http.Request, up upload.Staged) error {
			sess, _ := sessionFrom(r)
			entryID, err := strconv.ParseInt(up.Entry, 10, 64)
			if err != nil {
				return fault.NotFound("err.entry.not_found")
			}
			return s.entries.AcceptUpload(ctx, sess.Account.ID, entryID, entry.NewUpload{
				Kind: entry.UploadKind(up.Kind), Name: up.OriginalName, File: up.File, Size: up.Size})
		},
		Describe: func(r *http.Request, err error) (int, []byte) {
			status, d := s.describeRequest(r, negotiateLang(r), r.URL.Path, err)
			b, _ := json.Marshal(ErrorBody{Error: d})
			return status, b
		},
	})
}

// tus wraps one of the upload server's handlers for the route table.
func tus(h http.HandlerFunc) gin.HandlerFunc { return gin.WrapF(h) }

// serveOwnFile sends one of the entrant's own files.
func (s *Server) serveOwnFile(c *gin.Context) {
	u, err := s.entries.UploadOfEntrant(c.Request.Context(), accountID(c), c.Param("upload"))
	s.serveUpload(c, u, err)
}

// serveContestFile sends a file of an entry of the contest, to its organizers.
func (s *Server) serveContestFile(c *gin.Context) {
	u, err := s.entries.UploadInContest(c.Request.Context(), contestID(c), c.Param("upload"))
	s.serveUpload(c, u, err)
}

func (s *Server) serveUpload(c *gin.Context, u entry.StoredUpload, err error) {
	if err == nil {
		// PDFs and videos open in the page; the name is the uploaded one, which
		// only the entrant and the organizers ever see.
		err = upload.ServeBlob(c.Writer, c.Request, s.cfg.Blobs, u.Key, u.ContentType, u.Name, true)
	}
	if err != nil {
		s.fail(c, err)
	}
}

// uploadAccept is the file picker's hint of what a kind accepts; the server
// checks the content whatever the picker allowed.
func uploadAccept(kind entry.UploadKind) string { return filecheck.Accept(kind) }
