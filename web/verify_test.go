package web_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
)

// The verify page answers by id and by slug, in either language, carries
// the script's messages and the public heads' address, and loads receipts
// only from this site.
func TestVerifyPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(context.Background(), org.ID, contesttest.Setup("verify-2026"))
	if err != nil {
		t.Fatal(err)
	}
	cl := h.client()
	for _, path := range []string{fmt.Sprintf("/results/%d/verify", c.ID), "/results/verify-2026/verify"} {
		res := cl.get(path)
		if res.status != 200 || !strings.Contains(res.body, "核验回执") || !strings.Contains(res.body, `data-heads="/api/v1/public/results/verify-2026/heads"`) {
			t.Fatalf("%s: %d\n%.2000s", path, res.status, res.body)
		}
	}
	res := cl.get("/results/verify-2026/verify?lang=en&receipt=/api/v1/entries/5/receipt%3Fround%3Dprelim&earlier=https://evil.example/x.json&earlier=/old.json")
	body := html.UnescapeString(res.body)
	for _, want := range []string{
		"Verify a receipt", "Test contest verify-2026",
		`data-receipt="/api/v1/entries/5/receipt?round=prelim"`,
		`data-earlier="["/old.json"]"`,
		`"verify.verdict_ok":"This receipt matches the published results"`,
		`"award.level.first":"First prize"`,
		`<script src="/static/receipt-verify.js" defer></script>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// The language switch repeats the page's query as a link to this very page; the script is offered none of it.
	langLink := regexp.MustCompile(`<a class="lang" href="[^"]*"`)
	if strings.Contains(langLink.ReplaceAllString(body, ""), "evil.example") {
		t.Error("a receipt from another site is offered to the script")
	}
	if res := cl.get("/results/verify-2026/verify?receipt=//evil.example/r.json"); strings.Contains(langLink.ReplaceAllString(res.body, ""), "evil.example") {
		t.Error("a protocol-relative receipt URL is offered to the script")
	}
	for _, path := range []string{"/results/no-such-contest/verify", "/results/999999/verify"} {
		if res := cl.get(path); res.status != 404 {
			t.Errorf("%s: %d, want 404", path, res.status)
		}
	}
	if res := cl.get("/static/receipt-verify.js"); res.status != 200 || !strings.Contains(res.body, "RFC 9162") {
		t.Errorf("script: %d", res.status)
	}
}
