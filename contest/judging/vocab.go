package judging

// The words of judging, each declared once as a type.

// SheetState is where a judge's score sheet stands.
type SheetState string

// Sheet states.
const (
	SheetNew       SheetState = "new"       // nothing saved yet
	SheetDraft     SheetState = "draft"     // saved, not submitted
	SheetSubmitted SheetState = "submitted" // submitted: counts in the ranking
	SheetReopened  SheetState = "reopened"  // sent back by the organizers for the judge to change
)

// AssignmentState is whether an assignment counts.
type AssignmentState string

// Assignment states.
const (
	AssignmentActive  AssignmentState = "active"
	AssignmentRemoved AssignmentState = "removed" // by the organizers, by hand or by a run's rebalancing
	AssignmentRecused AssignmentState = "recused" // the judge stepped aside: never again on that entry
)

// RunState is where an assignment run stands.
type RunState string

// States of an assignment run.
const (
	RunRunning RunState = "running"
	RunDone    RunState = "done"
	RunPartial RunState = "partial" // not every entry served; the report says why
	RunFailed  RunState = "failed"  // RunReport.Failure says why
)

// RunFailure is why a run failed.
type RunFailure string

// Why a run failed.
const (
	RunInterrupted RunFailure = "interrupted" // its instance stopped, or shut down, mid-way
	RunInternal    RunFailure = "internal"    // a bug or an unavailable service; logged
	RunChanged     RunFailure = "changed"     // the round's panel, entries or conflicts kept changing while it was solved
)

// GapReason is why a run could not give an entry all its experts.
type GapReason string

// Why a run could not give an entry all its experts.
const (
	GapFewEligible GapReason = "few_eligible" // too few experts may judge it at all
	GapCapacity    GapReason = "capacity"     // those who may are full
)

// DecisionKind is the organizers' decision on an entry short of reviews.
type DecisionKind string

// Kinds of review decision.
const (
	DecisionAccepted  DecisionKind = "accepted"  // goes on with the reviews it has
	DecisionWithdrawn DecisionKind = "withdrawn" // takes no part in the round
)
