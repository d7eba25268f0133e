package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"podium/contest/onward"
	"podium/fault"
	"podium/files/table"
	"podium/web/upload"
)

// exportDownload streams one of a contest's exports (contest/onward) as XLSX
// (the default) or CSV, in the reader's language, named in it:
// ?format=xlsx|csv&round=KEY. The export is prepared first, so a mistake is
// an error page; after the headers go out, rows stream as they are read.
func (s *Server) exportDownload(c *gin.Context) {
	what, err := onward.ParseWhat(c.Param("what"))
	if err != nil {
		s.fail(c, err)
		return
	}
	format, err := table.ParseFormat(c.DefaultQuery("format", string(table.XLSX)))
	if err != nil {
		s.fail(c, fault.Invalid("format", "err.export.format"))
		return
	}
	lang := onward.Chinese
	if c.GetString(keyLang) == "en" {
		lang = onward.English
	}
	e, err := s.onward.Prepare(c.Request.Context(), onward.Request{ContestID: contestID(c), What: what, Round: c.Query("round"), Lang: lang})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", upload.ContentDisposition("attachment", e.Name+format.Extension()))
	c.Header("Content-Type", format.ContentType())
	c.Header("Cache-Control", "no-store") // contact details: not for shared caches
	c.Status(http.StatusOK)
	if err := e.WriteTo(c.Request.Context(), c.Writer, format); err != nil {
		// The status is sent: the client gets a cut-off file, the log the cause.
		s.log.ErrorContext(c.Request.Context(), "export failed after it started", "contest", contestID(c), "what", string(what), "err", err)
	}
}
