package pdftext

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"fmt"
	"io"
	"math"
	"strconv"
)

// The preflight scan reads the raw file once, with its own small lexer, before
// the PDF library sees it. It refuses the few constructs that would make the
// library allocate without bound from a small file: cross-reference sizes and
// indexes declaring millions of objects, xref stream field widths of gigabytes,
// and object streams (which the library parses whenever it resolves an object
// in them) that inflate beyond a limit. Streams the text walker reads itself —
// page contents, forms, ToUnicode maps — are measured there, through the
// library's own (decrypting) readers.
const (
	maxObjects      = 1_000_000 // highest object number a cross-reference may declare
	maxObjStmN      = 100_000   // objects in one object stream
	maxObjStmTotal  = 64 << 20  // all object streams, inflated
	maxFilterChain  = 4
	maxPreflightDep = 64 // nesting of arrays and dictionaries
)

// maxObjStmBytes bounds one object stream, inflated (a variable for tests).
var maxObjStmBytes int64 = 16 << 20

type preflight struct {
	b         []byte
	pos       int
	back      []ptok // pushed-back tokens
	encrypted bool
	objStms   []rawStream
}

type rawStream struct {
	filters []string
	data    []byte
}

type ptokKind int

const (
	tEOF ptokKind = iota
	tInt
	tReal
	tName
	tString
	tKeyword
	tDictOpen
	tDictClose
	tArrayOpen
	tArrayClose
)

type ptok struct {
	kind ptokKind
	i    int64
	s    string
}

// pvalue is the little the scan keeps of an object.
type pvalue struct {
	kind  ptokKind // tInt, tName, tDictOpen (dict), tArrayOpen (array), or tKeyword for anything else
	i     int64
	s     string
	dict  map[string]pvalue
	array []pvalue
}

// scanPDF runs the preflight over b (the whole file). It returns whether the file
// is encrypted, or an error wrapping ErrTooComplex.
func scanPDF(b []byte) (encrypted bool, err error) {
	p := &preflight{b: b}
	for {
		t := p.next()
		switch t.kind {
		case tEOF:
			return p.finish()
		case tKeyword:
			if t.s == "xref" {
				if err := p.xrefTable(); err != nil {
					return false, err
				}
			}
		case tDictOpen, tArrayOpen:
			p.unread(t)
			if _, err := p.object(0); err != nil {
				return false, err
			}
		}
	}
}

func (p *preflight) finish() (bool, error) {
	if p.encrypted && len(p.objStms) > 0 {
		// Their bytes are encrypted, so their inflated size cannot be measured here.
		return true, fmt.Errorf("%w: encrypted object streams", ErrEncrypted)
	}
	var total int64
	for _, s := range p.objStms {
		n, err := inflatedSize(s, maxObjStmBytes)
		if err != nil {
			continue // the library will fail on it as well
		}
		if n > maxObjStmBytes {
			return false, fmt.Errorf("%w: object stream inflates beyond %d bytes", ErrTooComplex, maxObjStmBytes)
		}
		if total += n; total > maxObjStmTotal {
			return false, fmt.Errorf("%w: object streams inflate beyond %d bytes", ErrTooComplex, maxObjStmTotal)
		}
	}
	return p.encrypted, nil
}

// inflatedSize decodes a raw stream through its filters and counts the bytes,
// stopping after limit+1.
func inflatedSize(s rawStream, limit int64) (int64, error) {
	if len(s.filters) > maxFilterChain {
		return math.MaxInt64, nil
	}
	var rd io.Reader = bytes.NewReader(s.data)
	for _, f := range s.filters {
		switch f {
		case "FlateDecode", "Fl":
			zr, err := zlib.NewReader(rd)
			if err != nil {
				return 0, err
			}
			rd = zr
		case "ASCII85Decode", "A85":
			rd = ascii85.NewDecoder(&ascii85Clean{r: rd})
		default:
			return 0, fmt.Errorf("filter %s", f)
		}
	}
	return io.CopyN(io.Discard, rd, limit+1)
}

// ascii85Clean drops what is not ASCII85 data and stops at "~", as the library does.
type ascii85Clean struct {
	r   io.Reader
	eod bool
}

func (a *ascii85Clean) Read(p []byte) (int, error) {
	if a.eod {
		return 0, io.EOF
	}
	n, err := a.r.Read(p)
	out := 0
	for _, c := range p[:n] {
		if c == '~' {
			a.eod = true
			return out, io.EOF
		}
		if c >= '!' && c <= 'u' || c == 'z' {
			p[out] = c
			out++
		}
	}
	return out, err
}

