package intake

import (
	"errors"

	"podium/fault"
)

// Messages of a refused evidence file: an objection's, a due diligence's.
// Organizers read these files, not judges, so a PDF's problem is said plainly
// rather than as a judge copy's.
const (
	MsgEvidencePDFPassword   = "err.objection.pdf_password"
	MsgEvidencePDFUnreadable = "err.objection.pdf_unreadable"
)

// EvidenceRefusal names the form field and the file a content check refused
// (Accept's invalid errors); any other error is returned as it is.
func EvidenceRefusal(err error, field, name string) error {
	var e *fault.Error
	if !errors.As(err, &e) || e.Code != fault.CodeInvalid {
		return err
	}
	key := e.Message
	if k, ok := e.Fields["file"]; ok {
		key = k
	}
	switch key {
	case MsgPDFPassword:
		key = MsgEvidencePDFPassword
	case MsgPDFUnreadable:
		key = MsgEvidencePDFUnreadable
	}
	return &fault.Error{Code: fault.CodeInvalid, Message: key, Fields: map[string]string{field: key},
		Detail: map[string]string{field: name}, Err: err}
}
