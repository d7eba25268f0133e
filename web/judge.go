package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"podium/contest"
	"podium/contest/judging"
	"podium/contest/onward"
	"podium/fault"
	"podium/web/upload"
)

func assignmentID(c *gin.Context) int64 {
	id, _ := strconv.ParseInt(c.Param("assignment"), 10, 64)
	return id
}

// Judge pages.

// judgeHomePage is the judge's task list, with the organizers' reminders on top.
type judgeHomePage struct {
	Tasks     []judging.JudgeTask
	Reminders []judging.JudgeReminder
	LiveRooms []judgeLiveRoom // the live rooms the judge sits in
	Recused   bool            // the judge just stepped aside from an entry
}

func (s *Server) judgeHome(c *gin.Context) {
	page := judgeHomePage{Recused: c.Query("recused") == "1"}
	var err error
	if page.Tasks, err = s.judging.JudgeTasks(c.Request.Context(), judgeOf(c)); err == nil {
		page.Reminders, err = s.judging.JudgeReminders(c.Request.Context(), judgeOf(c))
	}
	if err == nil {
		page.LiveRooms, err = s.judgeLiveRooms(c)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "judge.html", "judge.title", page)
}

// judgeEntryPage is one assigned entry to score, and where to go once its sheet is in.
type judgeEntryPage struct {
	judging.BlindEntry
	Next int64 // the judge's next assignment still to score; 0: none, back to the list
}

func (s *Server) judgeEntryPage(c *gin.Context) {
	b, err := s.judging.JudgeEntry(c.Request.Context(), judgeOf(c), assignmentID(c))
	var tasks []judging.JudgeTask
	if err == nil {
		tasks, err = s.judging.JudgeTasks(c.Request.Context(), judgeOf(c))
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "judge_entry.html", "judge_entry.title", judgeEntryPage{BlindEntry: b, Next: nextTask(tasks, b.AssignmentID)})
}

// nextTask is the first assignment after current in the judge's list (wrapping
// around) whose round is open and whose sheet is not submitted; 0 when none.
func nextTask(tasks []judging.JudgeTask, current int64) int64 {
	at := slices.IndexFunc(tasks, func(t judging.JudgeTask) bool { return t.AssignmentID == current })
	for i := 1; i <= len(tasks); i++ {
		t := tasks[(at+i+len(tasks))%len(tasks)]
		if t.AssignmentID != current && t.RoundState == contest.RoundOpen && t.SheetState != judging.SheetSubmitted {
			return t.AssignmentID
		}
	}
	return 0
}

// judgeFile serves a material under its blind name, inline, so PDFs and videos
// open in the page; the uploaded name never reaches the judge.
func (s *Server) judgeFile(c *gin.Context) {
	u, name, err := s.judging.JudgeFile(c.Request.Context(), judgeOf(c), assignmentID(c), c.Param("upload"))
	if err == nil {
		err = upload.ServeBlob(c.Writer, c.Request, s.cfg.Blobs, u.Key, u.ContentType, name, true)
	}
	if err != nil {
		s.fail(c, err)
	}
}

// Judge API.

func (s *Server) apiJudgeTasks(c *gin.Context) {
	tasks, err := s.judging.JudgeTasks(c.Request.Context(), judgeOf(c))
	var reminders []judging.JudgeReminder
	if err == nil {
		reminders, err = s.judging.JudgeReminders(c.Request.Context(), judgeOf(c))
	}
	s.reply(c, http.StatusOK, gin.H{"tasks": tasks, "reminders": reminders}, err)
}

func (s *Server) apiJudgeEntry(c *gin.Context) {
	b, err := s.judging.JudgeEntry(c.Request.Context(), judgeOf(c), assignmentID(c))
	s.reply(c, http.StatusOK, b, err)
}

func (s *Server) apiSaveDraft(c *gin.Context) {
	var in judging.SheetInput
	if err := s.bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	sheet, err := s.judging.SaveDraft(c.Request.Context(), judgeOf(c), assignmentID(c), in)
	s.reply(c, http.StatusOK, sheet, err)
}

// apiSubmitSheet submits a sheet exactly once: the Idempotency-Key header names
// the attempt; a retry gets the original response byte for byte.
func (s *Server) apiSubmitSheet(c *gin.Context) {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxJSONBody))
	if err != nil {
		s.fail(c, fault.Invalid("body", "err.json.malformed"))
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	var in judging.SheetInput
	if err := s.bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	// The key is the judge's; the hash ties it to this assignment and these exact bytes.
	response, err := s.judging.SubmitSheet(c.Request.Context(), judgeOf(c), assignmentID(c), in, c.GetHeader("Idempotency-Key"),
		judging.RequestHash(assignmentID(c), body))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusCreated, "application/json; charset=utf-8", response)
}

// Organizer: rounds, progress, reopening, audit log.

type progressPage struct {
	Contest  contest.Contest
	Round    contest.Round
	Judges   []judgeProgress
	Entries  []judging.EntryProgress
	Reminded *judging.RemindResult // the outcome of the reminder form just sent
	Errors   map[string]string
	// Sheets are each entry's submitted sheets (entry id → by judge name),
	// which the organizers can reopen; none once the round is published.
	Sheets   map[int64][]submittedSheet
	Reopened bool       // a sheet was just reopened
	Reopen   reopenForm // the reopen form just refused
	// Gaps are the entries below the reviews the round requires (or withdrawn
	// from it), undecided first, with the organizers' decision forms.
	Gaps     []judging.EntryReviews
	Decided  judging.DecisionKind // the decision just recorded
	Decision decisionForm         // the decision form just refused
	// Materials counts the files of the round's and each entry's ZIP of
	// materials (linked when any).
	Materials onward.MaterialsCount
}

