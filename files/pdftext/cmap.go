package pdftext

import (
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// toUnicodeMap decodes text with a font's ToUnicode CMap. The library consults
// ToUnicode only for Identity-H fonts and fonts without /Encoding, while PDF
// readers (and the spec, 9.10.2) prefer it whenever it is present — Chromium's
// and many Office exporters' fonts carry both an /Encoding dictionary of glyph
// names and the ToUnicode map that alone gives the real characters. This
// decoder also looks codes up in a map and sorted ranges instead of scanning
// every entry per code, so a large CMap cannot make decoding quadratic.
type toUnicodeMap struct {
	spaces [5][][2]string // codespace ranges by code length (1–4 bytes)
	chars  map[string]string
	ranges [5][]cmapRange // by code length, sorted by lo
}

type cmapRange struct {
	lo, hi string
	dst    []uint16   // first destination (incremented by code − lo), or
	array  [][]uint16 // one destination per code
}

const maxCMapEntries = 200_000

// parseToUnicode reads a ToUnicode stream; it returns nil if the map is
// unusable. scratch is a dictionary value the CMap program may write its
// definitions into (the library offers no way to make a fresh one): it stands
// for the ProcSet that "/CIDInit /ProcSet findresource begin" opens.
func parseToUnicode(s, scratch pdf.Value) *toUnicodeMap {
	m := &toUnicodeMap{chars: map[string]string{}}
	entries := 0
	pop := func(stk *pdf.Stack) []pdf.Value {
		out := make([]pdf.Value, stk.Len())
		for i := len(out) - 1; i >= 0; i-- {
			out[i] = stk.Pop()
		}
		return out
	}
	pdf.Interpret(s, func(stk *pdf.Stack, op string) {
		switch op {
		case "findresource":
			stk.Pop()
			stk.Pop()
			stk.Push(scratch)
		case "defineresource":
			stk.Pop()
			v := stk.Pop()
			stk.Pop()
			stk.Push(v)
		case "begincodespacerange", "beginbfchar", "beginbfrange", "begincmap", "endcmap", "usecmap",
			"begincidrange", "begincidchar", "beginnotdefrange":
			pop(stk) // counts and leftovers; the end operators take what follows
		case "endcodespacerange":
			args := pop(stk)
			for i := 0; i+1 < len(args); i += 2 {
				lo, hi := args[i].RawString(), args[i+1].RawString()
				if n := len(lo); n >= 1 && n <= 4 && len(hi) == n {
					m.spaces[n] = append(m.spaces[n], [2]string{lo, hi})
				}
			}
		case "endbfchar":
			args := pop(stk)
			for i := 0; i+1 < len(args) && entries < maxCMapEntries; i += 2 {
				if src := args[i].RawString(); src != "" && args[i+1].Kind() == pdf.String {
					m.chars[src] = string(utf16.Decode(units(args[i+1].RawString())))
					entries++
				}
			}
		case "endbfrange":
			args := pop(stk)
			for i := 0; i+2 < len(args) && entries < maxCMapEntries; i += 3 {
				lo, hi, dst := args[i].RawString(), args[i+1].RawString(), args[i+2]
				if lo == "" || len(lo) > 4 || len(lo) != len(hi) || lo > hi {
					continue
				}
				r := cmapRange{lo: lo, hi: hi}
				switch dst.Kind() {
				case pdf.String:
					r.dst = units(dst.RawString())
				case pdf.Array:
					for j := range min(dst.Len(), maxCMapEntries) {
						r.array = append(r.array, units(dst.Index(j).RawString()))
					}
				default:
					continue
				}
				m.ranges[len(lo)] = append(m.ranges[len(lo)], r)
				entries++
			}
		default:
			pop(stk)
		}
	})
	nRanges := 0
	for _, rs := range m.ranges {
		nRanges += len(rs)
	}
	if len(m.chars) == 0 && nRanges == 0 {
		return nil
	}
	if m.spaces[1] == nil && m.spaces[2] == nil && m.spaces[3] == nil && m.spaces[4] == nil {
		// No codespace declared: take the length of the mapped codes.
		n := 1
		for k := range m.chars {
			n = min(len(k), 4)
			break
		}
		for l := 1; l <= 4; l++ {
			if len(m.ranges[l]) > 0 {
				n = l
			}
		}
		m.spaces[n] = [][2]string{{strings.Repeat("\x00", n), strings.Repeat("\xff", n)}}
	}
	for _, rs := range m.ranges {
		sort.Slice(rs, func(i, j int) bool { return rs[i].lo < rs[j].lo })
	}
	return m
}

// units turns a UTF-16BE string into code units (an odd last byte is dropped).
func units(s string) []uint16 {
	u := make([]uint16, len(s)/2)
	for i := range u {
		u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
	}
	return u
}

// Decode implements pdf.TextEncoding.
func (m *toUnicodeMap) Decode(raw string) string {
	var b strings.Builder
	for len(raw) > 0 {
		n := m.codeLen(raw)
		code := raw[:n]
		raw = raw[n:]
		if s, ok := m.chars[code]; ok {
			b.WriteString(s)
			continue
		}
		if s, ok := m.lookupRange(code); ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

// codeLen is the length of the code at the start of raw: the shortest
// codespace range that contains it, else 1 byte (as the spec suggests).
func (m *toUnicodeMap) codeLen(raw string) int {
	for n := 1; n <= 4 && n <= len(raw); n++ {
		for _, sp := range m.spaces[n] {
			if sp[0] <= raw[:n] && raw[:n] <= sp[1] {
				return n
			}
		}
	}
	for n := 1; n <= 4; n++ {
		if m.spaces[n] != nil {
			return min(n, len(raw))
		}
	}
	return 1
}

func (m *toUnicodeMap) lookupRange(code string) (string, bool) {
	rs := m.ranges[len(code)]
	// The last range starting at or before code (ranges rarely overlap).
	i := sort.Search(len(rs), func(i int) bool { return rs[i].lo > code }) - 1
	if i < 0 || code > rs[i].hi {
		return "", false
	}
	r := rs[i]
	off := codeValue(code) - codeValue(r.lo)
	if r.array != nil {
		if off < uint64(len(r.array)) {
			return string(utf16.Decode(r.array[off])), true
		}
		return "", false
	}
	if len(r.dst) == 0 {
		return "", false
	}
	d := append([]uint16(nil), r.dst...)
	d[len(d)-1] += uint16(off)
	return string(utf16.Decode(d)), true
}

func codeValue(s string) uint64 {
	var v uint64
	for i := 0; i < len(s); i++ {
		v = v<<8 | uint64(s[i])
	}
	return v
}
