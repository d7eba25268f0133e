package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/lib/pq"
)

// What a record is about, in words a person knows: each action's subject is
// of one kind (a round's key, an entry, an investor, …), and Names looks up
// the names of a page of records, and of the entries, experts and rounds their
// payloads mention, with one query per kind.

// SubjectKind is what an action's subject names.
type SubjectKind string

// Subject kinds, and how the subject is written.
const (
	SubjectContest    SubjectKind = "contest"    // the contest's slug
	SubjectRound      SubjectKind = "round"      // a round's key
	SubjectEntry      SubjectKind = "entry"      // "entry 12"
	SubjectEntryCode  SubjectKind = "entry_code" // an entry's blind code in a round ("MA-4K7Q")
	SubjectAssignment SubjectKind = "assignment" // an assignment's id
	SubjectConflict   SubjectKind = "conflict"   // "expert 3 entry 12"
	SubjectInvestor   SubjectKind = "investor"   // "investor 149" (an account id)
	SubjectNomination SubjectKind = "nomination" // "nomination:4"
	SubjectObjection  SubjectKind = "objection"  // the objection's reference
	SubjectRoom       SubjectKind = "room"       // a live room's name
	SubjectState      SubjectKind = "state"      // the state entries were given in review
	SubjectCount      SubjectKind = "count"      // how many entries were imported
	SubjectRules      SubjectKind = "rules"      // a preset's id, "custom" or "none"
	SubjectLevel      SubjectKind = "level"      // a nomination level: province or nation
)

var subjectKinds = map[Action]SubjectKind{
	ContestCreated: SubjectContest, ContestUpdated: SubjectContest,
	EntriesReviewed: SubjectState, EntriesImported: SubjectCount, EligibilityRulesSet: SubjectRules,
	RoundState: SubjectRound, PanelSet: SubjectRound, AssignmentsRun: SubjectRound, AssignmentAdded: SubjectRound,
	AssignmentRemoved: SubjectRound, AssignmentRecused: SubjectRound, ConflictAdded: SubjectConflict,
	ScoreSubmitted: SubjectEntryCode, ScoreReopened: SubjectAssignment, ShortfallAccepted: SubjectRound,
	EntryWithdrawn: SubjectRound, AdvancementConfirmed: SubjectRound, AwardsConfirmed: SubjectRound,
	ResultsPublished: SubjectRound, ResultsHeadSigned: SubjectRound, ResultsRevised: SubjectRound, ResultsFinal: SubjectRound,
	ObjectionFiled: SubjectObjection, ObjectionAssigned: SubjectObjection, ObjectionNote: SubjectObjection,
	ObjectionDecided: SubjectObjection, LiveRoomsSet: SubjectRound,
	LiveDrawCommitted: SubjectRoom, LiveDrawRevealed: SubjectRoom, LiveSlotAbsent: SubjectRoom, LiveSlotMoved: SubjectRoom,
	LiveStage: SubjectRoom, LiveFrozen: SubjectRoom, LiveRevealed: SubjectRoom, LiveUnfrozen: SubjectRoom,
	NominationQuotaSet: SubjectLevel, NominationAdded: SubjectLevel, NominationsSubmitted: SubjectLevel,
	NominationRemoved: SubjectNomination, NominationTargetSet: SubjectNomination, NominationDecided: SubjectNomination,
	NominationCheckAdded: SubjectNomination, NominationWithdrawn: SubjectNomination,
	ShowcaseInvestorApplied: SubjectInvestor, ShowcaseInvestorDecided: SubjectInvestor,
	ShowcaseOptedIn: SubjectEntry, ShowcaseWithdrawn: SubjectEntry, ShowcaseContactAsked: SubjectEntry,
	ShowcaseContactDecided: SubjectEntry,
}

// SubjectKind is what the action's subject names; "" for an action of none.
func (a Action) SubjectKind() SubjectKind { return subjectKinds[a] }

// Name is a name in Chinese and, where given, in English.
type Name struct{ Zh, En string }

// EntryName is an entry as organizers know it: its code (the blind code of
// its first round, "" before it has one) and its title.
type EntryName struct {
	ID    int64
	Code  string
	Title string
}

