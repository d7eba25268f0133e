package onward_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"testing"

	"github.com/google/uuid"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/onward"
	"podium/fault"
	"podium/files/blob"
	"podium/files/table"
)

// stored is a file put in the blob store and recorded as an entry's upload,
// straight in SQL: the world's entries are submitted, so their uploads are
// locked to the services.
type stored struct {
	entry    int64
	kind     string
	original string
	content  []byte
	sum      string
}

func (w *world) store(t *testing.T, blobs blob.Store, entryID int64, kind, original, contentType string, content []byte) stored {
	t.Helper()
	ctx := context.Background()
	key := blob.NewKey()
	size, sum, err := blobs.Put(ctx, key, bytes.NewReader(content), int64(len(content)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.DB.Exec(`INSERT INTO blobs (id, entry_id, kind, storage_key, original_name, content_type, size_bytes, sha256)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, uuid.NewString(), entryID, kind, key, original, contentType, size, sum); err != nil {
		t.Fatal(err)
	}
	return stored{entry: entryID, kind: kind, original: original, content: content, sum: hex.EncodeToString(sum)}
}

// codes are the entries' blind codes in the round.
func (w *world) codes(t *testing.T, round string) map[int64]string {
	t.Helper()
	var rows []struct {
		Entry int64  `db:"entry_id"`
		Code  string `db:"code"`
	}
	if err := w.s.DB.Select(&rows, `SELECT b.entry_id, b.code FROM blind_codes b JOIN rounds r ON r.id = b.round_id
		WHERE r.contest_id = $1 AND r.key = $2`, w.contestID, round); err != nil {
		t.Fatal(err)
	}
	m := map[int64]string{}
	for _, r := range rows {
		m[r.Entry] = r.Code
	}
	return m
}

// unzipped is a ZIP read back: each file's bytes by name, in the archive's order.
type unzipped struct {
	names []string
	files map[string][]byte
}

func unzip(t *testing.T, data []byte) unzipped {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	u := unzipped{files: map[string][]byte{}}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc) // checks the CRC-32
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		u.names = append(u.names, f.Name)
		u.files[f.Name] = b
	}
	return u
}

func (w *world) materials(t *testing.T, req onward.MaterialsRequest) (*onward.Materials, unzipped) {
	t.Helper()
	req.ContestID = w.contestID
	m, err := w.on.PrepareMaterials(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.WriteTo(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return m, unzip(t, buf.Bytes())
}

func TestMaterialsZIPHoldsTheStoredFilesByCodeAndKind(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w.on.Blobs = blobs
	a, b, c := w.orgs[0].id, w.orgs[1].id, w.orgs[2].id // orgs[3] uploaded nothing
	files := []stored{
		w.store(t, blobs, a, "business_plan", "星河 计划书.PDF", "application/pdf", []byte("%PDF-1.7 plan of a")),
		w.store(t, blobs, a, "deck", "路演.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", []byte("deck of a")),
		w.store(t, blobs, b, "attachment", "专利证书.jpg", "image/jpeg", []byte("first attachment of b")),
		w.store(t, blobs, b, "attachment", "检测报告.pdf", "application/pdf", []byte("second attachment of b")),
		w.store(t, blobs, c, "video", "演示视频（最终版）", "video/mp4", bytes.Repeat([]byte("video of c "), 5000)),
	}
	codes := w.codes(t, "prelim")
	name := func(f stored, code, suffix, ext string) string {
		return code + "/" + code + "-" + f.kind + suffix + ext
	}
	fileNames := func(code func(int64) string) []string {
		return []string{
			name(files[0], code(a), "", ".pdf"), name(files[1], code(a), "", ".pptx"),
			name(files[2], code(b), "", ".jpg"), name(files[3], code(b), "-2", ".pdf"),
			name(files[4], code(c), "", ".mp4"),
		}
	}
	title := map[int64]string{}
	org := map[int64]string{}
	for _, o := range w.orgs {
		title[o.id], org[o.id] = o.title, o.name
	}
	// check reads an archive back: exactly the index and the files, each
	// with the stored bytes (SHA-256 as the blobs table has it), and the
	// index's rows naming them.
	check := func(t *testing.T, u unzipped, dir string, names []string, which []stored, code func(int64) string) {
		t.Helper()
		want := []string{dir + "/materials.csv"}
		for _, n := range names {
			want = append(want, dir+"/"+n)
		}
		if !slices.Equal(u.names, want) {
			t.Fatalf("files:\n%q\nwant\n%q", u.names, want)
		}
		index := [][]string{{"code", "entry", "title", "organization", "kind", "file", "uploaded as", "bytes", "sha256"}}
		for i, f := range which {
			got := sha256.Sum256(u.files[dir+"/"+names[i]])
			var inDB []byte
			if err := w.s.DB.Get(&inDB, `SELECT sha256 FROM blobs WHERE entry_id = $1 AND original_name = $2`, f.entry, f.original); err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(got[:]) != hex.EncodeToString(inDB) || !bytes.Equal(u.files[dir+"/"+names[i]], f.content) {
				t.Errorf("%s: SHA-256 %x, the stored blob's %x", names[i], got, inDB)
			}
			index = append(index, []string{code(f.entry), strconv.FormatInt(f.entry, 10), csvText(table.CSV, title[f.entry]), org[f.entry], f.kind, names[i],
				f.original, strconv.Itoa(len(f.content)), f.sum})
		}
		compare(t, dir+"/materials.csv", readBack(t, u.files[dir+"/materials.csv"], table.CSV), index)
	}

	t.Run("round", func(t *testing.T) {
		m, u := w.materials(t, onward.MaterialsRequest{Round: "prelim"})
		if m.Name != "测试大赛 exports-初赛-材料" || m.Entries() != 4 {
			t.Fatalf("name %q, %d entries", m.Name, m.Entries())
		}
		// Entries in the order of their codes, as the round's pages list them.
		order := []int64{a, b, c}
		slices.SortFunc(order, func(x, y int64) int { return cmpString(codes[x], codes[y]) })
		var names []string
		var which []stored
		all := fileNames(func(id int64) string { return codes[id] })
		for _, id := range order {
			for i, f := range files {
				if f.entry == id {
					names, which = append(names, all[i]), append(which, f)
				}
			}
		}
		check(t, u, m.Name, names, which, func(id int64) string { return codes[id] })
	})
	t.Run("counted for the pages' links", func(t *testing.T) {
		n, err := w.on.CountMaterials(context.Background(), w.contestID)
		if err != nil {
			t.Fatal(err)
		}
		if len(n.Rounds) != 1 || n.Rounds["prelim"] != 5 || len(n.Entries) != 3 || n.Entries[a] != 2 || n.Entries[b] != 2 || n.Entries[c] != 1 {
			t.Errorf("counts %+v", n)
		}
	})
	t.Run("round in English", func(t *testing.T) {
		m, _ := w.materials(t, onward.MaterialsRequest{Round: "prelim", Lang: onward.English})
		if m.Name != "Test contest exports-Preliminary-materials" {
			t.Fatalf("name %q", m.Name)
		}
	})
	t.Run("entry by its code in the round", func(t *testing.T) {
		m, u := w.materials(t, onward.MaterialsRequest{Round: "prelim", EntryID: b})
		if m.Name != "测试大赛 exports-初赛-"+codes[b]+"-材料" {
			t.Fatalf("name %q", m.Name)
		}
		check(t, u, m.Name, fileNames(func(id int64) string { return codes[id] })[2:4], files[2:4], func(id int64) string { return codes[id] })
	})
	t.Run("entry by its number", func(t *testing.T) {
		m, u := w.materials(t, onward.MaterialsRequest{EntryID: a})
		e := func(id int64) string { return fmt.Sprintf("E%d", id) }
		if m.Name != "测试大赛 exports-"+e(a)+"-材料" {
			t.Fatalf("name %q", m.Name)
		}
		check(t, u, m.Name, fileNames(e)[:2], files[:2], e)
	})
	t.Run("AddMaterials as the nominations call it", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		if err := w.on.AddMaterials(context.Background(), zw, "", w.contestID, []onward.MaterialsEntry{{ID: c, Code: "N1"}, {ID: w.orgs[3].id, Code: "N2"}}); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		u := unzip(t, buf.Bytes())
		if want := []string{"materials.csv", "N1/N1-video.mp4"}; !slices.Equal(u.names, want) {
			t.Fatalf("files %q, want %q", u.names, want)
		}
		rows := readBack(t, u.files["materials.csv"], table.CSV)
		if len(rows) != 2 || rows[1][0] != "N1" || rows[1][5] != "N1/N1-video.mp4" || rows[1][8] != files[4].sum {
			t.Fatalf("index %q", rows)
		}
	})
	t.Run("refused before a byte is written", func(t *testing.T) {
		other := contesttest.Account(t, w.s, access.RoleOrganizer, "other-org@example.com")
		oc, err := w.s.CreateContest(context.Background(), other.ID, contesttest.Setup("other"))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			req  onward.MaterialsRequest
			code fault.Code
			msg  string
		}{
			{onward.MaterialsRequest{ContestID: w.contestID, Round: "nope"}, fault.CodeNotFound, "err.round.not_found"},
			{onward.MaterialsRequest{ContestID: w.contestID, Round: "nope", EntryID: a}, fault.CodeNotFound, "err.round.not_found"},
			{onward.MaterialsRequest{ContestID: w.contestID, EntryID: 999999}, fault.CodeNotFound, "err.entry.not_found"},
			{onward.MaterialsRequest{ContestID: oc.ID, EntryID: a}, fault.CodeNotFound, "err.entry.not_found"}, // another contest's entry
			{onward.MaterialsRequest{ContestID: oc.ID, Round: "prelim"}, fault.CodeNotFound, "err.materials.none"},
			{onward.MaterialsRequest{ContestID: w.contestID, EntryID: w.orgs[3].id}, fault.CodeNotFound, "err.materials.none"},
			{onward.MaterialsRequest{ContestID: 999999, Round: "prelim"}, fault.CodeNotFound, "err.contest.not_found"},
			{onward.MaterialsRequest{ContestID: w.contestID}, fault.CodeInvalid, "err.export.round_required"},
		} {
			m, err := w.on.PrepareMaterials(context.Background(), tc.req)
			var fe *fault.Error
			if m != nil || !asFault(err, &fe) || fe.Code != tc.code || (fe.Message != tc.msg && fe.Fields["round"] != tc.msg) {
				t.Errorf("%+v: %v, %v; want %s %s", tc.req, m, err, tc.code, tc.msg)
			}
		}
		// A stored file gone from the store: refused before the archive
		// starts, as the server's fault (not a fault.Error the client caused).
		var key string
		if err := w.s.DB.Get(&key, `SELECT storage_key FROM blobs WHERE entry_id = $1 AND kind = 'video'`, c); err != nil {
			t.Fatal(err)
		}
		if err := blobs.Delete(context.Background(), key); err != nil {
			t.Fatal(err)
		}
		m, err := w.on.PrepareMaterials(context.Background(), onward.MaterialsRequest{ContestID: w.contestID, Round: "prelim"})
		var fe *fault.Error
		if m != nil || err == nil || asFault(err, &fe) {
			t.Errorf("a missing stored file: %v, %v", m, err)
		}
		if _, err := w.on.PrepareMaterials(context.Background(), onward.MaterialsRequest{ContestID: w.contestID, EntryID: a}); err != nil {
			t.Errorf("another entry's ZIP, whole: %v", err)
		}
	})
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func asFault(err error, fe **fault.Error) bool { return errors.As(err, fe) }

// repeating is an endless stream of one pattern, for a large file made
// without holding it.
type repeating struct{ pattern []byte }

func (r repeating) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.pattern[i%len(r.pattern)]
	}
	return len(p), nil
}

// A round's ZIP streams each stored file through a small buffer: with a
// 256 MiB video in it, the live heap while the ZIP is written stays under
// 8 MiB (measured under -race: about 0.8 MiB above the idle heap), however
// large the file; and the ZIP holds all its bytes.
func TestMaterialsZIPStreamsALargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 256 MiB file")
	}
	w := newWorld(t)
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w.on.Blobs = blobs
	ctx := context.Background()
	const size = 256 << 20
	key := blob.NewKey()
	n, sum, err := blobs.Put(ctx, key, io.LimitReader(repeating{[]byte("路演视频 frame ")}, size), size)
	if err != nil || n != size {
		t.Fatal(n, err)
	}
	if _, err := w.s.DB.Exec(`INSERT INTO blobs (id, entry_id, kind, storage_key, original_name, content_type, size_bytes, sha256)
		VALUES ($1, $2, 'video', $3, 'pitch.mp4', 'video/mp4', $4, $5)`, uuid.NewString(), w.orgs[0].id, key, n, sum); err != nil {
		t.Fatal(err)
	}
	w.store(t, blobs, w.orgs[1].id, "business_plan", "plan.pdf", "application/pdf", []byte("%PDF-1.7 small"))
	m, err := w.on.PrepareMaterials(ctx, onward.MaterialsRequest{ContestID: w.contestID, Round: "prelim"})
	if err != nil {
		t.Fatal(err)
	}
	var out countingWriter
	const bound = 8 << 20
	peak := measurePeak(func() {
		if err := m.WriteTo(ctx, &out); err != nil {
			t.Error(err)
		}
	})
	t.Logf("ZIP of %d MiB: peak live heap %d KiB above the idle heap", int64(out)>>20, peak>>10)
	if int64(out) < size {
		t.Errorf("the ZIP is %d bytes, smaller than the %d-byte file it holds", out, size)
	}
	if peak > bound {
		t.Errorf("peak live heap %d bytes while streaming a %d-byte file, above the %d bound", peak, size, bound)
	}
}
