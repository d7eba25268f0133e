// Package printsheet renders printable score sheets as a PDF: A4 portrait,
// one sheet a page, in Chinese (or English), set in the CJK font of
// files/cjkfont. A sheet names the contest, round, entry and judge, lists
// the criteria with their maximum and weight and the judge's mark — or an
// empty box to write it in, for scoring on paper — then the total, the
// comment, the date and the lines the judge (and, in a live final, the
// entrant) sign. It is a leaf: it prints the words and numbers it is given
// and knows nothing of contests or the database.
package printsheet

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"podium/files/cjkfont"
)

// Criterion is one row of a sheet. Max, Weight and Mark are printed as
// given ("30.00"); an empty Mark leaves the box empty.
type Criterion struct {
	Name        string
	Description string // optional, printed small under the name
	Max, Weight string
	Mark        string
}

// Sheet is one judge's sheet of one entry.
type Sheet struct {
	Contest, Round string
	Code, Title    string
	Judge          string
	Place          string // optional: where and when the entry is judged, e.g. "第一会场，第 3 个出场"
	Criteria       []Criterion
	Total          string // empty: a box to fill in
	Comment        string
	// Submitted is when the judge submitted the sheet; zero for a blank
	// sheet, whose date is left to write.
	Submitted time.Time
	// Entrant adds the entrant's signature line (a live final's sheets are
	// signed by both).
	Entrant bool
}

// Blank reports whether the sheet is to be filled in by hand.
func (s Sheet) Blank() bool { return s.Submitted.IsZero() }

// Options are a document's settings.
type Options struct {
	English  bool
	FontFile string    // empty: cjkfont.Path()
	Printed  time.Time // the footer's date (and the PDF's); zero: now
}

type words struct {
	title, blank, code, entry, judge, place, no, criterion, max, weight, mark, total, comment,
	judgeSign, entrantSign, date, emptyDate, printed, page string
	dateFormat func(time.Time) string
}

var zh = words{
	title: "评分表", blank: "空白评分表：请在方框内填写得分", code: "项目编号", entry: "项目名称", judge: "评委", place: "场次",
	no: "序号", criterion: "评分项", max: "满分", weight: "权重", mark: "得分", total: "总分", comment: "评语",
	judgeSign: "评委签名", entrantSign: "参赛者确认签名", date: "日期", emptyDate: "        年      月      日",
	printed: "打印于", page: "第 %d 页，共 %d 页",
	dateFormat: func(t time.Time) string { return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day()) },
}

var en = words{
	title: "Score sheet", blank: "Blank sheet: write the marks in the boxes", code: "Code", entry: "Entry", judge: "Judge", place: "Session",
	no: "No.", criterion: "Criterion", max: "Max", weight: "Weight", mark: "Mark", total: "Total", comment: "Comment",
	judgeSign: "Judge's signature", entrantSign: "Entrant's signature", date: "Date", emptyDate: "",
	printed: "Printed", page: "Page %d of %d",
	dateFormat: func(t time.Time) string { return t.Format("2 January 2006") },
}

var beijing = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}()

const (
	pageW, pageH = 210.0, 297.0 // A4 portrait, mm
	left, right  = 20.0, 190.0
	textW        = right - left
)

