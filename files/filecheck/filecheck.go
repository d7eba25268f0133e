// Package filecheck decides what an uploaded file is from its content — magic
// bytes and structure, never its name or the client's Content-Type — and whether
// that is allowed for the kind of upload. Zip-based Office files are checked
// without trusting, or fully inflating into memory, what the archive declares.
//
// Every failure is a *fault.Error with code invalid whose message key (also
// given for the field "file") tells the user what is wrong:
//
//	err.upload.kind        the upload kind is unknown
//	err.upload.empty       the file is empty
//	err.upload.wrong_type  the content is not one of the types allowed for the kind
//	err.upload.corrupt     the content looks like an allowed type but is damaged or truncated
//	err.upload.zip_bomb    the archive expands too much (entries, size or ratio)
//	err.upload.image_too_large  the image has too many pixels
package filecheck

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"podium/fault"
)

// Kind is what an upload is for. The kinds are declared here, once: the
// domain's upload kinds are these (contest/entry.UploadKind).
type Kind string

// The kinds of upload.
const (
	BusinessPlan Kind = "business_plan"
	Deck         Kind = "deck"
	Video        Kind = "video"
	Attachment   Kind = "attachment"
	// Evidence is a document or photo sent with an objection (异议) to
	// published results, or a scan of its stamped letter: not an entry's
	// upload, so not in Kinds.
	Evidence Kind = "evidence"
)

// Kinds lists the kinds, in the order entry forms show them.
var Kinds = []Kind{BusinessPlan, Deck, Video, Attachment}

// Detected is what a file turned out to be.
type Detected struct {
	ContentType string // e.g. "application/pdf"
	Ext         string // the usual extension, with its dot, e.g. ".pdf"
}

