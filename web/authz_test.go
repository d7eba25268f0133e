package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"podium/contest"
	"podium/contest/blob"
	"podium/contest/contesttest"
	"podium/contest/pdftext"
)

// The expected status of every route for each kind of caller, written out by
// hand: it is the authorization policy in one table, independent of the code.
// Columns: anonymous, entrant, judge, organizer of another contest, the contest's organizer.
// Allowed callers send an empty body, so an allowed write answers 422 or 401 (bad
// credentials), which still proves authorization let it through.
var authzMatrix = map[string][5]int{
	"GET /":                                    {303, 303, 303, 303, 303},
	"GET /login":                               {200, 200, 200, 200, 200},
	"POST /login":                              {401, 401, 401, 401, 401},
	"POST /logout":                             {401, 303, 303, 303, 303},
	"GET /invite/:token":                       {200, 200, 200, 200, 200},
	"POST /invite/:token":                      {404, 404, 404, 404, 404},
	"GET /organizer":                           {303, 403, 403, 200, 200},
	"GET /organizer/contests/new":              {303, 403, 403, 200, 200},
	"POST /organizer/contests":                 {401, 403, 403, 422, 422},
	"GET /organizer/contests/:contest":         {303, 403, 403, 404, 200},
	"POST /organizer/contests/:contest":        {401, 403, 403, 404, 422},
	"GET /organizer/contests/:contest/judges":  {303, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/judges": {401, 403, 403, 404, 422},
	"GET /judge":                               {303, 403, 200, 403, 403},
	"GET /judge/offline":                       {303, 403, 200, 403, 403},
	"GET /entrant":                             {303, 200, 403, 403, 403},
	"POST /api/v1/session":                     {401, 401, 401, 401, 401},
	"DELETE /api/v1/session":                   {401, 204, 204, 204, 204},
	"GET /api/v1/me":                           {401, 200, 200, 200, 200},
	"POST /api/v1/invites/:token":              {404, 404, 404, 404, 404},
	"GET /api/v1/contests":                     {401, 403, 403, 200, 200},
	"POST /api/v1/contests":                    {401, 403, 403, 422, 422},
	"GET /api/v1/contests/:contest":            {401, 403, 403, 404, 200},
	"PUT /api/v1/contests/:contest":            {401, 403, 403, 404, 422},
	"POST /api/v1/contests/:contest/invites":   {401, 403, 403, 404, 422},

	// Entries. Each request that names an entry gets a fresh submitted entry of the
	// entrant, so a submitted entry is locked (409) and withdrawing it works.
	"GET /organizer/contests/:contest/entries":         {303, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/entries/review": {401, 403, 403, 404, 422},
	"GET /organizer/contests/:contest/entries/:entry":  {303, 403, 403, 404, 200},
	"GET /organizer/contests/:contest/import":          {303, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/import":         {401, 403, 403, 404, 422},
	"POST /api/v1/contests/:contest/entries/import":    {401, 403, 403, 404, 422},
	"GET /register":                                                                  {200, 200, 200, 200, 200},
	"POST /register":                                                                 {422, 422, 422, 422, 422},
	"GET /entrant/profile":                                                           {303, 200, 403, 403, 403},
	"POST /entrant/profile":                                                          {401, 422, 403, 403, 403},
	"GET /entrant/contests/:contest/entries/new":                                     {303, 200, 403, 403, 403},
	"POST /entrant/contests/:contest/entries":                                        {401, 422, 403, 403, 403},
	"GET /entrant/entries/:entry":                                                    {303, 200, 403, 403, 403},
	"POST /entrant/entries/:entry":                                                   {401, 409, 403, 403, 403},
	"POST /entrant/entries/:entry/submit":                                            {401, 409, 403, 403, 403},
	"POST /entrant/entries/:entry/withdraw":                                          {401, 303, 403, 403, 403},
	"POST /entrant/entries/:entry/uploads/:upload/delete":                            {401, 409, 403, 403, 403},
	"GET /api/v1/contests/:contest/entries":                                          {401, 403, 403, 404, 200},
	"GET /api/v1/contests/:contest/entries/:entry":                                   {401, 403, 403, 404, 200},
	"POST /api/v1/contests/:contest/entries/review":                                  {401, 403, 403, 404, 422},
	"GET /entrant/files/:upload":                                                     {303, 200, 403, 403, 403},
	"GET /organizer/contests/:contest/files/:upload":                                 {303, 403, 403, 404, 200},
	"GET /api/v1/files/:upload":                                                      {401, 200, 403, 403, 403},
	"GET /api/v1/contests/:contest/files/:upload":                                    {401, 403, 403, 404, 200},
	"POST /api/v1/uploads":                                                           {401, 422, 403, 403, 403}, // not a tus request
	"HEAD /api/v1/uploads/:id":                                                       {401, 404, 403, 403, 403}, // no such upload
	"PATCH /api/v1/uploads/:id":                                                      {401, 404, 403, 403, 403},
	"DELETE /api/v1/uploads/:id":                                                     {401, 404, 403, 403, 403},
	"GET /organizer/experts":                                                         {303, 403, 403, 200, 200},
	"POST /organizer/experts":                                                        {401, 403, 403, 422, 422},
	"POST /organizer/experts/import":                                                 {401, 403, 403, 422, 422},
	"POST /api/v1/experts/import":                                                    {401, 403, 403, 422, 422},
	"GET /organizer/experts/:expert":                                                 {303, 403, 403, 200, 200},
	"POST /organizer/experts/:expert":                                                {401, 403, 403, 422, 422},
	"GET /organizer/contests/:contest/rounds/:round/assignments":                     {303, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/rounds/:round/panel":                          {401, 403, 403, 404, 303},
	"POST /organizer/contests/:contest/rounds/:round/invites":                        {401, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/rounds/:round/runs":                           {401, 403, 403, 404, 303},
	"POST /organizer/contests/:contest/rounds/:round/assignments":                    {401, 403, 403, 404, 422},
	"POST /organizer/contests/:contest/rounds/:round/assignments/:assignment/remove": {401, 403, 403, 404, 404},
	"GET /api/v1/experts":                                                            {401, 403, 403, 200, 200},
	"POST /api/v1/experts":                                                           {401, 403, 403, 422, 422},
	"GET /api/v1/experts/:expert":                                                    {401, 403, 403, 200, 200},
	"PUT /api/v1/experts/:expert":                                                    {401, 403, 403, 422, 422},
	"POST /api/v1/contests/:contest/experts/:expert/invite":                          {401, 403, 403, 404, 201},
	"GET /api/v1/contests/:contest/rounds/:round/panel":                              {401, 403, 403, 404, 200},
	"PUT /api/v1/contests/:contest/rounds/:round/panel":                              {401, 403, 403, 404, 200},
	"POST /api/v1/contests/:contest/rounds/:round/assignment-runs":                   {401, 403, 403, 404, 202},
	"GET /api/v1/contests/:contest/assignment-runs/:run":                             {401, 403, 403, 404, 404},
	"GET /api/v1/contests/:contest/rounds/:round/assignments":                        {401, 403, 403, 404, 200},
	"POST /api/v1/contests/:contest/rounds/:round/assignments":                       {401, 403, 403, 404, 422},
	"DELETE /api/v1/contests/:contest/assignments/:assignment":                       {401, 403, 403, 404, 404},
	"POST /api/v1/assignments/:assignment/recuse":                                    {401, 403, 422, 403, 403},
	"GET /organizer/contests/:contest/rounds/:round/progress":                        {303, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/rounds/:round/state":                          {401, 403, 403, 404, 422},
	"POST /organizer/contests/:contest/rounds/:round/reminders":                      {401, 403, 403, 404, 422}, // no judge named
	"POST /organizer/contests/:contest/rounds/:round/reopen":                         {401, 403, 403, 404, 409}, // no submitted sheet named
	"POST /organizer/contests/:contest/rounds/:round/reviews/:entry/accept":          {401, 403, 403, 404, 422}, // no reason
	"POST /organizer/contests/:contest/rounds/:round/reviews/:entry/withdraw":        {401, 403, 403, 404, 422}, // no reason
	"GET /api/v1/contests/:contest/rounds/:round/reviews":                            {401, 403, 403, 404, 200},
	"POST /api/v1/contests/:contest/rounds/:round/reviews/:entry/accept":             {401, 403, 403, 404, 422}, // no reason
	"POST /api/v1/contests/:contest/rounds/:round/reviews/:entry/withdraw":           {401, 403, 403, 404, 422}, // no reason
	"GET /api/v1/contests/:contest/rounds/:round/export/reviews.csv":                 {401, 403, 403, 404, 200},
	"POST /judge/reminders/:reminder/dismiss":                                        {401, 403, 404, 403, 403}, // not this judge's
	"POST /api/v1/judge/reminders/:reminder/dismiss":                                 {401, 403, 404, 403, 403},
	"POST /api/v1/contests/:contest/rounds/:round/reminders":                         {401, 403, 403, 404, 422},
	"GET /judge/assignments/:assignment":                                             {303, 403, 404, 403, 403}, // not this judge's
	"GET /judge/assignments/:assignment/files/:upload":                               {303, 403, 404, 403, 403},
	"GET /api/v1/judge/tasks":                                                        {401, 403, 200, 403, 403},
	"GET /api/v1/judge/assignments/:assignment":                                      {401, 403, 404, 403, 403},
	"PUT /api/v1/judge/assignments/:assignment/draft":                                {401, 403, 404, 403, 403},
	"POST /api/v1/judge/assignments/:assignment/sheet":                               {401, 403, 422, 403, 403}, // no Idempotency-Key
	"POST /api/v1/contests/:contest/rounds/:round/state":                             {401, 403, 403, 404, 422},
	"GET /api/v1/contests/:contest/rounds/:round/progress":                           {401, 403, 403, 404, 200},
	"POST /api/v1/contests/:contest/assignments/:assignment/reopen":                  {401, 403, 403, 404, 422},
	"GET /api/v1/contests/:contest/audit":                                            {401, 403, 403, 404, 200},
	"GET /organizer/contests/:contest/rounds/:round/ranking":                         {303, 403, 403, 404, 200},
	"GET /organizer/contests/:contest/audit":                                         {303, 403, 403, 404, 200},
	"GET /api/v1/contests/:contest/rounds/:round/ranking":                            {401, 403, 403, 404, 200},
	"GET /api/v1/contests/:contest/rounds/:round/export/sheets.csv":                  {401, 403, 403, 404, 200},
	"GET /api/v1/contests/:contest/rounds/:round/export/rubric.json":                 {401, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/rounds/:round/advancement":                    {401, 403, 403, 404, 409}, // the round is not closed
	"GET /api/v1/contests/:contest/rounds/:round/advancement":                        {401, 403, 403, 404, 200},
	"POST /api/v1/contests/:contest/rounds/:round/advancement":                       {401, 403, 403, 404, 409}, // the round is not closed
	"GET /api/v1/contests/:contest/rounds/:round/awards":                             {401, 403, 403, 404, 200},
	"GET /organizer/contests/:contest/rounds/:round/advancement":                     {303, 403, 403, 404, 200},
	"GET /organizer/contests/:contest/rounds/:round/awards":                          {303, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/rounds/:round/awards":                         {401, 403, 403, 404, 409}, // the round is not closed
	"GET /organizer/contests/:contest/rounds/:round/publish":                         {303, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/rounds/:round/publish":                        {401, 403, 403, 404, 422}, // not confirmed
	"GET /organizer/contests/:contest/combined":                                      {303, 403, 403, 404, 200}, // no round weights: says where to set them
	"GET /results/:contest":                                                          {404, 404, 404, 404, 404}, // nothing published
	"GET /api/v1/contests/:contest/rounds/:round/results":                            {401, 403, 403, 404, 200},
	"POST /api/v1/contests/:contest/rounds/:round/publish":                           {401, 403, 403, 404, 409}, // the round is not closed
	"GET /api/v1/contests/:contest/combined-ranking":                                 {401, 403, 403, 404, 409},
	"POST /api/v1/contests/:contest/rounds/:round/awards":                            {401, 403, 403, 404, 409}, // the round is not closed
	"POST /api/v1/accounts":                                                          {422, 422, 422, 422, 422},
	"GET /api/v1/profile":                                                            {401, 200, 403, 403, 403},
	"PUT /api/v1/profile":                                                            {401, 422, 403, 403, 403},
	"GET /api/v1/open-contests":                                                      {401, 200, 200, 200, 200},
	"GET /api/v1/entries":                                                            {401, 200, 403, 403, 403},
	"POST /api/v1/contests/:contest/entries":                                         {401, 422, 403, 403, 403},
	"GET /api/v1/entries/:entry":                                                     {401, 200, 403, 403, 403},
	"PUT /api/v1/entries/:entry":                                                     {401, 409, 403, 403, 403},
	"POST /api/v1/entries/:entry/submit":                                             {401, 409, 403, 403, 403},
	"POST /api/v1/entries/:entry/withdraw":                                           {401, 200, 403, 403, 403},
	"DELETE /api/v1/entries/:entry/uploads/:upload":                                  {401, 409, 403, 403, 403},
}

var callers = [5]string{"anonymous", "entrant", "judge", "other organizer", "organizer"}

func TestAuthorizationMatrix(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, contest.RoleOrganizer, "org@example.com")
	other := contesttest.Account(t, h.store, contest.RoleOrganizer, "other@example.com")
	entrant := contesttest.Account(t, h.store, contest.RoleEntrant, "entrant@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("matrix"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.CreateContest(ctx, other.ID, contesttest.Setup("other-contest")); err != nil {
		t.Fatal(err)
	}
	inv, err := h.store.CreateInvite(ctx, org.ID, c.ID, contest.NewJudge{DisplayName: "评委", Email: "judge@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	judge, err := h.store.Account(ctx, inv.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	accounts := [5]*contest.Account{nil, &entrant, &judge, &other, &org}
	expert, err := h.store.SaveExpert(ctx, contest.ExpertInput{Name: "矩阵专家", Organization: "测试大学"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}

	seen := map[string]bool{}
	for _, r := range h.server.Routes() {
		key := r.Method + " " + r.Path
		seen[key] = true
		want, ok := authzMatrix[key]
		if !ok {
			t.Errorf("route %s is not in the authorization matrix: add its expected statuses", key)
			continue
		}
		for i, acct := range accounts {
			path := strings.NewReplacer(":contest", fmt.Sprint(c.ID), ":token", "not-a-real-token", ":id", "no-such-upload",
				":round", "prelim", ":expert", fmt.Sprint(expert.ID), ":run", "999999", ":assignment", "999999", ":reminder", "999999").Replace(r.Path)
			if strings.Contains(r.Path, ":entry") || strings.Contains(r.Path, ":upload") {
				entryID, uploadID := submittedEntryWithFile(t, h, entrant, c.ID)
				path = strings.NewReplacer(":entry", fmt.Sprint(entryID), ":upload", uploadID).Replace(path)
			}
			cl := h.client()
			if acct != nil {
				cl = h.loggedIn(*acct) // a fresh session each time: some routes log out
			}
			var res response
			switch {
			case r.Method == http.MethodGet:
				res = cl.get(path)
			case r.Method == http.MethodHead:
				res = cl.do(r.Method, path, "", nil, "X-CSRF-Token", cl.csrf)
			case strings.HasPrefix(path, "/api/"):
				res = cl.api(r.Method, path, map[string]any{})
			default:
				res = cl.form(path, nil)
			}
			waitForRuns(t, h)
			if res.status != want[i] {
				t.Errorf("%s as %s: status %d, want %d (%.200s)", key, callers[i], res.status, want[i], res.body)
			}
		}
	}
	for key := range authzMatrix {
		if !seen[key] {
			t.Errorf("matrix lists %s, which is not a route", key)
		}
	}
}

func testOrganization() contest.OrganizationInput {
	return contest.OrganizationInput{Kind: contest.OrgEnterprise, Name: "星河智能科技有限公司", USCC: "91440300708461136T",
		ContactName: "张伟", ContactPhone: "13800138000", Members: []contest.Member{{Name: "李娜", Role: "CTO"}}}
}

// submittedEntry creates a submitted entry of the entrant, with a stored business plan.
func submittedEntry(t *testing.T, h *harness, entrant contest.Account, contestID int64) int64 {
	t.Helper()
	id, _ := submittedEntryWithFile(t, h, entrant, contestID)
	return id
}

// submittedEntryWithFile is submittedEntry returning the business plan's upload id too.
func submittedEntryWithFile(t *testing.T, h *harness, entrant contest.Account, contestID int64) (int64, string) {
	t.Helper()
	ctx := context.Background()
	e, err := h.store.CreateEntry(ctx, entrant.ID, contestID, contest.EntryInput{
		Track: "materials", Group: "enterprise", Title: "项目 " + rand.Text()[:8]})
	if err != nil {
		t.Fatal(err)
	}
	pdf := pdftext.Generate([]string{"商业计划书"})
	key := blob.NewKey()
	size, sum, err := h.blobs.Put(ctx, key, bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	if _, err := h.store.AddUpload(ctx, entrant.ID, e.ID, contest.StoredUpload{
		Upload: contest.Upload{ID: id, Kind: contest.UploadBusinessPlan, Name: "星河 计划书.pdf", ContentType: "application/pdf", Size: size, SHA256: sum},
		Key:    key}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.SubmitEntry(ctx, entrant.ID, e.ID, true); err != nil {
		t.Fatal(err)
	}
	return e.ID, id
}

// waitForRuns waits until background assignment runs have finished, so that
// one request's run cannot change what the next one sees.
func waitForRuns(t *testing.T, h *harness) {
	t.Helper()
	for range 200 {
		var running int
		if err := h.store.DB.Get(&running, `SELECT count(*) FROM assignment_runs WHERE state = 'running'`); err != nil {
			t.Fatal(err)
		}
		if running == 0 {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("an assignment run did not finish")
}
