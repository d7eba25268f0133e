package web

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/audit"
	"podium/eligibility"
	"podium/scoring"
)

// The organizers' audit log page: the newest records first, a page at a time,
// filtered by action, with the chain verified on request and the full log to
// download (JSON and CSV, from the API).

const auditPageSize = 50

// auditRow is a record as the page shows it: its action and subject by name
// and its payload as named fields, in the reader's language; the stored JSON,
// which the chain's hash covers, is kept beside them for checking.
type auditRow struct {
	audit.Entry
	ActionName string
	// SubjectName is what the record is about, as people know it; SubjectHint,
	// shown small beside it, the number or reference that tells it apart.
	SubjectName, SubjectHint string
	Fields                   []auditField
}

// auditField is one member of a record's payload: a Value, or Lines when it
// is a list of several things (Folded when long enough to show on request).
type auditField struct {
	Name, Value string
	Lines       []string
	Folded      bool
}

// auditFoldAt is how many lines a field shows before it folds.
const auditFoldAt = 8

// auditWords writes records in the reader's language, with the names of
// what a page of records mentions (audit.Service.Names).
type auditWords struct {
	l *Localizer
	n audit.Names
}

// describeRecord names a record's action, subject and payload. Members the
// catalog names (audit.field.*) get their names; any other keeps its key.
func (w auditWords) describeRecord(e audit.Entry) auditRow {
	l := w.l
	row := auditRow{Entry: e, ActionName: actionName(l, e.Action)}
	row.SubjectName, row.SubjectHint = w.subject(w.n.Subjects[e.ID])
	var payload map[string]any
	d := json.NewDecoder(bytes.NewReader(e.Payload))
	d.UseNumber()
	if err := d.Decode(&payload); err != nil {
		return row
	}
	sub := w.n.Subjects[e.ID]
	keys := slices.Sorted(maps.Keys(payload))
	for _, k := range keys {
		if id, ok := payload[k].(json.Number); ok && k == "entry" && sub.Entry != nil && id.String() == strconv.FormatInt(sub.Entry.ID, 10) {
			continue // the subject already names the entry
		}
		row.Fields = append(row.Fields, w.field(e.Action, k, payload[k]))
	}
	return row
}

// subject is a record's subject by name, and the hint beside it.
func (w auditWords) subject(s audit.Subject) (name, hint string) {
	l := w.l
	entry := func(e *audit.EntryName) string {
		if e == nil {
			return l.T("audit.subject.entry_gone", s.ID)
		}
		return w.entryName(*e)
	}
	switch s.Kind {
	case audit.SubjectContest:
		if s.Contest != nil {
			return l.Name(s.Contest.Zh, s.Contest.En), ""
		}
	case audit.SubjectRound:
		if s.Round != nil {
			return l.Name(s.Round.Zh, s.Round.En), ""
		}
	case audit.SubjectEntry, audit.SubjectNomination:
		return entry(s.Entry), ""
	case audit.SubjectEntryCode:
		if s.Entry != nil {
			return w.entryName(*s.Entry), ""
		}
	case audit.SubjectAssignment, audit.SubjectConflict:
		name = entry(s.Entry)
		if s.Person != "" {
			name += l.T("list.sep") + s.Person
		}
		return name, ""
	case audit.SubjectObjection:
		if s.Entry != nil {
			return w.entryName(*s.Entry), l.T("audit.subject.objection", s.Key)
		}
		return l.T("audit.subject.objection", s.Key), ""
	case audit.SubjectInvestor:
		if s.Person != "" {
			return s.Person, fmt.Sprintf("#%d", s.ID)
		}
	case audit.SubjectState:
		return w.word("state", s.Key), ""
	case audit.SubjectCount:
		if n, err := strconv.Atoi(s.Key); err == nil {
			return l.T("audit.subject.imported", n), ""
		}
	case audit.SubjectRules:
		switch s.Key {
		case "none":
			return l.T("audit.subject.rules_removed"), ""
		case "custom":
			return l.T("elig.custom"), ""
		}
		if p := l.PresetLabel(s.Key); p != "" {
			return p, ""
		}
	case audit.SubjectLevel:
		return w.word("level", s.Key), ""
	}
	return s.Key, ""
}

// entryName is an entry by its code and title, or its title alone before it has a code.
func (w auditWords) entryName(e audit.EntryName) string {
	if e.Code == "" {
		return e.Title
	}
	return w.l.Entry(e.Code, e.Title)
}

