// Package pdftext extracts the text of PDF files, searches it for identity
// leaks (an organization's or a person's name in a business plan that judges
// must read blind), and generates small PDFs for tests and the demo.
//
// Extraction uses github.com/ledongthuc/pdf (a maintained fork of rsc.io/pdf:
// pure Go, BSD-licensed; it parses classic and stream cross-references, object
// streams, RC4 encryption with an empty user password, simple-font encodings
// and the UCS-2 Chinese CMaps). Fonts with a ToUnicode CMap — nearly all CJK
// text — are decoded by this package's own CMap reader (cmap.go), which the
// library lacks for fonts with an /Encoding dictionary. Because uploads are
// hostile input, this package does not let the library loose on a file: it caps
// the file size, scans the raw bytes first for constructs that would make the
// library allocate without bound (see preflight.go), walks the page tree and
// content streams itself with budgets (pages, operators, nesting, inflated
// bytes, text), measures every stream before interpreting it, enforces a
// deadline (also inside the library, through the reader it is given), and
// recovers from the library's panics on malformed input.
package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"
)

// Errors of Extract, usable with errors.Is. They describe why a file's text is
// not available; none of them is the uploader's fault except ErrNotPDF.
var (
	ErrNotPDF     = errors.New("pdftext: not a PDF")
	ErrTooLarge   = errors.New("pdftext: file too large to extract")
	ErrEncrypted  = errors.New("pdftext: encrypted in a way that cannot be read (or checked safely)")
	ErrTooComplex = errors.New("pdftext: file exceeds extraction limits")
	ErrTimeout    = errors.New("pdftext: extraction took too long")
	ErrCorrupt    = errors.New("pdftext: malformed PDF")
)

// Limits of one extraction.
const (
	MaxSize        = 64 << 20         // the file
	DefaultTimeout = 20 * time.Second // Extract's deadline
	MaxText        = 8 << 20          // bytes of text returned; more is cut off
	maxPages       = 5000
	maxTreeNodes   = 20_000
	maxTreeDepth   = 64
	maxOps         = 20_000_000 // content stream operators, all pages together
	maxFormDepth   = 8
	maxForms       = 2_000
	maxTotalBytes  = 512 << 20 // everything inflated by the walker
	maxCMapBytes   = 2 << 20   // one ToUnicode CMap, inflated
	maxShowBytes   = 4 << 10   // one string shown by Tj/TJ
)

// maxStreamBytes bounds one content stream or form, inflated (a variable for tests).
var maxStreamBytes int64 = 32 << 20

// Extract returns the text of the PDF in r (size bytes), pages separated by
// blank lines, within DefaultTimeout.
func Extract(r io.ReaderAt, size int64) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	return ExtractContext(ctx, r, size)
}

