// Package cjkfont sets Chinese text in fpdf documents: it finds and reads a
// CJK TrueType font once per process, registers it with a document (embedded
// as a subset), and writes lines that mix Chinese and Latin, the Latin runs in
// the core Helvetica (the CJK font has no Latin glyphs worth the name). It is
// a leaf, shared by the PDFs Podium prints (files/certificate,
// files/printsheet); it knows nothing of contests.
package cjkfont

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"
)

// DefaultFont is the TrueType font used when PODIUM_CJK_FONT is not set:
// Debian's fonts-droid-fallback, a CJK font with glyf outlines, which fpdf
// can embed (Noto CJK is CFF and cannot be loaded).
const DefaultFont = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// Env names the environment variable that overrides DefaultFont.
const Env = "PODIUM_CJK_FONT"

// Family is the name the font is registered under in a document.
const Family = "cjk"

// ErrMissing is returned (wrapped, with the path and what to install) when
// the font file cannot be read.
var ErrMissing = errors.New("CJK font missing")

// Path is the font to use when a caller names none: the environment's
// PODIUM_CJK_FONT, or DefaultFont.
func Path() string {
	if p := os.Getenv(Env); p != "" {
		return p
	}
	return DefaultFont
}

var fonts sync.Map // path → []byte, read once per process

// Load reads a font file once; a missing file says what to install.
func Load(path string) ([]byte, error) {
	if b, ok := fonts.Load(path); ok {
		return b.([]byte), nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s not found; install it with `apt-get install fonts-droid-fallback`, or set %s to a TrueType CJK font with glyf outlines",
			ErrMissing, path, Env)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMissing, err)
	}
	fonts.Store(path, b)
	return b, nil
}

// Add registers the font at path (Path() when empty) with pdf as Family.
func Add(pdf *fpdf.Fpdf, path string) error {
	if path == "" {
		path = Path()
	}
	font, err := Load(path)
	if err != nil {
		return err
	}
	// fpdf writes into the bytes it is given while it subsets the font (its
	// getMetrics appends to a slice of the file): each document gets its own
	// copy of the cached file, which stays as read and is safe to share.
	pdf.AddUTF8FontFromBytes(Family, "", bytes.Clone(font))
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("font %s: %w", path, err)
	}
	return nil
}

// A run is a stretch of a line in one font: Latin-1 (ASCII, and such as
// "·" in 阿卜杜拉·买买提 or "é", which the CJK font lacks) in Helvetica,
// the rest in the CJK font.
type run struct {
	text  string
	latin bool
}

// cp1252 turns a Latin run into the bytes of the core fonts' code page.
var cp1252 = sync.OnceValue(func() func(string) string {
	return fpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("")
})

// cp1252Extras are characters of the core fonts' code page that the CJK font
// draws as an empty box (dashes, curly quotes, the ellipsis, the euro,
// bullet, trademark).
const cp1252Extras = "–—‘’“”…€•™"

func runs(s string) []run {
	var out []run
	for _, r := range s {
		latin := r < 0x100 || strings.ContainsRune(cp1252Extras, r)
		if n := len(out); n > 0 && out[n-1].latin == latin {
			out[n-1].text += string(r)
			continue
		}
		out = append(out, run{string(r), latin})
	}
	return out
}

// encoded is the run's text as its font takes it: the core font's code
// page for Latin runs beyond ASCII, UTF-8 for the CJK font.
func (r run) encoded() string {
	if r.latin {
		for i := 0; i < len(r.text); i++ {
			if r.text[i] >= 0x80 {
				return cp1252()(r.text)
			}
		}
	}
	return r.text
}

func setFont(pdf *fpdf.Fpdf, latin bool, size float64) {
	if latin {
		pdf.SetFont("Helvetica", "", size)
	} else {
		pdf.SetFont(Family, "", size)
	}
}

// Width is the line's width at size (points), run by run, in the
// document's unit.
func Width(pdf *fpdf.Fpdf, s string, size float64) float64 {
	w := 0.0
	for _, r := range runs(s) {
		setFont(pdf, r.latin, size)
		w += pdf.GetStringWidth(r.encoded())
	}
	return w
}

// Line prints s at size on a line of height h whose left edge, centre or
// right edge (align 'L', 'C', 'R') is at x, and y its top.
func Line(pdf *fpdf.Fpdf, x, y, h float64, s string, size float64, align byte) {
	w := Width(pdf, s, size)
	switch align {
	case 'C':
		x -= w / 2
	case 'R':
		x -= w
	}
	pdf.SetXY(x, y)
	for _, r := range runs(s) {
		setFont(pdf, r.latin, size)
		t := r.encoded()
		pdf.CellFormat(pdf.GetStringWidth(t), h, t, "", 0, "L", false, 0, "")
	}
}

// Fit is the largest size up to size (down to min) at which s is at most
// width wide.
func Fit(pdf *fpdf.Fpdf, s string, size, min, width float64) float64 {
	for size > min && Width(pdf, s, size) > width {
		size -= 0.5
	}
	return size
}

// Wrap splits s into lines at most width wide at size, breaking between
// characters (Chinese has no spaces) and preferring a space in Latin text;
// a newline in s starts a new line.
func Wrap(pdf *fpdf.Fpdf, s string, size, width float64) []string {
	var out []string
	for _, para := range splitLines(s) {
		line := []rune{}
		lastSpace := -1
		for _, r := range para {
			line = append(line, r)
			if r == ' ' {
				lastSpace = len(line) - 1
			}
			if Width(pdf, string(line), size) <= width || len(line) == 1 {
				continue
			}
			cut := len(line) - 1 // the rune that overflowed starts the next line
			if r != ' ' && lastSpace > 0 && r < 0x80 {
				cut = lastSpace + 1
			}
			out = append(out, string(line[:cut]))
			line = append([]rune{}, line[cut:]...)
			lastSpace = -1
		}
		out = append(out, string(line))
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, trimCR(s[start:i]))
			start = i + 1
		}
	}
	return append(out, trimCR(s[start:]))
}

func trimCR(s string) string {
	if len(s) > 0 && s[len(s)-1] == '\r' {
		return s[:len(s)-1]
	}
	return s
}