// field is one member of a payload, by name.
func (w auditWords) field(action audit.Action, k string, v any) auditField {
	l := w.l
	f := auditField{Name: l.T("audit.field." + k)}
	if f.Name == "audit.field."+k {
		f.Name = k
	}
	switch {
	case k == "rules" && action == audit.EligibilityRulesSet:
		f.Lines = w.rules(v)
	case k == "marks" || k == "awards" || k == "chosen_for_ties":
		if m, ok := v.(map[string]any); ok { // criterion or entry code → mark or prize
			for _, key := range slices.Sorted(maps.Keys(m)) {
				f.Lines = append(f.Lines, l.T("audit.pair", w.word(k, key), w.value(k, m[key])))
			}
		} else {
			f.Lines = w.lines(k, v)
		}
	default:
		f.Lines = w.lines(k, v)
	}
	if f.Lines == nil {
		f.Value = w.value(k, v)
	} else if len(f.Lines) > auditFoldAt {
		f.Folded, f.Value = true, l.T("audit.items", len(f.Lines))
	}
	return f
}

// lines is a list as one line per item, when it is long or its items are
// records of their own; nil when the value reads well on one line.
func (w auditWords) lines(k string, v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	nested := slices.ContainsFunc(list, func(x any) bool { _, ok := x.(map[string]any); return ok })
	if !nested && len(list) <= auditFoldAt {
		return nil
	}
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = w.value(k, x)
	}
	return out
}

// rules is an eligibility rule set's rules, each by its name: on or off, and its limit.
func (w auditWords) rules(v any) []string {
	l := w.l
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		r, ok := x.(map[string]any)
		if !ok {
			continue
		}
		kind, _ := r["kind"].(string)
		state := l.T("audit.rule.off")
		if on, _ := r["enabled"].(bool); on {
			state = l.T("audit.rule.on")
		}
		line := l.T("audit.pair", l.RuleName(eligibility.Kind(kind)), state)
		if n, ok := r["max_revenue"].(json.Number); ok {
			if yuan, err := n.Int64(); err == nil {
				line += l.T("list.sep") + l.T("audit.pair", l.T("elig.max_revenue"), l.WanAmount(yuan))
			}
		}
		out = append(out, line)
	}
	return out
}

// word is a key of the contest's or Podium's vocabulary by its name: a
// round, criterion, track or group of the contest, an entry's code, a state,
// a level; the key itself where none is known.
func (w auditWords) word(k, key string) string {
	l := w.l
	named := func(m map[string]audit.Name) (string, bool) {
		n, ok := m[key]
		return l.Name(n.Zh, n.En), ok
	}
	if e, ok := w.n.Codes[key]; ok {
		return w.entryName(e)
	}
	var families []string
	switch k {
	case "round", "rounds", "round_revised":
		if n, ok := named(w.n.Rounds); ok {
			return n
		}
	case "marks", "criteria", "tie_break":
		if n, ok := named(w.n.Criteria); ok {
			return n
		}
	case "track", "tracks", "fields":
		if n, ok := named(w.n.Tracks); ok {
			return n
		}
	case "group", "groups", "startup_group", "growth_group":
		if n, ok := named(w.n.Groups); ok {
			return n
		}
	case "preset":
		if p := l.PresetLabel(key); p != "" {
			return p
		}
	case "kind":
		families = []string{"elig.rule.", "round.kind."}
	case "method":
		families = []string{"round.method."}
	case "required_uploads":
		families = []string{"upload.kind."}
	case "level":
		families = []string{"nomination.level.", "award.level."}
	case "state", "status", "from":
		families = []string{"round.state.", "entry.state."}
	case "op": // a live stage operation, by the console's name for it
		families = []string{"console.op."}
	case "round_raised":
		families = []string{"showcase.round."}
	}
	for _, family := range families {
		if n := l.T(family + key); n != family+key {
			return n
		}
	}
	if n := l.T("audit.value." + key); n != "audit.value."+key { // a vocabulary word: by its name
		return n
	}
	return key
}

// actionName is an action as people say it; the code where the catalog has no name.
func actionName(l *Localizer, a audit.Action) string {
	if name := l.T("audit.action." + string(a)); name != "audit.action."+string(a) {
		return name
	}
	return string(a)
}