// ExtractContext is Extract with a context bounding its time. Text found
// before a page that could not be read, the deadline or a limit is returned
// along with the error, so a caller may still use it.
func ExtractContext(ctx context.Context, r io.ReaderAt, size int64) (text string, err error) {
	if size > MaxSize {
		return "", ErrTooLarge
	}
	if size <= 0 {
		return "", ErrNotPDF
	}
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil && !(err == io.EOF) {
		return "", fmt.Errorf("pdftext: read: %w", err)
	}
	data, err = normalize(data)
	if err != nil {
		return "", err
	}
	encrypted, err := scanPDF(data)
	if err != nil {
		return "", err
	}

	w := &walker{ctx: ctx, fonts: map[string]pdf.TextEncoding{}}
	src := &guardedReader{data: data, w: w}
	defer func() {
		if p := recover(); p != nil {
			text, err = w.text.String(), w.abort(p)
		}
	}()
	rd, err := pdf.NewReader(src, int64(len(data)))
	if err != nil {
		if e := w.sentinel(err); e != nil {
			return "", e
		}
		if encrypted { // the library knows RC4 and AES-128 with an empty user password only
			return "", fmt.Errorf("%w: %w", ErrEncrypted, err)
		}
		return "", fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	err = w.pages(rd.Trailer().Key("Root").Key("Pages"))
	return w.text.String(), err
}

// normalize trims what the library is stricter about than readers are: bytes
// before the header, a header version it does not know (PDF 2.0) and bytes
// after the last %%EOF. data is a private copy, so it may be changed.
func normalize(data []byte) ([]byte, error) {
	i := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-"))
	if i < 0 {
		return nil, ErrNotPDF
	}
	data = data[i:]
	if len(data) < 16 {
		return nil, ErrNotPDF
	}
	copy(data[5:8], "1.7")
	if c := data[8]; c != '\r' && c != '\n' {
		if c != ' ' && c != '\t' && c != '%' {
			return nil, fmt.Errorf("%w: header %q", ErrCorrupt, data[:9])
		}
		data[8] = '\n'
	}
	tail := data[max(0, len(data)-1024):]
	j := bytes.LastIndex(tail, []byte("%%EOF"))
	if j < 0 {
		return nil, fmt.Errorf("%w: no %%%%EOF at the end", ErrCorrupt)
	}
	return data[:len(data)-len(tail)+j+5], nil
}

// budgetError stops a walk; it travels as a panic through the library's frames.
type budgetError struct{ err error }

// walker walks a document's pages and content streams within its budgets.
type walker struct {
	ctx      context.Context
	text     strings.Builder
	ops      int
	forms    int
	inflated int64
	fonts    map[string]pdf.TextEncoding // parsed fonts, by a fingerprint of their dictionaries
	failed   int                         // pages skipped because they could not be read
	pagesN   int
}

func (w *walker) check() {
	if err := w.ctx.Err(); err != nil {
		panic(budgetError{fmt.Errorf("%w: %w", ErrTimeout, err)})
	}
}

func (w *walker) stop(format string, args ...any) {
	panic(budgetError{fmt.Errorf("%w: %s", ErrTooComplex, fmt.Sprintf(format, args...))})
}

// sentinel returns the budget error carried by err, if any (the library turns
// some panics into errors).
func (w *walker) sentinel(err error) error {
	var b budgetError
	if errors.As(err, &b) {
		return b.err
	}
	return nil
}

func (b budgetError) Error() string { return b.err.Error() }

// abort turns a recovered panic into an error.
func (w *walker) abort(p any) error {
	switch p := p.(type) {
	case budgetError:
		return p.err
	case textFull:
		return nil
	case error:
		if e := w.sentinel(p); e != nil {
			return e
		}
		return fmt.Errorf("%w: %w", ErrCorrupt, p)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, p)
}

// textFull stops the walk once MaxText bytes of text are collected.
type textFull struct{}

func (w *walker) write(s string) {
	if w.text.Len()+len(s) > MaxText {
		w.text.WriteString(s[:max(0, MaxText-w.text.Len())])
		panic(textFull{})
	}
	w.text.WriteString(s)
}

// guardedReader serves the file to the library and stops it once the
// deadline passes, even in loops of its own (e.g. a cycle of /Prev links).
type guardedReader struct {
	data []byte
	w    *walker
}

func (g *guardedReader) ReadAt(p []byte, off int64) (int, error) {
	// Checked on every read: the library swallows some panics and retries.
	g.w.check()
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(g.data)) {
		return 0, io.EOF
	}
	n := copy(p, g.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// pages walks the page tree depth first, passing inherited resources down,
// with bounds on depth and nodes (so cycles end).
func (w *walker) pages(root pdf.Value) error {
	type node struct {
		v     pdf.Value
		res   pdf.Value
		depth int
	}
	stack := []node{{v: root}}
	nodes := 0
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if nodes++; nodes > maxTreeNodes {
			w.stop("more than %d page tree nodes", maxTreeNodes)
		}
		w.check()
		res := n.v.Key("Resources")
		if res.Kind() != pdf.Dict {
			res = n.res
		}
		kids := n.v.Key("Kids")
		if n.v.Key("Type").Name() == "Pages" || kids.Kind() == pdf.Array {
			if n.depth >= maxTreeDepth {
				w.stop("page tree deeper than %d", maxTreeDepth)
			}
			for i := kids.Len() - 1; i >= 0; i-- { // reversed, so pages come out in order
				stack = append(stack, node{kids.Index(i), res, n.depth + 1})
			}
			continue
		}
		if w.pagesN++; w.pagesN > maxPages {
			w.stop("more than %d pages", maxPages)
		}
		if w.pagesN > 1 {
			w.write("\n\n")
		}
		w.page(n.v, res)
	}
	if w.pagesN > 0 && w.failed == w.pagesN {
		return fmt.Errorf("%w: no page could be read", ErrCorrupt)
	}
	return nil
}

// page extracts one page; a malformed page is skipped, not fatal.
func (w *walker) page(page, res pdf.Value) {
	defer func() {
		if p := recover(); p != nil {
			w.repanic(p)
			w.failed++
		}
	}()
	w.content(page.Key("Contents"), res, 0)
}

// measure inflates a stream into nothing, counting its bytes; it reports
// whether the stream is readable and within limit.
func (w *walker) measure(s pdf.Value, limit int64) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			w.repanic(p)
			ok = false
		}
	}()
	if s.Kind() != pdf.Stream {
		return false
	}
	rc := s.Reader()
	defer rc.Close()
	n, err := io.CopyN(io.Discard, rc, limit+1)
	if w.inflated += n; w.inflated > maxTotalBytes {
		w.stop("more than %d bytes inflated", int64(maxTotalBytes))
	}
	return (err == nil || err == io.EOF) && n <= limit
}

