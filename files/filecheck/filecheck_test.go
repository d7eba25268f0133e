package filecheck_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"
	"time"

	"podium/fault"
	"podium/files/filecheck"
	"podium/files/pdftext"
)

func check(kind filecheck.Kind, b []byte) (filecheck.Detected, error) {
	return filecheck.Check(kind, bytes.NewReader(b), int64(len(b)))
}

// wantKey asserts err is an invalid-input *fault.Error with message key, also
// given for the field "file".
func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	ce, ok := errors.AsType[*fault.Error](err)
	if !ok || ce.Code != fault.CodeInvalid || ce.Message != key || ce.Fields["file"] != key {
		t.Fatalf("err = %v, want %s", err, key)
	}
}

func pdfFile() []byte { return pdftext.Generate([]string{"商业计划书", "Business plan"}) }

// officeFile builds an Office Open XML zip with the given parts (name → content);
// a part whose name starts with "-" is left out of the defaults.
func officeFile(t *testing.T, mainPart, mainType, root string, extra map[string]string) []byte {
	t.Helper()
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/` + mainPart + `" ContentType="` + mainType + `"/>
</Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="` + mainPart + `"/></Relationships>`,
		mainPart: `<?xml version="1.0" encoding="UTF-8"?><p:` + root + ` xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"></p:` + root + `>`,
	}
	for k, v := range extra {
		if strings.HasPrefix(k, "-") {
			delete(parts, k[1:])
			continue
		}
		parts[k] = v
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", mainPart} {
		if v, ok := parts[name]; ok {
			w, _ := zw.Create(name)
			w.Write([]byte(v))
			delete(parts, name)
		}
	}
	for name, v := range parts {
		w, _ := zw.Create(name)
		w.Write([]byte(v))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	pptxMain = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
	docxMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	xlsxMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)

func pptx(t *testing.T, extra map[string]string) []byte {
	if extra == nil {
		extra = map[string]string{}
	}
	extra["ppt/slides/slide1.xml"] = `<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld/></p:sld>`
	return officeFile(t, "ppt/presentation.xml", pptxMain, "presentation", extra)
}

func docx(t *testing.T) []byte {
	return officeFile(t, "word/document.xml", docxMain, "document", nil)
}

func xlsx(t *testing.T) []byte {
	return officeFile(t, "xl/workbook.xml", xlsxMain, "workbook", nil)
}

// box is an ISO BMFF box.
func box(typ string, body ...[]byte) []byte {
	b := bytes.Join(body, nil)
	out := binary.BigEndian.AppendUint32(nil, uint32(8+len(b)))
	return append(append(out, typ...), b...)
}

func mp4File(brands ...string) []byte {
	if len(brands) == 0 {
		brands = []string{"isom", "isom", "iso2", "avc1", "mp41"}
	}
	ftyp := []byte(brands[0] + "\x00\x00\x02\x00" + strings.Join(brands[1:], ""))
	mvhd := box("mvhd", make([]byte, 100))
	return bytes.Join([][]byte{box("ftyp", ftyp), box("moov", mvhd), box("mdat", make([]byte, 4096))}, nil)
}

func pngFile(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{200, 30, 30, 255})
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func jpegFile() []byte {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 16, 16)), nil)
	return buf.Bytes()
}

func TestAccepted(t *testing.T) {
	cases := []struct {
		kind filecheck.Kind
		file []byte
		want filecheck.Detected
	}{
		{filecheck.BusinessPlan, pdfFile(), filecheck.PDF},
		{filecheck.Deck, pdfFile(), filecheck.PDF},
		{filecheck.Deck, pptx(t, nil), filecheck.PPTX},
		{filecheck.Video, mp4File(), filecheck.MP4},
		{filecheck.Video, mp4File("mp42", "mp42", "isom"), filecheck.MP4},
		{filecheck.Video, mp4File("qt  ", "qt  ", "isom"), filecheck.MP4}, // lists an MP4 brand
		{filecheck.Attachment, pdfFile(), filecheck.PDF},
		{filecheck.Attachment, pptx(t, nil), filecheck.PPTX},
		{filecheck.Attachment, docx(t), filecheck.DOCX},
		{filecheck.Attachment, xlsx(t), filecheck.XLSX},
		{filecheck.Attachment, pngFile(20, 10), filecheck.PNG},
		{filecheck.Attachment, jpegFile(), filecheck.JPEG},
		// A PDF header may follow up to 1024 bytes of junk.
		{filecheck.BusinessPlan, append(bytes.Repeat([]byte{' '}, 900), pdfFile()...), filecheck.PDF},
	}
	for i, c := range cases {
		got, err := check(c.kind, c.file)
		if err != nil || got != c.want {
			t.Errorf("%d (%s): got %v, %v; want %v", i, c.kind, got, err, c.want)
		}
	}
	if got, err := check(filecheck.Deck, pptx(t, nil)); err != nil || got.Ext != ".pptx" ||
		got.ContentType != "application/vnd.openxmlformats-officedocument.presentationml.presentation" {
		t.Fatalf("PPTX detected as %+v, %v", got, err)
	}
}

