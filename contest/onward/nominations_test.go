package onward_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"image"
	"image/png"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"podium/contest/audit"
	"podium/contest/onward"
	"podium/contest/results"
	"podium/fault"
	"podium/files/blob"
	"podium/files/pdftext"
	"podium/files/table"
)

// nominationWorld is the exports' world with its round published and a blob
// store for due-diligence files and materials.
func nominationWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w.on.Blobs = blobs
	if _, _, err := w.s.Publish(context.Background(), w.organizer.ID, w.contestID, "prelim", results.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	return w
}

func wantCode(t *testing.T, err error, code fault.Code, message string) {
	t.Helper()
	fe, ok := errors.AsType[*fault.Error](err)
	if !ok || fe.Code != code || fe.Message != message {
		t.Fatalf("got %v, want %s %s", err, code, message)
	}
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 20, 20))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func check(outcome onward.CheckOutcome, files ...onward.Upload) onward.CheckInput {
	return onward.CheckInput{Checkers: "张三、李四", CheckedOn: "2026-10-30", Findings: "实地走访，核对营业执照与财务报表。", Outcome: outcome, Files: files}
}

func upload(name string, data []byte) onward.Upload {
	return onward.Upload{Name: name, File: bytes.NewReader(data), Size: int64(len(data))}
}

// The suggestion is the top ranked of each track and group of the final
// publication, up to the quota: computed here from the publication itself.
func TestSuggestionRespectsQuotaAndRanking(t *testing.T) {
	t.Parallel()
	w := nominationWorld(t)
	ctx := context.Background()
	if _, err := w.on.Suggest(ctx, w.contestID, "city"); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Fatalf("unknown level: %v", err)
	}
	wantCode(t, w.on.SetQuota(ctx, w.organizer.ID, w.contestID, onward.Nation, 0), fault.CodeInvalid, "err.invalid")
	pub, err := w.s.LatestPublication(ctx, w.contestID, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	pool := map[int64]string{}
	for _, o := range w.orgs {
		pool[o.id] = o.track + "/" + o.group
	}
	for _, quota := range []int{1, 2} {
		if err := w.on.SetQuota(ctx, w.organizer.ID, w.contestID, onward.Nation, quota); err != nil {
			t.Fatal(err)
		}
		sg, err := w.on.Suggest(ctx, w.contestID, onward.Nation)
		if err != nil {
			t.Fatal(err)
		}
		if sg.Quota != quota || sg.Round.Key != "prelim" || len(sg.Candidates) != len(pub.Results) {
			t.Fatalf("quota %d: %+v", quota, sg)
		}
		suggested := 0
		for _, c := range sg.Candidates {
			res, _ := pub.ResultOf(c.EntryID)
			want := 1
			for _, other := range pub.Results {
				if pool[other.EntryID] == pool[c.EntryID] && other.Rank < res.Rank {
					want++
				}
			}
			if c.Rank != res.Rank || c.PoolRank != want || c.Suggested != (want <= quota) {
				t.Errorf("quota %d: %s rank %d pool rank %d suggested %v; want rank %d pool rank %d", quota, c.Title, c.Rank, c.PoolRank, c.Suggested, res.Rank, want)
			}
			if c.Suggested {
				suggested++
			}
		}
		// Pools: manufacturing/team holds two entries, the others one each.
		if want := map[int]int{1: 3, 2: 4}[quota]; suggested != want {
			t.Errorf("quota %d: %d suggested, want %d", quota, suggested, want)
		}
	}
}

