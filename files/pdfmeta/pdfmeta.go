// Package pdfmeta reads the metadata of a PDF that can name its author — the
// document information dictionary (Title, Author, Subject, Keywords, Creator,
// Producer and any custom key) and XMP metadata streams — and writes a copy of
// the PDF without it, for judges who must read the document blind.
//
// It uses github.com/pdfcpu/pdfcpu (Apache-2.0, pure Go) to read and rewrite
// the file rather than a hand-written rewriter: a PDF's metadata can sit in any
// revision of an incrementally updated file, inside compressed object streams,
// and be referenced from a cross-reference stream's dictionary, so removing it
// safely means parsing the whole object graph and writing a new file. pdfcpu
// reads the latest revision (classic and stream cross-references, object
// streams, RC4/AES with an empty user password) and writes only the objects
// reachable from the catalog, so the document information dictionaries and
// XMP packets of earlier revisions are gone as well. It writes a fresh
// document information dictionary of its own that names only itself as the
// producer and the time of writing.
//
// This package imports nothing of Podium's.
package pdfmeta

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Errors of Scrub, usable with errors.Is.
var (
	ErrTooLarge   = errors.New("pdfmeta: file too large")
	ErrEncrypted  = errors.New("pdfmeta: encrypted with a password")
	ErrUnreadable = errors.New("pdfmeta: the PDF's structure cannot be read")
	ErrTimeout    = errors.New("pdfmeta: took too long")
)

// Limits of one Scrub.
const (
	MaxSize        = 256 << 20 // the file (the contests' document limit is at most 200 MB)
	maxXMPBytes    = 4 << 20   // one XMP packet, decoded
	maxMetaText    = 64 << 10  // all metadata text kept
	maxDecodeBytes = 256 << 20 // everything pdfcpu inflates while reading
)

// Field is one piece of a document's metadata: a key of the document
// information dictionary ("Author", "Title", …) with its value, or "XMP" with
// a value of an XMP packet.
type Field struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Metadata is what Scrub found and removed, in the file's order: the document
// information dictionary's keys sorted, then the XMP packets' values.
type Metadata []Field

// String is the metadata one field a line, "Key: value".
func (m Metadata) String() string {
	var b strings.Builder
	for _, f := range m {
		b.WriteString(f.Key + ": " + f.Value + "\n")
	}
	return b.String()
}

// configure switches off pdfcpu's configuration directory (which it would
// otherwise create under the user's home, with fonts) once per process.
var configure sync.Once

func config() *model.Configuration {
	configure.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Optimize, conf.OptimizeBeforeWriting, conf.OptimizeResourceDicts = false, false, false
	conf.Limits.MaxDecodeBytes = maxDecodeBytes
	conf.Limits.MaxStreamBytes = MaxSize
	return conf
}

