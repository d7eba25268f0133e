package upload

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"podium/files/blob"
)

// maxNameBytes bounds a sanitized file name (most file systems allow 255).
const maxNameBytes = 180

// SanitizeFilename makes an uploaded file's name safe to keep and to offer
// back as a download name: only the last path component (of "/" or "\"
// paths, so "../../etc/passwd" is "passwd" and `C:\x\y.pdf` is "y.pdf"),
// NFC-normalized, without control or invisible format characters (bidi
// overrides could disguise "exe.pdf"), without characters Windows forbids,
// white space collapsed, no leading or trailing dots or spaces, at most 180
// bytes with the extension kept. An empty result is "file".
func SanitizeFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = norm.NFC.String(name)
	var b strings.Builder
	space := false
	for _, r := range name {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
			continue
		case strings.ContainsRune(`<>:"|?*`, r):
			r = '_'
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	name = strings.Trim(b.String(), ". ")
	if len(name) > maxNameBytes {
		ext := path.Ext(name)
		if len(ext) > 16 || len(ext) == len(name) {
			ext = ""
		}
		name = strings.TrimRight(capUTF8(name[:len(name)-len(ext)], maxNameBytes-len(ext)), ". ") + ext
	}
	if name == "" {
		return "file"
	}
	return name
}

// ContentDisposition returns a Content-Disposition value (RFC 6266) of the
// given type ("inline" or "attachment") naming the file: an ASCII filename=
// for old clients and filename*= with the UTF-8 name (RFC 5987), so Chinese
// names survive.
func ContentDisposition(disposition, name string) string {
	name = SanitizeFilename(name)
	fallback := name
	for _, r := range name {
		if r >= utf8.RuneSelf || r < 0x20 || r == '"' || r == '\\' || r == '%' {
			ext := path.Ext(name)
			if !isASCIIToken(ext) {
				ext = ""
			}
			fallback = "download" + ext
			break
		}
	}
	return disposition + `; filename="` + fallback + `"; filename*=UTF-8''` + encodeRFC5987(name)
}

func isASCIIToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] < 0x21 || s[i] == '"' || s[i] == '\\' || s[i] == '%' {
			return false
		}
	}
	return true
}

// encodeRFC5987 percent-encodes s except RFC 5987's attr-char.
func encodeRFC5987(s string) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}

// inlineTypes may be shown in the browser; anything else is always a download.
var inlineTypes = map[string]bool{
	"application/pdf": true, "video/mp4": true, "image/jpeg": true, "image/png": true,
}

// ServeBlob sends the blob under key — after the caller has decided that the
// request may see it — with its content type, Content-Disposition naming
// downloadName (inline when asked and the type is safe to show: PDF, MP4,
// JPEG, PNG), X-Content-Type-Options: nosniff, private caching and an ETag.
// Range requests work, so videos can be scrubbed. It returns an error (e.g.
// wrapping blob.ErrNotFound) without writing anything if the blob cannot be
// opened, for the caller to render.
func ServeBlob(w http.ResponseWriter, r *http.Request, store blob.Store, key, contentType, downloadName string, inline bool) error {
	b, err := store.Open(r.Context(), key)
	if err != nil {
		return err
	}
	defer b.Close()
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	disposition := "attachment"
	if inline && inlineTypes[contentType] {
		disposition = "inline"
	}
	sum := sha256.Sum256([]byte(key))
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", ContentDisposition(disposition, downloadName))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	http.ServeContent(w, r, "", b.ModTime(), b)
	return nil
}
