package filecheck

import (
	"archive/zip"
	"cmp"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Limits of the zip-bomb guard. An Office file from PowerPoint, Word or Excel
// stays far below them; archives beyond them are refused before anything is
// inflated.
const (
	// MaxZipEntries bounds the number of entries (counted from the end of
	// central directory record, before the directory itself is read).
	MaxZipEntries = 10_000
	// MaxZipUncompressed bounds the total declared uncompressed size.
	MaxZipUncompressed = 1 << 30
	// MaxZipRatio bounds the compression ratio of an entry larger than
	// zipRatioFloor once inflated; deflate reaches about 1000:1 on a bomb,
	// Office XML rarely 20:1.
	MaxZipRatio   = 200
	zipRatioFloor = 1 << 20
	// maxContentTypes bounds [Content_Types].xml, which is parsed in memory.
	maxContentTypes = 1 << 20
)

// ooxml describes one Office Open XML format: its main part and that part's content type.
type ooxml struct {
	detected Detected
	mainPart string // without the leading slash
	mainType string
	root     string // local name of the main part's root element
}

var ooxmlFormats = []ooxml{
	{PPTX, "ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", "presentation"},
	{DOCX, "word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "document"},
	{XLSX, "xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "workbook"},
}

// checkOOXML validates a PPTX, DOCX or XLSX: the zip structure and its limits,
// [Content_Types].xml naming the right main part with the right (macro-free)
// content type, and every entry inflated once through a bounded reader so that
// declared sizes and CRCs are proven rather than believed.
func checkOOXML(r io.ReaderAt, size int64) (Detected, error) {
	n, err := zipEntryCount(r, size)
	if err != nil {
		return Detected{}, err
	}
	if n > MaxZipEntries {
		return Detected{}, problemf(MsgZipBomb, "%d zip entries", n)
	}
	if n == 0 {
		return Detected{}, problemf(MsgWrongType, "empty zip")
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return Detected{}, problem(MsgCorrupt, err)
	}
	if zr == nil || uint64(len(zr.File)) != n {
		return Detected{}, problemf(MsgCorrupt, "zip directory disagrees with its end record")
	}
	if err != nil {
		return Detected{}, problem(MsgWrongType, err) // names like "../x": never an Office file
	}

	type span struct{ start, end int64 }
	spans := make([]span, 0, len(zr.File))
	byName := make(map[string]*zip.File, len(zr.File))
	var total uint64
	for _, f := range zr.File {
		if f.Flags&0x1 != 0 {
			return Detected{}, problemf(MsgWrongType, "encrypted zip entry %q", f.Name)
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return Detected{}, problemf(MsgCorrupt, "zip method %d", f.Method)
		}
		u, c := f.UncompressedSize64, f.CompressedSize64
		if u > MaxZipUncompressed || total+u > MaxZipUncompressed {
			return Detected{}, problemf(MsgZipBomb, "uncompressed total over %d bytes", MaxZipUncompressed)
		}
		total += u
		if u > zipRatioFloor && (c == 0 || u/c >= MaxZipRatio) {
			return Detected{}, problemf(MsgZipBomb, "entry %q: %d bytes from %d", f.Name, u, c)
		}
		if f.Method == zip.Store && u != c {
			return Detected{}, problemf(MsgCorrupt, "stored entry %q with different sizes", f.Name)
		}
		off, err := f.DataOffset()
		if err != nil || off < 0 || c > uint64(size) || off > size-int64(c) {
			return Detected{}, problemf(MsgCorrupt, "entry %q outside the file", f.Name)
		}
		spans = append(spans, span{off, off + int64(c)})
		key := strings.ToLower(f.Name)
		if _, dup := byName[key]; dup {
			return Detected{}, problemf(MsgCorrupt, "duplicate entry %q", f.Name)
		}
		byName[key] = f
	}
	// Entries sharing compressed bytes are how "overlapping" bombs multiply
	// their size without a high ratio per entry.
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return Detected{}, problemf(MsgZipBomb, "overlapping zip entries")
		}
	}

	ct, ok := byName["[content_types].xml"]
	if !ok {
		return Detected{}, problemf(MsgWrongType, "zip without [Content_Types].xml")
	}
	var format *ooxml
	for i := range ooxmlFormats {
		if _, ok := byName[ooxmlFormats[i].mainPart]; ok {
			format = &ooxmlFormats[i]
			break
		}
	}
	if format == nil {
		return Detected{}, problemf(MsgWrongType, "zip without a known main part")
	}
	types, err := readContentTypes(ct)
	if err != nil {
		return Detected{}, err
	}
	if got := types["/"+format.mainPart]; got != format.mainType {
		return Detected{}, problemf(MsgWrongType, "main part %s has content type %q", format.mainPart, got)
	}
	if err := checkRoot(byName[format.mainPart], format.root); err != nil {
		return Detected{}, err
	}
	for _, f := range zr.File {
		if err := inflate(f); err != nil {
			return Detected{}, err
		}
	}
	return format.detected, nil
}

// zipEntryCount reads the entry count from the end of central directory
// record (or its zip64 version), so that a directory of a million entries is
// refused before archive/zip reads it into memory.
func zipEntryCount(r io.ReaderAt, size int64) (uint64, error) {
	const eocdLen, maxComment = 22, 65535
	t, err := tail(r, size, eocdLen+maxComment)
	if err != nil {
		return 0, err
	}
	base := size - int64(len(t))
	for i := len(t) - eocdLen; i >= 0; i-- {
		if string(t[i:i+4]) != "PK\x05\x06" {
			continue
		}
		if i+eocdLen+int(binary.LittleEndian.Uint16(t[i+20:])) != len(t) {
			continue // a signature inside the comment, or trailing junk
		}
		count := uint64(binary.LittleEndian.Uint16(t[i+10:]))
		if count != 0xffff && binary.LittleEndian.Uint32(t[i+16:]) != 0xffffffff {
			return count, nil
		}
		// zip64: the locator sits right before the record.
		loc := make([]byte, 20)
		if base+int64(i)-20 < 0 {
			break
		}
		if _, err := r.ReadAt(loc, base+int64(i)-20); err != nil || string(loc[:4]) != "PK\x06\x07" {
			break
		}
		off := int64(binary.LittleEndian.Uint64(loc[8:]))
		rec := make([]byte, 56)
		if off < 0 || off > size-56 {
			break
		}
		if _, err := r.ReadAt(rec, off); err != nil || string(rec[:4]) != "PK\x06\x06" {
			break
		}
		return binary.LittleEndian.Uint64(rec[32:]), nil
	}
	return 0, problemf(MsgCorrupt, "no zip end of central directory record (truncated?)")
}

// readContentTypes returns the part name → content type overrides of
// [Content_Types].xml, with part names lower-cased (OPC names are case-insensitive).
func readContentTypes(f *zip.File) (map[string]string, error) {
	if f.UncompressedSize64 > maxContentTypes {
		return nil, problemf(MsgCorrupt, "[Content_Types].xml of %d bytes", f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, problem(MsgCorrupt, err)
	}
	defer rc.Close()
	var doc struct {
		Overrides []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, maxContentTypes)).Decode(&doc); err != nil {
		return nil, problem(MsgCorrupt, err)
	}
	types := make(map[string]string, len(doc.Overrides))
	for _, o := range doc.Overrides {
		types[strings.ToLower(o.PartName)] = strings.TrimSpace(o.ContentType)
	}
	return types, nil
}

// checkRoot wants the main part to be XML whose root element is named root.
func checkRoot(f *zip.File, root string) error {
	rc, err := f.Open()
	if err != nil {
		return problem(MsgCorrupt, err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, 1<<20))
	for {
		tok, err := dec.Token()
		if err != nil {
			return problem(MsgCorrupt, fmt.Errorf("main part %s: %w", f.Name, err))
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != root {
				return problemf(MsgWrongType, "main part %s has root <%s>", f.Name, se.Name.Local)
			}
			return nil
		}
	}
}

// inflate reads an entry to its end without keeping it. archive/zip refuses
// more bytes than declared and checks the CRC; the limit is a second guard.
func inflate(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return problem(MsgCorrupt, fmt.Errorf("entry %q: %w", f.Name, err))
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	switch {
	// archive/zip's reader fails with ErrFormat exactly when an entry inflates
	// to more than its declared size.
	case uint64(n) > f.UncompressedSize64 || errors.Is(err, zip.ErrFormat):
		return problemf(MsgZipBomb, "entry %q inflates beyond its declared %d bytes", f.Name, f.UncompressedSize64)
	case err != nil:
		return problem(MsgCorrupt, fmt.Errorf("entry %q: %w", f.Name, err))
	}
	return nil
}