// Render writes the sheets as one PDF to w, a page each. No sheet is an
// error: a PDF must have a page.
func Render(w io.Writer, sheets []Sheet, opt Options) error {
	if len(sheets) == 0 {
		return fmt.Errorf("printsheet: no sheet to print")
	}
	wd := zh
	if opt.English {
		wd = en
	}
	printed := opt.Printed
	if printed.IsZero() {
		printed = time.Now()
	}
	printed = printed.In(beijing)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(printed)
	pdf.SetModificationDate(printed)
	pdf.SetTitle(sheets[0].Contest+" "+sheets[0].Round+" "+wd.title, true)
	pdf.SetCreator("Podium", false)
	pdf.SetAutoPageBreak(false, 0)
	if err := cjkfont.Add(pdf, opt.FontFile); err != nil {
		return fmt.Errorf("printsheet: %w", err)
	}
	for i, s := range sheets {
		pdf.AddPage()
		page(pdf, wd, s)
		pdf.SetTextColor(110, 110, 110)
		cjkfont.Line(pdf, left, pageH-14, 5, wd.printed+" "+printed.Format("2006-01-02 15:04"), 8, 'L')
		cjkfont.Line(pdf, right, pageH-14, 5, fmt.Sprintf(wd.page, i+1, len(sheets)), 8, 'R')
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("printsheet: %w", err)
	}
	return pdf.Output(w)
}

