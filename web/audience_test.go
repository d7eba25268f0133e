package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
)

// The contest's live page is readable, in the reader's language, before any
// live room exists; a contest or a room that does not exist is not found.
func TestLivePagesBeforeAndWithoutRooms(t *testing.T) {
	h := newHarness(t)
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(context.Background(), org.ID, contesttest.Setup("no-live"))
	if err != nil {
		t.Fatal(err)
	}
	anon := h.client()
	zh := anon.get(fmt.Sprintf("/live/%d", c.ID))
	if zh.status != 200 || !strings.Contains(zh.body, "还没有现场路演的会场") || !strings.Contains(zh.body, `lang="zh-CN"`) {
		t.Errorf("no live room yet, in Chinese: %d %s", zh.status, zh.body)
	}
	en := anon.get(fmt.Sprintf("/live/%d?lang=en", c.ID))
	if en.status != 200 || !strings.Contains(en.body, "no live rooms yet") {
		t.Errorf("no live room yet, in English: %d %s", en.status, en.body)
	}
	for _, path := range []string{"/live/999999", fmt.Sprintf("/live/%d/rooms/999999", c.ID), fmt.Sprintf("/live/%d/rooms/999999/phone", c.ID),
		fmt.Sprintf("/live/%d/rooms/x", c.ID)} {
		if res := anon.get(path); res.status != 404 {
			t.Errorf("%s: %d", path, res.status)
		}
	}
}

// A room's screens are public, and another contest's room is not found
// under this contest's address.
func TestLiveScreensArePublicAndScoped(t *testing.T) {
	h := newHarness(t)
	w := newAudienceWorld(t, h)
	w.draw(t)
	anon := h.client()
	if res := anon.get(w.screenPath()); res.status != 404 {
		t.Errorf("a room whose board was never published: %d (public pages never read PostgreSQL)", res.status)
	}
	h.server.PublishRoom(context.Background(), w.contest.ID, w.room.ID, false)
	for _, path := range []string{w.screenPath(), w.screenPath() + "/phone"} {
		res := anon.get(path)
		if res.status != 200 || !strings.Contains(res.body, `id="live"`) || !strings.Contains(res.body, "第一会场") {
			t.Errorf("%s: %d", path, res.status)
		}
		if strings.Contains(res.body, `class="topbar"`) || strings.Contains(res.body, "专家") {
			t.Errorf("%s shows the app's navigation or a judge's name", path)
		}
	}
	other := contesttest.Account(t, h.store, access.RoleOrganizer, "other@example.com")
	c2, err := h.store.CreateContest(context.Background(), other.ID, contesttest.Setup("other"))
	if err != nil {
		t.Fatal(err)
	}
	if res := anon.get(fmt.Sprintf("/live/%d/rooms/%d", c2.ID, w.room.ID)); res.status != 404 {
		t.Errorf("a room under another contest's address: %d", res.status)
	}
}
