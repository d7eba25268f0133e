package onward

import (
	"archive/zip"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
	"time"

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
// empty): one folder per entry named by its code, each file named by code and
// kind ("A7K2/A7K2-business_plan.pdf", "-2" on from a kind's second file), and
// an index (materials.csv: code, entry, title, organization, kind, file, the
// name it was uploaded under, size, SHA-256) that tells which entry a code is.
// Files are stored, not compressed (PDFs and videos are already compressed),
// and copied a buffer at a time: memory does not grow with their size.
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
	if err := s.db.SelectContext(ctx, &files, materialsQuery, contestID, ids); err != nil {
		return err
	}
	index, err := zw.CreateHeader(&zip.FileHeader{Name: path.Join(dir, "materials.csv"), Method: zip.Deflate, Modified: s.now()})
	if err != nil {
		return err
	}
	t, err := table.New(index, table.CSV, "materials", []string{"code", "entry", "title", "organization", "kind", "file", "uploaded as", "bytes", "sha256"})
	if err != nil {
		return err
	}
	seen := map[string]int{}
	for _, f := range files {
		code := codes[f.EntryID]
		base := code + "-" + f.Kind
		if seen[base]++; seen[base] > 1 {
			base = fmt.Sprintf("%s-%d", base, seen[base])
		}
		name := path.Join(dir, code, base+extension(f.Original, f.ContentType))
		if err := t.WriteRow(code, f.EntryID, f.Title, f.Org, f.Kind, strings.TrimPrefix(name, dir+"/"), f.Original, f.Size, hex.EncodeToString(f.SHA256)); err != nil {
			return err
		}
		if err := s.copyBlob(ctx, zw, name, f); err != nil {
			return err
		}
	}
	return t.Close()
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
