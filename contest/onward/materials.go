package onward

import (
	"archive/zip"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"

	"podium/contest"
	"podium/contest/judging"
	"podium/fault"
	"podium/files/table"
)

// material is one stored file of an entry, as a ZIP of materials holds it.
type material struct {
	EntryID     int64     `db:"entry_id"`
	Title       string    `db:"title"`
	Org         string    `db:"org_name"`
	Kind        string    `db:"kind"`
	Key         string    `db:"storage_key"`
	Original    string    `db:"original_name"`
	ContentType string    `db:"content_type"`
	Size        int64     `db:"size_bytes"`
	SHA256      []byte    `db:"sha256"`
	CreatedAt   time.Time `db:"created_at"`
}

// materialsQuery lists the current uploads of the given entries of a contest,
// entry by entry, each entry's files by kind and age. Uploads an entrant
// replaced or deleted have no row here any more.
const materialsQuery = `
	SELECT b.entry_id, e.title, coalesce(o.name, '') AS org_name, b.kind, b.storage_key, b.original_name,
	       b.content_type, b.size_bytes, b.sha256, b.created_at
	FROM blobs b
	JOIN entries e ON e.id = b.entry_id
	LEFT JOIN organizations o ON o.id = e.organization_id
	WHERE e.contest_id = $1 AND b.entry_id = ANY($2)
	ORDER BY b.entry_id, b.kind, b.created_at, b.id`

// MaterialsEntry is one entry a ZIP of materials holds, under the name its
// files are filed by: a round's blind code, or the entry's number.
type MaterialsEntry struct {
	ID   int64
	Code string
}

// AddMaterials streams the uploads of entries into zw, under dir (which may be
// empty): first an index (materials.csv: code, entry, title, organization,
// kind, file, the name it was uploaded under, size, SHA-256) that tells which
// entry a code is, then, entry by entry in the order given, one folder per
// entry named by its code, each file named by code and kind
// ("A7K2/A7K2-business_plan.pdf", "-2" on from a kind's second file). Files
// are stored, not compressed (PDFs and videos are already compressed), and
// copied a buffer at a time: memory does not grow with their size.
func (s *Service) AddMaterials(ctx context.Context, zw *zip.Writer, dir string, contestID int64, entries []MaterialsEntry) error {
	if s.Blobs == nil {
		return fmt.Errorf("onward: no blob store for the materials")
	}
	ids := make([]int64, len(entries))
	codes := make(map[int64]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
		codes[e.ID] = e.Code
	}
	var files []material
	if err := s.db.SelectContext(ctx, &files, materialsQuery, contestID, pq.Array(ids)); err != nil {
		return err
	}
	// Entries in the order given (the query's order within each).
	order := make(map[int64]int, len(entries))
	for i, e := range entries {
		if _, ok := order[e.ID]; !ok {
			order[e.ID] = i
		}
	}
	slices.SortStableFunc(files, func(a, b material) int { return order[a.EntryID] - order[b.EntryID] })
	// Names first, so that the index is whole before the first file (a ZIP
	// is written one member at a time): a row a file, never the bytes.
	names := make([]string, len(files))
	seen := map[string]int{}
	for i, f := range files {
		code := codes[f.EntryID]
		base := code + "-" + f.Kind
		if seen[base]++; seen[base] > 1 {
			base = fmt.Sprintf("%s-%d", base, seen[base])
		}
		names[i] = path.Join(dir, code, base+extension(f.Original, f.ContentType))
	}
	index, err := zw.CreateHeader(&zip.FileHeader{Name: path.Join(dir, "materials.csv"), Method: zip.Deflate, Modified: s.now()})
	if err != nil {
		return err
	}
	t, err := table.New(index, table.CSV, "materials", []string{"code", "entry", "title", "organization", "kind", "file", "uploaded as", "bytes", "sha256"})
	if err != nil {
		return err
	}
	for i, f := range files {
		if err := t.WriteRow(codes[f.EntryID], f.EntryID, f.Title, f.Org, f.Kind, strings.TrimPrefix(names[i], dir+"/"), f.Original, f.Size, hex.EncodeToString(f.SHA256)); err != nil {
			return err
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	for i, f := range files {
		if err := s.copyBlob(ctx, zw, names[i], f); err != nil {
			return err
		}
	}
	return nil
}

// copyBlob streams one stored file into the ZIP.
func (s *Service) copyBlob(ctx context.Context, zw *zip.Writer, name string, f material) error {
	b, err := s.Blobs.Open(ctx, f.Key)
	if err != nil {
		return fmt.Errorf("material %s of entry %d: %w", f.Kind, f.EntryID, err)
	}
	defer b.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: f.CreatedAt.In(s.loc)})
	if err != nil {
		return err
	}
	_, err = io.Copy(w, b)
	return err
}

