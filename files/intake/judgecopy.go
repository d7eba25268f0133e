package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"podium/fault"
	"podium/files/blob"
	"podium/files/pdfmeta"
)

// Message keys of PDFs that cannot be made blind.
const (
	MsgPDFPassword   = "err.upload.pdf_password"   // opens only with a password
	MsgPDFUnreadable = "err.upload.pdf_unreadable" // its structure cannot be read and rewritten
)

// judgeCopyTimeout bounds the making of one judge copy.
const judgeCopyTimeout = 60 * time.Second

// JudgeCopies makes judge copies of PDFs in a blob store: the same document
// without the metadata that can name its author (pdfmeta.Scrub), stored as a
// blob of its own. Receive makes one for every PDF it accepts; the domain
// makes one when a judge opens a PDF that has none (contest/entry).
type JudgeCopies struct {
	Blobs blob.Store
}

// JudgeCopy stores a copy of the blob under key without the metadata that can
// name its author, returning the copy's key and that metadata, one "Key:
// value" a line. A PDF that cannot be copied is an invalid-file error
// (MsgPDFPassword, MsgPDFUnreadable); nothing is stored then.
func (j JudgeCopies) JudgeCopy(ctx context.Context, key string) (string, string, error) {
	b, err := j.Blobs.Open(ctx, key)
	if err != nil {
		return "", "", err
	}
	defer b.Close()
	copyKey, meta, err := j.copy(ctx, b, b.Size())
	return copyKey, meta.String(), err
}

// copy writes the judge copy of the PDF in r (size bytes) to a new blob. A PDF
// that cannot be copied is an invalid-file error (MsgPDFPassword,
// MsgPDFUnreadable); nothing is stored then.
func (j JudgeCopies) copy(parent context.Context, r io.ReadSeeker, size int64) (string, pdfmeta.Metadata, error) {
	ctx, cancel := context.WithTimeout(parent, judgeCopyTimeout)
	defer cancel()
	pr, pw := io.Pipe()
	type result struct {
		meta pdfmeta.Metadata
		err  error
	}
	done := make(chan result, 1)
	go func() {
		meta, err := pdfmeta.Scrub(ctx, r, size, pw)
		pw.CloseWithError(err) // nil: the reader sees io.EOF
		done <- result{meta, err}
	}()
	key := blob.NewKey()
	// The copy is about the original's size; a rewritten cross-reference or
	// object streams may make it somewhat larger.
	_, _, putErr := j.Blobs.Put(ctx, key, pr, 2*size+1<<20)
	pr.CloseWithError(errors.New("intake: judge copy: store stopped reading")) // unblocks Scrub if Put gave up
	res := <-done
	switch {
	case parent.Err() != nil: // the caller gave up (a client gone): not the file's fault
		return "", nil, fmt.Errorf("intake: judge copy: %w", parent.Err())
	case res.err != nil:
		return "", nil, scrubError(res.err)
	case putErr != nil:
		return "", nil, fmt.Errorf("intake: store judge copy: %w", putErr)
	}
	return key, res.meta, nil
}

// scrubError says why a PDF has no judge copy, as the uploader should read it.
func scrubError(err error) error {
	msg := MsgPDFUnreadable
	if errors.Is(err, pdfmeta.ErrEncrypted) {
		msg = MsgPDFPassword
	}
	return fault.InvalidFile(msg, err)
}
