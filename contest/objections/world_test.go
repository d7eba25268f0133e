package objections_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/contest/objections"
	"podium/files/blob"
	"podium/files/filecheck"
	"podium/files/pdftext"
	"podium/scoring"
	"podium/sealed"
)

// world is a contest whose preliminary round is published: three entries
// scored 75, 60 and 30 by two judges, one first, second and third prize each,
// with a publicity period of 7 days from the publication.
type world struct {
	s         *contesttest.Stores
	clock     *contesttest.Clock
	obj       *objections.Service
	blobDir   string
	org       access.Account
	other     access.Account // organizer of another contest
	colleague access.Account // a second organizer of the contest
	contest   contest.Contest
	codes     []string // blind codes, by score
	ids       []int64  // entry ids, by score
	titles    []string
	periodEnd time.Time
}

var worldEntries = []struct{ title, org, mark string }{
	{"智能巡检机器人", "芯算团队", "25"},
	{"可降解包装材料", "绿种团队", "20"},
	{"校园共享储能", "星河团队", "10"},
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	s, clock := contesttest.NewStore(t)
	w := &world{s: s, clock: clock, blobDir: t.TempDir()}
	blobs, err := blob.NewLocal(w.blobDir)
	if err != nil {
		t.Fatal(err)
	}
	box, err := sealed.New(sealed.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	w.obj = objections.New(s.DB, blobs, box)
	w.org = contesttest.Account(t, s, access.RoleOrganizer, "org@example.com")
	w.other = contesttest.Account(t, s, access.RoleOrganizer, "other@example.com")
	w.colleague = contesttest.Account(t, s, access.RoleOrganizer, "colleague@example.com")
	if _, err := s.CreateContest(ctx, w.other.ID, contesttest.Setup("other")); err != nil {
		t.Fatal(err)
	}
	setup := contesttest.Setup("objections")
	setup.Rounds[0].ReviewsPerEntry = 2
	setup.Rounds[0].FinalWeight = 100
	setup.Entry.RequiredUploads = []filecheck.Kind{}
	setup.Awards = []contest.AwardQuota{{Group: "team", Level: "first", Count: 1}, {Group: "team", Level: "second", Count: 1},
		{Group: "team", Level: "third", Count: 1}}
	if w.contest, err = s.CreateContest(ctx, w.org.ID, setup); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`INSERT INTO contest_organizers (contest_id, account_id) VALUES ($1, $2)`, w.contest.ID, w.colleague.ID); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	mark := map[int64]string{}
	for i, e := range worldEntries {
		a := contesttest.Account(t, s, access.RoleEntrant, fmt.Sprintf("e%d@example.com", i))
		if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: e.org,
			ContactName: "联系人", ContactEmail: fmt.Sprintf("c%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
		ent, err := s.CreateEntry(ctx, a.ID, w.contest.ID, entry.Input{Track: "materials", Group: "team", Title: e.title})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitEntry(ctx, a.ID, ent.ID, true); err != nil {
			t.Fatal(err)
		}
		ids, mark[ent.ID] = append(ids, ent.ID), e.mark
	}
	if _, err := s.ReviewEntries(ctx, w.org.ID, w.contest.ID, ids, true, ""); err != nil {
		t.Fatal(err)
	}
	var panel []int64
	for _, name := range []string{"甲评委", "乙评委"} {
		x, err := s.SaveExpert(ctx, w.org.ID, judging.ExpertInput{Name: name, Organization: name + "所在大学"})
		if err != nil {
			t.Fatal(err)
		}
		panel = append(panel, x.ID)
	}
	if err := s.SetPanel(ctx, w.org.ID, w.contest.ID, "prelim", panel); err != nil {
		t.Fatal(err)
	}
	run, err := s.StartAssignment(ctx, w.org.ID, w.contest.ID, "prelim", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunAssignment(ctx, w.org.ID, w.contest.ID, "prelim", run.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRoundState(ctx, w.org.ID, w.contest.ID, "prelim", contest.RoundOpen); err != nil {
		t.Fatal(err)
	}
	list, _ := s.Assignments(ctx, w.contest.ID, "prelim")
	codeOf, idOf := map[string]string{}, map[string]int64{}
	for _, a := range list {
		inv, err := s.InviteExpert(ctx, w.org.ID, w.contest.ID, a.ExpertID)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := scoring.ParsePoints(mark[a.EntryID])
		in := judging.SheetInput{Marks: map[string]scoring.Points{"tech": m, "market": m, "team": m}}
		key := fmt.Sprint("sheet-", a.ID)
		if _, err := s.SubmitSheet(ctx, access.EveryContest(inv.AccountID), a.ID, in, key, []byte(key)); err != nil {
			t.Fatal(err)
		}
		codeOf[a.EntryTitle], idOf[a.EntryTitle] = a.BlindCode, a.EntryID
	}
	if err := s.SetRoundState(ctx, w.org.ID, w.contest.ID, "prelim", contest.RoundClosed); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmAwards(ctx, w.org.ID, w.contest.ID, "prelim", map[string]string{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishResults(ctx, w.org.ID, w.contest.ID, "prelim"); err != nil {
		t.Fatal(err)
	}
	for _, e := range worldEntries {
		w.codes, w.ids, w.titles = append(w.codes, codeOf[e.title]), append(w.ids, idOf[e.title]), append(w.titles, e.title)
	}
	if err := s.DB.Get(&w.periodEnd, `SELECT period_ends_at FROM publications WHERE contest_id = $1`, w.contest.ID); err != nil {
		t.Fatal(err)
	}
	return w
}

// counts are the rows and blobs objections left.
type counts struct{ objections, files, notes, blobs int }

func (w *world) counts(t *testing.T) counts {
	t.Helper()
	var c counts
	if err := w.s.DB.Get(&c.objections, `SELECT count(*) FROM objections`); err != nil {
		t.Fatal(err)
	}
	if err := w.s.DB.Get(&c.files, `SELECT count(*) FROM objection_files`); err != nil {
		t.Fatal(err)
	}
	if err := w.s.DB.Get(&c.notes, `SELECT count(*) FROM objection_notes`); err != nil {
		t.Fatal(err)
	}
	if err := filepath.WalkDir(w.blobDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			c.blobs++
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

// upload is a file to send.
func upload(name string, b []byte) objections.Upload {
	return objections.Upload{Name: name, File: bytes.NewReader(b), Size: int64(len(b))}
}

func pdfFile() []byte { return pdftext.Generate([]string{"证据：评审记录复印件"}) }

func pngFile() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 40, 30))); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// exeFile is a Windows program, which a .pdf name does not make a PDF.
func exeFile() []byte {
	return append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), bytes.Repeat([]byte{0}, 500)...)
}

// A valid resident ID number (GB 11643 check character X) and a USCC.
const (
	residentID  = "11010519491231002X"
	companyUSCC = "914403001922038216"
)

// person is a good filing from a person about the second entry.
func (w *world) person() objections.Filing {
	return objections.Filing{Round: "prelim", EntryID: w.ids[1], Kind: objections.Person, Name: " 王 小明 ",
		IDType: objections.IDResident, IDNumber: "11010519491231002x", Phone: "138 0013 8000", Email: "Wang@Example.com",
		Grounds: "该项目的核心专利归属存在争议。", Evidence: []objections.Upload{upload("证据.pdf", pdfFile()), upload("照片.png", pngFile())}}
}