func tooComplex(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrTooComplex, fmt.Sprintf(format, args...))
}

// xrefTable checks the subsection headers of a classic cross-reference table.
func (p *preflight) xrefTable() error {
	for {
		t := p.next()
		if t.kind != tInt {
			p.unread(t)
			return nil
		}
		c := p.next()
		if c.kind != tInt {
			p.unread(c)
			return nil
		}
		if t.i < 0 || c.i < 0 || t.i > maxObjects || c.i > maxObjects-t.i {
			return tooComplex("xref subsection %d %d", t.i, c.i)
		}
		for range c.i {
			off, gen, kw := p.next(), p.next(), p.next()
			if off.kind != tInt || gen.kind != tInt || kw.kind != tKeyword || kw.s != "f" && kw.s != "n" {
				p.unread(kw)
				return nil
			}
		}
	}
}

// object parses one object (references become tKeyword values) and inspects
// every dictionary in it.
func (p *preflight) object(depth int) (pvalue, error) {
	if depth > maxPreflightDep {
		return pvalue{}, tooComplex("objects nested deeper than %d", maxPreflightDep)
	}
	t := p.next()
	switch t.kind {
	case tInt:
		// "n g R" is a reference, not a number.
		g := p.next()
		if g.kind == tInt {
			r := p.next()
			if r.kind == tKeyword && r.s == "R" {
				return pvalue{kind: tKeyword, s: "R"}, nil
			}
			p.unread(r)
		}
		p.unread(g)
		return pvalue{kind: tInt, i: t.i}, nil
	case tName:
		return pvalue{kind: tName, s: t.s}, nil
	case tArrayOpen:
		v := pvalue{kind: tArrayOpen}
		for {
			t := p.next()
			if t.kind == tArrayClose || t.kind == tEOF {
				return v, nil
			}
			p.unread(t)
			x, err := p.object(depth + 1)
			if err != nil {
				return v, err
			}
			if len(v.array) < 64 { // only short arrays (/Index, /W, /Filter) matter
				v.array = append(v.array, x)
			}
		}
	case tDictOpen:
		v := pvalue{kind: tDictOpen, dict: map[string]pvalue{}}
		for {
			k := p.next()
			if k.kind == tDictClose || k.kind == tEOF {
				break
			}
			if k.kind != tName {
				continue
			}
			x, err := p.object(depth + 1)
			if err != nil {
				return v, err
			}
			v.dict[k.s] = x
		}
		return v, p.inspect(v.dict)
	}
	return pvalue{kind: tKeyword, s: t.s}, nil
}

// inspect checks one dictionary, and the stream that may follow it.
func (p *preflight) inspect(d map[string]pvalue) error {
	if _, ok := d["Encrypt"]; ok {
		p.encrypted = true
	}
	if s, ok := d["Size"]; ok && s.kind == tInt && (s.i < 0 || s.i > maxObjects) {
		return tooComplex("/Size %d", s.i)
	}
	if idx, ok := d["Index"]; ok && idx.kind == tArrayOpen {
		for i := 0; i+1 < len(idx.array); i += 2 {
			a, b := idx.array[i], idx.array[i+1]
			if a.kind == tInt && b.kind == tInt && (a.i < 0 || b.i < 0 || a.i > maxObjects || b.i > maxObjects-a.i) {
				return tooComplex("/Index %d %d", a.i, b.i)
			}
		}
	}
	typ := d["Type"]
	if typ.kind == tName && typ.s == "XRef" {
		if w, ok := d["W"]; ok && w.kind == tArrayOpen {
			for _, x := range w.array {
				if x.kind == tInt && (x.i < 0 || x.i > 8) {
					return tooComplex("xref stream field width %d", x.i)
				}
			}
		}
	}
	isObjStm := typ.kind == tName && typ.s == "ObjStm"
	if isObjStm {
		if n := d["N"]; n.kind == tInt && (n.i < 0 || n.i > maxObjStmN) {
			return tooComplex("object stream of %d objects", n.i)
		}
	}

	// A stream follows: skip its data (by /Length when it is direct and right,
	// else up to "endstream"), keeping object streams for measuring.
	t := p.next()
	if t.kind != tKeyword || t.s != "stream" {
		p.unread(t)
		return nil
	}
	start := p.pos
	if start < len(p.b) && p.b[start] == '\r' {
		start++
	}
	if start < len(p.b) && p.b[start] == '\n' {
		start++
	}
	end := -1
	if l := d["Length"]; l.kind == tInt && l.i >= 0 && l.i <= int64(len(p.b)-start) {
		rest := bytes.TrimLeft(p.b[start+int(l.i):], "\r\n \t")
		if bytes.HasPrefix(rest, []byte("endstream")) {
			end = start + int(l.i)
		}
	}
	if end < 0 {
		if i := bytes.Index(p.b[start:], []byte("endstream")); i >= 0 {
			end = start + i
		} else {
			end = len(p.b)
		}
	}
	if isObjStm {
		var filters []string
		switch f := d["Filter"]; f.kind {
		case tName:
			filters = []string{f.s}
		case tArrayOpen:
			for _, x := range f.array {
				filters = append(filters, x.s)
			}
		}
		p.objStms = append(p.objStms, rawStream{filters, p.b[start:end]})
	}
	p.pos = end
	return nil
}