// Subject is a record's subject, looked up: Kind says which of the other
// fields are set. Key is the subject as recorded (for a state, a count, a
// level, a reference or a room, the thing itself); a subject that names
// something no longer found keeps only Key and its id.
type Subject struct {
	Kind     SubjectKind
	Key      string
	ID       int64      // the id the subject gives, where it gives one
	Contest  *Name      // SubjectContest
	Round    *Name      // SubjectRound
	Entry    *EntryName // SubjectEntry, SubjectEntryCode, SubjectAssignment, SubjectConflict, SubjectNomination, SubjectObjection
	Person   string     // the expert of an assignment or conflict; the investor's institution
	PersonID int64
}

// Names are what Names found for a page of records.
type Names struct {
	Subjects map[int64]Subject   // by record id
	Entries  map[int64]EntryName // entries the subjects and payloads name, by id
	Codes    map[string]EntryName
	Experts  map[int64]string
	Rounds   map[string]Name // the contest's rounds, by key
	Criteria map[string]Name // the contest's criteria, by key (the first round's name where rounds share a key)
	Tracks   map[string]Name
	Groups   map[string]Name
}

// blindCode is the form of an entry's blind code (entry.newBlindCode).
var blindCode = regexp.MustCompile(`^[A-Z]{2}-[2-9A-HJ-NP-Z]{4}$`)

// entryFields and expertFields are the payload members that hold ids of entries and of experts.
var (
	entryFields  = map[string]bool{"entry": true, "entries": true}
	expertFields = map[string]bool{"expert": true, "experts": true, "judges": true, "replacement": true}
)

// parseSubject reads a record's subject by its action's kind.
func parseSubject(a Action, subject string) (s Subject, expertID int64) {
	s = Subject{Kind: a.SubjectKind(), Key: subject}
	switch s.Kind {
	case SubjectEntry:
		s.ID, _ = strconv.ParseInt(strings.TrimPrefix(subject, "entry "), 10, 64)
	case SubjectInvestor:
		s.ID, _ = strconv.ParseInt(strings.TrimPrefix(subject, "investor "), 10, 64)
	case SubjectNomination:
		s.ID, _ = strconv.ParseInt(strings.TrimPrefix(subject, "nomination:"), 10, 64)
	case SubjectAssignment:
		s.ID, _ = strconv.ParseInt(subject, 10, 64)
	case SubjectConflict:
		if _, err := fmt.Sscanf(subject, "expert %d entry %d", &expertID, &s.ID); err != nil {
			expertID, s.ID = 0, 0
		}
	}
	return s, expertID
}

