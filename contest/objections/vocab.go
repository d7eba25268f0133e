package objections

import "slices"

// ObjectorKind is who objects: a person or an organization.
type ObjectorKind string

const (
	Person       ObjectorKind = "person"
	Organization ObjectorKind = "organization"
)

// ObjectorKinds in the order the form shows them.
var ObjectorKinds = []ObjectorKind{Person, Organization}

// IDType is the document whose number identifies the objector.
type IDType string

const (
	IDResident IDType = "resident" // 居民身份证 (GB 11643, with check digit)
	IDPassport IDType = "passport" // 护照
	IDHKMacau  IDType = "hk_macau" // 港澳居民来往内地通行证
	IDTaiwan   IDType = "taiwan"   // 台湾居民来往大陆通行证
	IDUSCC     IDType = "uscc"     // 统一社会信用代码: an organization's
)

// PersonIDTypes are the documents a person may give, in the form's order.
var PersonIDTypes = []IDType{IDResident, IDPassport, IDHKMacau, IDTaiwan}

// IDTypesOf are the documents an objector of kind may give.
func IDTypesOf(kind ObjectorKind) []IDType {
	if kind == Organization {
		return []IDType{IDUSCC}
	}
	return slices.Clone(PersonIDTypes)
}

// State is where an objection stands.
type State string

const (
	Received      State = "received"
	Investigating State = "investigating"
	Rejected      State = "rejected"
	Upheld        State = "upheld"
)

// States in the order of handling.
var States = []State{Received, Investigating, Rejected, Upheld}

// Open reports whether the objection still awaits its decision.
func (s State) Open() bool { return s == Received || s == Investigating }

// Remedy is what an upheld objection leads to.
type Remedy string

const (
	Rescore    Remedy = "rescore"    // a sheet reopened and scored again
	Disqualify Remedy = "disqualify" // the entry withdrawn from the round
	Correct    Remedy = "correct"    // the entry's data corrected
)

// Remedies in the form's order.
var Remedies = []Remedy{Rescore, Disqualify, Correct}

// Outcome is a decision's verdict: Rejected or Upheld.
type Outcome = State

// Purpose is why a file is kept with an objection.
type Purpose string

const (
	Evidence      Purpose = "evidence"       // the objector's evidence
	StampedLetter Purpose = "stamped_letter" // an organization's letter with its stamp
	Investigation Purpose = "investigation"  // the organizers' findings
)