// The types Podium accepts.
var (
	PDF  = Detected{"application/pdf", ".pdf"}
	PPTX = Detected{"application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"}
	DOCX = Detected{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"}
	XLSX = Detected{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"}
	MP4  = Detected{"video/mp4", ".mp4"}
	JPEG = Detected{"image/jpeg", ".jpg"}
	PNG  = Detected{"image/png", ".png"}
)

var allowed = map[Kind][]Detected{
	BusinessPlan: {PDF},
	Deck:         {PDF, PPTX},
	Video:        {MP4},
	Attachment:   {PDF, PPTX, DOCX, XLSX, JPEG, PNG},
	Evidence:     {PDF, JPEG, PNG},
}

// ParseKind returns the Kind named s, or an invalid-input error.
func ParseKind(s string) (Kind, error) {
	k := Kind(s)
	if _, ok := allowed[k]; !ok {
		return "", fault.Invalid("kind", "err.upload.kind")
	}
	return k, nil
}

// Allowed lists the types accepted for kind (nil for an unknown kind).
func Allowed(kind Kind) []Detected { return slices.Clone(allowed[kind]) }

// Accept is the value for an <input type=file accept=…> attribute for kind:
// extensions and content types, e.g. ".pdf,application/pdf".
func Accept(kind Kind) string {
	var parts []string
	for _, d := range allowed[kind] {
		parts = append(parts, d.Ext, d.ContentType)
	}
	if slices.Contains(allowed[kind], JPEG) {
		parts = append(parts, ".jpeg")
	}
	return strings.Join(parts, ",")
}

// Message keys of the errors Check returns.
const (
	MsgKind          = "err.upload.kind"
	MsgEmpty         = "err.upload.empty"
	MsgWrongType     = "err.upload.wrong_type"
	MsgCorrupt       = "err.upload.corrupt"
	MsgZipBomb       = "err.upload.zip_bomb"
	MsgImageTooLarge = "err.upload.image_too_large"
)

// problem is the error for a file that fails a check; cause is for logs only.
func problem(key string, cause error) *fault.Error {
	return &fault.Error{Code: fault.CodeInvalid, Message: key, Fields: map[string]string{"file": key}, Err: cause}
}

func problemf(key, format string, args ...any) *fault.Error {
	return problem(key, fmt.Errorf(format, args...))
}

// headLen is how much of the start of a file the sniffing looks at; a PDF
// header may sit anywhere in the first 1024 bytes.
const headLen = 1024

// Check reads the file (size bytes from r) and returns what it is, or an error
// if it is not a sound file of a type allowed for kind. It reads only what it
// needs: headers and trailers, and for zip-based formats the central directory
// and each entry streamed through a bounded reader.
func Check(kind Kind, r io.ReaderAt, size int64) (Detected, error) {
	types, ok := allowed[kind]
	if !ok {
		return Detected{}, fault.Invalid("kind", "err.upload.kind")
	}
	if size <= 0 {
		return Detected{}, problem(MsgEmpty, nil)
	}
	head := make([]byte, min(size, headLen))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return Detected{}, fmt.Errorf("filecheck: read: %w", err)
	}
	allows := func(d ...Detected) bool {
		for _, x := range d {
			if slices.Contains(types, x) {
				return true
			}
		}
		return false
	}
	var (
		d   Detected
		err error
	)
	// Formats with magic bytes at offset 0 first; a PDF header may come later.
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if !allows(PPTX, DOCX, XLSX) {
			return Detected{}, problemf(MsgWrongType, "zip not allowed for %s", kind)
		}
		d, err = checkOOXML(r, size)
	case len(head) >= 8 && string(head[4:8]) == "ftyp":
		if !allows(MP4) {
			return Detected{}, problemf(MsgWrongType, "ISO media not allowed for %s", kind)
		}
		d, err = checkMP4(r, size)
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		if !allows(JPEG) {
			return Detected{}, problemf(MsgWrongType, "JPEG not allowed for %s", kind)
		}
		d, err = checkJPEG(r, size)
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		if !allows(PNG) {
			return Detected{}, problemf(MsgWrongType, "PNG not allowed for %s", kind)
		}
		d, err = checkPNG(r, size)
	case bytes.Contains(head, []byte("%PDF-")):
		if !allows(PDF) {
			return Detected{}, problemf(MsgWrongType, "PDF not allowed for %s", kind)
		}
		d, err = checkPDF(r, size, head)
	default:
		return Detected{}, problemf(MsgWrongType, "unknown content % x", head[:min(len(head), 8)])
	}
	if err != nil {
		return Detected{}, err
	}
	if !allows(d) {
		return Detected{}, problemf(MsgWrongType, "%s not allowed for %s", d.ContentType, kind)
	}
	return d, nil
}

// tail returns the last n bytes of the file (fewer if it is shorter).
func tail(r io.ReaderAt, size int64, n int64) ([]byte, error) {
	n = min(n, size)
	b := make([]byte, n)
	if _, err := r.ReadAt(b, size-n); err != nil && err != io.EOF {
		return nil, fmt.Errorf("filecheck: read: %w", err)
	}
	return b, nil
}

// checkPDF wants a "%PDF-x.y" header in the first 1024 bytes (as the spec
// allows) and "startxref" and "%%EOF" near the end, which a truncated file lacks.
func checkPDF(r io.ReaderAt, size int64, head []byte) (Detected, error) {
	i := bytes.Index(head, []byte("%PDF-"))
	v := head[i+5:]
	if len(v) < 3 || !isDigit(v[0]) || v[1] != '.' || !isDigit(v[2]) {
		return Detected{}, problemf(MsgCorrupt, "bad PDF version %q", v[:min(len(v), 3)])
	}
	t, err := tail(r, size, 1024)
	if err != nil {
		return Detected{}, err
	}
	eof := bytes.LastIndex(t, []byte("%%EOF"))
	if eof < 0 {
		return Detected{}, problemf(MsgCorrupt, "PDF without %%%%EOF at the end (truncated?)")
	}
	if !bytes.Contains(t[:eof], []byte("startxref")) {
		return Detected{}, problemf(MsgCorrupt, "PDF without startxref at the end")
	}
	return PDF, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
