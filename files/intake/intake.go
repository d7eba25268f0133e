// Package intake turns a file an entrant sent whole into what Podium keeps of
// it: the content check (files/filecheck), the bytes in the blob store
// (files/blob), a PDF's text (files/pdftext), and a PDF's judge copy without
// the metadata that can name its author, with that metadata (files/pdfmeta).
// It knows nothing of entries or of HTTP: the domain records what Receive
// returns (contest/entry, AcceptUpload), and the upload protocol hands the
// domain the file (web/upload).
package intake

import (
	"context"
	"fmt"
	"io"

	"podium/files/blob"
	"podium/files/filecheck"
	"podium/files/pdftext"
)

// File is a file to receive: read once through and at offsets, and rewound.
type File interface {
	io.Reader
	io.ReaderAt
	io.Seeker
}

// Received is a file that passed the content check, as stored.
type Received struct {
	Key         string // the blob's key
	ContentType string // from the content, e.g. "application/pdf"
	Ext         string // the usual extension for ContentType, e.g. ".pdf"
	Size        int64
	SHA256      []byte
	// Text is a PDF's text (pdftext.Extract), for the identity-leak check and
	// search; empty for other types and when extraction failed, TextErr says
	// why (e.g. pdftext.ErrEncrypted): a failure does not refuse the file.
	Text    string
	TextErr error
	// JudgeKey is a PDF's judge copy: the same document without its metadata
	// (JudgeCopies); Metadata is that metadata, one "Key: value" a line, for
	// the identity-leak check. Empty for other types.
	JudgeKey string
	Metadata string
}

// Keys are the blobs the file is stored as: the file and its judge copy.
func (r Received) Keys() []string {
	if r.JudgeKey == "" {
		return []string{r.Key}
	}
	return []string{r.Key, r.JudgeKey}
}

// Receive checks f (size bytes) by content as a file of kind, stores it in
// blobs under a new key and, for a PDF, extracts its text and stores its
// judge copy. A file refused by a check is a *fault.Error of code invalid
// (filecheck's message keys, MsgPDFPassword, MsgPDFUnreadable). On any error
// nothing is left in the blob store.
func Receive(ctx context.Context, blobs blob.Store, kind filecheck.Kind, f File, size int64) (Received, error) {
	det, err := filecheck.Check(kind, f, size)
	if err != nil {
		return Received{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Received{}, fmt.Errorf("intake: %w", err)
	}
	rec := Received{Key: blob.NewKey(), ContentType: det.ContentType, Ext: det.Ext}
	if rec.Size, rec.SHA256, err = blobs.Put(ctx, rec.Key, f, size); err != nil {
		return Received{}, fmt.Errorf("intake: store: %w", err)
	}
	if det != filecheck.PDF {
		return rec, nil
	}
	tctx, cancel := context.WithTimeout(ctx, pdftext.DefaultTimeout)
	rec.Text, rec.TextErr = pdftext.ExtractContext(tctx, f, size)
	cancel()
	// Judges are served a copy without the metadata that can name the
	// entrant; a PDF that cannot be copied is refused now, while the entrant
	// can still export it again.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Received{}, discard(ctx, blobs, rec, fmt.Errorf("intake: %w", err))
	}
	key, meta, err := JudgeCopies{Blobs: blobs}.copy(ctx, f, size)
	if err != nil {
		return Received{}, discard(ctx, blobs, rec, err)
	}
	rec.JudgeKey, rec.Metadata = key, meta.String()
	return rec, nil
}

// Discard deletes the blobs of a received file that is not to be kept (its
// record was refused), returning the first failure.
func Discard(ctx context.Context, blobs blob.Store, r Received) error {
	var first error
	for _, k := range r.Keys() {
		if err := blobs.Delete(context.WithoutCancel(ctx), k); err != nil && first == nil {
			first = fmt.Errorf("intake: delete %s: %w", k, err)
		}
	}
	return first
}

// discard deletes what Receive stored before failing with err; a failed
// deletion is joined to err, which the caller logs.
func discard(ctx context.Context, blobs blob.Store, r Received, err error) error {
	if derr := Discard(ctx, blobs, r); derr != nil {
		return fmt.Errorf("%w (and %v)", err, derr)
	}
	return err
}
