package contest_test

import (
	"context"
	"strings"
	"testing"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
)

// An imported entry's organization is what the import row said, kept for the
// importing contest: a credit code already known (an entrant's, another
// contest's import) neither hands its contacts to the importing organizer nor
// swallows the row's own. Conflicts still find the organization by its code.
func TestImportedOrganizationIsTheContestsOwn(t *testing.T) {
	t.Parallel()
	w := newEntrantWorld(t) // the entrant's profile: 星河智能科技有限公司, 91440300708461136T, 张伟 13800138000, 李娜
	ctx := context.Background()
	orgY := contesttest.Account(t, w.s, access.RoleOrganizer, "org-y@example.com")
	y, err := w.s.CreateContest(ctx, orgY.ID, contesttest.Setup("contest-y"))
	if err != nil {
		t.Fatal(err)
	}
	row := func(line int, title, contact, phone string) entry.ImportRow {
		return entry.ImportRow{Line: line, Input: entry.Input{Track: "新材料", Group: "企业组", Title: title},
			Organization: entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "星河智能（深圳）", USCC: w.org.USCC,
				ContactName: contact, ContactPhone: phone}}
	}
	importInto := func(organizer, contestID int64, rows ...entry.ImportRow) entry.Entry {
		t.Helper()
		if res, err := w.s.ImportRows(ctx, organizer, contestID, rows, contest.ImportOptions{}); err != nil || res.Imported != len(rows) {
			t.Fatalf("import: %+v %v", res, err)
		}
		list, err := w.s.EntriesInContest(ctx, contestID, entry.Filter{Query: rows[len(rows)-1].Title})
		if err != nil || len(list) != 1 {
			t.Fatalf("imported entries %+v %v", list, err)
		}
		e, err := w.s.EntryInContest(ctx, contestID, list[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}

	e := importInto(orgY.ID, y.ID, row(2, "导入项目", "王五", "13900000009"))
	o := e.Organization
	if o == nil || o.Name != "星河智能（深圳）" || o.ContactName != "王五" || o.ContactPhone != "13900000009" || len(o.Members) != 0 || o.ID == w.org.ID {
		t.Fatalf("y's organizer reads %+v (the entrant's record is %d)", o, w.org.ID)
	}
	for _, secret := range []string{"张伟", "13800138000", "李娜"} {
		if got := strings.Join([]string{o.Name, o.ContactName, o.ContactPhone, e.Snapshot.Organization.ContactName}, " "); strings.Contains(got, secret) {
			t.Errorf("the entrant's %q reached y's organizer: %s", secret, got)
		}
	}
	// The track and group are stored by key, in the entry and in its snapshot.
	if e.Track != "materials" || e.Group != "enterprise" || e.Snapshot.Track != "materials" || e.Snapshot.Group != "enterprise" {
		t.Errorf("imported by name: entry %s/%s, snapshot %s/%s", e.Track, e.Group, e.Snapshot.Track, e.Snapshot.Group)
	}
	// The entrant's profile is untouched, and can still be saved with its code.
	if mine, err := w.s.OrganizationOf(ctx, w.entrant.ID); err != nil || mine.ContactName != "张伟" || mine.Name != "星河智能科技有限公司" {
		t.Errorf("the entrant's profile: %+v %v", mine, err)
	}
	if _, err := w.s.SaveOrganization(ctx, w.entrant.ID, entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "星河智能科技有限公司",
		USCC: w.org.USCC, ContactName: "张伟", ContactPhone: "13800138000"}); err != nil {
		t.Errorf("the entrant saves the profile: %v", err)
	}

	// Imported again into y, the organization is y's same record, as the latest row says.
	again := importInto(orgY.ID, y.ID, row(2, "导入项目二", "赵六", "13900000010"))
	if again.Organization.ID != o.ID || again.Organization.ContactName != "赵六" {
		t.Errorf("imported twice into y: %+v, first %d", again.Organization, o.ID)
	}
	// Imported into the entrant's own contest by its organizer, it is that contest's record.
	organizerX, err := w.s.Authenticate(ctx, "org@example.com", contesttest.Password)
	if err != nil {
		t.Fatal(err)
	}
	inX := importInto(organizerX.ID, w.contest.ID, row(2, "甲赛导入", "孙七", "13900000011"))
	if id := inX.Organization.ID; id == o.ID || id == w.org.ID || inX.Organization.ContactName != "孙七" {
		t.Errorf("imported into x: %+v (y's record %d, the entrant's %d)", inX.Organization, o.ID, w.org.ID)
	}
	if mine, _ := w.s.OrganizationOf(ctx, w.entrant.ID); mine.ContactName != "张伟" {
		t.Errorf("an import into x changed the entrant's profile: %+v", mine)
	}

	// Conflicts: an expert of the same credit code, and one of the same name,
	// conflict with the imported entry.
	for _, x := range []judging.ExpertInput{
		{Name: "同码专家", Organization: "别的名字有限公司", USCC: w.org.USCC},
		{Name: "同名专家", Organization: "星河智能（深圳）"},
	} {
		if _, err := w.s.SaveExpert(ctx, orgY.ID, x); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.s.ComputeConflicts(ctx, y.ID); err != nil {
		t.Fatal(err)
	}
	var pairs []string
	if err := w.s.DB.Select(&pairs, `SELECT x.name || '→' || e.title FROM conflicts c JOIN experts x ON x.id = c.expert_id
		JOIN entries e ON e.id = c.entry_id WHERE c.contest_id = $1 ORDER BY 1`, y.ID); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(pairs, ","), "同名专家→导入项目,同名专家→导入项目二,同码专家→导入项目,同码专家→导入项目二"; got != want {
		t.Errorf("conflicts in y\n got %s\nwant %s", got, want)
	}
}
