// Package certificate renders an award certificate as a PDF: A4 landscape,
// in Chinese with the English line beneath where given, set in a CJK
// TrueType font found at run time and embedded as a subset. It is a leaf: it
// knows nothing of contests or the database, only the words it prints.
package certificate

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"podium/files/cjkfont"
)

// DefaultFont is the TrueType font used when PODIUM_CJK_FONT is not set
// (files/cjkfont, which finds, reads and sets it).
const DefaultFont = cjkfont.DefaultFont

// FontEnv names the environment variable that overrides DefaultFont.
const FontEnv = cjkfont.Env

// ErrFontMissing is returned (wrapped, with the path and what to install)
// when the font file cannot be read.
var ErrFontMissing = cjkfont.ErrMissing

// FontPath is the font Render uses when the certificate names none: the
// environment's PODIUM_CJK_FONT, or DefaultFont.
func FontPath() string { return cjkfont.Path() }

// Certificate is what a certificate says. The English fields are optional:
// where one is empty only the Chinese line is printed.
type Certificate struct {
	ContestZh, ContestEn string
	Title                string // the entry's title, as entered
	Organization         string
	PrizeZh, PrizeEn     string // 一等奖 / First Prize
	RoundZh, RoundEn     string
	Date                 time.Time // printed in Beijing time
	Number               string
	VerifyURL            string
	// FontFile is the TrueType font to set it in; empty means FontPath().
	FontFile string
}

var beijing = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}()

const (
	pageW, pageH = 297.0, 210.0 // A4 landscape, mm
	textW        = 235.0        // the width a centred line may take
)

// Render writes the certificate as a PDF to w.
func Render(w io.Writer, c Certificate) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCreationDate(c.Date)
	pdf.SetModificationDate(c.Date)
	pdf.SetTitle("荣誉证书 "+c.Number, true)
	pdf.SetCreator("Podium", false)
	pdf.SetAutoPageBreak(false, 0)
	if err := cjkfont.Add(pdf, c.FontFile); err != nil {
		return fmt.Errorf("certificate: %w", err)
	}
	pdf.AddPage()

	// The frame: a thick outer border and a thin inner one, in dark red.
	pdf.SetDrawColor(150, 20, 30)
	pdf.SetLineWidth(2.2)
	pdf.Rect(10, 10, pageW-20, pageH-20, "D")
	pdf.SetDrawColor(190, 150, 60)
	pdf.SetLineWidth(0.6)
	pdf.Rect(15, 15, pageW-30, pageH-30, "D")

	gray := func() { pdf.SetTextColor(90, 90, 90) }
	ink := func() { pdf.SetTextColor(20, 20, 20) }
	red := func() { pdf.SetTextColor(150, 20, 30) }

	y := 30.0
	ink()
	y = centred(pdf, y, c.ContestZh, 17, 9)
	gray()
	y = centred(pdf, y, c.ContestEn, 11, 8)

	y += 4
	red()
	y = centred(pdf, y, "荣誉证书", 40, 17)
	y = centred(pdf, y, "Certificate of Award", 15, 10)

	y += 9
	ink()
	y = centred(pdf, y, c.Title, 22, 12)
	gray()
	y = centred(pdf, y, c.Organization, 14, 10)

	y += 7
	ink()
	y = centred(pdf, y, "在"+c.RoundZh+"中荣获", 14, 9)
	red()
	y = centred(pdf, y, c.PrizeZh, 30, 14)
	if c.PrizeEn != "" {
		gray()
		line := "was awarded " + c.PrizeEn
		if c.RoundEn != "" {
			line += " in the " + c.RoundEn
		}
		centred(pdf, y, line, 12, 8)
	}

	// The foot: number on the left, date on the right, where to verify below.
	d := c.Date.In(beijing)
	ink()
	cjkfont.Line(pdf, 28, 168, 6, "证书编号 "+c.Number, 11, 'L')
	gray()
	cjkfont.Line(pdf, 28, 174, 5, "Certificate No. "+c.Number, 9, 'L')
	ink()
	cjkfont.Line(pdf, pageW-28, 168, 6, fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day()), 11, 'R')
	gray()
	cjkfont.Line(pdf, pageW-28, 174, 5, d.Format("2 January 2006"), 9, 'R')
	if c.VerifyURL != "" {
		centred(pdf, 182, "在 "+c.VerifyURL+" 核验 / verify at "+c.VerifyURL, 8.5, 5)
	}

	if err := pdf.Error(); err != nil {
		return fmt.Errorf("certificate: %w", err)
	}
	return pdf.Output(w)
}

// centred prints a line across the page at y in the largest size up to size
// that fits textW, and returns the y of the next line; an empty line takes
// no room.
func centred(pdf *fpdf.Fpdf, y float64, s string, size, advance float64) float64 {
	if s == "" {
		return y
	}
	size = cjkfont.Fit(pdf, s, size, 6, textW)
	cjkfont.Line(pdf, pageW/2, y, advance, s, size, 'C')
	return y + advance
}
