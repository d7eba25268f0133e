package contest

import "time"

// ExpertInput is what an organizer records about an expert of the pool.
type ExpertInput struct {
	Name         string   `json:"name"`
	Organization string   `json:"organization"`
	USCC         string   `json:"uscc"` // of the expert's organization, when known: equal codes are a conflict
	Title        string   `json:"title"`
	Fields       []string `json:"fields"`   // track keys (or Chinese names) the expert may judge; empty: any track
	Keywords     []string `json:"keywords"` // for affinity with entries
	Region       string   `json:"region"`
	Phone        string   `json:"phone"`
	Email        string   `json:"email"`
	Capacity     int      `json:"capacity"` // entries per round at most; 0 means the default (20)
	// Conflicts are organizations the expert declares a conflict of interest with.
	Conflicts []string `json:"conflicts"`
}

// Expert is an expert of the pool.
type Expert struct {
	ID        int64     `json:"id"`
	AccountID *int64    `json:"account_id,omitempty"` // the judge account, once invited; hidden with the contacts
	CreatedAt time.Time `json:"created_at"`
	// ContactHidden: the expert serves only other organizers' contests, so the
	// phone, email and account are left out for this organizer, and the record
	// is read-only to them (see ReadOnly).
	ContactHidden bool `json:"contact_hidden"`
	ExpertInput
}

// ReadOnly reports whether the organizer who read the expert may not change
// it: an expert who serves only other organizers' contests is theirs.
func (x Expert) ReadOnly() bool { return x.ContactHidden }

// ExpertRow is one expert read from an import file; Line is its line or sheet row.
type ExpertRow struct {
	Line int
	ExpertInput
}