func (p *preflight) unread(t ptok) { p.back = append(p.back, t) }

func isPDFSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isPDFDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// next returns the next token; strings are skipped, not kept.
func (p *preflight) next() ptok {
	if n := len(p.back); n > 0 {
		t := p.back[n-1]
		p.back = p.back[:n-1]
		return t
	}
	b := p.b
	for p.pos < len(b) {
		c := b[p.pos]
		if isPDFSpace(c) {
			p.pos++
			continue
		}
		if c == '%' {
			for p.pos < len(b) && b[p.pos] != '\n' && b[p.pos] != '\r' {
				p.pos++
			}
			continue
		}
		break
	}
	if p.pos >= len(b) {
		return ptok{kind: tEOF}
	}
	c := b[p.pos]
	switch c {
	case '<':
		if p.pos+1 < len(b) && b[p.pos+1] == '<' {
			p.pos += 2
			return ptok{kind: tDictOpen}
		}
		i := bytes.IndexByte(b[p.pos:], '>')
		if i < 0 {
			p.pos = len(b)
		} else {
			p.pos += i + 1
		}
		return ptok{kind: tString}
	case '>':
		p.pos++
		if p.pos < len(b) && b[p.pos] == '>' {
			p.pos++
			return ptok{kind: tDictClose}
		}
		return ptok{kind: tKeyword, s: ">"}
	case '[':
		p.pos++
		return ptok{kind: tArrayOpen}
	case ']':
		p.pos++
		return ptok{kind: tArrayClose}
	case '(':
		p.skipLiteral()
		return ptok{kind: tString}
	case '/':
		p.pos++
		var name []byte
		for p.pos < len(b) && !isPDFSpace(b[p.pos]) && !isPDFDelim(b[p.pos]) {
			c := b[p.pos]
			if c == '#' && p.pos+2 < len(b) {
				if x, err := strconv.ParseUint(string(b[p.pos+1:p.pos+3]), 16, 8); err == nil {
					name = append(name, byte(x))
					p.pos += 3
					continue
				}
			}
			name = append(name, c)
			p.pos++
		}
		return ptok{kind: tName, s: string(name)}
	}
	start := p.pos
	for p.pos < len(b) && !isPDFSpace(b[p.pos]) && !isPDFDelim(b[p.pos]) {
		p.pos++
	}
	if p.pos == start { // a stray delimiter such as ')' or '{'
		p.pos++
		return ptok{kind: tKeyword, s: string(b[start:p.pos])}
	}
	word := string(b[start:p.pos])
	if i, err := strconv.ParseInt(word, 10, 64); err == nil {
		return ptok{kind: tInt, i: i}
	} else if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && isDigits(word) {
		return ptok{kind: tInt, i: math.MaxInt64} // huge: caught by the limits
	}
	if _, err := strconv.ParseFloat(word, 64); err == nil {
		return ptok{kind: tReal}
	}
	return ptok{kind: tKeyword, s: word}
}

func isDigits(s string) bool {
	s = trimSign(s)
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func trimSign(s string) string {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		return s[1:]
	}
	return s
}

// skipLiteral skips a (literal string), with nested parentheses and escapes.
func (p *preflight) skipLiteral() {
	depth := 0
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		p.pos++
		switch c {
		case '\\':
			p.pos++
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return
			}
		}
	}
}
