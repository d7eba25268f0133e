package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image/png"
	"net/http"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/gin-gonic/gin"

	"podium/contest"
)

// qrDataURI draws text as a QR code, as a PNG data URI a page can print.
func qrDataURI(text string) (template.URL, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("qr encode: %w", err)
	}
	if code, err = barcode.Scale(code, 240, 240); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, code); err != nil {
		return "", err
	}
	// The data URI is built here from our own PNG, so it is safe to mark as a URL.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}

// inviteCard is one judge's printable login card.
type inviteCard struct {
	Name         string
	Organization string
	URL          string
	QR           template.URL
	ExpiresAt    time.Time
}

type invitesPage struct {
	Contest contest.Contest
	Round   string
	Cards   []inviteCard
}

// invitesSubmit issues a fresh one-time link for every judge of the round's panel
// and shows them as printable cards with QR codes, to scan on the judges' tablets.
func (s *Server) invitesSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	page := invitesPage{Round: c.Param("round")}
	var err error
	if page.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	panel, err := s.judging.Panel(ctx, contestID(c), page.Round)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, m := range panel {
		inv, err := s.judging.InviteExpertForCard(ctx, accountID(c), contestID(c), m.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		url := s.inviteURL(c, inv)
		code, err := qrDataURI(url)
		if err != nil {
			s.fail(c, err)
			return
		}
		page.Cards = append(page.Cards, inviteCard{Name: m.Name, Organization: m.Organization, URL: url, QR: code, ExpiresAt: inv.ExpiresAt})
	}
	s.render(c, http.StatusOK, "invites_print.html", "invites.title", page)
}
