package pdftext

// SetStreamLimits lets tests exercise the stream limits with small files; it
// returns a function restoring the defaults.
func SetStreamLimits(stream, objStm int64) (restore func()) {
	s, o := maxStreamBytes, maxObjStmBytes
	maxStreamBytes, maxObjStmBytes = stream, objStm
	return func() { maxStreamBytes, maxObjStmBytes = s, o }
}