// value is a payload's value in words; k is the member that holds it.
func (w auditWords) value(k string, v any) string {
	l := w.l
	switch v := v.(type) {
	case nil:
		return "—"
	case string:
		if v == "" {
			return "—"
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil { // times as Beijing wall clock, like the page's
			return t.In(contest.Beijing).Format("2006-01-02 15:04:05")
		}
		return w.word(k, v)
	case bool:
		if v {
			return l.T("audit.yes")
		}
		return l.T("audit.no")
	case json.Number:
		id, err := v.Int64()
		switch {
		case err != nil:
			return v.String()
		case k == "entry" || k == "entries":
			if e, ok := w.n.Entries[id]; ok {
				return w.entryName(e)
			}
		case k == "expert" || k == "experts" || k == "judges" || k == "replacement":
			if name, ok := w.n.Experts[id]; ok {
				return name
			}
		case k == "score": // a ranking's score, in hundredths
			return scoring.Points(id).String()
		}
		return v.String()
	case []any:
		if k == "sheets" || k == "nominations" { // ids of no meaning to a reader: how many
			return l.T("audit.count."+k, len(v))
		}
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = w.value(k, x)
		}
		if len(parts) == 0 {
			return "—"
		}
		return strings.Join(parts, l.T("list.sep"))
	case map[string]any: // a record of its own: by its name if it has one, each member by name
		var parts []string
		zh, _ := v["name_zh"].(string)
		en, _ := v["name_en"].(string)
		named := zh != "" || en != ""
		for _, key := range slices.Sorted(maps.Keys(v)) {
			if named && (key == "key" || strings.HasPrefix(key, "name_") || strings.HasPrefix(key, "description_")) {
				continue
			}
			name := l.T("audit.field." + key)
			if name == "audit.field."+key {
				name = key
			}
			parts = append(parts, l.T("audit.pair", name, w.value(key, v[key])))
		}
		members := strings.Join(parts, l.T("audit.pair_sep"))
		switch {
		case named && members != "":
			return l.T("audit.named", l.Name(zh, en), members)
		case named:
			return l.Name(zh, en)
		}
		return members
	default:
		return fmt.Sprint(v)
	}
}

// ShortHash is the first 12 hex digits of the record's hash, enough to tell records apart.
func (r auditRow) ShortHash() string { return hex.EncodeToString(r.Hash)[:min(12, 2*len(r.Hash))] }

// FullHash is the record's whole hash, in hex.
func (r auditRow) FullHash() string { return hex.EncodeToString(r.Hash) }

// PayloadText is the record's payload as stored (canonical JSON).
func (r auditRow) PayloadText() string { return string(r.Payload) }

// auditActionOption is an action in the filter's list.
type auditActionOption struct {
	Action audit.Action
	Name   string
}

// auditVerification is the outcome of checking the contest's chain.
type auditVerification struct {
	Checked  int
	Problems []audit.ChainProblem
}

type auditPage struct {
	Contest contest.Contest
	Records []auditRow
	Actions []audit.Action
	// ActionNames are the actions of the filter, by name.
	ActionNames []auditActionOption
	Action      audit.Action
	Limit       int
	Older       string // the next older page's link; empty on the oldest
	First       bool   // this page starts at the newest record
	Newest      string // the link back to the newest records
	Verify      string // the link that verifies the chain, keeping the filter
	Verified    *auditVerification
}

func (s *Server) auditPage(c *gin.Context) {
	ctx := c.Request.Context()
	page := auditPage{Action: audit.Action(c.Query("action")), Limit: auditPageSize}
	if n, err := strconv.Atoi(c.Query("limit")); err == nil && n > 0 {
		page.Limit = min(n, audit.MaxPage)
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	page.First = before <= 0
	var err error
	if page.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	if page.Actions, err = s.audit.Actions(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	recs, more, err := s.audit.Page(ctx, contestID(c), audit.Query{Action: page.Action, Before: before, Limit: page.Limit})
	if err != nil {
		s.fail(c, err)
		return
	}
	names, err := s.audit.Names(ctx, contestID(c), recs)
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.localizer(c)
	words := auditWords{l: l, n: names}
	for _, r := range recs {
		page.Records = append(page.Records, words.describeRecord(r))
	}
	for _, a := range page.Actions {
		page.ActionNames = append(page.ActionNames, auditActionOption{Action: a, Name: actionName(l, a)})
	}
	link := func(extra url.Values) string {
		q := url.Values{}
		if page.Action != "" {
			q.Set("action", string(page.Action))
		}
		if page.Limit != auditPageSize {
			q.Set("limit", strconv.Itoa(page.Limit))
		}
		for k, v := range extra {
			q[k] = v
		}
		u := fmt.Sprintf("/organizer/contests/%d/audit", contestID(c))
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		return u
	}
	if more {
		page.Older = link(url.Values{"before": {strconv.FormatInt(recs[len(recs)-1].Seq, 10)}})
	}
	page.Newest = link(nil)
	page.Verify = link(url.Values{"verify": {"1"}})
	// Verifying reads and hashes the whole chain, so it runs when asked for.
	if c.Query("verify") == "1" {
		id := contestID(c)
		checked, problems, err := s.audit.Verify(ctx, &id)
		if err != nil {
			s.fail(c, err)
			return
		}
		page.Verified = &auditVerification{Checked: checked, Problems: problems}
	}
	s.render(c, http.StatusOK, "audit.html", "audit.title", page)
}