func page(pdf *fpdf.Fpdf, wd words, s Sheet) {
	ink := func() { pdf.SetTextColor(20, 20, 20) }
	gray := func() { pdf.SetTextColor(100, 100, 100) }
	pdf.SetDrawColor(40, 40, 40)

	// The heading: contest, then round and "score sheet".
	y := 16.0
	ink()
	cjkfont.Line(pdf, pageW/2, y, 7, s.Contest, cjkfont.Fit(pdf, s.Contest, 15, 8, textW), 'C')
	y += 9
	head := s.Round + " " + wd.title
	cjkfont.Line(pdf, pageW/2, y, 9, head, cjkfont.Fit(pdf, head, 20, 10, textW), 'C')
	y += 11
	if s.Blank() {
		gray()
		cjkfont.Line(pdf, pageW/2, y, 5, wd.blank, 9, 'C')
		y += 6
	}

	// Who and what: code and title, judge (and place), in a ruled box.
	y += 2
	ink()
	pdf.SetLineWidth(0.3)
	info := [][2]string{{wd.code, s.Code}, {wd.entry, s.Title}, {wd.judge, s.Judge}}
	if s.Place != "" {
		info = append(info, [2]string{wd.place, s.Place})
	}
	const labelW, rowH = 32.0, 9.0
	for _, kv := range info {
		pdf.Rect(left, y, labelW, rowH, "D")
		pdf.Rect(left+labelW, y, textW-labelW, rowH, "D")
		cjkfont.Line(pdf, left+2, y+2, 5, kv[0], 10.5, 'L')
		cjkfont.Line(pdf, left+labelW+2, y+2, 5, kv[1], cjkfont.Fit(pdf, kv[1], 11, 6, textW-labelW-4), 'L')
		y += rowH
	}

	// The criteria: number, name (and description), max, weight, mark.
	y += 6
	cols := []float64{14, 94, 20, 20, 22} // 170 mm
	xs := []float64{left}
	for _, c := range cols {
		xs = append(xs, xs[len(xs)-1]+c)
	}
	pdf.SetFillColor(235, 235, 235)
	for i, h := range []string{wd.no, wd.criterion, wd.max, wd.weight, wd.mark} {
		pdf.Rect(xs[i], y, cols[i], 9, "FD")
		cjkfont.Line(pdf, xs[i]+cols[i]/2, y+2, 5, h, 10, 'C')
	}
	y += 9
	// Rows share what the page has left above the total, comment and signatures.
	rows := len(s.Criteria)
	rowHeight := 13.0
	if avail := 150.0 - (y - 16); rows > 0 && float64(rows)*rowHeight > avail {
		rowHeight = max(8, avail/float64(rows))
	}
	for i, c := range s.Criteria {
		for k := range cols {
			pdf.Rect(xs[k], y, cols[k], rowHeight, "D")
		}
		mid := y + rowHeight/2 - 2.5
		cjkfont.Line(pdf, xs[0]+cols[0]/2, mid, 5, fmt.Sprint(i+1), 10, 'C')
		nameY := mid
		if c.Description != "" && rowHeight >= 11 {
			nameY = y + 1.5
		}
		cjkfont.Line(pdf, xs[1]+2, nameY, 5, c.Name, cjkfont.Fit(pdf, c.Name, 11, 6, cols[1]-4), 'L')
		if c.Description != "" && rowHeight >= 11 {
			gray()
			d := c.Description
			for cjkfont.Width(pdf, d, 7.5) > cols[1]-4 && len([]rune(d)) > 1 {
				r := []rune(d)
				d = string(r[:len(r)-2]) + "…"
			}
			cjkfont.Line(pdf, xs[1]+2, nameY+5.5, 4, d, 7.5, 'L')
			ink()
		}
		cjkfont.Line(pdf, xs[2]+cols[2]/2, mid, 5, c.Max, 10.5, 'C')
		cjkfont.Line(pdf, xs[3]+cols[3]/2, mid, 5, c.Weight, 10.5, 'C')
		markBox(pdf, xs[4], y, cols[4], rowHeight, c.Mark)
		y += rowHeight
	}
	// The total.
	pdf.Rect(xs[0], y, xs[4]-xs[0], 12, "D")
	cjkfont.Line(pdf, xs[4]-3, y+3.5, 5, wd.total, 11.5, 'R')
	markBox(pdf, xs[4], y, cols[4], 12, s.Total)
	y += 18

	// The comment: the judge's words, or ruled lines to write on.
	cjkfont.Line(pdf, left, y, 5, wd.comment, 10.5, 'L')
	y += 6
	const commentH = 36.0
	pdf.Rect(left, y, textW, commentH, "D")
	if s.Comment != "" {
		ly := y + 2
		for _, l := range cjkfont.Wrap(pdf, s.Comment, 10, textW-6) {
			if ly > y+commentH-7 {
				cjkfont.Line(pdf, left+3, ly, 5, "…", 10, 'L')
				break
			}
			cjkfont.Line(pdf, left+3, ly, 5, l, 10, 'L')
			ly += 5.5
		}
	} else {
		pdf.SetDrawColor(190, 190, 190)
		for ly := y + 9; ly < y+commentH-2; ly += 9 {
			pdf.Line(left+3, ly, right-3, ly)
		}
		pdf.SetDrawColor(40, 40, 40)
	}
	y += commentH + 12

	// Signatures and dates: the judge's always, the entrant's in a live final.
	date := wd.emptyDate
	if !s.Submitted.IsZero() {
		date = wd.dateFormat(s.Submitted.In(beijing))
	}
	sign := func(label string) {
		cjkfont.Line(pdf, left, y, 6, label+"：", 11, 'L')
		lx := left + cjkfont.Width(pdf, label+"：", 11) + 2
		pdf.SetLineWidth(0.3)
		pdf.Line(lx, y+6, lx+62, y+6)
		dx := 125.0
		cjkfont.Line(pdf, dx, y, 6, wd.date+"：", 11, 'L')
		dl := dx + cjkfont.Width(pdf, wd.date+"：", 11) + 2
		if date != "" {
			cjkfont.Line(pdf, dl, y, 6, date, 11, 'L')
		}
		pdf.Line(dl, y+6, right, y+6)
		y += 16
	}
	sign(wd.judgeSign)
	if s.Entrant {
		sign(wd.entrantSign)
	}
}

// markBox draws the mark's cell with a box inside: the mark printed in it,
// or empty to write in.
func markBox(pdf *fpdf.Fpdf, x, y, w, h float64, mark string) {
	pdf.Rect(x, y, w, h, "D")
	bw, bh := w-6, min(h-4, 9.0)
	bx, by := x+3, y+(h-bh)/2
	pdf.SetLineWidth(0.5)
	pdf.Rect(bx, by, bw, bh, "D")
	pdf.SetLineWidth(0.3)
	if mark != "" {
		cjkfont.Line(pdf, bx+bw/2, by+(bh-5)/2, 5, mark, 11.5, 'C')
	}
}
