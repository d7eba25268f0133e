package filecheck

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"io"
)

// mp4Brands are the ISO base media file format brands of MP4 video; QuickTime
// ("qt  ") and 3GPP files are refused unless they also list one of these.
var mp4Brands = map[string]bool{
	"isom": true, "iso2": true, "iso3": true, "iso4": true, "iso5": true, "iso6": true,
	"iso7": true, "iso8": true, "iso9": true, "mp41": true, "mp42": true, "mp71": true,
	"avc1": true, "dash": true, "msdh": true, "msix": true, "M4V ": true, "M4VH": true,
	"M4VP": true, "mmp4": true, "MSNV": true, "f4v ": true, "XAVC": true,
}

const (
	maxBoxes    = 100_000 // top-level boxes; real files have a handful
	maxFtypSize = 4096
)

// checkMP4 walks the top-level boxes of an ISO BMFF file: the first must be
// ftyp with an MP4 brand, the sizes must chain exactly to the end of the file
// (so a truncated upload fails), and a moov box must be present.
func checkMP4(r io.ReaderAt, size int64) (Detected, error) {
	var (
		off     int64
		boxes   int
		hasMoov bool
		hdr     [16]byte
	)
	for off < size {
		if boxes++; boxes > maxBoxes {
			return Detected{}, problemf(MsgCorrupt, "more than %d top-level boxes", maxBoxes)
		}
		if size-off < 8 {
			return Detected{}, problemf(MsgCorrupt, "%d stray bytes at the end", size-off)
		}
		n, err := r.ReadAt(hdr[:min(16, size-off)], off)
		if n < 8 {
			return Detected{}, problem(MsgCorrupt, err)
		}
		boxSize, typ, hdrLen := int64(binary.BigEndian.Uint32(hdr[:4])), string(hdr[4:8]), int64(8)
		switch boxSize {
		case 0: // extends to the end of the file
			boxSize = size - off
		case 1: // 64-bit size follows
			if n < 16 {
				return Detected{}, problemf(MsgCorrupt, "truncated box header")
			}
			boxSize, hdrLen = int64(binary.BigEndian.Uint64(hdr[8:16])), 16
		}
		for i := range 4 {
			if typ[i] < 0x20 || typ[i] > 0x7e {
				return Detected{}, problemf(MsgCorrupt, "box type % x at %d", typ, off)
			}
		}
		if boxSize < hdrLen || boxSize > size-off {
			return Detected{}, problemf(MsgCorrupt, "box %q of %d bytes at %d in %d (truncated?)", typ, boxSize, off, size)
		}
		if boxes == 1 {
			if typ != "ftyp" {
				return Detected{}, problemf(MsgWrongType, "first box %q", typ)
			}
			if boxSize < 16 || boxSize > maxFtypSize || (boxSize-hdrLen)%4 != 0 {
				return Detected{}, problemf(MsgCorrupt, "ftyp of %d bytes", boxSize)
			}
			body := make([]byte, boxSize-hdrLen)
			if _, err := r.ReadAt(body, off+hdrLen); err != nil {
				return Detected{}, problem(MsgCorrupt, err)
			}
			ok := mp4Brands[string(body[:4])]
			for i := 8; i+4 <= len(body) && !ok; i += 4 { // body[4:8] is the minor version
				ok = mp4Brands[string(body[i:i+4])]
			}
			if !ok {
				return Detected{}, problemf(MsgWrongType, "ISO media brand %q is not MP4", body[:4])
			}
		}
		if typ == "moov" {
			hasMoov = true
		}
		off += boxSize
	}
	if !hasMoov {
		return Detected{}, problemf(MsgCorrupt, "MP4 without a moov box")
	}
	return MP4, nil
}

// MaxImagePixels bounds the width × height of images, which judges' browsers
// decode whole.
const MaxImagePixels = 100_000_000

func checkJPEG(r io.ReaderAt, size int64) (Detected, error) {
	cfg, err := jpeg.DecodeConfig(io.NewSectionReader(r, 0, size))
	if err != nil {
		return Detected{}, problem(MsgCorrupt, err)
	}
	return JPEG, checkPixels(cfg)
}

// checkPNG decodes the header and wants the IEND chunk at the very end.
func checkPNG(r io.ReaderAt, size int64) (Detected, error) {
	cfg, err := png.DecodeConfig(io.NewSectionReader(r, 0, size))
	if err != nil {
		return Detected{}, problem(MsgCorrupt, err)
	}
	t, err := tail(r, size, 12)
	if err != nil {
		return Detected{}, err
	}
	if !bytes.Equal(t, []byte("\x00\x00\x00\x00IEND\xaeB`\x82")) {
		return Detected{}, problemf(MsgCorrupt, "PNG without IEND at the end (truncated?)")
	}
	return PNG, checkPixels(cfg)
}

func checkPixels(cfg image.Config) error {
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return problemf(MsgCorrupt, "image of %d×%d", cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return problemf(MsgImageTooLarge, "image of %d×%d", cfg.Width, cfg.Height)
	}
	return nil
}
