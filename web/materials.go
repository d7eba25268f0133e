package web

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"podium/contest/onward"
	"podium/web/upload"
)

// onwardLang is the language of the reader, for what onward writes.
func onwardLang(c *gin.Context) onward.Lang {
	if c.GetString(keyLang) == "en" {
		return onward.English
	}
	return onward.Chinese
}

// materialsRoundZIP: GET /organizer/contests/:contest/rounds/:round/materials.zip —
// the uploads of every entry of the round, filed by blind code.
func (s *Server) materialsRoundZIP(c *gin.Context) {
	s.sendMaterials(c, onward.MaterialsRequest{ContestID: contestID(c), Round: c.Param("round"), Lang: onwardLang(c)})
}

// materialsEntryZIP: GET /organizer/contests/:contest/entries/:entry/materials.zip?round=KEY —
// one entry's uploads, filed by its code in the round, or by its number.
func (s *Server) materialsEntryZIP(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendMaterials(c, onward.MaterialsRequest{ContestID: contestID(c), EntryID: id, Round: c.Query("round"), Lang: onwardLang(c)})
}

// entrantMaterialsZIP: GET /entrant/entries/:entry/materials.zip — the
// entrant's own uploads, as the organizers receive them.
func (s *Server) entrantMaterialsZIP(c *gin.Context) {
	e, ok := s.ownEntry(c)
	if !ok {
		return
	}
	s.sendMaterials(c, onward.MaterialsRequest{ContestID: e.ContestID, EntryID: e.ID, Lang: onwardLang(c)})
}

// sendMaterials prepares a ZIP of materials (a mistake is an error page,
// before any byte), then streams it: files go from the blob store to the
// client a buffer at a time.
func (s *Server) sendMaterials(c *gin.Context, req onward.MaterialsRequest) {
	m, err := s.onward.PrepareMaterials(c.Request.Context(), req)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", upload.ContentDisposition("attachment", m.Name+".zip"))
	c.Header("Cache-Control", "no-store") // entrants' files: not for shared caches
	c.Status(http.StatusOK)
	if err := m.WriteTo(c.Request.Context(), c.Writer); err != nil {
		// The status is sent: cut the archive short (no central directory), so
		// that it does not read as whole; the log has the cause.
		s.log.ErrorContext(c.Request.Context(), "materials zip failed after it started", "contest", req.ContestID,
			"round", req.Round, "entry", req.EntryID, "err", err)
		_ = c.AbortWithError(http.StatusInternalServerError, err)
	}
}

// scoreSheetsOfEntry: GET /organizer/contests/:contest/rounds/:round/score-sheets/entries/:entry —
// every judge's sheet of the entry in the round, a page each, as a PDF to print.
func (s *Server) scoreSheetsOfEntry(c *gin.Context) {
	id, err := entryID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendScoreSheets(c, onward.SheetsRequest{ContestID: contestID(c), Round: c.Param("round"), EntryID: id, Lang: onwardLang(c)})
}

// scoreSheetsOfJudge: GET /organizer/contests/:contest/rounds/:round/score-sheets/judges/:expert —
// every sheet of the judge in the round.
func (s *Server) scoreSheetsOfJudge(c *gin.Context) {
	id, err := expertID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendScoreSheets(c, onward.SheetsRequest{ContestID: contestID(c), Round: c.Param("round"), ExpertID: id, Lang: onwardLang(c)})
}

// sendScoreSheets renders the sheets whole (a page a sheet: small) and
// answers inline, so that the browser shows the PDF ready to print.
func (s *Server) sendScoreSheets(c *gin.Context, req onward.SheetsRequest) {
	ps, err := s.onward.ScoreSheets(c.Request.Context(), req)
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := ps.Render(&buf); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", upload.ContentDisposition("inline", ps.Name+".pdf"))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}