// Names looks up what a page of a contest's records names: each record's
// subject, and the entries (by id and by blind code) and experts their
// payloads mention, with the contest's rounds, criteria, tracks and groups.
// It runs one query per kind of thing, whatever the number of records.
func (s *Service) Names(ctx context.Context, contestID int64, recs []Entry) (Names, error) {
	n := Names{Subjects: map[int64]Subject{}, Entries: map[int64]EntryName{}, Codes: map[string]EntryName{},
		Experts: map[int64]string{}}
	entryIDs, expertIDs, codes := map[int64]bool{}, map[int64]bool{}, map[string]bool{}
	assignments, investors, nominations, objections, slugs := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}, map[string]bool{}, map[string]bool{}
	experts := map[int64]int64{} // record id → the expert its subject names
	for _, r := range recs {
		sub, expert := parseSubject(r.Action, r.Subject)
		n.Subjects[r.ID] = sub
		switch sub.Kind {
		case SubjectEntry:
			entryIDs[sub.ID] = true
		case SubjectEntryCode:
			codes[sub.Key] = true
		case SubjectConflict:
			entryIDs[sub.ID], expertIDs[expert], experts[r.ID] = true, true, expert
		case SubjectAssignment:
			assignments[sub.ID] = true
		case SubjectInvestor:
			investors[sub.ID] = true
		case SubjectNomination:
			nominations[sub.ID] = true
		case SubjectObjection:
			objections[sub.Key] = true
		case SubjectContest:
			slugs[sub.Key] = true
		}
		collectIDs(r.Payload, entryIDs, expertIDs, codes)
	}

	// Subjects that lead to an entry through another table.
	type link struct {
		Kind   SubjectKind `db:"kind"`
		Key    string      `db:"key"`
		ID     int64       `db:"id"`
		Entry  int64       `db:"entry_id"`
		Person string      `db:"person"`
		Who    int64       `db:"who"`
	}
	var links []link
	if len(assignments)+len(nominations)+len(objections) > 0 {
		err := s.db.SelectContext(ctx, &links, `
			SELECT 'assignment' AS kind, '' AS key, a.id, a.entry_id, x.name AS person, x.id AS who
			FROM assignments a JOIN rounds r ON r.id = a.round_id JOIN experts x ON x.id = a.expert_id
			WHERE r.contest_id = $1 AND a.id = ANY($2)
			UNION ALL
			SELECT 'nomination', '', n.id, n.entry_id, '', 0 FROM nominations n WHERE n.contest_id = $1 AND n.id = ANY($3)
			UNION ALL
			SELECT 'objection', o.reference, 0, o.entry_id, '', 0 FROM objections o WHERE o.contest_id = $1 AND o.reference = ANY($4)`,
			contestID, pq.Int64Array(slices.Collect(maps.Keys(assignments))),
			pq.Int64Array(slices.Collect(maps.Keys(nominations))), pq.StringArray(slices.Collect(maps.Keys(objections))))
		if err != nil {
			return n, err
		}
	}
	for _, l := range links {
		entryIDs[l.Entry] = true
	}

	if len(entryIDs)+len(codes) > 0 {
		var rows []struct {
			EntryName
			Key string `db:"key"`
		}
		err := s.db.SelectContext(ctx, &rows, `
			SELECT e.id, e.title, coalesce(first.code, '') AS code, '' AS key
			FROM entries e LEFT JOIN LATERAL (
				SELECT b.code FROM blind_codes b JOIN rounds r ON r.id = b.round_id
				WHERE b.entry_id = e.id ORDER BY r.position LIMIT 1) first ON true
			WHERE e.contest_id = $1 AND e.id = ANY($2)
			UNION ALL
			SELECT e.id, e.title, b.code, b.code
			FROM blind_codes b JOIN rounds r ON r.id = b.round_id JOIN entries e ON e.id = b.entry_id
			WHERE r.contest_id = $1 AND b.code = ANY($3)`,
			contestID, pq.Int64Array(slices.Collect(maps.Keys(entryIDs))), pq.StringArray(slices.Collect(maps.Keys(codes))))
		if err != nil {
			return n, err
		}
		for _, r := range rows {
			if r.Key != "" {
				n.Codes[r.Key] = r.EntryName
			} else {
				n.Entries[r.ID] = r.EntryName
			}
		}
	}

	if len(expertIDs) > 0 {
		var rows []struct {
			ID   int64  `db:"id"`
			Name string `db:"name"`
		}
		if err := s.db.SelectContext(ctx, &rows, `SELECT id, name FROM experts WHERE id = ANY($1)`,
			pq.Int64Array(slices.Collect(maps.Keys(expertIDs)))); err != nil {
			return n, err
		}
		for _, r := range rows {
			n.Experts[r.ID] = r.Name
		}
	}

	investorNames := map[int64]string{}
	if len(investors) > 0 {
		var rows []struct {
			ID   int64  `db:"id"`
			Name string `db:"name"`
		}
		if err := s.db.SelectContext(ctx, &rows, `
			SELECT a.id, coalesce(nullif(i.institution, ''), a.display_name) AS name
			FROM accounts a LEFT JOIN investors i ON i.account_id = a.id WHERE a.id = ANY($1)`,
			pq.Int64Array(slices.Collect(maps.Keys(investors)))); err != nil {
			return n, err
		}
		for _, r := range rows {
			investorNames[r.ID] = r.Name
		}
	}

	contests := map[string]Name{}
	if len(slugs) > 0 {
		var rows []struct {
			Slug string `db:"slug"`
			Zh   string `db:"name_zh"`
			En   string `db:"name_en"`
		}
		if err := s.db.SelectContext(ctx, &rows, `SELECT slug, name_zh, name_en FROM contests WHERE slug = ANY($1)`,
			pq.StringArray(slices.Collect(maps.Keys(slugs)))); err != nil {
			return n, err
		}
		for _, r := range rows {
			contests[r.Slug] = Name{r.Zh, r.En}
		}
	}

	// The contest's own vocabulary, small: rounds, criteria, tracks and groups in one query.
	var words []struct {
		Family   string `db:"family"`
		Key      string `db:"key"`
		Zh       string `db:"name_zh"`
		En       string `db:"name_en"`
		Position int    `db:"position"`
		Sub      int    `db:"sub"`
	}
	if err := s.db.SelectContext(ctx, &words, `
		SELECT 'round' AS family, key, name_zh, name_en, position, 0 AS sub FROM rounds WHERE contest_id = $1
		UNION ALL
		SELECT 'criterion', c.key, c.name_zh, c.name_en, r.position, c.position
		FROM criteria c JOIN rounds r ON r.id = c.round_id WHERE r.contest_id = $1
		UNION ALL
		SELECT 'track', key, name_zh, name_en, position, 0 FROM tracks WHERE contest_id = $1
		UNION ALL
		SELECT 'group', key, name_zh, name_en, position, 0 FROM contest_groups WHERE contest_id = $1
		ORDER BY 1, 5, 6`, contestID); err != nil {
		return n, err
	}
	n.Rounds, n.Criteria, n.Tracks, n.Groups = map[string]Name{}, map[string]Name{}, map[string]Name{}, map[string]Name{}
	for _, w := range words {
		m := map[string]map[string]Name{"round": n.Rounds, "criterion": n.Criteria, "track": n.Tracks, "group": n.Groups}[w.Family]
		if _, seen := m[w.Key]; !seen {
			m[w.Key] = Name{w.Zh, w.En}
		}
	}

	type linkKey struct {
		kind SubjectKind
		id   int64
		key  string
	}
	linked := map[linkKey]link{}
	for _, l := range links {
		linked[linkKey{l.Kind, l.ID, l.Key}] = l
	}
	entry := func(id int64) *EntryName {
		if e, ok := n.Entries[id]; ok {
			return &e
		}
		return nil
	}
	for id, sub := range n.Subjects {
		switch sub.Kind {
		case SubjectContest:
			if c, ok := contests[sub.Key]; ok {
				sub.Contest = &c
			}
		case SubjectRound:
			if r, ok := n.Rounds[sub.Key]; ok {
				sub.Round = &r
			}
		case SubjectEntry:
			sub.Entry = entry(sub.ID)
		case SubjectEntryCode:
			if e, ok := n.Codes[sub.Key]; ok {
				sub.Entry = &e
			}
		case SubjectConflict:
			sub.Entry, sub.PersonID = entry(sub.ID), experts[id]
			sub.Person = n.Experts[sub.PersonID]
		case SubjectInvestor:
			sub.Person, sub.PersonID = investorNames[sub.ID], sub.ID
		case SubjectObjection:
			if l, ok := linked[linkKey{SubjectObjection, 0, sub.Key}]; ok {
				sub.Entry = entry(l.Entry)
			}
		case SubjectNomination:
			if l, ok := linked[linkKey{SubjectNomination, sub.ID, ""}]; ok {
				sub.Entry = entry(l.Entry)
			}
		case SubjectAssignment:
			if l, ok := linked[linkKey{SubjectAssignment, sub.ID, ""}]; ok {
				sub.Entry, sub.Person, sub.PersonID = entry(l.Entry), l.Person, l.Who
			}
		}
		n.Subjects[id] = sub
	}
	return n, nil
}

// collectIDs gathers from a payload the ids of entries and experts (by the
// member that holds them) and every string shaped like a blind code.
func collectIDs(payload []byte, entries, experts map[int64]bool, codes map[string]bool) {
	var v any
	d := json.NewDecoder(strings.NewReader(string(payload)))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if blindCode.MatchString(k) {
					codes[k] = true
				}
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(key, x)
			}
		case json.Number:
			id, err := v.Int64()
			if err != nil {
				return
			}
			if entryFields[key] {
				entries[id] = true
			} else if expertFields[key] {
				experts[id] = true
			}
		case string:
			if blindCode.MatchString(v) {
				codes[v] = true
			}
		}
	}
	walk("", v)
}