// extension is a stored file's extension: the uploaded name's, when it is a
// short one of letters and digits, or else one for its content type.
func extension(original, contentType string) string {
	ext := strings.ToLower(filepath.Ext(original))
	if len(ext) >= 2 && len(ext) <= 6 && strings.Trim(ext[1:], "abcdefghijklmnopqrstuvwxyz0123456789") == "" {
		return ext
	}
	switch contentType {
	case "application/pdf":
		return ".pdf"
	case "video/mp4":
		return ".mp4"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	}
	return ".bin"
}

// now is the contest's wall clock, for the index's date in the ZIP.
func (s *Service) now() time.Time { return time.Now().In(s.loc) }

// MaterialsRequest names a ZIP of materials for the organizers: a round's
// entries (Round set, EntryID zero), filed by their blind codes there, or one
// entry (EntryID set), filed by its code in Round when one is named and as
// "E<id>" otherwise.
type MaterialsRequest struct {
	ContestID int64
	Round     string
	EntryID   int64
	Lang      Lang
}

// Materials is a prepared ZIP of materials: checked, ready to stream.
type Materials struct {
	// Name is the file name without ".zip", in the request's language, e.g.
	// "2026创新大赛-初赛-材料"; the ZIP's files are in a folder of that name.
	Name      string
	s         *Service
	contestID int64
	entries   []MaterialsEntry
}

var materialsWord = word{"材料", "materials"}

