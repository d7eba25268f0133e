package contest_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/fault"
	"podium/files/blob"
	"podium/files/pdftext"
)

// entrantWorld is a contest open for entries and an entrant with a profile.
type entrantWorld struct {
	s        *contesttest.Stores
	clock    *contesttest.Clock
	contest  contest.Contest
	entrant  access.Account
	org      entry.Organization
	deadline time.Time
}

func newEntrantWorld(t *testing.T) entrantWorld {
	t.Helper()
	s, clock := contesttest.NewStore(t)
	ctx := context.Background()
	organizer := contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	setup := contesttest.Setup("entries")
	opens, deadline := clock.T.Add(-time.Hour), clock.T.Add(72*time.Hour)
	setup.RegistrationOpensAt, setup.SubmissionDeadline = &opens, &deadline
	setup.Entry.RequiredFields = []string{"summary"}
	c, err := s.CreateContest(ctx, organizer.ID, setup)
	if err != nil {
		t.Fatal(err)
	}
	entrant := contesttest.Account(t, s, access.RoleEntrant, "founder@example.com")
	org, err := s.SaveOrganization(ctx, entrant.ID, entry.OrganizationInput{
		Kind: entry.OrgEnterprise, Name: "星河智能科技有限公司", USCC: "91440300708461136T",
		ContactName: "张伟", ContactPhone: "13800138000", Members: []entry.Member{{Name: "李娜", Role: "CTO"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return entrantWorld{s: s, clock: clock, contest: c, entrant: entrant, org: org, deadline: deadline}
}

func (w entrantWorld) input(title string) entry.Input {
	return entry.Input{Track: "materials", Group: "enterprise", Title: title,
		Fields: entry.Fields{Summary: "石墨烯散热膜", Stage: "pilot"}}
}

// addPlan records a finished business-plan upload whose extracted text is text.
func (w entrantWorld) addPlan(t *testing.T, entryID int64, id, text string) {
	t.Helper()
	_, err := w.s.AddUpload(context.Background(), w.entrant.ID, entryID, entry.StoredUpload{
		Upload: entry.Upload{ID: id, Kind: entry.UploadBusinessPlan, Name: "计划书.pdf", ContentType: "application/pdf", Size: 1234, SHA256: make([]byte, 32)},
		Key:    "aa/bb/" + id, Text: text,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOrganizationProfile(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	a := contesttest.Account(t, s, access.RoleEntrant, "a@example.com")
	if _, err := s.OrganizationOf(ctx, a.ID); fault.ErrorCode(err) != fault.CodeNotFound {
		t.Fatalf("profile before saving: %v", err)
	}
	_, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "某公司", USCC: "914403001922038217", ContactName: "王"})
	e := wantCode(t, err, fault.CodeInvalid)
	if e.Fields["uscc"] != "err.org.uscc" || e.Fields["contact_phone"] != "err.org.contact_required" {
		t.Errorf("fields %v", e.Fields)
	}
	_, err = s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "某公司", ContactName: "王", ContactEmail: "w@example.com"})
	if e := wantCode(t, err, fault.CodeInvalid); e.Fields["uscc"] != "err.org.uscc_required" {
		t.Errorf("enterprise without USCC: %v", e.Fields)
	}
	// A team needs no USCC; saving again updates the same organization.
	team, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: "追光团队", ContactName: "王", ContactEmail: "W@Example.com",
		Members: []entry.Member{{Name: "王五", Role: "队长"}, {}}})
	if err != nil {
		t.Fatal(err)
	}
	if team.ContactEmail != "w@example.com" || len(team.Members) != 1 {
		t.Errorf("saved team %+v", team)
	}
	again, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "追光科技有限公司", USCC: "9144 0300 1922 0382 16", ContactName: "王", ContactEmail: "w@example.com"})
	if err != nil || again.ID != team.ID || again.USCC != "914403001922038216" {
		t.Errorf("update: %+v %v", again, err)
	}
	// Another entrant cannot claim the same USCC.
	b := contesttest.Account(t, s, access.RoleEntrant, "b@example.com")
	_, err = s.SaveOrganization(ctx, b.ID, entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "冒名公司", USCC: "914403001922038216", ContactName: "赵", ContactEmail: "z@example.com"})
	if e := wantCode(t, err, fault.CodeConflict); e.Fields["uscc"] != "err.org.uscc_taken" {
		t.Errorf("duplicate USCC: %v", e.Fields)
	}
}

