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
)

// The organizers' audit log page: the newest records first, a page at a time,
// filtered by action, with the chain verified on request and the full log to
// download (JSON and CSV, from the API).

const auditPageSize = 50

// auditRow is a record as the page shows it: its action by name and its
// payload as named fields, in the reader's language; the stored JSON, which
// the chain's hash covers, is kept beside them for checking.
type auditRow struct {
	audit.Entry
	ActionName string
	Fields     []auditField
}

// auditField is one member of a record's payload.
type auditField struct{ Name, Value string }

// describeRecord names a record's action and payload for reader l. Members
// the catalog names (audit.field.*) get their names; any other keeps its key.
func describeRecord(l *Localizer, e audit.Entry) auditRow {
	row := auditRow{Entry: e, ActionName: actionName(l, e.Action)}
	var payload map[string]any
	d := json.NewDecoder(bytes.NewReader(e.Payload))
	d.UseNumber()
	if err := d.Decode(&payload); err != nil {
		return row
	}
	keys := slices.Sorted(maps.Keys(payload))
	for _, k := range keys {
		name := l.T("audit.field." + k)
		if name == "audit.field."+k {
			name = k
		}
		value := auditValue(l, payload[k])
		if k == "state" { // a round's or an entry's state: by its name
			for _, family := range []string{"round.state.", "entry.state."} {
				if n := l.T(family + value); n != family+value {
					value = n
					break
				}
			}
		}
		row.Fields = append(row.Fields, auditField{Name: name, Value: value})
	}
	return row
}

// actionName is an action as people say it; the code where the catalog has no name.
func actionName(l *Localizer, a audit.Action) string {
	if name := l.T("audit.action." + string(a)); name != "audit.action."+string(a) {
		return name
	}
	return string(a)
}

func auditValue(l *Localizer, v any) string {
	switch v := v.(type) {
	case nil:
		return "—"
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil { // times as Beijing wall clock, like the page's
			return t.In(contest.Beijing).Format("2006-01-02 15:04:05")
		}
		if w := l.T("audit.value." + v); w != "audit.value."+v { // a vocabulary word: by its name
			return w
		}
		return v
	case bool:
		if v {
			return l.T("audit.yes")
		}
		return l.T("audit.no")
	case json.Number:
		return v.String()
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			if _, nested := x.(map[string]any); nested {
				b, _ := json.Marshal(v)
				return string(b)
			}
			parts[i] = auditValue(l, x)
		}
		return strings.Join(parts, l.T("list.sep"))
	default:
		b, _ := json.Marshal(v)
		return string(b)
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
	l := s.localizer(c)
	for _, r := range recs {
		page.Records = append(page.Records, describeRecord(l, r))
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
