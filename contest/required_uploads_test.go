package contest_test

import (
	"context"
	"slices"
	"testing"

	"podium/contest/entry"
	"podium/fault"
)

// A contest set up without saying which materials it needs requires the
// business plan: an entry with no file at all is refused, the refusal names
// what is missing (for the materials as a whole and next to the file), and
// nothing of the submission is written (no snapshot, no blind code, no
// receipt in the outbox).
func TestSubmissionWithoutTheBusinessPlanIsRefused(t *testing.T) {
	t.Parallel()
	w := newEntrantWorld(t)
	ctx := context.Background()
	if !slices.Equal(w.contest.Entry.RequiredUploads, []entry.UploadKind{entry.UploadBusinessPlan}) {
		t.Fatalf("a contest's default required materials: %v, want the business plan", w.contest.Entry.RequiredUploads)
	}
	ent, err := w.s.CreateEntry(ctx, w.entrant.ID, w.contest.ID, w.input("没有材料的项目"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.s.SubmitEntry(ctx, w.entrant.ID, ent.ID, false)
	e := wantCode(t, err, fault.CodeInvalid)
	if e.Message != "err.entry.uploads_missing" || e.Fields["uploads"] != "err.entry.uploads_missing" ||
		e.Fields["uploads.business_plan"] != "err.entry.upload_required" {
		t.Errorf("refusal: %q %v", e.Message, e.Fields)
	}
	want := entry.MissingUploads{entry.UploadBusinessPlan}
	if len(e.Args) != 1 || !slices.Equal(e.Args[0].(entry.MissingUploads), want) ||
		len(e.FieldArgs["uploads"]) != 1 || !slices.Equal(e.FieldArgs["uploads"][0].(entry.MissingUploads), want) {
		t.Errorf("the refusal does not name the missing material: %v %v", e.Args, e.FieldArgs)
	}
	var state string
	var snapshots, codes, receipts int
	if err := w.s.DB.Get(&state, `SELECT state FROM entries WHERE id = $1`, ent.ID); err != nil || state != "draft" {
		t.Errorf("state after the refusal: %q %v", state, err)
	}
	if err := w.s.DB.Get(&snapshots, `SELECT count(*) FROM entries WHERE id = $1 AND (snapshot IS NOT NULL OR submitted_at IS NOT NULL)`, ent.ID); err != nil || snapshots != 0 {
		t.Errorf("a snapshot was written: %d %v", snapshots, err)
	}
	if err := w.s.DB.Get(&codes, `SELECT count(*) FROM blind_codes WHERE entry_id = $1`, ent.ID); err != nil || codes != 0 {
		t.Errorf("blind codes were given: %d %v", codes, err)
	}
	if err := w.s.DB.Get(&receipts, `SELECT count(*) FROM outbox WHERE kind = 'entry.submitted'`); err != nil || receipts != 0 {
		t.Errorf("a receipt was queued: %d %v", receipts, err)
	}

	// With the plan, the same entry goes through.
	w.addPlan(t, ent.ID, "00000000-0000-0000-0000-0000000000b1", "项目概述")
	if got, err := w.s.SubmitEntry(ctx, w.entrant.ID, ent.ID, false); err != nil || got.State != entry.Submitted {
		t.Fatalf("with the plan: %+v %v", got, err)
	}
}
