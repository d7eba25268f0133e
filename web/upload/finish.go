package upload

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"

	"podium/fault"
)

// preFinish runs when tusd has received an upload's last byte, with the
// upload locked; an error goes to the client instead of tusd's 204.
func (s *Server) preFinish(hook tusd.HookEvent) (tusd.HTTPResponse, error) {
	st, ok := hook.Context.Value(keyState).(*reqState)
	if !ok {
		return tusd.HTTPResponse{}, errors.New("upload: finish outside a request")
	}
	st.finished = true
	var err error
	if st.body != nil && st.body.over {
		s.discard(hook.Context, hook.Upload.ID)
		err = tooLarge()
	} else {
		err = s.finish(hook.Context, st.r, hook.Upload)
	}
	if err != nil {
		status, body := s.cfg.Describe(st.r, err)
		return tusd.HTTPResponse{}, tusd.Error{ErrorCode: "PODIUM", Message: "upload refused",
			HTTPResponse: tusd.HTTPResponse{StatusCode: status, Body: string(body),
				Header: tusd.HTTPHeader{"Content-Type": "application/json; charset=utf-8"}}}
	}
	return tusd.HTTPResponse{}, nil
}

// finishLate finishes an upload whose bytes all arrived earlier but whose
// finish step failed on a transient error (the client retries with HEAD or
// PATCH); on success it answers as tusd would for a complete upload.
func (s *Server) finishLate(w http.ResponseWriter, r *http.Request, info tusd.FileInfo) {
	lock, err := s.composer.Locker.NewLock(info.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	if err := lock.Lock(ctx, func() {}); err != nil {
		w.Header().Set(RetryableHeader, "true")
		s.fail(w, r, fault.Conflict(MsgBusy))
		return
	}
	defer lock.Unlock()
	up, err := s.store.GetUpload(r.Context(), info.ID)
	if errors.Is(err, tusd.ErrNotFound) { // finished meanwhile by another request, or swept
		if f, ok := s.recentlyFinished(info.ID); ok {
			s.answerComplete(w, r, f.size)
			return
		}
		s.fail(w, r, fault.NotFound("err.upload.not_found"))
		return
	}
	if err == nil {
		info, err = up.GetInfo(r.Context())
	}
	if err == nil {
		err = s.finish(r.Context(), r, info)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerComplete(w, r, info.Size)
}

// answerComplete answers a HEAD or PATCH as tusd does for a complete upload.
func (s *Server) answerComplete(w http.ResponseWriter, r *http.Request, size int64) {
	h := w.Header()
	h.Set("Tus-Resumable", "1.0.0")
	h.Set("Cache-Control", "no-store")
	h.Set("Upload-Offset", strconv.FormatInt(size, 10))
	if r.Method == http.MethodHead {
		h.Set("Upload-Length", strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// finish hands a complete staged upload to Config.Complete, which accepts it
// (checks, stores and records it) or refuses it. The caller holds the upload's
// lock.
//
// A refusal — Complete returning a *fault.Error that is neither internal nor
// unavailable — removes the staged upload: nothing is left (Complete leaves
// nothing stored of a file it refuses). Any other failure (disk, database
// down, the client gone mid-way) keeps the complete staged upload, so the
// client's automatic retry can finish it without sending the file again;
// Sweep removes it if no retry comes.
func (s *Server) finish(ctx context.Context, r *http.Request, info tusd.FileInfo) (err error) {
	log := s.log.With(slog.String("upload", info.ID), slog.String("kind", info.MetaData[metaKind]))
	defer func() {
		if code := fault.ErrorCode(err); err != nil && code != fault.CodeInternal && code != fault.CodeUnavailable {
			s.discard(context.WithoutCancel(ctx), info.ID)
		}
	}()
	f, err := os.Open(s.binPath(info))
	if err != nil {
		return fmt.Errorf("upload %s: %w", info.ID, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() != info.Size {
		return fmt.Errorf("upload %s: staged file is not %d bytes: %v", info.ID, info.Size, err)
	}
	staged := Staged{
		Meta:         Meta{Entry: info.MetaData[metaEntry], Kind: info.MetaData[metaKind], Filename: info.MetaData[metaFilename]},
		OriginalName: info.MetaData[metaName],
		File:         f, Size: info.Size,
	}
	if err := s.cfg.Complete(ctx, r, staged); err != nil {
		if code := fault.ErrorCode(err); code != fault.CodeInternal && code != fault.CodeUnavailable {
			log.InfoContext(ctx, "upload refused", slog.Any("err", err))
		}
		return err
	}
	s.remember(info.ID, info.MetaData[metaOwner], info.Size)
	s.discard(context.WithoutCancel(ctx), info.ID)
	return nil
}

// binPath is where the file store keeps an upload's bytes.
func (s *Server) binPath(info tusd.FileInfo) string {
	if p := info.Storage[filestore.StorageKeyPath]; p != "" {
		return p
	}
	return filepath.Join(s.cfg.StagingDir, info.ID)
}

// discard removes a staged upload; the caller holds its lock or it is void anyway.
func (s *Server) discard(ctx context.Context, id string) {
	up, err := s.store.GetUpload(ctx, id)
	if errors.Is(err, tusd.ErrNotFound) {
		return
	}
	if err == nil {
		err = s.store.AsTerminatableUpload(up).Terminate(ctx)
	}
	if err != nil {
		s.log.ErrorContext(ctx, "removing a staged upload", slog.String("upload", id), slog.Any("err", err))
	}
}

// Sweep removes staged uploads (partial, or complete but never finished) and
// stray staging files untouched for olderThan, and returns how many uploads
// it removed. Run it periodically, e.g. hourly with olderThan of a day: a
// client that comes back later starts over.
func (s *Server) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	entries, err := os.ReadDir(s.cfg.StagingDir)
	if err != nil {
		return 0, fmt.Errorf("upload sweep: %w", err)
	}
	cutoff := time.Now().Add(-olderThan)
	stale := func(names ...string) bool { // none of the files was touched since cutoff
		for _, name := range names {
			st, err := os.Stat(filepath.Join(s.cfg.StagingDir, name))
			if err == nil && !st.ModTime().Before(cutoff) {
				return false
			}
		}
		return true
	}
	live := map[string]bool{}
	n := 0
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".info")
		if !ok || !idPattern.MatchString(id) {
			continue
		}
		live[id] = true
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if !stale(e.Name(), id) {
			continue // written to recently
		}
		if s.sweepOne(ctx, id, cutoff) {
			delete(live, id)
			n++
		}
	}
	for _, e := range entries { // bytes without info, lock files of crashed processes, …
		name := e.Name()
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, ".info"), ".lock"), ".stop")
		if e.Type().IsRegular() && !live[base] && stale(name) && !strings.HasSuffix(name, ".info") {
			os.Remove(filepath.Join(s.cfg.StagingDir, name))
		}
	}
	return n, nil
}

// sweepOne removes one stale upload under its lock, unless it was written to
// while the lock was awaited.
func (s *Server) sweepOne(ctx context.Context, id string, cutoff time.Time) bool {
	lock, err := s.composer.Locker.NewLock(id)
	if err != nil {
		return false
	}
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if lock.Lock(lctx, func() {}) != nil {
		return false
	}
	defer lock.Unlock()
	if st, err := os.Stat(filepath.Join(s.cfg.StagingDir, id)); err == nil && st.ModTime().After(cutoff) {
		return false
	}
	up, err := s.store.GetUpload(ctx, id)
	if err != nil {
		// Info without bytes (or unreadable): remove what is there.
		os.Remove(filepath.Join(s.cfg.StagingDir, id+".info"))
		os.Remove(filepath.Join(s.cfg.StagingDir, id))
		return true
	}
	if err := s.store.AsTerminatableUpload(up).Terminate(ctx); err != nil {
		s.log.ErrorContext(ctx, "sweeping a staged upload", slog.String("upload", id), slog.Any("err", err))
		return false
	}
	return true
}
