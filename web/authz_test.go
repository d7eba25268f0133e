package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"podium/contest"
	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/judging"
	"podium/files/blob"
	"podium/files/pdftext"
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
	"GET /contests/:contest":                   {200, 200, 200, 200, 200},
	"GET /password/forgot":                     {200, 200, 200, 200, 200},
	"POST /password/forgot":                    {422, 422, 422, 422, 422},
	"GET /password/reset/:token":               {404, 404, 404, 404, 404},
	"POST /password/reset/:token":              {422, 422, 422, 422, 422},
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
	"GET /judge/live/rooms/:room":                                                    {303, 403, 404, 403, 403}, // not seated there (see TestJudgeLiveRoutesAuthorization)
	"GET /api/v1/judge/live/rooms/:room":                                             {401, 403, 404, 403, 403},
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
	"GET /organizer/contests/:contest/exports/:what":                                 {303, 403, 403, 404, 200}, // :what is entries
	"GET /results/:contest":                                                          {200, 200, 200, 200, 200}, // "not published yet", to anyone
	"GET /api/v1/public/results/:contest":                                            {200, 200, 200, 200, 200},
	"GET /api/v1/public/results/:contest/heads":                                      {200, 200, 200, 200, 200},
	"GET /entrant/entries/:entry/result":                                             {303, 200, 403, 403, 403},
	"GET /api/v1/entries/:entry/results":                                             {401, 200, 403, 403, 403},
	"GET /api/v1/entries/:entry/receipt":                                             {401, 422, 403, 403, 403}, // no round named
	"GET /live/:contest":                                                             {200, 200, 200, 200, 200}, // no live room yet: says so
	"GET /live/:contest/rooms/:room":                                                 {404, 404, 404, 404, 404}, // no such room
	"GET /live/:contest/rooms/:room/phone":                                           {404, 404, 404, 404, 404}, // no such room
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

	// The live final's setup and stage console (the round "prelim" is online: 409; no room 999999: 404).
	"GET /organizer/contests/:contest/rounds/:round/live":                        {303, 403, 403, 404, 409},
	"POST /organizer/contests/:contest/rounds/:round/live":                       {401, 403, 403, 404, 409},
	"POST /organizer/contests/:contest/rounds/:round/live/stage":                 {401, 403, 403, 404, 409},
	"GET /organizer/contests/:contest/live/rooms/:room":                          {303, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/live/rooms/:room/ops":                     {401, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/live/rooms/:room/draw/commit":             {401, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/live/rooms/:room/draw/reveal":             {401, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/live/rooms/:room/slots/:slot/absent":      {401, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/live/rooms/:room/slots/:slot/move-to-end": {401, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/live/rooms/:room/reopen":                  {401, 403, 403, 404, 404},
	"GET /api/v1/contests/:contest/live/rounds/:round/rooms":                     {401, 403, 403, 404, 200},
	"PUT /api/v1/contests/:contest/live/rounds/:round/rooms":                     {401, 403, 403, 404, 409},
	"PUT /api/v1/contests/:contest/live/rounds/:round/stage":                     {401, 403, 403, 404, 409},
	"GET /api/v1/contests/:contest/live/rooms/:room":                             {401, 403, 403, 404, 404},
	"POST /api/v1/contests/:contest/live/rooms/:room/draw/commit":                {401, 403, 403, 404, 422},
	"POST /api/v1/contests/:contest/live/rooms/:room/draw/reveal":                {401, 403, 403, 404, 422},
	"POST /api/v1/contests/:contest/live/rooms/:room/ops":                        {401, 403, 403, 404, 422},
	"POST /api/v1/contests/:contest/live/rooms/:room/slots/:slot/absent":         {401, 403, 403, 404, 422},
	"POST /api/v1/contests/:contest/live/rooms/:room/slots/:slot/move-to-end":    {401, 403, 403, 404, 422},
	"POST /api/v1/contests/:contest/live/rooms/:room/reopen":                     {401, 403, 403, 404, 404},
	// The live boards (:room is no room: live_ws_test.go upgrades real ones, seated or not).
	"GET /live/:contest/rooms/:room/ws":                    {404, 404, 404, 404, 404}, // public: no such board in memory or Redis
	"GET /api/v1/live/contests/:contest/rooms/:room/board": {404, 404, 404, 404, 404},
	"GET /organizer/contests/:contest/live/rooms/:room/ws": {303, 403, 403, 404, 404},
	"GET /judge/live/rooms/:room/ws":                       {303, 403, 404, 403, 403}, // not seated there
	// Verifiable receipts (transparency): anyone checks a receipt, published or not.
	"GET /results/:contest/verify": {200, 200, 200, 200, 200},

	// Objections (异议): the public form and state by reference (the matrix's
	// contest has published nothing; :reference and :objection name none).
	"GET /results/:contest/objections/new":                               {200, 200, 200, 200, 200},
	"POST /results/:contest/objections":                                  {422, 422, 422, 422, 422},
	"GET /objections":                                                    {200, 200, 200, 200, 200},
	"GET /objections/:reference":                                         {404, 404, 404, 404, 404},
	"POST /api/v1/public/results/:contest/objections":                    {422, 422, 422, 422, 422},
	"GET /api/v1/public/objections/:reference":                           {404, 404, 404, 404, 404},
	"GET /organizer/contests/:contest/objections":                        {303, 403, 403, 404, 200},
	"GET /organizer/contests/:contest/messages":                          {303, 403, 403, 404, 200},
	"GET /organizer/contests/:contest/objections/:objection":             {303, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/objections/:objection/assign":     {401, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/objections/:objection/notes":      {401, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/objections/:objection/decision":   {401, 403, 403, 404, 404},
	"GET /organizer/contests/:contest/objections/:objection/files/:file": {303, 403, 403, 404, 404},
	"GET /api/v1/contests/:contest/objections":                           {401, 403, 403, 404, 200},
	"GET /api/v1/contests/:contest/objections/:objection":                {401, 403, 403, 404, 404},
	"POST /api/v1/contests/:contest/objections/:objection/assign":        {401, 403, 403, 404, 404},
	"POST /api/v1/contests/:contest/objections/:objection/notes":         {401, 403, 403, 404, 404},
	"POST /api/v1/contests/:contest/objections/:objection/decision":      {401, 403, 403, 404, 404},
	"GET /api/v1/contests/:contest/objections/:objection/files/:file":    {401, 403, 403, 404, 404},

	// Certificates (onward): the matrix's contest has published nothing, so
	// there is no certificate to give, and :number names none.
	"GET /organizer/contests/:contest/rounds/:round/certificates/:entry.pdf": {303, 403, 403, 404, 404},
	"GET /organizer/contests/:contest/rounds/:round/certificates.zip":        {303, 403, 403, 404, 404},
	"GET /entrant/entries/:entry/certificate":                                {303, 404, 403, 403, 403},
	"GET /results/:contest/certificates/:number":                             {404, 404, 404, 404, 404},

	// Nominations: the contest has published nothing and nominated nothing
	// (the package is refused, 409; :nomination names none, 404). Forms sent
	// empty are refused by their checks (422).
	"GET /organizer/contests/:contest/nominations":                         {303, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/nominations":                        {401, 403, 403, 404, 422},
	"POST /organizer/contests/:contest/nominations/quota":                  {401, 403, 403, 404, 422},
	"POST /organizer/contests/:contest/nominations/submit":                 {401, 403, 403, 404, 422},
	"GET /organizer/contests/:contest/nominations/package.zip":             {303, 403, 403, 404, 409},
	"POST /organizer/contests/:contest/nominations/:nomination/target":     {401, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/nominations/:nomination/remove":     {401, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/nominations/:nomination/decision":   {401, 403, 403, 404, 404},
	"POST /organizer/contests/:contest/nominations/:nomination/checks":     {401, 403, 403, 404, 404},
	"GET /organizer/contests/:contest/nominations/:nomination/files/:file": {303, 403, 403, 404, 404},
	"GET /organizer/nominations":                                           {303, 403, 403, 200, 200},
	"GET /organizer/nominations/export":                                    {303, 403, 403, 200, 200},
	"GET /api/v1/contests/:contest/nominations":                            {401, 403, 403, 404, 200},
	"GET /api/v1/nominations":                                              {401, 403, 403, 200, 200},

	// The investor showcase: investors' routes refuse every other role (an
	// investor's own statuses are in TestAuthorizationInvestor); the entrant's
	// entry is submitted, not accepted, and the contest has published nothing.
	"GET /investor/register":                                                  {200, 200, 200, 200, 200},
	"POST /investor/register":                                                 {422, 422, 422, 422, 422},
	"GET /investor":                                                           {303, 403, 403, 403, 403},
	"POST /investor/contests/:contest/apply":                                  {401, 403, 403, 403, 403},
	"GET /investor/contests/:contest/showcase":                                {303, 403, 403, 403, 403},
	"POST /investor/contests/:contest/showcase/:entry/request":                {401, 403, 403, 403, 403},
	"GET /entrant/entries/:entry/showcase":                                    {303, 200, 403, 403, 403}, // says only accepted entries are shown
	"POST /entrant/entries/:entry/showcase":                                   {401, 422, 403, 403, 403},
	"POST /entrant/entries/:entry/showcase/withdraw":                          {401, 409, 403, 403, 403}, // not shown
	"POST /entrant/entries/:entry/showcase/requests/:request/decision":        {401, 422, 403, 403, 403}, // no decision
	"GET /organizer/contests/:contest/showcase":                               {303, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/showcase/investors/:investor/decision": {401, 403, 403, 404, 422}, // no decision
	"POST /api/v1/investors":                                                  {422, 422, 422, 422, 422},
	"GET /api/v1/investor/contests":                                           {401, 403, 403, 403, 403},
	"POST /api/v1/investor/contests/:contest/apply":                           {401, 403, 403, 403, 403},
	"GET /api/v1/investor/contests/:contest/showcase":                         {401, 403, 403, 403, 403},
	"POST /api/v1/investor/contests/:contest/showcase/:entry/requests":        {401, 403, 403, 403, 403},
	"GET /api/v1/entries/:entry/showcase":                                     {401, 200, 403, 403, 403},
	"PUT /api/v1/entries/:entry/showcase":                                     {401, 422, 403, 403, 403},
	"DELETE /api/v1/entries/:entry/showcase":                                  {401, 409, 403, 403, 403},
	"POST /api/v1/entries/:entry/showcase/requests/:request/decision":         {401, 422, 403, 403, 403},
	"GET /api/v1/contests/:contest/showcase":                                  {401, 403, 403, 404, 200},
	"POST /api/v1/contests/:contest/showcase/investors/:investor/decision":    {401, 403, 403, 404, 422},
	// Materials and score sheets (onward): :entry is a fresh submitted entry
	// with a business plan, accepted in no round; the round "prelim" has no
	// entry yet, and :expert sits on no panel.
	"GET /organizer/contests/:contest/rounds/:round/materials.zip":               {303, 403, 403, 404, 404}, // err.materials.none
	"GET /organizer/contests/:contest/entries/:entry/materials.zip":              {303, 403, 403, 404, 200},
	"GET /entrant/entries/:entry/materials.zip":                                  {303, 200, 403, 403, 403},
	"GET /organizer/contests/:contest/rounds/:round/score-sheets/entries/:entry": {303, 403, 403, 404, 404}, // err.scoresheets.none
	"GET /organizer/contests/:contest/rounds/:round/score-sheets/judges/:expert": {303, 403, 403, 404, 404},
	"GET /api/v1/contests/:contest/rounds/:round/materials.zip":                  {401, 403, 403, 404, 404},
	"GET /api/v1/contests/:contest/entries/:entry/materials.zip":                 {401, 403, 403, 404, 200},
	"GET /api/v1/contests/:contest/rounds/:round/score-sheets/entries/:entry":    {401, 403, 403, 404, 404},
	"GET /api/v1/contests/:contest/rounds/:round/score-sheets/judges/:expert":    {401, 403, 403, 404, 404},
	// Eligibility rules: an empty form has no revenue limit (422); {} is no rules at all (200).
	"GET /organizer/contests/:contest/eligibility":  {303, 403, 403, 404, 200},
	"POST /organizer/contests/:contest/eligibility": {401, 403, 403, 404, 422},
	"GET /api/v1/contests/:contest/eligibility":     {401, 403, 403, 404, 200},
	"PUT /api/v1/contests/:contest/eligibility":     {401, 403, 403, 404, 200},
}

var callers = [5]string{"anonymous", "entrant", "judge", "other organizer", "organizer"}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	other := contesttest.Account(t, h.store, access.RoleOrganizer, "other@example.com")
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "entrant@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("matrix"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.CreateContest(ctx, other.ID, contesttest.Setup("other-contest")); err != nil {
		t.Fatal(err)
	}
	inv, err := h.store.CreateInvite(ctx, org.ID, c.ID, access.NewJudge{DisplayName: "评委", Email: "judge@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	judge, err := h.store.Account(ctx, inv.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	accounts := [5]*access.Account{nil, &entrant, &judge, &other, &org}
	expert, err := h.store.SaveExpert(ctx, org.ID, judging.ExpertInput{Name: "矩阵专家", Organization: "测试大学"})
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
				":round", "prelim", ":expert", fmt.Sprint(expert.ID), ":run", "999999", ":assignment", "999999", ":reminder", "999999",
				":room", "999999", ":slot", "999999", ":what", "entries", ":request", "999999", ":investor", "999999").Replace(r.Path)
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

func testOrganization() entry.OrganizationInput {
	return entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "星河智能科技有限公司", USCC: "91440300708461136T",
		ContactName: "张伟", ContactPhone: "13800138000", Members: []entry.Member{{Name: "李娜", Role: "CTO"}}}
}

// submittedEntry creates a submitted entry of the entrant, with a stored business
// plan: a one-page PDF, or the plan given.
func submittedEntry(t *testing.T, h *harness, entrant access.Account, contestID int64, plan ...[]byte) int64 {
	t.Helper()
	id, _ := submittedEntryWithFile(t, h, entrant, contestID, plan...)
	return id
}

// submittedEntryWithFile is submittedEntry returning the business plan's upload id too.
func submittedEntryWithFile(t *testing.T, h *harness, entrant access.Account, contestID int64, plan ...[]byte) (int64, string) {
	t.Helper()
	ctx := context.Background()
	e, err := h.store.CreateEntry(ctx, entrant.ID, contestID, entry.Input{
		Track: "materials", Group: "enterprise", Title: "项目 " + rand.Text()[:8]})
	if err != nil {
		t.Fatal(err)
	}
	pdf := pdftext.Generate([]string{"商业计划书"})
	if len(plan) > 0 {
		pdf = plan[0]
	}
	id := attachPlan(t, h, entrant, e.ID, pdf)
	if _, err := h.store.SubmitEntry(ctx, entrant.ID, e.ID, true); err != nil {
		t.Fatal(err)
	}
	return e.ID, id
}

// attachPlan stores pdf as the entry's business plan, as an upload does, and
// returns the upload's id.
func attachPlan(t *testing.T, h *harness, entrant access.Account, entryID int64, pdf []byte) string {
	t.Helper()
	ctx := context.Background()
	key := blob.NewKey()
	size, sum, err := h.blobs.Put(ctx, key, bytes.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	if _, err := h.store.AddUpload(ctx, entrant.ID, entryID, entry.StoredUpload{
		Upload: entry.Upload{ID: id, Kind: entry.UploadBusinessPlan, Name: "星河 计划书.pdf", ContentType: "application/pdf", Size: size, SHA256: sum},
		Key:    key}); err != nil {
		t.Fatal(err)
	}
	return id
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

// crossContest is two contests of two organizers sharing the bureau's pool: a
// judge on both panels (with an invite from each organizer), a judge on x's
// panel only, and an expert on no panel.
type crossContest struct {
	orgX, orgY    access.Account
	x, y          contest.Contest
	both, onlyX   judging.Expert // the experts
	free          judging.Expert
	bothAcct      int64 // the judge accounts
	onlyXAcct     int64
	bothInX       judging.Assignment // the judges' assignments
	onlyXInX      judging.Assignment
	bothInY       judging.Assignment
	bothReminder  int64 // x's reminders to the judges
	onlyXReminder int64
}

func newCrossContest(t *testing.T, h *harness) crossContest {
	t.Helper()
	ctx := context.Background()
	w := crossContest{
		orgX: contesttest.Account(t, h.store, access.RoleOrganizer, "org-x@example.com"),
		orgY: contesttest.Account(t, h.store, access.RoleOrganizer, "org-y@example.com"),
	}
	entrant := contesttest.Account(t, h.store, access.RoleEntrant, "entrant@example.com")
	if _, err := h.store.SaveOrganization(ctx, entrant.ID, testOrganization()); err != nil {
		t.Fatal(err)
	}
	var err error
	if w.both, err = h.store.SaveExpert(ctx, w.orgX.ID, judging.ExpertInput{Name: "两赛评委", Organization: "第一大学",
		Phone: "13900000001", Email: "both@example.com"}); err != nil {
		t.Fatal(err)
	}
	if w.onlyX, err = h.store.SaveExpert(ctx, w.orgX.ID, judging.ExpertInput{Name: "甲赛评委", Organization: "第二大学",
		Phone: "13900000002", Email: "only-x@example.com"}); err != nil {
		t.Fatal(err)
	}
	if w.free, err = h.store.SaveExpert(ctx, w.orgY.ID, judging.ExpertInput{Name: "空闲专家", Organization: "第三大学",
		Phone: "13900000003", Email: "free@example.com"}); err != nil {
		t.Fatal(err)
	}
	seat := func(org access.Account, slug string, panel ...int64) (contest.Contest, []judging.Assignment) {
		t.Helper()
		setup := contesttest.Setup(slug)
		setup.Rounds[0].ReviewsPerEntry = len(panel)
		c, err := h.store.CreateContest(ctx, org.ID, setup)
		if err != nil {
			t.Fatal(err)
		}
		entryID := submittedEntry(t, h, entrant, c.ID)
		if _, err := h.store.ReviewEntries(ctx, org.ID, c.ID, []int64{entryID}, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := h.store.SetPanel(ctx, org.ID, c.ID, "prelim", panel); err != nil {
			t.Fatal(err)
		}
		run, err := h.store.StartAssignment(ctx, org.ID, c.ID, "prelim", 1)
		if err == nil {
			run, err = h.store.RunAssignment(ctx, org.ID, c.ID, "prelim", run.ID)
		}
		if err != nil || run.Added != len(panel) {
			t.Fatalf("run %+v %v", run, err)
		}
		if err := h.store.SetRoundState(ctx, org.ID, c.ID, "prelim", contest.RoundOpen); err != nil {
			t.Fatal(err)
		}
		list, err := h.store.Assignments(ctx, c.ID, "prelim")
		if err != nil {
			t.Fatal(err)
		}
		return c, list
	}
	var inY, inX []judging.Assignment
	w.y, inY = seat(w.orgY, "contest-y", w.both.ID)
	w.bothInY = inY[0]
	w.x, inX = seat(w.orgX, "contest-x", w.both.ID, w.onlyX.ID)
	for _, a := range inX {
		if a.ExpertID == w.both.ID {
			w.bothInX = a
		} else {
			w.onlyXInX = a
		}
	}
	// x's organizer invites its judges (which gives them accounts) and reminds them.
	for _, x := range []judging.Expert{w.both, w.onlyX} {
		if _, err := h.store.InviteExpert(ctx, w.orgX.ID, w.x.ID, x.ID); err != nil {
			t.Fatal(err)
		}
		if err := h.store.RemindJudge(ctx, w.orgX.ID, w.x.ID, "prelim", x.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []struct {
		expert   int64
		acct     *int64
		reminder *int64
	}{{w.both.ID, &w.bothAcct, &w.bothReminder}, {w.onlyX.ID, &w.onlyXAcct, &w.onlyXReminder}} {
		x, err := h.store.Expert(ctx, w.orgX.ID, p.expert)
		if err != nil || x.AccountID == nil {
			t.Fatalf("expert %+v %v", x, err)
		}
		*p.acct = *x.AccountID
		r, err := h.store.JudgeReminders(ctx, access.EveryContest(*x.AccountID))
		if err != nil || len(r) != 1 {
			t.Fatalf("reminders %+v %v", r, err)
		}
		*p.reminder = r[0].ID
	}
	return w
}

var inviteField = regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`)

// redeemOnPage opens an invite link on the client and presses the button, as a tablet does.
func (c *client) redeemOnPage(token string) response {
	c.h.t.Helper()
	page := c.get("/invite/" + token)
	values := url.Values{}
	if m := inviteField.FindStringSubmatch(page.body); m != nil {
		values.Set("idempotency_key", m[1])
	}
	if m := csrfInput.FindStringSubmatch(page.body); m != nil {
		c.csrf = m[1]
	}
	return c.form("/invite/"+token, values)
}

// adoptSession makes the client use the session its last redemption started (as
// the browser does) and learns the session's CSRF token.
func (c *client) adoptSession() {
	c.h.t.Helper()
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	res := c.get("/api/v1/me")
	if res.status != http.StatusOK {
		c.h.t.Fatalf("me: %d %s", res.status, res.body)
	}
	res.json(c.h.t, &me)
	c.csrf = me.CSRFToken
}

// inviteToken is the token of an invite a JSON reply carries.
func inviteToken(t *testing.T, res response) string {
	t.Helper()
	var inv struct {
		Token string `json:"token"`
	}
	if res.status != http.StatusCreated {
		t.Fatalf("invite: %d %s", res.status, res.body)
	}
	// No account id: it would tell whose the email is (see TestExpertContactsHiddenAcrossContests).
	if strings.Contains(res.body, "account_id") {
		t.Errorf("an invite reply carries the account: %s", res.body)
	}
	res.json(t, &inv)
	return inv.Token
}

// The judge-facing routes for a judge session issued by one contest, acting on
// the judge's assignment in contest x. Columns: the judge on both panels with
// x's invite; the same judge with y's invite; the judge's tablet that redeemed
// both; y's organizer holding a link it made for x's other judge, by the pool
// (expert invite), by email through the API, and by email on the judges page.
// 0: not tried. A session from another contest's invite finds nothing, as for
// another judge's assignment (404).
var crossContestMatrix = []struct {
	route string
	want  [6]int
}{
	{"GET /judge/assignments/:assignment", [6]int{200, 404, 200, 404, 404, 404}},
	{"GET /judge/assignments/:assignment/files/:upload", [6]int{200, 404, 200, 404, 404, 404}},
	{"GET /api/v1/judge/assignments/:assignment", [6]int{200, 404, 200, 404, 404, 404}},
	{"PUT /api/v1/judge/assignments/:assignment/draft", [6]int{200, 404, 200, 404, 404, 404}},
	// The judge's own submission comes first; the merged session then reaches it (already submitted).
	{"POST /api/v1/judge/assignments/:assignment/sheet", [6]int{201, 404, 409, 404, 404, 404}},
	{"POST /judge/reminders/:reminder/dismiss", [6]int{303, 404, 303, 404, 404, 404}},
	{"POST /api/v1/judge/reminders/:reminder/dismiss", [6]int{200, 404, 200, 404, 404, 404}},
	{"POST /api/v1/assignments/:assignment/recuse", [6]int{0, 404, 200, 404, 404, 404}},
}

var crossContestCallers = [6]string{"x's invite", "y's invite", "both invites", "y's expert invite for x's judge",
	"y's email invite for x's judge", "y's judges page invite for x's judge"}

func TestAuthorizationAcrossContests(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	w := newCrossContest(t, h)
	orgY := h.loggedIn(w.orgY)

	// The judge on both panels: a tablet with x's invite, a phone with y's, and
	// a second tablet that redeemed one invite of each organizer.
	invite := func(org access.Account, c contest.Contest, x judging.Expert) string {
		t.Helper()
		inv, err := h.store.InviteExpert(ctx, org.ID, c.ID, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		return inv.Token
	}
	sessions := [6]*client{h.client(), h.client(), h.client(), orgY, h.client(), h.client()}
	redeem := func(cl *client, token string) {
		t.Helper()
		if res := cl.redeemOnPage(token); res.status != http.StatusSeeOther {
			t.Fatalf("redeem: %d %s", res.status, res.body)
		}
		cl.adoptSession()
	}
	redeem(sessions[0], invite(w.orgX, w.x, w.both))
	redeem(sessions[1], invite(w.orgY, w.y, w.both))
	redeem(sessions[2], invite(w.orgX, w.x, w.both))
	redeem(sessions[2], invite(w.orgY, w.y, w.both))

	// Y's organizer asks for links for x's other judge, three ways; every one is
	// issued (the pool is shared) but reaches y only. It uses the first in its
	// own browser.
	byExpert := inviteToken(t, orgY.api(http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/experts/%d/invite", w.y.ID, w.onlyX.ID), map[string]any{}))
	byEmail := inviteToken(t, orgY.api(http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/invites", w.y.ID),
		map[string]string{"display_name": "甲赛评委", "email": "only-x@example.com"}))
	page := orgY.form(fmt.Sprintf("/organizer/contests/%d/judges", w.y.ID), url.Values{"display_name": {"甲赛评委"}, "email": {"only-x@example.com"}})
	m := regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`).FindStringSubmatch(page.body)
	if page.status != http.StatusCreated || m == nil {
		t.Fatalf("judges page invite: %d %.300s", page.status, page.body)
	}
	redeem(sessions[3], byExpert)
	redeem(sessions[4], byEmail)
	redeem(sessions[5], m[1])

	// The task lists: each session lists the contests it reaches, and y's
	// organizer's links for x's judge list nothing.
	codeX, codeY := w.bothInX.BlindCode, w.bothInY.BlindCode
	for i, want := range [6][2]bool{{true, false}, {false, true}, {true, true}, {false, false}, {false, false}, {false, false}} {
		res := sessions[i].get("/api/v1/judge/tasks")
		if res.status != http.StatusOK || strings.Contains(res.body, codeX) != want[0] || strings.Contains(res.body, codeY) != want[1] ||
			i >= 3 && strings.Contains(res.body, w.onlyXInX.BlindCode) {
			t.Errorf("tasks with %s: %d %s (x's code %s: %v, y's code %s: %v)", crossContestCallers[i], res.status, res.body, codeX, want[0], codeY, want[1])
		}
		// An invite session carries no contact of the account.
		if me := sessions[i].get("/api/v1/me"); me.status != http.StatusOK || strings.Contains(me.body, "@example.com") {
			t.Errorf("me with %s: %d %s", crossContestCallers[i], me.status, me.body)
		}
	}
	for _, row := range crossContestMatrix {
		method, path, _ := strings.Cut(row.route, " ")
		for i, cl := range sessions {
			if row.want[i] == 0 {
				continue
			}
			a, reminder := w.bothInX, w.bothReminder
			if i >= 3 {
				a, reminder = w.onlyXInX, w.onlyXReminder
			}
			p := strings.NewReplacer(":assignment", itoa(a.ID), ":upload", uploadOf(t, h, a), ":reminder", itoa(reminder)).Replace(path)
			var res response
			switch {
			case method == http.MethodGet:
				res = cl.get(p)
			case strings.HasSuffix(p, "/sheet"):
				body, _ := json.Marshal(map[string]any{"marks": map[string]int{"tech": 30, "market": 20, "team": 25}})
				res = cl.do(method, p, "application/json", bytes.NewReader(body), "X-CSRF-Token", cl.csrf, "Idempotency-Key", fmt.Sprint("sheet-", i))
			case strings.HasSuffix(p, "/draft"):
				res = cl.api(method, p, map[string]any{"marks": map[string]int{"tech": 30}})
			case strings.HasSuffix(p, "/recuse"):
				res = cl.api(method, p, map[string]string{"reason": "认识项目负责人"})
			case strings.HasPrefix(p, "/api/"):
				res = cl.api(method, p, map[string]any{})
			default:
				res = cl.form(p, nil)
			}
			if res.status != row.want[i] {
				t.Errorf("%s with %s: status %d, want %d (%.200s)", row.route, crossContestCallers[i], res.status, row.want[i], res.body)
			}
		}
	}

	// Nothing was written in x by a session from y's invites.
	records, err := h.store.Records(ctx, w.x.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		if r.ActorID != nil && *r.ActorID == w.onlyXAcct {
			t.Errorf("x's audit log has %s by x's other judge", r.Action)
		}
	}
}

// uploadOf is the business plan of the entry of assignment a.
func uploadOf(t *testing.T, h *harness, a judging.Assignment) string {
	t.Helper()
	var id string
	if err := h.store.DB.Get(&id, `SELECT id::text FROM blobs WHERE entry_id = $1`, a.EntryID); err != nil {
		t.Fatal(err)
	}
	return id
}

// The pool is shared, but y's organizer does not see the phone, email and
// judge account of an expert who serves only x, nor change the record.
func TestExpertContactsHiddenAcrossContests(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := newCrossContest(t, h)
	orgX, orgY := h.loggedIn(w.orgX), h.loggedIn(w.orgY)
	secret := []string{"13900000002", "only-x@example.com"}
	hidden := func(what string, res response) {
		t.Helper()
		for _, s := range secret {
			if res.status != http.StatusOK || strings.Contains(res.body, s) {
				t.Errorf("%s: %d, carries %q: %.300s", what, res.status, s, res.body)
			}
		}
	}
	res := orgY.get("/api/v1/experts")
	hidden("pool as y", res)
	var pool struct {
		Experts []judging.Expert `json:"experts"`
	}
	res.json(t, &pool)
	for _, x := range pool.Experts {
		if x.ContactHidden != (x.ID == w.onlyX.ID) || x.ID != w.onlyX.ID && x.Phone == "" {
			t.Errorf("pool as y: %+v", x)
		}
	}
	hidden("expert as y", orgY.get(fmt.Sprintf("/api/v1/experts/%d", w.onlyX.ID)))
	hidden("expert page as y", orgY.get(fmt.Sprintf("/organizer/experts/%d", w.onlyX.ID)))
	hidden("pool page as y", orgY.get("/organizer/experts?q=甲赛"))
	if page := orgY.get(fmt.Sprintf("/organizer/experts/%d", w.onlyX.ID)); !strings.Contains(page.body, `id="contact-hidden"`) {
		t.Errorf("the edit page does not say why the contacts are missing: %.300s", page.body)
	}
	// Nor the judge account, which an invite reply would tie to an email.
	if res := orgY.get(fmt.Sprintf("/api/v1/experts/%d", w.onlyX.ID)); strings.Contains(res.body, "account_id") {
		t.Errorf("y reads the account of x's judge: %s", res.body)
	}
	if res := orgX.get(fmt.Sprintf("/api/v1/experts/%d", w.onlyX.ID)); !strings.Contains(res.body, fmt.Sprintf(`"account_id":%d`, w.onlyXAcct)) {
		t.Errorf("x does not read its judge's account: %s", res.body)
	}

	// y may not change x's expert, by any door: the API, the edit page (which
	// shows the record read-only, and why), adding the same expert again, an import.
	const refused = "该专家只在其他组织方的大赛中任职，其信息只能由那些大赛的组织方修改。"
	change := map[string]any{"name": "甲赛评委（改）", "organization": "第二大学", "title": "教授", "capacity": 1, "conflicts": []string{"第一大学"}}
	res = orgY.api(http.MethodPut, fmt.Sprintf("/api/v1/experts/%d", w.onlyX.ID), change)
	if d := res.errorBody(t); res.status != http.StatusForbidden || d.Message != refused {
		t.Errorf("PUT x's expert as y: %d %+v", res.status, d)
	}
	page := orgY.get(fmt.Sprintf("/organizer/experts/%d", w.onlyX.ID))
	if !strings.Contains(page.body, `id="read-only"`) || !strings.Contains(page.body, "<fieldset class=\"bare\" disabled>") || strings.Contains(page.body, `class="primary">保存`) {
		t.Errorf("x's expert's page as y is not read-only: %.2000s", page.body)
	}
	res = orgY.form(fmt.Sprintf("/organizer/experts/%d", w.onlyX.ID), url.Values{"name": {"甲赛评委"}, "organization": {"第二大学"}, "title": {"研究员"}, "capacity": {"1"}})
	hidden("refused expert form as y", response{status: http.StatusOK, body: res.body})
	if res.status != http.StatusForbidden || !strings.Contains(res.body, refused) || !strings.Contains(res.body, `id="read-only"`) {
		t.Errorf("expert form as y: %d %.300s", res.status, res.body)
	}
	res = orgY.api(http.MethodPost, "/api/v1/experts", map[string]any{"name": "甲赛评委", "organization": "第二大学", "capacity": 1})
	if d := res.errorBody(t); res.status != http.StatusForbidden || d.Message != refused {
		t.Errorf("adding x's expert again as y: %d %+v", res.status, d)
	}
	res = orgY.form("/organizer/experts", url.Values{"name": {"甲赛评委"}, "organization": {"第二大学"}, "title": {"研究员"}})
	if res.status != http.StatusForbidden || !strings.Contains(res.body, refused) || !strings.Contains(res.body, `value="研究员"`) {
		t.Errorf("adding x's expert again on the page as y: %d %.300s", res.status, res.body)
	}
	res = orgY.multipart("/api/v1/experts/import", nil, "experts.csv", []byte("姓名,工作单位,职称,评审上限\n甲赛评委,第二大学,研究员,1\n新专家,第四大学,教授,5\n"))
	var imported contest.ImportResult
	res.json(t, &imported)
	if res.status != http.StatusUnprocessableEntity || imported.Imported != 0 || len(imported.Problems) != 1 ||
		imported.Problems[0].Line != 2 || imported.Problems[0].Message != refused {
		t.Errorf("importing x's expert as y: %d %s", res.status, res.body)
	}
	res = orgX.get(fmt.Sprintf("/api/v1/experts/%d", w.onlyX.ID))
	var kept judging.Expert
	res.json(t, &kept)
	if kept.Name != "甲赛评委" || kept.Title != "" || kept.Capacity != 20 || len(kept.Conflicts) != 0 || kept.Phone != secret[0] || kept.Email != secret[1] {
		t.Errorf("x's expert after y's attempts: %+v", kept)
	}
	// x's organizer edits its own expert as before.
	res = orgX.api(http.MethodPut, fmt.Sprintf("/api/v1/experts/%d", w.onlyX.ID), map[string]any{"name": "甲赛评委", "organization": "第二大学",
		"title": "研究员", "phone": secret[0], "email": secret[1]})
	if res.status != http.StatusOK || !strings.Contains(res.body, "研究员") {
		t.Errorf("x edits its expert: %d %s", res.status, res.body)
	}
	// The judge on y's panel too, and the expert on no panel, are y's to contact.
	if res := orgY.get(fmt.Sprintf("/api/v1/experts/%d", w.both.ID)); !strings.Contains(res.body, "13900000001") {
		t.Errorf("y's own judge: %s", res.body)
	}
	if res := orgY.get(fmt.Sprintf("/api/v1/experts/%d", w.free.ID)); !strings.Contains(res.body, "13900000003") {
		t.Errorf("an expert on no panel: %s", res.body)
	}
}
