package transparency_test

import (
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func signRaw(t *testing.T, signer, text string) string {
	t.Helper()
	s, err := note.NewSigner(signer)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := note.Sign(&note.Note{Text: text}, s)
	if err != nil {
		t.Fatal(err)
	}
	return string(msg)
}
