package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/files/pdftext"
	"podium/web"
)

// A tus PATCH that sends nothing while its entry is submitted is cut off after
// the idle timeout with the usual 409 "interrupted" in the user's language,
// never a 500.
func TestStalledUploadIsAConflict(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *web.Config) { c.ReadTimeout = 300 * time.Millisecond })
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("stall"))
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "e@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	ent, err := h.store.CreateEntry(ctx, entrant.ID, c.ID, entry.Input{Track: "materials", Group: "enterprise", Title: "散热膜"})
	if err != nil {
		t.Fatal(err)
	}
	cl := h.loggedIn(entrant)
	plan := pdftext.Generate([]string{"散热膜商业计划书"})
	if res := cl.tusUpload(ent.ID, "business_plan", "plan.pdf", plan, len(plan)); res.status != http.StatusNoContent {
		t.Fatalf("business plan: %d %s", res.status, res.body)
	}
	deck := pdftext.Generate([]string{"路演材料"})
	loc, res := cl.tusStart(ent.ID, "deck", "deck.pdf", len(deck))
	if loc == "" {
		t.Fatalf("start: %d %s", res.status, res.body)
	}
	u, _ := url.Parse(h.http.URL)
	var cookies string
	for _, ck := range cl.http.Jar.Cookies(u) {
		cookies += ck.Name + "=" + ck.Value + "; "
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nX-CSRF-Token: %s\r\nTus-Resumable: 1.0.0\r\n"+
		"Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: %d\r\n\r\n", loc, u.Host, cookies, cl.csrf, len(deck))
	if res := cl.api(http.MethodPost, fmt.Sprintf("/api/v1/entries/%d/submit", ent.ID), map[string]bool{"acknowledge_leaks": true}); res.status != http.StatusOK {
		t.Fatalf("submit meanwhile: %d %s", res.status, res.body)
	}
	stalled, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(stalled.Body)
	r := response{status: stalled.StatusCode, header: stalled.Header, body: string(body)}
	if d := r.errorBody(t); r.status != http.StatusConflict || d.Code != "conflict" || d.Message != "上传中断，将自动从断点继续。" {
		t.Errorf("stalled PATCH: %d %s", r.status, r.body)
	}
}