func TestWrongType(t *testing.T) {
	zipOnly := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("plan.txt")
		w.Write([]byte("not an office file"))
		zw.Close()
		return buf.Bytes()
	}()
	cases := []struct {
		name string
		kind filecheck.Kind
		file []byte
	}{
		{"PNG renamed .pdf as business plan", filecheck.BusinessPlan, pngFile(4, 4)},
		{"ZIP as business plan", filecheck.BusinessPlan, zipOnly},
		{"PPTX as business plan", filecheck.BusinessPlan, pptx(t, nil)},
		{"plain ZIP as deck", filecheck.Deck, zipOnly},
		{"DOCX as deck", filecheck.Deck, docx(t)},
		{"PDF as video", filecheck.Video, pdfFile()},
		{"QuickTime as video", filecheck.Video, mp4File("qt  ", "qt  ")},
		{"3GPP as video", filecheck.Video, mp4File("3gp5", "3gp5", "3gp4")},
		{"HTML as attachment", filecheck.Attachment, []byte("<!doctype html><script>alert(1)</script>")},
		{"text as business plan", filecheck.BusinessPlan, []byte("hello")},
		{"MP4 as attachment", filecheck.Attachment, mp4File()},
		{"PPTX missing ppt/presentation.xml", filecheck.Deck, pptx(t, map[string]string{"-ppt/presentation.xml": ""})},
		{"PPTX missing [Content_Types].xml", filecheck.Deck, pptx(t, map[string]string{"-[Content_Types].xml": ""})},
		{"macro-enabled PPTM", filecheck.Deck, officeFile(t, "ppt/presentation.xml",
			"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml", "presentation", nil)},
		{"PPTX main part of the wrong root", filecheck.Deck, officeFile(t, "ppt/presentation.xml", pptxMain, "document", nil)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := check(c.kind, c.file)
			wantKey(t, err, "err.upload.wrong_type")
		})
	}
}

func TestCorrupt(t *testing.T) {
	pdf := pdfFile()
	p := pptx(t, map[string]string{"ppt/media/image1.bin": strings.Repeat("x", 5000)})
	m := mp4File()
	png := pngFile(50, 50)
	// Damage the compressed bytes of the main part: inflating or the CRC check must catch it.
	badCRC := pptx(t, map[string]string{"ppt/presentation.xml": `<p:presentation xmlns:p="x">` +
		strings.Repeat("<p:sldId/>", 200) + `</p:presentation>`})
	zr, err := zip.NewReader(bytes.NewReader(badCRC), int64(len(badCRC)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "ppt/presentation.xml" {
			off, _ := f.DataOffset()
			badCRC[off+int64(f.CompressedSize64)/2] ^= 0x55
		}
	}
	cases := []struct {
		name string
		kind filecheck.Kind
		file []byte
	}{
		{"truncated PDF", filecheck.BusinessPlan, pdf[:len(pdf)/2]},
		{"PDF with a bad version", filecheck.BusinessPlan, []byte("%PDF-x.y\n%%EOF\n")},
		{"truncated PPTX", filecheck.Deck, p[:len(p)-40]},
		{"truncated MP4", filecheck.Video, m[:len(m)-100]},
		{"MP4 without moov", filecheck.Video, box("ftyp", []byte("isom\x00\x00\x00\x00isom"))},
		{"truncated PNG", filecheck.Attachment, png[:len(png)-5]},
		{"JPEG header only", filecheck.Attachment, []byte("\xff\xd8\xff\xe0\x00\x10JFIF")},
		{"damaged PPTX", filecheck.Deck, badCRC},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := check(c.kind, c.file)
			wantKey(t, err, "err.upload.corrupt")
		})
	}
}

func TestEmptyAndUnknownKind(t *testing.T) {
	_, err := check(filecheck.BusinessPlan, nil)
	wantKey(t, err, "err.upload.empty")
	_, err = check("resume", pdfFile())
	if ce, ok := errors.AsType[*fault.Error](err); !ok || ce.Fields["kind"] != "err.upload.kind" {
		t.Fatalf("unknown kind: %v", err)
	}
	if _, err := filecheck.ParseKind("deck"); err != nil {
		t.Fatal(err)
	}
	if _, err := filecheck.ParseKind("../deck"); err == nil {
		t.Fatal("ParseKind accepted a bad kind")
	}
}

