package web

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"podium/contest/onward"
	"podium/fault"
	"podium/files/certificate"
)

// certificateURL is where the public checks a certificate's number.
func (s *Server) certificateURL(c *gin.Context, a onward.Award) string {
	ref := a.ContestSlug
	if ref == "" {
		ref = strconv.FormatInt(a.ContestID, 10)
	}
	return s.baseURL(c) + "/results/" + url.PathEscape(ref) + "/certificates/" + url.PathEscape(a.Certificate.Number)
}

// sendCertificate renders one certificate and answers with it as a PDF.
func (s *Server) sendCertificate(c *gin.Context, a onward.Award, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	a.Certificate.VerifyURL = s.certificateURL(c, a)
	var buf bytes.Buffer
	if err := certificate.Render(&buf, a.Certificate); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", attachment(a.FileName()))
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

// attachment is a Content-Disposition naming a file, with an ASCII fallback
// and the UTF-8 name (RFC 6266).
func attachment(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}

// certificatePDF: GET /organizer/contests/:contest/rounds/:round/certificates/:entry.pdf
func (s *Server) certificatePDF(c *gin.Context) {
	// The last segment is the entry id and .pdf; gin takes both as one parameter.
	name, pdf := strings.CutSuffix(path.Base(c.Request.URL.Path), ".pdf")
	id, err := strconv.ParseInt(name, 10, 64)
	if err != nil || !pdf {
		s.fail(c, fault.NotFound("err.certificate.not_found"))
		return
	}
	a, err := s.onward.Award(c.Request.Context(), contestID(c), c.Param("round"), id)
	s.sendCertificate(c, a, err)
}

// certificatesZIP: GET /organizer/contests/:contest/rounds/:round/certificates.zip —
// every winner's certificate, streamed: each PDF is rendered straight into
// the archive, named by prize and title.
func (s *Server) certificatesZIP(c *gin.Context) {
	awards, err := s.onward.Awards(c.Request.Context(), contestID(c), c.Param("round"))
	if err == nil && len(awards) == 0 {
		err = fault.NotFound("err.certificate.none")
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", attachment(fmt.Sprintf("certificates-%s.zip", c.Param("round"))))
	c.Status(http.StatusOK)
	zw := zip.NewWriter(c.Writer)
	for _, a := range awards {
		a.Certificate.VerifyURL = s.certificateURL(c, a)
		// Stored, not deflated: the PDF's streams are compressed already.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: a.FileName(), Method: zip.Store, Modified: a.Certificate.Date})
		if err == nil {
			err = certificate.Render(w, a.Certificate)
		}
		if err != nil { // the status is sent: cut the archive short, so that it does not read as whole
			s.log.Error("certificates zip", "contest", contestID(c), "round", c.Param("round"), "err", err)
			_ = c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
	}
	if err := zw.Close(); err != nil {
		s.log.Error("certificates zip", "err", err)
	}
}

// entrantCertificate: GET /entrant/entries/:entry/certificate?round= — the
// entrant's own certificate (the last prize when no round is named).
func (s *Server) entrantCertificate(c *gin.Context) {
	e, ok := s.ownEntry(c)
	if !ok {
		return
	}
	a, err := s.onward.EntryAward(c.Request.Context(), e.ID, c.Query("round"))
	s.sendCertificate(c, a, err)
}

type certificateVerifyPage struct {
	ContestName string
	ContestRef  string
	Number      string
	Genuine     bool
	V           onward.Verified
	Prize       string
	Round       string
	CurrentURL  string // the entry's current certificate, when this one is superseded
}

// certificateVerifyPage: GET /results/:contest/certificates/:number — says
// plainly whether the number is of a certificate Podium issued, and whether
// it is current; 404 when it is not genuine.
func (s *Server) certificateVerifyPage(c *gin.Context) {
	ct, ok := s.publicContest(c)
	if !ok {
		return
	}
	l := s.localizer(c)
	page := certificateVerifyPage{ContestName: l.Name(ct.NameZh, ct.NameEn), ContestRef: contestRef(ct), Number: c.Param("number")}
	v, err := s.onward.VerifyCertificate(c.Request.Context(), ct.ID, c.Param("number"))
	status := http.StatusOK
	switch {
	case err == nil:
		page.Genuine, page.V = true, v
		page.Prize = l.Name(v.PrizeZh, v.PrizeEn)
		page.Round = l.Name(v.RoundZh, v.RoundEn)
		if v.CurrentNumber != "" && v.CurrentNumber != v.Number {
			page.CurrentURL = "/results/" + url.PathEscape(page.ContestRef) + "/certificates/" + url.PathEscape(v.CurrentNumber)
		}
	case fault.ErrorCode(err) == fault.CodeNotFound:
		status = http.StatusNotFound
	default:
		s.fail(c, err)
		return
	}
	s.render(c, status, "certificate_verify.html", "certificate.verify_title", page)
}
