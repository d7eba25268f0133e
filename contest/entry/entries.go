package entry

import (
	"time"

	"podium/files/filecheck"
)

// State is where an entry stands: its entrant's (draft, submitted,
// withdrawn), then the organizers' eligibility review (accepted, rejected).
type State string

// Entry states.
const (
	Draft     State = "draft"
	Submitted State = "submitted"
	Withdrawn State = "withdrawn"
	Accepted  State = "accepted"
	Rejected  State = "rejected"
)

// Entry flags shown to organizers.
const (
	FlagIdentityLeak = "identity_leak" // a PDF names the entrant: blind review would fail
)

// Fields are the project details an innovation contest asks for. Which of
// them are required is set per contest (EntrySettings.RequiredFields).
type Fields struct {
	Summary    string `json:"summary"`    // 项目简介
	Stage      string `json:"stage"`      // 发展阶段: one of Stages
	Technology string `json:"technology"` // 核心技术
	Market     string `json:"market"`     // 市场前景
	Team       string `json:"team"`       // 团队情况
	Financing  string `json:"financing"`  // 融资情况与需求
	// Keywords describe the project for matching it with experts' keywords.
	Keywords []string `json:"keywords,omitempty"`
}

// Stages of development an entry may declare.
var Stages = []string{"idea", "prototype", "pilot", "revenue", "growth"}

// Value returns the field named key.
func (f Fields) Value(key string) string {
	switch key {
	case "summary":
		return f.Summary
	case "stage":
		return f.Stage
	case "technology":
		return f.Technology
	case "market":
		return f.Market
	case "team":
		return f.Team
	case "financing":
		return f.Financing
	}
	return ""
}

// ConflictKind is whom an entrant declares a conflict with.
type ConflictKind string

// Kinds of declared conflict.
const (
	ConflictExpert       ConflictKind = "expert"       // an expert, by name
	ConflictOrganization ConflictKind = "organization" // every expert of an organization, by name
)

// DeclaredConflict is an expert or organization an entrant asks to be kept away from.
type DeclaredConflict struct {
	Kind   ConflictKind `json:"kind"`
	Name   string       `json:"name"`
	Reason string       `json:"reason"`
	// NameNorm is Name normalized like organization names, so that conflicts can
	// be computed in the database (set by validation).
	NameNorm string `json:"name_norm,omitempty"`
}

// Input is what an entrant writes (or an import row provides) for an entry.
type Input struct {
	Track     string             `json:"track"`
	Group     string             `json:"group"`
	Title     string             `json:"title"`
	Fields    Fields             `json:"fields"`
	Conflicts []DeclaredConflict `json:"conflicts"`
}

// UploadKind is what a file of an entry is for. The kinds are declared once,
// in files/filecheck, which knows what each accepts.
type UploadKind = filecheck.Kind

// Upload kinds.
const (
	UploadBusinessPlan = filecheck.BusinessPlan
	UploadDeck         = filecheck.Deck
	UploadVideo        = filecheck.Video
	UploadAttachment   = filecheck.Attachment
)

// UploadKinds lists the kinds of file an entry may carry; all but attachments are one per entry.
var UploadKinds = filecheck.Kinds

// MissingUploads are the kinds of file a contest requires that an entry does
// not carry yet, in the contest's order: the argument of
// err.entry.uploads_missing, which names each in the reader's language.
type MissingUploads []UploadKind

// Upload is a file attached to an entry.
type Upload struct {
	ID          string     `db:"id" json:"id"`
	Kind        UploadKind `db:"kind" json:"kind"`
	Name        string     `db:"original_name" json:"name"` // identity-bearing: never shown to judges
	ContentType string     `db:"content_type" json:"content_type"`
	Size        int64      `db:"size_bytes" json:"size"`
	SHA256      []byte     `db:"sha256" json:"sha256"`
	CreatedAt   time.Time  `db:"created_at" json:"created_at"`
}

// Entry is an entry as its entrant and the organizers see it.
type Entry struct {
	ID           int64         `json:"id"`
	ContestID    int64         `json:"contest_id"`
	Source       string        `json:"source"`
	State        State         `json:"state"`
	ReviewReason string        `json:"review_reason"`
	Flags        []string      `json:"flags"`
	Organization *Organization `json:"organization,omitempty"`
	SubmittedAt  *time.Time    `json:"submitted_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	Uploads      []Upload      `json:"uploads"`
	Snapshot     *Snapshot     `json:"snapshot,omitempty"` // exactly what was submitted
	// Ineligible are the contest's eligibility rules the entry fails, for its
	// organizers (EntryInContest only).
	Ineligible []Ineligible `json:"ineligible,omitempty"`
	Input
}

// Snapshot freezes an entry at submission: what the entrant sees as submitted and
// what review and judging use.
type Snapshot struct {
	Input
	Organization Organization `json:"organization"`
	Uploads      []Upload     `json:"uploads"`
	SubmittedAt  time.Time    `json:"submitted_at"`
	// Leaks are the documents that named the entrant when it was submitted
	// anyway (the entry is flagged FlagIdentityLeak), with what named them.
	Leaks []Leak `json:"leaks,omitempty"`
}

// ImportRow is one entry read from an organizer's CSV or XLSX file of entries
// collected by another system. Line is the file's line (or sheet row) number.
type ImportRow struct {
	Line int
	Input
	Organization OrganizationInput
}