// The status flow: draft → submitted → accepted|rejected, withdrawn by a
// failed due diligence; every other change refused; submission needs the
// due diligence's coverage, and says which track lacks checks.
func TestNominationFlowAndDiligence(t *testing.T) {
	t.Parallel()
	w := nominationWorld(t)
	ctx := context.Background()
	org, cid := w.organizer.ID, w.contestID
	ids := make([]int64, len(w.orgs))
	for i, o := range w.orgs {
		ids[i] = o.id
	}
	if _, err := w.on.Nominate(ctx, org, cid, onward.Nation, 1999, ids); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Fatalf("year 1999: %v", err)
	}
	if _, err := w.on.Nominate(ctx, org, cid, onward.Nation, 2027, []int64{ids[0], 987654}); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Fatalf("unranked entry: %v", err)
	}
	nids, err := w.on.Nominate(ctx, org, cid, onward.Nation, 2027, ids)
	if err != nil {
		t.Fatal(err)
	}
	// Again: refused whole, nothing written.
	if _, err := w.on.Nominate(ctx, org, cid, onward.Nation, 2027, ids[:1]); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("twice: %v", err)
	}
	list, err := w.on.Nominations(ctx, cid, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 4 {
		t.Fatalf("%d nominations, want 4", len(list))
	}
	for _, n := range list {
		if n.Status != onward.StatusDraft || n.Year != 2027 || n.TargetTrack == "" || n.Rank == 0 {
			t.Errorf("nomination %+v", n)
		}
	}
	// Illegal transitions from draft.
	wantCode(t, w.on.Decide(ctx, org, cid, nids[0], onward.StatusAccepted, "x"), fault.CodeConflict, onward.MsgTransition)
	wantCode(t, w.on.Decide(ctx, org, cid, nids[0], onward.StatusDraft, ""), fault.CodeInvalid, "err.invalid")
	if err := w.on.SetTarget(ctx, org, cid, nids[0], onward.Target{Year: 2027, Track: "新材料", Group: "初创组"}); err != nil {
		t.Fatal(err)
	}
	// No check: submission refused, both tracks lacking.
	_, err = w.on.Submit(ctx, org, cid, onward.Nation)
	wantCode(t, err, fault.CodeConflict, onward.MsgCoverage)
	if lack := err.(*fault.Error).Args[3].(onward.NameList); len(lack) != 2 {
		t.Fatalf("lacking %v", lack)
	}
	// Entries 0 and 2 are materials', 1 and 3 manufacturing's: materials
	// covered, manufacturing one short.
	pdf := pdftext.Generate([]string{"尽职调查报告"})
	for _, i := range []int{0, 2, 1} {
		if _, err := w.on.RecordCheck(ctx, org, cid, nids[i], check(onward.CheckPass, upload("报告.pdf", pdf))); err != nil {
			t.Fatal(err)
		}
	}
	cov, err := w.on.Coverage(ctx, cid, onward.Nation)
	if err != nil {
		t.Fatal(err)
	}
	if cov.OK || cov.Nominees != 4 || cov.Checked != 3 || cov.Required != 2 || len(cov.Lacking()) != 1 || cov.Lacking()[0].Zh != "智能制造" {
		t.Fatalf("coverage %+v", cov)
	}
	_, err = w.on.Submit(ctx, org, cid, onward.Nation)
	wantCode(t, err, fault.CodeConflict, onward.MsgCoverage)

	// A refused check leaves nothing: a bad date, a file that is no PDF.
	if _, err := w.on.RecordCheck(ctx, org, cid, nids[3], onward.CheckInput{Outcome: "maybe", CheckedOn: "2099-01-01"}); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Fatalf("bad check: %v", err)
	} else if f := err.(*fault.Error).Fields; f["checkers"] == "" || f["findings"] == "" || f["checked_on"] != "err.nomination.check_future" || f["outcome"] == "" {
		t.Fatalf("fields %v", f)
	}
	if _, err := w.on.RecordCheck(ctx, org, cid, nids[3], check(onward.CheckFail, upload("x.pdf", []byte("MZ not a pdf")))); fault.ErrorCode(err) != fault.CodeInvalid {
		t.Fatalf("bad file: %v", err)
	}
	// A failed check withdraws the nomination, audited with it.
	c, err := w.on.RecordCheck(ctx, org, cid, nids[3], check(onward.CheckFail, upload("现场.png", pngBytes(t))))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Files) != 1 || c.Files[0].ContentType != "image/png" {
		t.Fatalf("check %+v", c)
	}
	var status string
	if err := w.s.DB.GetContext(ctx, &status, `SELECT status FROM nominations WHERE id = $1`, nids[3]); err != nil || status != "withdrawn" {
		t.Fatalf("status %q, %v", status, err)
	}
	var checks, files int
	if err := w.s.DB.GetContext(ctx, &checks, `SELECT count(*) FROM nomination_checks`); err != nil || checks != 4 {
		t.Fatalf("%d checks (%v), want 4: the refused ones left none", checks, err)
	}
	if err := w.s.DB.GetContext(ctx, &files, `SELECT count(*) FROM nomination_check_files`); err != nil || files != 4 {
		t.Fatalf("%d files (%v)", files, err)
	}
	recs, err := w.s.Records(ctx, cid)
	if err != nil {
		t.Fatal(err)
	}
	subject := "nomination:" + strconv.FormatInt(nids[3], 10)
	var withdrawn, checked bool
	for _, r := range recs {
		withdrawn = withdrawn || (r.Action == audit.NominationWithdrawn && r.Subject == subject)
		checked = checked || (r.Action == audit.NominationCheckAdded && r.Subject == subject)
	}
	if !withdrawn || !checked {
		t.Fatalf("audit: withdrawn %v, check %v", withdrawn, checked)
	}
	// The withdrawn one takes no more checks and no decision; no longer counts.
	if _, err := w.on.RecordCheck(ctx, org, cid, nids[3], check(onward.CheckPass)); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("check of a withdrawn nomination: %v", err)
	}
	wantCode(t, w.on.Decide(ctx, org, cid, nids[3], onward.StatusAccepted, ""), fault.CodeConflict, onward.MsgTransition)
	wantCode(t, w.on.Remove(ctx, org, cid, nids[3]), fault.CodeConflict, onward.MsgNotDraft)
	wantCode(t, w.on.Remove(ctx, org, cid, nids[0]), fault.CodeConflict, onward.MsgHasChecks)

	n, err := w.on.Submit(ctx, org, cid, onward.Nation)
	if err != nil || n != 3 {
		t.Fatalf("submitted %d, %v", n, err)
	}
	_, err = w.on.Submit(ctx, org, cid, onward.Nation)
	wantCode(t, err, fault.CodeConflict, onward.MsgNoDrafts)
	wantCode(t, w.on.SetTarget(ctx, org, cid, nids[0], onward.Target{Year: 2027, Track: "a", Group: "b"}), fault.CodeConflict, onward.MsgNotDraft)
	if err := w.on.Decide(ctx, org, cid, nids[0], onward.StatusAccepted, "全国赛优秀企业"); err != nil {
		t.Fatal(err)
	}
	if err := w.on.Decide(ctx, org, cid, nids[0], onward.StatusAccepted, "全国赛三等奖"); err != nil {
		t.Fatal(err) // the result corrected
	}
	wantCode(t, w.on.Decide(ctx, org, cid, nids[0], onward.StatusRejected, ""), fault.CodeConflict, onward.MsgTransition)
	if err := w.on.Decide(ctx, org, cid, nids[1], onward.StatusRejected, ""); err != nil {
		t.Fatal(err)
	}
	// Each nominee's entrant was told, by e-mail recorded with the change:
	// submitted (three), then the decisions with the result there.
	var told []string
	if err := w.s.DB.Select(&told, `SELECT (data->>'Status') || '|' || (data->>'Result') || '|' || (data->>'Target') FROM outbox
		WHERE contest_id = $1 AND kind = 'nomination.changed' ORDER BY id`, cid); err != nil {
		t.Fatal(err)
	}
	if len(told) != 6 || told[0] != "已报送||2027年全国赛" || told[3] != "已获通过|全国赛优秀企业|2027年全国赛" ||
		told[4] != "已获通过|全国赛三等奖|2027年全国赛" || told[5] != "未获通过||2027年全国赛" {
		t.Errorf("nominees told %q", told)
	}
	// Every pair of statuses: only the flow's moves are allowed.
	allowed := map[[2]onward.NominationStatus]bool{
		{"draft", "submitted"}: true, {"draft", "withdrawn"}: true, {"submitted", "accepted"}: true,
		{"submitted", "rejected"}: true, {"submitted", "withdrawn"}: true, {"accepted", "accepted"}: true, {"rejected", "rejected"}: true}
	for _, from := range onward.NominationStatuses {
		for _, to := range onward.NominationStatuses {
			if onward.CanMove(from, to) != allowed[[2]onward.NominationStatus{from, to}] {
				t.Errorf("%s → %s: %v", from, to, onward.CanMove(from, to))
			}
		}
	}

	// The report across contests.
	fared, err := w.on.Fared(ctx, org)
	if err != nil {
		t.Fatal(err)
	}
	if len(fared.Rows) != 4 || len(fared.Summary) != 1 {
		t.Fatalf("fared %+v", fared)
	}
	sm := fared.Summary[0]
	if sm.Year != 2027 || sm.Level != onward.Nation || sm.Nominated != 4 || sm.ByStatus[onward.StatusAccepted] != 1 ||
		sm.ByStatus[onward.StatusRejected] != 1 || sm.ByStatus[onward.StatusWithdrawn] != 1 || sm.ByStatus[onward.StatusSubmitted] != 1 ||
		!slices.Equal(sm.Results, []string{"全国赛三等奖"}) {
		t.Fatalf("summary %+v", sm)
	}
	// The export "nominations" has the same rows.
	rows := w.export(t, onward.Request{What: onward.Nominations}, table.CSV)
	if len(rows) != 5 || rows[0][0] != "年度" {
		t.Fatalf("export %q", rows)
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		got[strings.TrimPrefix(r[3], "'")] = r[9] + "|" + r[10] + "|" + r[11]
	}
	want := map[string]string{
		w.orgs[0].title: "已获接收|全国赛三等奖|通过", w.orgs[1].title: "未获接收||通过",
		w.orgs[2].title: "已推荐||通过", w.orgs[3].title: "已撤回||未通过"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("export of %s: %q, want %q", k, got[k], v)
		}
	}
}

