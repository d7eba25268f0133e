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

// EligibilityRulesSet records a contest's eligibility rule set chosen, changed or removed.
const EligibilityRulesSet Action = "eligibility.rules_set"

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
	ResultsPublished     Action = "results.published"   // 公示, with every result
	ResultsHeadSigned    Action = "results.head_signed" // the signed tree head of a publication (transparency log)
	ResultsRevised       Action = "results.revised"     // an upheld objection reopened a published round
	ResultsFinal         Action = "results.final"       // the publicity period ended with no objection open
)

// Objections (异议) to published results.
const (
	ObjectionFiled    Action = "objection.filed"
	ObjectionAssigned Action = "objection.assigned"
	ObjectionNote     Action = "objection.note_added" // an investigation note or file
	ObjectionDecided  Action = "objection.decided"    // rejected with a reply, or upheld with a remedy
)

// The live final (contest/live): rooms, the draw by lot, the stage, the
// freeze and reveal of the public board.
const (
	LiveRoomsSet      Action = "live.rooms_set"
	LiveDrawCommitted Action = "live.draw_committed" // the seed's SHA-256, before the draw
	LiveDrawRevealed  Action = "live.draw_revealed"  // the seed and the order it gives
	LiveSlotAbsent    Action = "live.slot_absent"    // an entrant marked absent, with the reason
	LiveSlotMoved     Action = "live.slot_moved"     // an entrant moved to the end of the order, with the reason
	LiveStage         Action = "live.stage"          // a stage operation: pitch, Q&A, timer, scoring opened or closed, result shown, next
	LiveFrozen        Action = "live.frozen"
	LiveRevealed      Action = "live.revealed" // one step of the reveal
	LiveUnfrozen      Action = "live.unfrozen"
)

// Nominations to the provincial and national contests (contest/onward).
const (
	NominationQuotaSet   Action = "nomination.quota_set"      // the quota per track and group of a level
	NominationAdded      Action = "nomination.added"          // entries nominated, in draft
	NominationRemoved    Action = "nomination.removed"        // a draft taken back
	NominationTargetSet  Action = "nomination.target_set"     // year, track and group at the higher contest
	NominationsSubmitted Action = "nomination.submitted"      // a level's drafts sent to the higher contest
	NominationDecided    Action = "nomination.decided"        // accepted or rejected there, with the result
	NominationCheckAdded Action = "nomination.check_recorded" // due diligence (尽职调查): who, when, findings, outcome
	NominationWithdrawn  Action = "nomination.withdrawn"      // by a failed due diligence
)

// The investor showcase (contest/showcase): investors' applications and the
// organizers' decisions, entrants' opt-ins, requests for contact and the
// entrants' answers. No record carries a contact detail.
const (
	ShowcaseInvestorApplied Action = "showcase.investor_applied"
	ShowcaseInvestorDecided Action = "showcase.investor_decided" // approved or rejected
	ShowcaseOptedIn         Action = "showcase.opted_in"         // or changed what is shown
	ShowcaseWithdrawn       Action = "showcase.withdrawn"
	ShowcaseContactAsked    Action = "showcase.contact_requested"
	ShowcaseContactDecided  Action = "showcase.contact_decided" // accepted or declined
)
