package pdftext

import (
	"bytes"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf16"
)

// Generate returns a small, valid PDF (A4 pages, 12 pt text, lines wrapped and
// paginated) showing lines, Chinese included, whose text Extract — and
// poppler's pdftotext, pdf.js or Acrobat — gets back.
//
// This is fixture code for tests and the demo's seeded business plans, not a
// general PDF writer. No Go PDF library we could find writes CJK text without
// embedding a TrueType font of several megabytes, so it writes the PDF by hand:
// one Type0 font using Adobe's predefined "UniGB-UCS2-H" CMap over the
// non-embedded standard Chinese font STSong-Light (viewers substitute a
// system font), so that the codes in the content stream are UTF-16 code
// units, plus a ToUnicode CMap for extractors that want one. Characters outside
// the Basic Multilingual Plane (which UCS-2 cannot carry) become "?".
func Generate(lines []string) []byte {
	const (
		pageW, pageH = 595, 842 // A4 in points
		margin       = 72
		fontSize     = 12
		leading      = 18
		maxEm        = float64(pageW-2*margin) / fontSize
		perPage      = (pageH - 2*margin) / leading
	)
	// Wrap to the text width (CJK and other wide characters are 1 em, the rest ½).
	var wrapped [][]uint16
	for _, line := range lines {
		var cur []uint16
		var em float64
		for _, r := range line {
			if unicode.IsControl(r) {
				continue
			}
			if r > 0xffff || utf16.IsSurrogate(r) {
				r = '?'
			}
			w := 0.5
			if r >= 0x1100 {
				w = 1
			}
			if em+w > maxEm {
				wrapped = append(wrapped, cur)
				cur, em = nil, 0
			}
			cur = append(cur, uint16(r))
			em += w
		}
		wrapped = append(wrapped, cur)
	}
	if len(wrapped) == 0 {
		wrapped = [][]uint16{nil}
	}
	var pages [][][]uint16
	for len(wrapped) > 0 {
		n := min(perPage, len(wrapped))
		pages = append(pages, wrapped[:n])
		wrapped = wrapped[n:]
	}

	// Objects: 1 catalog, 2 page tree, 3 Type0 font, 4 CIDFont, 5 descriptor,
	// 6 ToUnicode, then a page and its content stream per page.
	var objs [][]byte
	add := func(format string, args ...any) { objs = append(objs, fmt.Appendf(nil, format, args...)) }
	stream := func(dict string, data []byte) {
		objs = append(objs, fmt.Appendf(nil, "<< %s/Length %d >>\nstream\n%s\nendstream", dict, len(data), data))
	}
	var kids bytes.Buffer
	for i := range pages {
		fmt.Fprintf(&kids, "%d 0 R ", 7+2*i)
	}
	add("<< /Type /Catalog /Pages 2 0 R >>")
	add("<< /Type /Pages /Kids [%s] /Count %d >>", bytes.TrimSpace(kids.Bytes()), len(pages))
	add("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>")
	add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 5 0 R /DW 1000 /W [1 95 500 814 907 500] >>")
	add("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
	stream("", toUnicode(pages))
	for i, page := range pages {
		add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>",
			pageW, pageH, 8+2*i)
		var c bytes.Buffer
		fmt.Fprintf(&c, "BT\n/F1 %d Tf\n%d TL\n%d %d Td\n", fontSize, leading, margin, pageH-margin-fontSize)
		for j, line := range page {
			if j > 0 {
				c.WriteString("T*\n")
			}
			c.WriteByte('<')
			for _, u := range line {
				fmt.Fprintf(&c, "%04X", u)
			}
			c.WriteString("> Tj\n")
		}
		c.WriteString("ET")
		stream("", c.Bytes())
	}

	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return out.Bytes()
}

// toUnicode is a CMap mapping each UTF-16 code used back to itself.
func toUnicode(pages [][][]uint16) []byte {
	set := map[uint16]bool{}
	for _, p := range pages {
		for _, l := range p {
			for _, u := range l {
				set[u] = true
			}
		}
	}
	codes := make([]uint16, 0, len(set))
	for u := range set {
		codes = append(codes, u)
	}
	slices.Sort(codes)
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(codes) > 0 {
		n := min(100, len(codes)) // at most 100 entries per block
		fmt.Fprintf(&b, "%d beginbfchar\n", n)
		for _, u := range codes[:n] {
			fmt.Fprintf(&b, "<%04X> <%04X>\n", u, u)
		}
		b.WriteString("endbfchar\n")
		codes = codes[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	return b.Bytes()
}