// The package: the nominees' XLSX holds exactly the current nominees, cell by
// cell against the database; the ZIP holds it, the summary table and each
// nominee's materials in its own folder.
func TestNominationPackage(t *testing.T) {
	t.Parallel()
	w := nominationWorld(t)
	ctx := context.Background()
	org, cid := w.organizer.ID, w.contestID
	if _, err := w.on.PreparePackage(ctx, cid, onward.Province, onward.Chinese); fault.ErrorCode(err) != fault.CodeConflict {
		t.Fatalf("no nominees: %v", err)
	}
	// Facts of the first organization, as the entrant declares them.
	if _, err := w.s.DB.ExecContext(ctx, `
		UPDATE organizations SET established_on = '2021-03-15', registered_capital = 5000000, revenue_prev_year = 12345678,
		       tech_sme_number = '2024320100A0001', uscc = '91320100MA1XXXXX0X'
		WHERE name = $1`, w.orgs[0].name); err != nil {
		t.Fatal(err)
	}
	nids, err := w.on.Nominate(ctx, org, cid, onward.Province, 2026, []int64{w.orgs[0].id, w.orgs[1].id, w.orgs[3].id})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.on.RecordCheck(ctx, org, cid, nids[0], check(onward.CheckPass)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.on.RecordCheck(ctx, org, cid, nids[2], check(onward.CheckFail)); err != nil {
		t.Fatal(err)
	}
	p, err := w.on.PreparePackage(ctx, cid, onward.Province, onward.Chinese)
	if err != nil {
		t.Fatal(err)
	}
	files, names := writePackage(t, w, p)
	// The nominees' XLSX, cell by cell against the database.
	x, err := excelize.OpenReader(bytes.NewReader(files["推荐项目汇总表.xlsx"]))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want the header and 2 nominees (the withdrawn one left out): %q", len(rows), rows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"企业名称", "统一社会信用代码", "成立日期", "注册资本（元）", "上一年度营业收入（元）", "推荐赛道", "推荐组别",
		"联系人", "科技型中小企业入库登记编号", "高新技术企业证书编号", "市赛名次", "市赛得分", "项目简介", "尽职调查结论"} {
		if _, ok := col[h]; !ok {
			t.Errorf("no column %s in %q", h, rows[0])
		}
	}
	pub, err := w.s.LatestPublication(ctx, cid, "prelim")
	if err != nil {
		t.Fatal(err)
	}
	dbRows, err := w.s.DB.QueryxContext(ctx, `
		SELECT e.title, o.name, coalesce(o.uscc, '') AS uscc, coalesce(to_char(o.established_on, 'YYYY-MM-DD'), '') AS est,
		       coalesce(o.registered_capital::text, '') AS cap, coalesce(o.revenue_prev_year::text, '') AS rev,
		       n.target_track, n.target_group, o.contact_name, o.tech_sme_number, o.high_tech_cert_number,
		       coalesce(e.fields ->> 'summary', '') AS summary, e.id, n.target_year
		FROM nominations n JOIN entries e ON e.id = n.entry_id JOIN organizations o ON o.id = e.organization_id
		JOIN tracks t ON t.id = e.track_id JOIN contest_groups g ON g.id = e.group_id
		WHERE n.contest_id = $1 AND n.level = 'province' AND n.status <> 'withdrawn' ORDER BY g.position, t.position, n.id`, cid)
	if err != nil {
		t.Fatal(err)
	}
	defer dbRows.Close()
	i := 0
	for dbRows.Next() {
		i++
		var title, name, uscc, est, capital, revenue, track, group, contact, sme, hightech, summary string
		var entryID int64
		var year int
		if err := dbRows.Scan(&title, &name, &uscc, &est, &capital, &revenue, &track, &group, &contact, &sme, &hightech, &summary, &entryID, &year); err != nil {
			t.Fatal(err)
		}
		res, _ := pub.ResultOf(entryID)
		if i >= len(rows) {
			t.Fatalf("more nominees in the database than in the XLSX")
		}
		r := rows[i]
		for len(r) < len(rows[0]) {
			r = append(r, "")
		}
		wantCells := map[string]string{"序号": "0" + strconv.Itoa(i), "推荐级别": "省赛", "参赛年度": strconv.Itoa(year),
			"项目名称": title, "企业名称": name, "统一社会信用代码": uscc, "成立日期": est,
			"注册资本（元）": capital, "上一年度营业收入（元）": revenue, "推荐赛道": track, "推荐组别": group, "联系人": contact,
			"科技型中小企业入库登记编号": sme, "高新技术企业证书编号": hightech, "市赛名次": strconv.Itoa(res.Rank),
			"市赛得分": res.Score.String(), "项目简介": summary, "推荐状态": "草稿"}
		wantCells["尽职调查结论"] = map[bool]string{true: "通过", false: "未调查"}[entryID == w.orgs[0].id]
		for h, v := range wantCells {
			if r[col[h]] != v {
				t.Errorf("nominee %d, %s: %q, want %q", i, h, r[col[h]], v)
			}
		}
	}
	if i != len(rows)-1 {
		t.Fatalf("%d nominees in the database, %d in the XLSX", i, len(rows)-1)
	}

	for _, n := range []string{"推荐项目汇总表.xlsx", "地方赛区赛事情况统计表.xlsx", "项目材料/materials.csv"} {
		if _, ok := files[n]; !ok {
			t.Errorf("ZIP lacks %s; has %q", n, names)
		}
	}
	// The summary table counts the entries by track and group.
	s, err := excelize.OpenReader(bytes.NewReader(files["地方赛区赛事情况统计表.xlsx"]))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stats, err := s.GetRows(s.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, r := range stats[1:] {
		found[r[0]+"|"+r[1]+"|"+r[2]] = r[3]
	}
	for k, v := range map[string]string{"报名项目数|智能制造|团队组": "2", "报名项目数|新材料|企业组": "1", "报名项目数|合计|合计": "4",
		"评委人数|合计|合计": "6", "评审轮次数|合计|合计": "1", "推荐项目数|合计|合计": "2", "获奖项目数|合计|合计": "3"} {
		if found[k] != v {
			t.Errorf("summary %s: %q, want %q (%q)", k, found[k], v, stats)
		}
	}
	// In English, on request: the same rows under English headers and names.
	en, err := w.on.PreparePackage(ctx, cid, onward.Province, onward.English)
	if err != nil {
		t.Fatal(err)
	}
	if en.NomineesFile() != "Nominees.xlsx" || en.StatsFile() != "Contest summary.xlsx" || en.MaterialsDir() != "Materials" {
		t.Errorf("English names: %s, %s, %s", en.NomineesFile(), en.StatsFile(), en.MaterialsDir())
	}
	var enBuf bytes.Buffer
	if err := en.WriteNominees(&enBuf, table.CSV); err != nil {
		t.Fatal(err)
	}
	enRows := readBack(t, enBuf.Bytes(), table.CSV)
	if len(enRows) != 3 || enRows[0][7] != "USCC" || enRows[1][1] != "Provincial contest" || enRows[1][len(enRows[1])-1] != "Draft" {
		t.Errorf("English nominees: %q", enRows)
	}
}

// writePackage writes a package and reads its ZIP back: the files by name, and the names sorted.
func writePackage(t *testing.T, w *world, p *onward.Package) (map[string][]byte, []string) {
	t.Helper()
	var buf bytes.Buffer
	if err := w.on.WritePackage(context.Background(), &buf, p); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	return files, slices.Sorted(maps.Keys(files))
}

// The package's ZIP holds each current nominee's materials in a folder named
// by its number in the XLSX, with an index naming only the nominees.
func TestNominationPackageHoldsMaterials(t *testing.T) {
	t.Parallel()
	w := nominationWorld(t)
	ctx := context.Background()
	org, cid := w.organizer.ID, w.contestID
	// A business plan of the first entry.
	plan := pdftext.Generate([]string{"商业计划书"})
	key := blob.NewKey()
	if _, _, err := w.on.Blobs.Put(ctx, key, bytes.NewReader(plan), int64(len(plan))); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(plan)
	if _, err := w.s.DB.ExecContext(ctx, `
		INSERT INTO blobs (id, entry_id, kind, storage_key, original_name, content_type, size_bytes, sha256)
		VALUES ($1, $2, 'business_plan', $3, '计划书.pdf', 'application/pdf', $4, $5)`,
		uuid.New(), w.orgs[0].id, key, len(plan), sum[:]); err != nil {
		t.Fatal(err)
	}
	// 鹰眼 (manufacturing) is nominated too, and withdrawn: not in the ZIP.
	nids, err := w.on.Nominate(ctx, org, cid, onward.Province, 2026, []int64{w.orgs[0].id, w.orgs[1].id})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.on.RecordCheck(ctx, org, cid, nids[1], check(onward.CheckFail)); err != nil {
		t.Fatal(err)
	}
	p, err := w.on.PreparePackage(ctx, cid, onward.Province, onward.Chinese)
	if err != nil {
		t.Fatal(err)
	}
	files, names := writePackage(t, w, p)
	const pdf = "项目材料/01/01-business_plan.pdf"
	if !bytes.Equal(files[pdf], plan) {
		t.Errorf("the ZIP lacks the business plan as uploaded at %s; has %q", pdf, names)
	}
	if csv := string(files["项目材料/materials.csv"]); !strings.Contains(csv, w.orgs[0].title) || strings.Contains(csv, w.orgs[1].title) {
		t.Errorf("materials index %q", csv)
	}
}

// A suggested entry is ticked only while its track and group has a seat: once
// the organizer filled the seat with another entry of the pool, the one left
// out is still marked as suggested but no longer ticked, so pressing
// "nominate" again does not add it by accident.
func TestSuggestionIsNotTickedOnceThePoolIsFull(t *testing.T) {
	t.Parallel()
	w := nominationWorld(t)
	ctx := context.Background()
	if err := w.on.SetQuota(ctx, w.organizer.ID, w.contestID, onward.Nation, 1); err != nil {
		t.Fatal(err)
	}
	sg, err := w.on.Suggest(ctx, w.contestID, onward.Nation)
	if err != nil {
		t.Fatal(err)
	}
	type pool struct{ track, group string }
	members := map[pool][]onward.Candidate{}
	for _, c := range sg.Candidates {
		if c.Preselected != c.Suggested {
			t.Errorf("nothing nominated yet: %s suggested %v but ticked %v", c.Title, c.Suggested, c.Preselected)
		}
		k := pool{c.Track.Zh, c.Group.Zh}
		members[k] = append(members[k], c)
	}
	var first, second onward.Candidate
	for _, m := range members {
		if len(m) == 2 {
			first, second = m[0], m[1]
		}
	}
	if !first.Suggested || second.Suggested {
		t.Fatalf("the pool of two: %+v, %+v", first, second)
	}
	// The organizer nominates the pool's second instead of its first.
	if _, err := w.on.Nominate(ctx, w.organizer.ID, w.contestID, onward.Nation, 2027, []int64{second.EntryID}); err != nil {
		t.Fatal(err)
	}
	if sg, err = w.on.Suggest(ctx, w.contestID, onward.Nation); err != nil {
		t.Fatal(err)
	}
	for _, c := range sg.Candidates {
		switch {
		case c.EntryID == first.EntryID:
			if !c.Suggested || c.Preselected {
				t.Errorf("the pool's seat is taken: its first is suggested %v, ticked %v; want suggested, not ticked", c.Suggested, c.Preselected)
			}
		case c.EntryID == second.EntryID:
			if c.Status != onward.StatusDraft || c.Preselected {
				t.Errorf("the nominee: %s, ticked %v", c.Status, c.Preselected)
			}
		case c.Preselected != c.Suggested:
			t.Errorf("another pool: %s suggested %v, ticked %v", c.Title, c.Suggested, c.Preselected)
		}
	}
}