// Scrub reads the PDF in r (size bytes) and writes to w the same document
// without its document information dictionary and without any XMP metadata
// stream (the catalog's /Metadata, and those of pages, images and fonts),
// returning the metadata it removed. Pages, text, fonts, images, links and
// bookmarks are kept. The copy is not encrypted: a file that opens without a
// password is written decrypted; one that needs a password is ErrEncrypted.
//
// On an error, w may have received the start of a file: write to something
// that an error discards (a blob store's Put through a pipe, say).
func Scrub(ctx context.Context, r io.ReadSeeker, size int64, w io.Writer) (meta Metadata, err error) {
	if size > MaxSize {
		return nil, ErrTooLarge
	}
	defer func() {
		if p := recover(); p != nil { // pdfcpu on input it did not foresee
			meta, err = nil, fmt.Errorf("%w: %v", ErrUnreadable, p)
		}
	}()
	doc, err := pdfcpu.ReadWithContext(ctx, r, config())
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, ErrTimeout
		case isPasswordError(err):
			return nil, fmt.Errorf("%w: %w", ErrEncrypted, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	// Validation (relaxed, as viewers are) also loads what the writer needs
	// of objects that sit in object streams: without it they are left out.
	if err := api.ValidateContext(doc); err != nil {
		if ctx.Err() != nil {
			return nil, ErrTimeout
		}
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	if doc.RootDict == nil {
		return nil, fmt.Errorf("%w: no catalog", ErrUnreadable)
	}
	meta = collect(doc)
	strip(doc)
	if err := ctx.Err(); err != nil {
		return nil, ErrTimeout
	}
	if err := api.WriteContext(doc, w); err != nil {
		return nil, fmt.Errorf("%w: write: %w", ErrUnreadable, err)
	}
	return meta, nil
}

func isPasswordError(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "password") || strings.Contains(s, "encrypt")
}

// collect gathers the document information dictionary's values and the text
// of every XMP packet.
func collect(doc *model.Context) Metadata {
	var meta Metadata
	size := 0
	add := func(key, value string) {
		value = strings.TrimSpace(strings.ToValidUTF8(value, ""))
		if value == "" || size >= maxMetaText {
			return
		}
		if size+len(value) > maxMetaText {
			value = capUTF8(value, maxMetaText-size)
		}
		size += len(value)
		meta = append(meta, Field{Key: key, Value: value})
	}
	if doc.Info != nil {
		if d, err := doc.DereferenceDict(*doc.Info); err == nil && d != nil {
			for _, k := range slices.Sorted(maps.Keys(d)) {
				add(k, objectText(doc, d[k]))
			}
		}
	}
	seen := map[int]bool{}
	for _, nr := range slices.Sorted(maps.Keys(doc.Table)) {
		d := entryDict(doc.Table[nr])
		if d == nil {
			continue
		}
		ref, ok := d["Metadata"].(types.IndirectRef)
		if !ok || seen[ref.ObjectNumber.Value()] {
			continue
		}
		seen[ref.ObjectNumber.Value()] = true
		sd, _, err := doc.DereferenceStreamDict(ref)
		if err != nil || sd == nil {
			continue
		}
		for _, v := range xmpText(sd) {
			add("XMP", v)
		}
	}
	return meta
}

// objectText is the text of a metadata value: strings decoded (PDFDocEncoding
// or UTF-16), names and numbers as written, arrays joined.
func objectText(doc *model.Context, o types.Object) string {
	o, err := doc.Dereference(o)
	if err != nil || o == nil {
		return ""
	}
	switch v := o.(type) {
	case types.StringLiteral, types.HexLiteral:
		s, err := types.StringOrHexLiteral(v)
		if err != nil || s == nil {
			return ""
		}
		return *s
	case types.Name:
		return v.Value()
	case types.Array:
		var parts []string
		for _, x := range v {
			if _, nested := x.(types.Array); nested {
				continue
			}
			if s := objectText(doc, x); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "; ")
	case types.Integer, types.Float, types.Boolean:
		return v.String()
	}
	return ""
}

// xmpText returns the text and attribute values of an XMP packet, without the
// XML and RDF scaffolding (namespace declarations, rdf:about).
func xmpText(sd *types.StreamDict) []string {
	if err := sd.DecodeWithLimit(maxXMPBytes); err != nil {
		return nil
	}
	dec := xml.NewDecoder(bytes.NewReader(sd.Content))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var out []string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" || a.Name.Local == "about" || a.Name.Local == "lang" {
					continue
				}
				if v := strings.TrimSpace(a.Value); v != "" {
					out = append(out, v)
				}
			}
		case xml.CharData:
			if v := strings.TrimSpace(string(t)); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// strip removes the document information dictionary and every /Metadata
// (XMP) and /PieceInfo (an application's private data, which can carry the
// author's document) entry. The streams they pointed to are no longer
// reachable from the catalog, so the writer leaves them out.
func strip(doc *model.Context) {
	doc.Info = nil
	doc.RootDict.Delete("Metadata")
	doc.RootDict.Delete("PieceInfo")
	for _, e := range doc.Table {
		if d := entryDict(e); d != nil {
			d.Delete("Metadata")
			d.Delete("PieceInfo")
		}
	}
	// Write in the clear: the copy is for reading, and a re-encrypted copy
	// would keep the original's permissions and identifiers for no reader.
	doc.Encrypt, doc.EncKey = nil, nil
}

// entryDict is the dictionary of a table entry (of a stream, its stream
// dictionary), or nil. Dicts are maps, so deleting from the result changes
// the entry.
func entryDict(e *model.XRefTableEntry) types.Dict {
	if e == nil || e.Free || e.Object == nil {
		return nil
	}
	switch o := e.Object.(type) {
	case types.Dict:
		return o
	case types.StreamDict:
		return o.Dict
	case *types.StreamDict:
		return o.Dict
	}
	return nil
}

// capUTF8 cuts s to at most n bytes without splitting a character.
func capUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