// Undecided counts the entries waiting for the organizers' decision.
func (p progressPage) Undecided() int {
	n := 0
	for _, g := range p.Gaps {
		if g.Undecided() {
			n++
		}
	}
	return n
}

// submittedSheet is a submitted sheet as the progress page offers it for reopening.
type submittedSheet struct {
	Assignment int64
	Judge      string
}

// reopenForm is what a refused reopen form sent, and why it was refused.
type reopenForm struct {
	Assignment int64
	Error      string
}

func (s *Server) progressPage(c *gin.Context) {
	page := progressPage{Reminded: remindedNotice(c), Reopened: c.Query("reopened") == "1"}
	if d := judging.DecisionKind(c.Query("decided")); d == judging.DecisionAccepted || d == judging.DecisionWithdrawn {
		page.Decided = d
	}
	s.renderProgress(c, http.StatusOK, page)
}

func (s *Server) renderProgress(c *gin.Context, status int, page progressPage) {
	ctx := c.Request.Context()
	var err error
	if page.Contest, err = s.contests.Contest(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	page.Round, _ = page.Contest.Round(c.Param("round"))
	if page.Judges, page.Entries, err = s.roundProgress(c); err != nil {
		s.fail(c, err)
		return
	}
	if page.Gaps, err = s.judging.ReviewGaps(ctx, contestID(c), c.Param("round")); err != nil {
		s.fail(c, err)
		return
	}
	if page.Sheets, err = s.submittedSheets(c); err != nil { // none once the round is published
		s.fail(c, err)
		return
	}
	if page.Materials, err = s.onward.CountMaterials(ctx, contestID(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "progress.html", "progress.title", page)
}

// submittedSheets lists the round's submitted sheets per entry, by judge name.
func (s *Server) submittedSheets(c *gin.Context) (map[int64][]submittedSheet, error) {
	list, err := s.judging.SubmittedSheets(c.Request.Context(), contestID(c), c.Param("round"))
	if err != nil {
		return nil, err
	}
	out := map[int64][]submittedSheet{}
	for _, sh := range list {
		out[sh.EntryID] = append(out[sh.EntryID], submittedSheet{Assignment: sh.AssignmentID, Judge: sh.Judge})
	}
	return out, nil
}

// reopenSubmit is the progress page's reopen form: it sends one submitted
// sheet (by assignment) back to its judge, for the reason the organizer gives
// (audited). A refusal comes back on the page with its reason.
func (s *Server) reopenSubmit(c *gin.Context) {
	id, err := strconv.ParseInt(c.PostForm("assignment"), 10, 64)
	if err != nil { // the form names no sheet
		err = fault.NotFound("err.score.not_submitted")
	} else {
		err = s.judging.ReopenSheetInRound(c.Request.Context(), accountID(c), contestID(c), c.Param("round"), id, c.PostForm("reason"))
	}
	if fault.ErrorCode(err) == fault.CodeNotFound {
		// The page was stale: the sheet was reopened meanwhile, or is not submitted.
		err = fault.Conflict("err.score.not_submitted")
	}
	if err != nil {
		status, msg, ok := s.refusal(c, err)
		if !ok {
			s.fail(c, err)
			return
		}
		if _, d := s.describe(c, err); d.Fields["reason"] != "" {
			msg = d.Fields["reason"] // the form has one field to point at
		}
		s.renderProgress(c, status, progressPage{Reopen: reopenForm{Assignment: id, Error: msg}})
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/rounds/%s/progress?reopened=1", contestID(c), c.Param("round")))
}

func (s *Server) roundStateSubmit(c *gin.Context) {
	if err := s.setRoundState(c, c.PostForm("state")); err != nil {
		if status, fields, ok := s.formProblems(c, err); ok {
			s.renderProgress(c, status, progressPage{Errors: fields})
		}
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/organizer/contests/%d/rounds/%s/progress", contestID(c), c.Param("round")))
}

func (s *Server) apiRoundState(c *gin.Context) {
	var req struct {
		State string `json:"state"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	err := s.setRoundState(c, req.State)
	s.reply(c, http.StatusOK, gin.H{"round": c.Param("round"), "state": req.State}, err)
}

func (s *Server) apiProgress(c *gin.Context) {
	judges, entries, err := s.roundProgress(c)
	s.reply(c, http.StatusOK, gin.H{"judges": judges, "entries": entries}, err)
}

func (s *Server) apiReopenSheet(c *gin.Context) {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	err := s.judging.ReopenSheet(c.Request.Context(), accountID(c), contestID(c), assignmentID(c), req.Reason)
	s.reply(c, http.StatusOK, gin.H{"reopened": assignmentID(c)}, err)
}

// apiAuditLog returns a contest's audit chain as JSON, or as CSV with ?format=csv.
func (s *Server) apiAuditLog(c *gin.Context) {
	recs, err := s.audit.Records(c.Request.Context(), contestID(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if c.Query("format") != "csv" {
		c.JSON(http.StatusOK, gin.H{"records": recs})
		return
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"seq", "at", "actor", "action", "subject", "payload", "prev_hash", "hash"})
	for _, r := range recs {
		actor := ""
		if r.ActorID != nil {
			actor = strconv.FormatInt(*r.ActorID, 10)
		}
		_ = w.Write([]string{strconv.FormatInt(r.Seq, 10), r.At.UTC().Format(time.RFC3339Nano), actor, string(r.Action), r.Subject,
			string(r.Payload), fmt.Sprintf("%x", r.PrevHash), fmt.Sprintf("%x", r.Hash)})
	}
	w.Flush()
	c.Header("Content-Disposition", upload.ContentDisposition("attachment", fmt.Sprintf("audit-contest-%d.csv", contestID(c))))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
