package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"podium/contest/judging"
)

// Route is one line of the route table.
type Route struct {
	Method string
	Path   string
	Access Access
	handle gin.HandlerFunc
}

// Routes lists every route with who may use it (health checks and static files
// aside, which are public and carry no data).
func (s *Server) Routes() []Route { return s.routes() }

func (s *Server) routes() []Route {
	return []Route{
		// Pages.
		{http.MethodGet, "/", Public, s.home},
		{http.MethodGet, "/login", Public, s.loginPage},
		{http.MethodPost, "/login", Public, s.loginSubmit},
		{http.MethodPost, "/logout", LoggedIn, s.logoutSubmit},
		{http.MethodGet, "/invite/:token", Public, s.invitePage},
		{http.MethodPost, "/invite/:token", Public, s.inviteSubmit},
		{http.MethodGet, "/organizer", Organizer, s.organizerHome},
		{http.MethodGet, "/organizer/contests/new", Organizer, s.contestNewPage},
		{http.MethodPost, "/organizer/contests", Organizer, s.contestCreateSubmit},
		{http.MethodGet, "/organizer/contests/:contest", ContestOrganizer, s.contestEditPage},
		{http.MethodPost, "/organizer/contests/:contest", ContestOrganizer, s.contestUpdateSubmit},
		{http.MethodGet, "/organizer/contests/:contest/judges", ContestOrganizer, s.judgesPage},
		{http.MethodPost, "/organizer/contests/:contest/judges", ContestOrganizer, s.inviteCreateSubmit},
		{http.MethodGet, "/organizer/contests/:contest/entries", ContestOrganizer, s.entriesPage},
		{http.MethodPost, "/organizer/contests/:contest/entries/review", ContestOrganizer, s.reviewSubmit},
		{http.MethodGet, "/organizer/contests/:contest/entries/:entry", ContestOrganizer, s.entryReviewPage},
		{http.MethodGet, "/organizer/contests/:contest/import", ContestOrganizer, s.importPage},
		{http.MethodPost, "/organizer/contests/:contest/import", ContestOrganizer, s.importSubmit},
		{http.MethodGet, "/organizer/experts", Organizer, s.expertsPage},
		{http.MethodPost, "/organizer/experts", Organizer, s.expertSaveSubmit},
		{http.MethodPost, "/organizer/experts/import", Organizer, s.expertsImportSubmit},
		{http.MethodGet, "/organizer/experts/:expert", Organizer, s.expertEditPage},
		{http.MethodPost, "/organizer/experts/:expert", Organizer, s.expertSaveSubmit},
		{http.MethodGet, "/organizer/contests/:contest/rounds/:round/assignments", ContestOrganizer, s.assignmentsPage},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/panel", ContestOrganizer, s.panelSubmit},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/invites", ContestOrganizer, s.invitesSubmit},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/runs", ContestOrganizer, s.runSubmit},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/assignments", ContestOrganizer, s.assignmentAddSubmit},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/assignments/:assignment/remove", ContestOrganizer, s.assignmentRemoveSubmit},
		{http.MethodGet, "/organizer/contests/:contest/rounds/:round/progress", ContestOrganizer, s.progressPage},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/state", ContestOrganizer, s.roundStateSubmit},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/reminders", ContestOrganizer, s.remindSubmit},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/reopen", ContestOrganizer, s.reopenSubmit},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/reviews/:entry/accept", ContestOrganizer, s.reviewDecisionSubmit(judging.DecisionAccepted)},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/reviews/:entry/withdraw", ContestOrganizer, s.reviewDecisionSubmit(judging.DecisionWithdrawn)},
		{http.MethodGet, "/organizer/contests/:contest/rounds/:round/ranking", ContestOrganizer, s.rankingPage},
		{http.MethodGet, "/organizer/contests/:contest/rounds/:round/advancement", ContestOrganizer, s.advancementPage},
		{http.MethodGet, "/organizer/contests/:contest/audit", ContestOrganizer, s.auditPage},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/advancement", ContestOrganizer, s.advancementSubmit},
		{http.MethodGet, "/organizer/contests/:contest/rounds/:round/awards", ContestOrganizer, s.awardsPage},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/awards", ContestOrganizer, s.awardsSubmit},
		{http.MethodGet, "/organizer/contests/:contest/rounds/:round/publish", ContestOrganizer, s.publishPage},
		{http.MethodPost, "/organizer/contests/:contest/rounds/:round/publish", ContestOrganizer, s.publishSubmit},
		{http.MethodGet, "/organizer/contests/:contest/combined", ContestOrganizer, s.combinedPage},
		{http.MethodGet, "/results/:contest", Public, s.publicResultsPage},
		{http.MethodGet, "/judge", Judge, s.judgeHome},
		{http.MethodGet, "/judge/offline", Judge, s.judgeOfflinePage},
		{http.MethodGet, "/judge/assignments/:assignment", Judge, s.judgeEntryPage},
		{http.MethodGet, "/judge/assignments/:assignment/files/:upload", Judge, s.judgeFile},
		{http.MethodPost, "/judge/reminders/:reminder/dismiss", Judge, s.reminderDismissSubmit},
		{http.MethodGet, "/register", Public, s.registerPage},
		{http.MethodPost, "/register", Public, s.registerSubmit},
		{http.MethodGet, "/entrant", Entrant, s.entrantHome},
		{http.MethodGet, "/entrant/profile", Entrant, s.profilePage},
		{http.MethodPost, "/entrant/profile", Entrant, s.profileSubmit},
		{http.MethodGet, "/entrant/contests/:contest/entries/new", Entrant, s.entryNewPage},
		{http.MethodPost, "/entrant/contests/:contest/entries", Entrant, s.entryCreateSubmit},
		{http.MethodGet, "/entrant/entries/:entry", Entrant, s.entryPage},
		{http.MethodPost, "/entrant/entries/:entry", Entrant, s.entryUpdateSubmit},
		{http.MethodPost, "/entrant/entries/:entry/submit", Entrant, s.entrySubmitSubmit},
		{http.MethodPost, "/entrant/entries/:entry/withdraw", Entrant, s.entryWithdrawSubmit},
		{http.MethodPost, "/entrant/entries/:entry/uploads/:upload/delete", Entrant, s.uploadDeleteSubmit},
		{http.MethodGet, "/entrant/files/:upload", Entrant, s.serveOwnFile},
		{http.MethodGet, "/organizer/contests/:contest/files/:upload", ContestOrganizer, s.serveContestFile},

		// The live final's boards: websockets (docs/live-protocol.md).
		{http.MethodGet, "/live/:contest/rooms/:room/ws", Public, s.publicBoardWS},
		{http.MethodGet, "/organizer/contests/:contest/live/rooms/:room/ws", ContestOrganizer, s.organizerBoardWS},
		{http.MethodGet, "/judge/live/rooms/:room/ws", Judge, s.judgeBoardWS},

		// JSON API, described in docs/openapi.yaml.
		{http.MethodPost, apiLoginPath, Public, s.apiLogin},
		{http.MethodDelete, "/api/v1/session", LoggedIn, s.apiLogout},
		{http.MethodGet, "/api/v1/me", LoggedIn, s.apiMe},
		{http.MethodPost, "/api/v1/invites/:token", Public, s.apiRedeemInvite},
		{http.MethodGet, "/api/v1/contests", Organizer, s.apiListContests},
		{http.MethodPost, "/api/v1/contests", Organizer, s.apiCreateContest},
		{http.MethodGet, "/api/v1/contests/:contest", ContestOrganizer, s.apiGetContest},
		{http.MethodPut, "/api/v1/contests/:contest", ContestOrganizer, s.apiUpdateContest},
		{http.MethodPost, "/api/v1/contests/:contest/invites", ContestOrganizer, s.apiCreateInvite},
		{http.MethodGet, "/api/v1/contests/:contest/entries", ContestOrganizer, s.apiContestEntries},
		{http.MethodGet, "/api/v1/contests/:contest/entries/:entry", ContestOrganizer, s.apiContestEntry},
		{http.MethodPost, "/api/v1/contests/:contest/entries/review", ContestOrganizer, s.apiReviewEntries},
		{http.MethodPost, "/api/v1/contests/:contest/entries/import", ContestOrganizer, s.apiImportEntries},
		{http.MethodPost, "/api/v1/accounts", Public, s.apiRegister},
		{http.MethodGet, "/api/v1/profile", Entrant, s.apiGetProfile},
		{http.MethodPut, "/api/v1/profile", Entrant, s.apiPutProfile},
		{http.MethodGet, "/api/v1/open-contests", LoggedIn, s.apiOpenContests},
		{http.MethodGet, "/api/v1/entries", Entrant, s.apiMyEntries},
		{http.MethodPost, "/api/v1/contests/:contest/entries", Entrant, s.apiCreateEntry},
		{http.MethodGet, "/api/v1/entries/:entry", Entrant, s.apiGetEntry},
		{http.MethodPut, "/api/v1/entries/:entry", Entrant, s.apiUpdateEntry},
		{http.MethodPost, "/api/v1/entries/:entry/submit", Entrant, s.apiSubmitEntry},
		{http.MethodPost, "/api/v1/entries/:entry/withdraw", Entrant, s.apiWithdrawEntry},
		{http.MethodDelete, "/api/v1/entries/:entry/uploads/:upload", Entrant, s.apiDeleteUpload},
		{http.MethodGet, "/api/v1/files/:upload", Entrant, s.serveOwnFile},
		{http.MethodGet, "/api/v1/contests/:contest/files/:upload", ContestOrganizer, s.serveContestFile},
		{http.MethodGet, "/api/v1/live/contests/:contest/rooms/:room/board", Public, s.apiPublicBoard},

		{http.MethodGet, "/api/v1/experts", Organizer, s.apiExperts},
		{http.MethodPost, "/api/v1/experts", Organizer, s.apiCreateExpert},
		{http.MethodPost, "/api/v1/experts/import", Organizer, s.apiImportExperts},
		{http.MethodGet, "/api/v1/experts/:expert", Organizer, s.apiGetExpert},
		{http.MethodPut, "/api/v1/experts/:expert", Organizer, s.apiUpdateExpert},
		{http.MethodPost, "/api/v1/contests/:contest/experts/:expert/invite", ContestOrganizer, s.apiInviteExpert},
		{http.MethodGet, "/api/v1/contests/:contest/rounds/:round/panel", ContestOrganizer, s.apiPanel},
		{http.MethodPut, "/api/v1/contests/:contest/rounds/:round/panel", ContestOrganizer, s.apiSetPanel},
		{http.MethodPost, "/api/v1/contests/:contest/rounds/:round/assignment-runs", ContestOrganizer, s.apiStartRun},
		{http.MethodGet, "/api/v1/contests/:contest/assignment-runs/:run", ContestOrganizer, s.apiRun},
		{http.MethodGet, "/api/v1/contests/:contest/rounds/:round/assignments", ContestOrganizer, s.apiAssignments},
		{http.MethodPost, "/api/v1/contests/:contest/rounds/:round/assignments", ContestOrganizer, s.apiAddAssignment},
		{http.MethodDelete, "/api/v1/contests/:contest/assignments/:assignment", ContestOrganizer, s.apiRemoveAssignment},
		{http.MethodPost, "/api/v1/assignments/:assignment/recuse", Judge, s.apiRecuse},
		{http.MethodGet, "/api/v1/judge/tasks", Judge, s.apiJudgeTasks},
		{http.MethodPost, "/api/v1/judge/reminders/:reminder/dismiss", Judge, s.apiDismissReminder},
		{http.MethodGet, "/api/v1/judge/assignments/:assignment", Judge, s.apiJudgeEntry},
		{http.MethodPut, "/api/v1/judge/assignments/:assignment/draft", Judge, s.apiSaveDraft},
		{http.MethodPost, "/api/v1/judge/assignments/:assignment/sheet", Judge, s.apiSubmitSheet},
		{http.MethodPost, "/api/v1/contests/:contest/rounds/:round/state", ContestOrganizer, s.apiRoundState},
		{http.MethodGet, "/api/v1/contests/:contest/rounds/:round/progress", ContestOrganizer, s.apiProgress},
		{http.MethodPost, "/api/v1/contests/:contest/rounds/:round/reminders", ContestOrganizer, s.apiRemind},
		{http.MethodPost, "/api/v1/contests/:contest/assignments/:assignment/reopen", ContestOrganizer, s.apiReopenSheet},
		{http.MethodGet, "/api/v1/contests/:contest/rounds/:round/reviews", ContestOrganizer, s.apiRoundReviews},
		{http.MethodPost, "/api/v1/contests/:contest/rounds/:round/reviews/:entry/accept", ContestOrganizer, s.apiReviewDecision(judging.DecisionAccepted)},
		{http.MethodPost, "/api/v1/contests/:contest/rounds/:round/reviews/:entry/withdraw", ContestOrganizer, s.apiReviewDecision(judging.DecisionWithdrawn)},
		{http.MethodGet, "/api/v1/contests/:contest/audit", ContestOrganizer, s.apiAuditLog},
		{http.MethodGet, "/api/v1/contests/:contest/rounds/:round/ranking", ContestOrganizer, s.apiRanking},
		{http.MethodGet, "/api/v1/contests/:contest/rounds/:round/advancement", ContestOrganizer, s.apiAdvancementPlan},
		{http.MethodPost, "/api/v1/contests/:contest/rounds/:round/advancement", ContestOrganizer, s.apiConfirmAdvancement},
		{http.MethodGet, "/api/v1/contests/:contest/rounds/:round/awards", ContestOrganizer, s.apiAwardPlan},
		{http.MethodPost, "/api/v1/contests/:contest/rounds/:round/awards", ContestOrganizer, s.apiConfirmAwards},
		{http.MethodGet, "/api/v1/contests/:contest/rounds/:round/results", ContestOrganizer, s.apiRoundResults},
		{http.MethodPost, "/api/v1/contests/:contest/rounds/:round/publish", ContestOrganizer, s.apiPublish},
		{http.MethodGet, "/api/v1/contests/:contest/combined-ranking", ContestOrganizer, s.apiCombinedRanking},
		{http.MethodGet, "/api/v1/contests/:contest/rounds/:round/export/sheets.csv", ContestOrganizer, s.apiExportSheets},
		{http.MethodGet, "/api/v1/contests/:contest/rounds/:round/export/rubric.json", ContestOrganizer, s.apiExportRubric},
		{http.MethodGet, "/api/v1/contests/:contest/rounds/:round/export/reviews.csv", ContestOrganizer, s.apiExportReviews},

		// Resumable uploads (the tus protocol), for entrants' files.
		{http.MethodPost, uploadsPath, Entrant, tus(s.uploads.Create)},
		{http.MethodHead, uploadsPath + "/:id", Entrant, tus(s.uploads.Head)},
		{http.MethodPatch, uploadsPath + "/:id", Entrant, tus(s.uploads.Patch)},
		{http.MethodDelete, uploadsPath + "/:id", Entrant, tus(s.uploads.Delete)},
	}
}