func TestImageTooLarge(t *testing.T) {
	// A PNG header claiming 20000×20000 pixels; the body never needs decoding.
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, 20000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 20000)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	chunk := func(typ string, data []byte) {
		binary.Write(&buf, binary.BigEndian, uint32(len(data)))
		buf.WriteString(typ)
		buf.Write(data)
		binary.Write(&buf, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	chunk("IHDR", ihdr)
	chunk("IEND", nil)
	_, err := check(filecheck.Attachment, buf.Bytes())
	wantKey(t, err, "err.upload.image_too_large")
}

// measure runs f and returns how long it took and how many bytes it allocated.
func measure(f func()) (time.Duration, uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return d, after.TotalAlloc - before.TotalAlloc
}

func zipWith(t *testing.T, add func(zw *zip.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "ppt/presentation.xml"} {
		w, _ := zw.Create(name)
		if name == "ppt/presentation.xml" {
			w.Write([]byte(`<p:presentation xmlns:p="x"/>`))
		} else {
			fmt.Fprintf(w, `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/ppt/presentation.xml" ContentType="%s"/></Types>`, pptxMain)
		}
	}
	add(zw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func deflated(data []byte) []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	return buf.Bytes()
}

func TestZipBombs(t *testing.T) {
	zeros := make([]byte, 8<<20)
	cases := map[string][]byte{
		// One entry of really highly compressible data: 8 MiB of zeros deflate to ~8 KiB.
		"high ratio": zipWith(t, func(zw *zip.Writer) {
			w, _ := zw.Create("ppt/media/video.bin")
			w.Write(zeros)
		}),
		// An entry declaring a huge size (the ratio and total are read from the directory).
		"huge declared size": zipWith(t, func(zw *zip.Writer) {
			data := deflated([]byte("small"))
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: "ppt/media/big.bin", Method: zip.Deflate,
				CompressedSize64: uint64(len(data)), UncompressedSize64: 8 << 30, CRC32: crc32.ChecksumIEEE([]byte("small"))})
			w.Write(data)
		}),
		// Many entries, each harmless.
		"many entries": zipWith(t, func(zw *zip.Writer) {
			for i := range filecheck.MaxZipEntries + 10 {
				zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("ppt/slides/s%d.xml", i), Method: zip.Store})
			}
		}),
		// Many entries whose declared sizes add up beyond the total.
		// Entries of a plausible ratio whose declared sizes add up beyond the total.
		"large total": zipWith(t, func(zw *zip.Writer) {
			data := make([]byte, 64<<10) // never inflated: the directory gives it away
			for i := range 200 {
				w, _ := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("ppt/media/m%d.bin", i), Method: zip.Deflate,
					CompressedSize64: uint64(len(data)), UncompressedSize64: 8 << 20})
				w.Write(data)
			}
		}),
		// An entry lying about its size: it declares 1000 bytes but inflates to 8 MiB.
		"lying size": zipWith(t, func(zw *zip.Writer) {
			data := deflated(zeros)
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: "ppt/media/liar.bin", Method: zip.Deflate,
				CompressedSize64: uint64(len(data)), UncompressedSize64: 1000, CRC32: crc32.ChecksumIEEE(zeros[:1000])})
			w.Write(data)
		}),
		"overlapping entries": overlapping(t),
	}
	for name, file := range cases {
		t.Run(name, func(t *testing.T) {
			var err error
			d, alloc := measure(func() { _, err = check(filecheck.Deck, file) })
			wantKey(t, err, "err.upload.zip_bomb")
			// Bounded: nothing like the declared or inflated size is held in memory.
			if alloc > 32<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
			if d > 10*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// overlapping builds a zip in which two directory entries point at the same
// local file, the trick of "overlapping" zip bombs.
func overlapping(t *testing.T) []byte {
	content := bytes.Repeat([]byte("slide "), 100)
	b := zipWith(t, func(zw *zip.Writer) {
		for _, n := range []string{"ppt/slides/a.xml", "ppt/slides/b.xml"} {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
			w.Write(content)
		}
	})
	// Central directory headers: signature PK\x01\x02, local header offset at +42.
	var offs []int
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("PK\x01\x02"))
		if j < 0 {
			break
		}
		offs = append(offs, i+j)
		i += j + 4
	}
	if len(offs) != 4 {
		t.Fatalf("found %d directory entries", len(offs))
	}
	a := binary.LittleEndian.Uint32(b[offs[2]+42:])
	binary.LittleEndian.PutUint32(b[offs[3]+42:], a)
	return b
}