// PrepareMaterials checks a request before anything is written: the contest,
// the round and the entry must exist (fault not-found), the entry must be
// the contest's and, when a round is named, in it; there must be at least
// one file to send (err.materials.none), so that nobody downloads an empty
// archive; and every file must be in the blob store (else a plain error:
// the server's fault).
func (s *Service) PrepareMaterials(ctx context.Context, req MaterialsRequest) (*Materials, error) {
	if s.Blobs == nil {
		return nil, fmt.Errorf("onward: no blob store for the materials")
	}
	c, err := contest.Load(ctx, s.db, req.ContestID)
	if err != nil {
		return nil, err
	}
	lang := req.Lang.orDefault()
	parts := []string{pick(lang, c.NameZh, c.NameEn)}
	var round contest.RoundRef
	if req.Round != "" {
		if round, err = contest.RoundByKey(ctx, s.db, req.ContestID, req.Round); err != nil {
			return nil, err
		}
		var names roundNames
		if err := s.db.GetContext(ctx, &names, `SELECT name_zh, name_en FROM rounds WHERE id = $1`, round.ID); err != nil {
			return nil, err
		}
		parts = append(parts, pick(lang, names.NameZh, names.NameEn))
	}
	m := &Materials{s: s, contestID: req.ContestID}
	switch {
	case req.EntryID != 0:
		var code sql.NullString
		err := s.db.GetContext(ctx, &code, `
			SELECT b.code FROM entries e LEFT JOIN blind_codes b ON b.entry_id = e.id AND b.round_id = $3
			WHERE e.id = $1 AND e.contest_id = $2`, req.EntryID, req.ContestID, round.ID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && req.Round != "" && !code.Valid) {
			return nil, fault.NotFound("err.entry.not_found")
		}
		if err != nil {
			return nil, err
		}
		e := MaterialsEntry{ID: req.EntryID, Code: code.String}
		if req.Round == "" {
			e.Code = fmt.Sprintf("E%d", req.EntryID)
		}
		m.entries = []MaterialsEntry{e}
		parts = append(parts, e.Code)
	case req.Round != "":
		// The round's entries as its organizers' pages count them (accepted
		// and advanced to it, or assigned in it).
		reviews, err := judging.ReviewsOf(ctx, s.db, round)
		if err != nil {
			return nil, err
		}
		for _, r := range reviews {
			code := r.Code
			if code == "" {
				code = fmt.Sprintf("E%d", r.EntryID)
			}
			m.entries = append(m.entries, MaterialsEntry{ID: r.EntryID, Code: code})
		}
	default:
		return nil, fault.Invalid("round", "err.export.round_required")
	}
	ids := make([]int64, len(m.entries))
	for i, e := range m.entries {
		ids[i] = e.ID
	}
	var keys []string
	if err := s.db.SelectContext(ctx, &keys, `SELECT storage_key FROM blobs WHERE entry_id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fault.NotFound("err.materials.none")
	}
	// Every file must be there before the first byte goes: a stored file
	// gone from the store (a fault of the server, not of the request) would
	// otherwise cut the archive off halfway.
	for _, key := range keys {
		b, err := s.Blobs.Open(ctx, key)
		if err != nil {
			// %v, not %w: the store's not-found is no fault of the request (500, not 404).
			return nil, fmt.Errorf("onward: a stored file of the materials is missing (%s): %v", key, err)
		}
		b.Close()
	}
	m.Name = fileName(append(parts, materialsWord.in(lang))...)
	return m, nil
}

// Entries is the number of entries the ZIP holds.
func (m *Materials) Entries() int { return len(m.entries) }

// WriteTo streams the ZIP to w (see AddMaterials), its files in a folder
// named m.Name. An error after bytes went out leaves w with a cut-off
// archive, which the caller can only drop.
func (m *Materials) WriteTo(ctx context.Context, w io.Writer) error {
	zw := zip.NewWriter(w)
	if err := m.s.AddMaterials(ctx, zw, m.Name, m.contestID, m.entries); err != nil {
		return err
	}
	return zw.Close()
}

// MaterialsCount is how many stored files the ZIPs of materials of a contest
// would hold: per round (by key; only rounds with files) and per entry (only
// entries with files), so that pages link only the ZIPs there are.
type MaterialsCount struct {
	Rounds  map[string]int
	Entries map[int64]int
}

// CountMaterials counts a contest's materials by entry and by round, a round's
// entries counted as PrepareMaterials takes them.
func (s *Service) CountMaterials(ctx context.Context, contestID int64) (MaterialsCount, error) {
	out := MaterialsCount{Rounds: map[string]int{}, Entries: map[int64]int{}}
	var rows []struct {
		Entry int64 `db:"entry_id"`
		Files int   `db:"files"`
	}
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT b.entry_id, count(*) AS files FROM blobs b JOIN entries e ON e.id = b.entry_id
		WHERE e.contest_id = $1 GROUP BY b.entry_id`, contestID); err != nil {
		return out, err
	}
	if len(rows) == 0 {
		return out, nil
	}
	for _, r := range rows {
		out.Entries[r.Entry] = r.Files
	}
	var keys []string
	if err := s.db.SelectContext(ctx, &keys, `SELECT key FROM rounds WHERE contest_id = $1 ORDER BY position`, contestID); err != nil {
		return out, err
	}
	for _, key := range keys {
		r, err := contest.RoundByKey(ctx, s.db, contestID, key)
		if err != nil {
			return out, err
		}
		reviews, err := judging.ReviewsOf(ctx, s.db, r)
		if err != nil {
			return out, err
		}
		for _, e := range reviews {
			if n := out.Entries[e.EntryID]; n > 0 {
				out.Rounds[key] += n
			}
		}
	}
	return out, nil
}
