package entry

import "time"

// Organization kinds.
const (
	OrgEnterprise = "enterprise" // a registered company: needs a valid USCC
	OrgTeam       = "team"       // a team not (yet) incorporated
)

// Member is one person of an entrant's team.
type Member struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// OrganizationInput is the profile an entrant fills in.
type OrganizationInput struct {
	Kind         string   `json:"kind"`
	Name         string   `json:"name"`
	USCC         string   `json:"uscc"`
	ContactName  string   `json:"contact_name"`
	ContactPhone string   `json:"contact_phone"`
	ContactEmail string   `json:"contact_email"`
	Members      []Member `json:"members"`
}

// Organization is a saved entrant organization.
type Organization struct {
	ID        int64     `json:"id"`
	UpdatedAt time.Time `json:"updated_at"`
	OrganizationInput
}