// content interprets a content stream (or an array of them) for its text.
func (w *walker) content(contents, res pdf.Value, depth int) {
	switch contents.Kind() {
	case pdf.Stream:
		if !w.measure(contents, maxStreamBytes) {
			return
		}
	case pdf.Array:
		if contents.Len() > 10_000 {
			return
		}
		for i := range contents.Len() {
			if !w.measure(contents.Index(i), maxStreamBytes) {
				return
			}
		}
	default:
		return
	}
	var enc pdf.TextEncoding
	local := map[string]pdf.TextEncoding{} // this stream's fonts, by resource name
	pdf.Interpret(contents, func(stk *pdf.Stack, op string) {
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		if w.ops++; w.ops%64 == 0 {
			w.check()
			if w.ops > maxOps {
				w.stop("more than %d operators", maxOps)
			}
		}
		switch op {
		case "BT", "ET", "T*":
			w.write("\n")
		case "Td", "TD":
			if n == 2 && args[1].Float64() != 0 {
				w.write("\n")
			}
		case "Tf":
			if n == 2 {
				name := args[0].Name()
				e, ok := local[name]
				if !ok && len(local) < 1000 {
					e = w.font(res, name)
					local[name] = e
				}
				enc = e
			}
		case "Tj":
			if n == 1 {
				w.show(enc, args[0])
			}
		case "'", "\"":
			w.write("\n")
			if n >= 1 {
				w.show(enc, args[n-1])
			}
		case "TJ":
			if n == 1 && args[0].Kind() == pdf.Array {
				a := args[0]
				for i := range min(a.Len(), 100_000) {
					x := a.Index(i)
					switch x.Kind() {
					case pdf.String:
						w.show(enc, x)
					case pdf.Integer, pdf.Real:
						if x.Float64() < -250 { // a gap wide enough to be a space
							w.write(" ")
						}
					}
				}
			}
		case "Do":
			if n == 1 {
				w.form(res, args[0].Name(), depth)
			}
		}
	})
}

func (w *walker) show(enc pdf.TextEncoding, s pdf.Value) {
	if enc == nil || s.Kind() != pdf.String {
		return
	}
	w.check() // decoding may be slow with a large CMap
	defer func() {
		if p := recover(); p != nil { // a string the encoding cannot decode
			w.repanic(p)
		}
	}()
	raw := s.RawString()
	if len(raw) > maxShowBytes {
		raw = raw[:maxShowBytes]
	}
	w.write(strings.ToValidUTF8(strings.ReplaceAll(enc.Decode(raw), "\ufffd", ""), ""))
}

// form extracts the text of a form XObject drawn with Do.
func (w *walker) form(res pdf.Value, name string, depth int) {
	x := res.Key("XObject").Key(name)
	if x.Kind() != pdf.Stream || x.Key("Subtype").Name() != "Form" {
		return
	}
	if depth >= maxFormDepth {
		return
	}
	if w.forms++; w.forms > maxForms {
		w.stop("more than %d forms drawn", maxForms)
	}
	fres := x.Key("Resources")
	if fres.Kind() != pdf.Dict {
		fres = res
	}
	w.content(x, fres, depth+1)
}

// font returns the text encoding of the font named in res, nil if it cannot be
// used. Parsed fonts are shared between pages by a fingerprint of their
// dictionaries, so a document's fonts are parsed once, not once per page.
func (w *walker) font(res pdf.Value, name string) pdf.TextEncoding {
	fv := res.Key("Font").Key(name)
	if fv.Kind() != pdf.Dict {
		return nil
	}
	tu := fv.Key("ToUnicode")
	enc := fv.Key("Encoding")
	key := fmt.Sprint(name, "\x00", fv.Key("Subtype").Name(), "\x00", fv.Key("BaseFont").Name(), "\x00",
		enc.Name(), "\x00", int(enc.Kind()), "\x00", tu.Key("Length").Int64(), "\x00", fv.Key("FirstChar").Int64())
	if e, ok := w.fonts[key]; ok {
		return e
	}
	var e pdf.TextEncoding
	if tu.Kind() != pdf.Stream || w.measure(tu, maxCMapBytes) {
		e = w.encoder(fv, tu)
	}
	w.fonts[key] = e
	return e
}

// encoder returns a font's text encoding: its ToUnicode CMap when it has a
// usable one, else what the library derives from /Encoding; nil when neither
// can be read.
func (w *walker) encoder(fv, tu pdf.Value) (e pdf.TextEncoding) {
	defer func() {
		if p := recover(); p != nil {
			w.repanic(p)
			e = nil
		}
	}()
	if tu.Kind() == pdf.Stream {
		if m := parseToUnicode(tu, fv); m != nil {
			return m
		}
	}
	f := &pdf.Font{V: fv}
	return f.Encoder()
}

// repanic re-raises the panics that must stop the whole walk.
func (w *walker) repanic(p any) {
	switch p.(type) {
	case budgetError, textFull:
		panic(p)
	}
	if err, ok := p.(error); ok && w.sentinel(err) != nil {
		panic(p)
	}
}
