package audit

// Action names what a record records. Every action is declared here, once:
// what matters to fairness is recorded in the same transaction as the change.
type Action string

// Setup.
const (
	ContestCreated Action = "contest.created"
	ContestUpdated Action = "contest.updated"
)

// Entries.
const (
	EntriesReviewed Action = "entries.reviewed" // eligibility: accepted or rejected
	EntriesImported Action = "entries.imported"
)

// Judging: rounds, panels, assignments, conflicts and score sheets.
const (
	RoundState        Action = "round.state" // opened or closed for scoring
	PanelSet          Action = "panel.set"
	AssignmentsRun    Action = "assignments.generated"
	AssignmentAdded   Action = "assignment.added"
	AssignmentRemoved Action = "assignment.removed"
	AssignmentRecused Action = "assignment.recused"
	ConflictAdded     Action = "conflict.added"
	ScoreSubmitted    Action = "score.submitted"
	ScoreReopened     Action = "score.reopened"
	ShortfallAccepted Action = "reviews.shortfall_accepted"
	EntryWithdrawn    Action = "round.entry_withdrawn" // from one round, by the organizers
)

// Results.
const (
	AdvancementConfirmed Action = "advancement.confirmed"
	AwardsConfirmed      Action = "awards.confirmed"
	ResultsPublished     Action = "results.published" // 公示, with every result
)