func TestEntryLifecycleAndDeadline(t *testing.T) {
	t.Parallel()
	w := newEntrantWorld(t)
	ctx := context.Background()
	s := w.s

	// No profile, no entry.
	other := contesttest.Account(t, s, access.RoleEntrant, "other@example.com")
	_, err := s.CreateEntry(ctx, other.ID, w.contest.ID, w.input("别人的项目"))
	if e := wantCode(t, err, fault.CodeConflict); e.Message != "err.entry.profile_required" {
		t.Errorf("without profile: %v", e)
	}

	bad := w.input("  ")
	bad.Track, bad.Fields.Stage = "space", "moonshot"
	_, err = s.CreateEntry(ctx, w.entrant.ID, w.contest.ID, bad)
	if e := wantCode(t, err, fault.CodeInvalid); e.Fields["title"] != "err.required" || e.Fields["track"] != "err.unknown_track" || e.Fields["fields.stage"] != "err.entry.stage" {
		t.Errorf("invalid entry: %v", e.Fields)
	}

	in := w.input("石墨烯散热膜")
	in.Fields.Summary = ""
	ent, err := s.CreateEntry(ctx, w.entrant.ID, w.contest.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if ent.State != entry.Draft || ent.Organization == nil || ent.Organization.Name != "星河智能科技有限公司" {
		t.Fatalf("draft %+v", ent)
	}
	// Submitting needs the contest's required field and a business plan.
	_, err = s.SubmitEntry(ctx, w.entrant.ID, ent.ID, false)
	if e := wantCode(t, err, fault.CodeInvalid); e.Fields["fields.summary"] != "err.required" || e.Fields["uploads.business_plan"] != "err.entry.upload_required" {
		t.Errorf("incomplete submission: %v", e.Fields)
	}
	in.Fields.Summary = "一种新型石墨烯散热膜"
	if ent, err = s.UpdateEntry(ctx, w.entrant.ID, ent.ID, in); err != nil {
		t.Fatal(err)
	}
	w.addPlan(t, ent.ID, "00000000-0000-0000-0000-000000000001", "项目概述 技术路线")
	submitted, err := s.SubmitEntry(ctx, w.entrant.ID, ent.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if submitted.State != entry.Submitted || submitted.Snapshot == nil || submitted.Snapshot.Fields.Summary != "一种新型石墨烯散热膜" ||
		len(submitted.Snapshot.Uploads) != 1 || submitted.Snapshot.Organization.USCC != "91440300708461136T" {
		t.Fatalf("submitted %+v", submitted)
	}
	var codes []string
	if err := s.DB.Select(&codes, `SELECT code FROM blind_codes WHERE entry_id = $1`, ent.ID); err != nil || len(codes) != len(w.contest.Rounds) {
		t.Fatalf("blind codes %v %v", codes, err)
	}
	if !strings.HasPrefix(codes[0], "MT-") || len(codes[0]) != 7 {
		t.Errorf("blind code %q", codes[0])
	}

	// A submitted entry is locked: no edits, no uploads.
	_, err = s.UpdateEntry(ctx, w.entrant.ID, ent.ID, in)
	wantCode(t, err, fault.CodeConflict)
	_, err = s.UploadLimit(ctx, w.entrant.ID, ent.ID, entry.UploadDeck)
	wantCode(t, err, fault.CodeConflict)
	// Another entrant can neither see nor touch it.
	_, err = s.EntryOfEntrant(ctx, other.ID, ent.ID)
	wantCode(t, err, fault.CodeNotFound)
	_, err = s.WithdrawEntry(ctx, other.ID, ent.ID)
	wantCode(t, err, fault.CodeNotFound)

	// Withdraw, edit again (back to draft), resubmit: the blind codes stay the same.
	if got, err := s.WithdrawEntry(ctx, w.entrant.ID, ent.ID); err != nil || got.State != entry.Withdrawn {
		t.Fatalf("withdraw: %+v %v", got, err)
	}
	in.Title = "石墨烯散热膜（第二版）"
	if got, err := s.UpdateEntry(ctx, w.entrant.ID, ent.ID, in); err != nil || got.State != entry.Draft {
		t.Fatalf("edit after withdrawal: %+v %v", got, err)
	}
	if _, err := s.SubmitEntry(ctx, w.entrant.ID, ent.ID, false); err != nil {
		t.Fatal(err)
	}
	var again []string
	_ = s.DB.Select(&again, `SELECT code FROM blind_codes WHERE entry_id = $1`, ent.ID)
	if strings.Join(again, ",") != strings.Join(codes, ",") {
		t.Errorf("blind codes changed on resubmission: %v → %v", codes, again)
	}

	// After the deadline (server clock) nothing changes any more.
	second, err := s.CreateEntry(ctx, w.entrant.ID, w.contest.ID, w.input("第二个项目"))
	if err != nil {
		t.Fatal(err)
	}
	w.clock.T = w.deadline
	for name, f := range map[string]func() error{
		"create": func() error {
			_, err := s.CreateEntry(ctx, w.entrant.ID, w.contest.ID, w.input("迟到的项目"))
			return err
		},
		"update": func() error { _, err := s.UpdateEntry(ctx, w.entrant.ID, second.ID, w.input("改名")); return err },
		"submit": func() error { _, err := s.SubmitEntry(ctx, w.entrant.ID, second.ID, false); return err },
		"upload": func() error {
			_, err := s.UploadLimit(ctx, w.entrant.ID, second.ID, entry.UploadBusinessPlan)
			return err
		},
	} {
		if e := wantCode(t, f(), fault.CodeConflict); e.Message != "err.entry.deadline_passed" {
			t.Errorf("%s after the deadline: %v", name, e)
		}
	}
	// A finished upload that ends after the deadline is refused too.
	_, err = s.AddUpload(ctx, w.entrant.ID, second.ID, entry.StoredUpload{Upload: entry.Upload{ID: "00000000-0000-0000-0000-000000000009", Kind: entry.UploadDeck}, Key: "x"})
	wantCode(t, err, fault.CodeConflict)
}

func TestIdentityLeakWarnsThenFlags(t *testing.T) {
	t.Parallel()
	w := newEntrantWorld(t)
	ctx := context.Background()
	w.s.FindIdentity = func(text string, names []string) []string { // the contract; pdftext tests the real finder
		var found []string
		for _, n := range names {
			if strings.Contains(text, n) {
				found = append(found, n)
			}
		}
		return found
	}
	ent, err := w.s.CreateEntry(ctx, w.entrant.ID, w.contest.ID, w.input("散热膜"))
	if err != nil {
		t.Fatal(err)
	}
	w.addPlan(t, ent.ID, "00000000-0000-0000-0000-000000000002", "本计划书由星河智能科技有限公司编写，项目负责人李娜。")
	_, err = w.s.SubmitEntry(ctx, w.entrant.ID, ent.ID, false)
	if e := wantCode(t, err, fault.CodeConflict); e.Message != "err.entry.identity_leak" || e.Fields["uploads.business_plan"] == "" {
		t.Fatalf("leak not warned: %v", e)
	}
	got, err := w.s.EntryOfEntrant(ctx, w.entrant.ID, ent.ID)
	if err != nil || got.State != entry.Draft {
		t.Fatalf("a warned submission changed the entry: %+v %v", got, err)
	}
	got, err = w.s.SubmitEntry(ctx, w.entrant.ID, ent.ID, true)
	if err != nil || got.State != entry.Submitted || len(got.Flags) != 1 || got.Flags[0] != entry.FlagIdentityLeak {
		t.Fatalf("acknowledged submission: %+v %v", got, err)
	}
	flagged, err := w.s.EntriesInContest(ctx, w.contest.ID, entry.Filter{Flag: entry.FlagIdentityLeak})
	if err != nil || len(flagged) != 1 || flagged[0].ID != ent.ID {
		t.Errorf("organizer's flagged list %v %v", flagged, err)
	}
}

// A document whose text is clean but whose metadata (document properties,
// XMP) names the entrant is warned about and flagged like one whose text does,
// and the entrant and the organizers read what named them.
func TestIdentityLeakInMetadata(t *testing.T) {
	t.Parallel()
	w := newEntrantWorld(t)
	ctx := context.Background()
	w.s.FindIdentity = func(text string, names []string) []string {
		var found []string
		for _, n := range names {
			if strings.Contains(text, n) {
				found = append(found, n)
			}
		}
		return found
	}
	ent, err := w.s.CreateEntry(ctx, w.entrant.ID, w.contest.ID, w.input("散热膜"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.s.AddUpload(ctx, w.entrant.ID, ent.ID, entry.StoredUpload{
		Upload: entry.Upload{ID: "00000000-0000-0000-0000-000000000005", Kind: entry.UploadBusinessPlan, Name: "计划书.pdf",
			ContentType: "application/pdf", Size: 1234, SHA256: make([]byte, 32)},
		Key: "aa/bb/plan", JudgeKey: "aa/bb/plan-judge", Text: "商业计划书：石墨烯散热膜",
		Metadata: "Author: 李娜\nProducer: LibreOffice 7.4\nTitle: 星河智能科技有限公司 商业计划书\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.s.SubmitEntry(ctx, w.entrant.ID, ent.ID, false)
	e := wantCode(t, err, fault.CodeConflict)
	if e.Message != "err.entry.identity_leak" || e.Fields["uploads.business_plan"] != "err.entry.identity_leak_meta" {
		t.Fatalf("metadata leak not warned: %v", e)
	}
	if d := e.Detail["uploads.business_plan"]; d != "Author: 李娜; Title: 星河智能科技有限公司 商业计划书" {
		t.Errorf("the warning shows %q", d)
	}
	got, err := w.s.SubmitEntry(ctx, w.entrant.ID, ent.ID, true)
	if err != nil || !slices.Contains(got.Flags, entry.FlagIdentityLeak) {
		t.Fatalf("acknowledged submission: %+v %v", got, err)
	}
	if got.Snapshot == nil || len(got.Snapshot.Leaks) != 1 || !got.Snapshot.Leaks[0].InMetadata || got.Snapshot.Leaks[0].InText ||
		!slices.Equal(got.Snapshot.Leaks[0].Names, []string{"星河智能科技有限公司", "李娜"}) {
		t.Errorf("the snapshot's leaks: %+v", got.Snapshot)
	}
}

func TestReviewAndImport(t *testing.T) {
	t.Parallel()
	w := newEntrantWorld(t)
	ctx := context.Background()
	organizer, err := w.s.Authenticate(ctx, "org@example.com", contesttest.Password)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, title := range []string{"甲", "乙"} {
		in := w.input(title)
		e, err := w.s.CreateEntry(ctx, w.entrant.ID, w.contest.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		w.addPlan(t, e.ID, "00000000-0000-0000-0000-00000000000"+map[string]string{"甲": "3", "乙": "4"}[title], "")
		if _, err := w.s.SubmitEntry(ctx, w.entrant.ID, e.ID, false); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	draft, err := w.s.CreateEntry(ctx, w.entrant.ID, w.contest.ID, w.input("草稿"))
	if err != nil {
		t.Fatal(err)
	}
	// Drafts are not the organizer's to see or judge.
	list, err := w.s.EntriesInContest(ctx, w.contest.ID, entry.Filter{Sort: "title"})
	if err != nil || len(list) != 2 || list[0].Title != "乙" && list[0].Title != "甲" {
		t.Fatalf("organizer's list %+v %v", list, err)
	}
	_, err = w.s.ReviewEntries(ctx, organizer.ID, w.contest.ID, []int64{ids[0], draft.ID}, true, "")
	wantCode(t, err, fault.CodeConflict)
	_, err = w.s.ReviewEntries(ctx, organizer.ID, w.contest.ID, ids, false, " ")
	wantCode(t, err, fault.CodeInvalid)
	if n, err := w.s.ReviewEntries(ctx, organizer.ID, w.contest.ID, ids, false, "不属于本市注册企业"); err != nil || n != 2 {
		t.Fatalf("bulk reject: %d %v", n, err)
	}
	mine, err := w.s.EntryOfEntrant(ctx, w.entrant.ID, ids[1])
	if err != nil || mine.State != entry.Rejected || mine.ReviewReason != "不属于本市注册企业" {
		t.Errorf("entrant sees %+v %v", mine, err)
	}
	if n, err := w.s.ReviewEntries(ctx, organizer.ID, w.contest.ID, ids[:1], true, ""); err != nil || n != 1 {
		t.Errorf("accept after reconsideration: %d %v", n, err)
	}
	// The same decision again changes nothing and tells no one again.
	if _, err := w.s.ReviewEntries(ctx, organizer.ID, w.contest.ID, ids[:1], true, ""); err != nil {
		t.Fatal(err)
	}
	// The entrant was told of each submission and of each decision that
	// changed an entry, in that order, by e-mail recorded with its cause.
	var told []string
	if err := w.s.DB.Select(&told, `SELECT kind || ' ' || (data->>'Title') || ' ' || coalesce(data->>'Accepted', '') || ' ' || coalesce(data->>'Reason', '')
		FROM outbox WHERE contest_id = $1 ORDER BY id`, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	want := []string{"entry.submitted 甲  ", "entry.submitted 乙  ", "entry.reviewed 甲 false 不属于本市注册企业",
		"entry.reviewed 乙 false 不属于本市注册企业", "entry.reviewed 甲 true "}
	if !slices.Equal(told, want) {
		t.Errorf("entrant told\n%q\nwant\n%q", told, want)
	}

	rows := []entry.ImportRow{
		{Line: 2, Input: entry.Input{Track: "新材料", Group: "团队组", Title: "导入项目一"},
			Organization: entry.OrganizationInput{Kind: entry.OrgTeam, Name: "导入团队", ContactName: "周", ContactEmail: "zhou@example.com"}},
		{Line: 3, Input: entry.Input{Track: "space", Group: "team", Title: "导入项目二"},
			Organization: entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "坏公司", USCC: "123", ContactName: "吴", ContactEmail: "wu@example.com"}},
	}
	res, err := w.s.ImportRows(ctx, organizer.ID, w.contest.ID, rows, contest.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 0 || len(res.Problems) != 2 || res.Problems[0].Line != 3 {
		t.Fatalf("import with a bad row: %+v", res)
	}
	if list, _ := w.s.EntriesInContest(ctx, w.contest.ID, entry.Filter{}); len(list) != 2 {
		t.Fatalf("a refused import wrote entries: %d", len(list))
	}
	res, err = w.s.ImportRows(ctx, organizer.ID, w.contest.ID, rows, contest.ImportOptions{SkipInvalid: true})
	if err != nil || res.Imported != 1 || res.Skipped != 1 {
		t.Fatalf("import skipping bad rows: %+v %v", res, err)
	}
	imported, err := w.s.EntriesInContest(ctx, w.contest.ID, entry.Filter{Query: "导入"})
	if err != nil || len(imported) != 1 || imported[0].Source != "import" || imported[0].State != entry.Submitted || imported[0].Track != "materials" {
		t.Errorf("imported entry %+v %v", imported, err)
	}
}

// Accepting an upload is the domain's use case: the file is checked by
// content, stored with its text and, for a PDF, its judge copy, and recorded;
// a business plan replaces the entry's previous one, whose blobs go; a file
// refused — by its content, or because the deadline passed while it was on
// its way — leaves nothing in the blob store.
func TestAcceptUpload(t *testing.T) {
	t.Parallel()
	w := newEntrantWorld(t)
	ctx := context.Background()
	dir := t.TempDir()
	blobs, err := blob.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	w.s.Blobs = blobs
	ent, err := w.s.CreateEntry(ctx, w.entrant.ID, w.contest.ID, w.input("散热膜"))
	if err != nil {
		t.Fatal(err)
	}
	accept := func(kind entry.UploadKind, name string, data []byte) error {
		return w.s.AcceptUpload(ctx, w.entrant.ID, ent.ID, entry.NewUpload{Kind: kind, Name: name, File: bytes.NewReader(data), Size: int64(len(data))})
	}
	stored := func() int {
		n := 0
		filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				n++
			}
			return nil
		})
		return n
	}
	plan := func() entry.StoredUpload {
		t.Helper()
		got, err := w.s.EntryOfEntrant(ctx, w.entrant.ID, ent.ID)
		if err != nil || len(got.Uploads) != 1 {
			t.Fatalf("uploads %+v %v", got.Uploads, err)
		}
		u, err := w.s.UploadOfEntrant(ctx, w.entrant.ID, got.Uploads[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.s.DB.Get(&u.Text, `SELECT text FROM blobs WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		return u
	}

	first := pdftext.Generate([]string{"第一版商业计划书：石墨烯散热膜"})
	if err := accept(entry.UploadBusinessPlan, "计划书.pdf", first); err != nil {
		t.Fatal(err)
	}
	u := plan()
	if u.Kind != entry.UploadBusinessPlan || u.Name != "计划书.pdf" || u.ContentType != "application/pdf" || u.Size != int64(len(first)) ||
		!strings.Contains(u.Text, "第一版商业计划书") || u.JudgeKey == "" || u.JudgeKey == u.Key {
		t.Fatalf("accepted %+v", u)
	}
	if n := stored(); n != 2 { // the file and its judge copy
		t.Fatalf("%d blobs stored, want 2", n)
	}

	if err := accept(entry.UploadBusinessPlan, "计划书（终稿）.pdf", pdftext.Generate([]string{"第二版"})); err != nil {
		t.Fatal(err)
	}
	if second := plan(); second.ID == u.ID || !strings.Contains(second.Text, "第二版") {
		t.Fatalf("not replaced: %+v", second)
	}
	for _, key := range []string{u.Key, u.JudgeKey} {
		if _, err := blobs.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("the replaced plan's blob %s: %v", key, err)
		}
	}
	if n := stored(); n != 2 {
		t.Fatalf("%d blobs after replacing, want 2", n)
	}

	zip := append([]byte("PK\x03\x04"), bytes.Repeat([]byte("x"), 2000)...)
	wantError(t, accept(entry.UploadBusinessPlan, "plan.pdf", zip), fault.CodeInvalid, "err.upload.wrong_type")
	w.clock.T = w.deadline.Add(time.Second)
	wantError(t, accept(entry.UploadDeck, "deck.pdf", first), fault.CodeConflict, "err.entry.deadline_passed")
	if n := stored(); n != 2 {
		t.Errorf("%d blobs after two refusals, want 2", n)
	}
}
