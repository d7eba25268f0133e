package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"podium/contest/objections"
	"podium/fault"
)

// The public side of objections (异议): the form, filing, and the objector's
// page found by reference. The rules are the objections room's; this file
// parses, calls and replies. Abuse resistance is the transport's: a per-IP
// limit, a honeypot field, a bounded body.

// maxObjectionBody bounds a request that carries an objection's files: five
// pieces of evidence and a letter of objections.MaxFileSize each (or a note's
// five files), in base64 for the JSON API, with the form around them.
const maxObjectionBody = (objections.MaxEvidence+1)*objections.MaxFileSize*4/3 + 1<<20

// objectionUploadPath reports whether a request may carry an objection's
// files (a filing, an investigation note), whose body may be larger than maxBody.
func objectionUploadPath(p string) bool {
	filing := strings.HasSuffix(p, "/objections") &&
		(strings.HasPrefix(p, "/results/") || strings.HasPrefix(p, "/api/v1/public/results/"))
	note := strings.HasSuffix(p, "/notes") && strings.Contains(p, "/objections/") &&
		(strings.HasPrefix(p, "/organizer/contests/") || strings.HasPrefix(p, "/api/v1/contests/"))
	return filing || note
}

// honeypotField is a field people never see (hidden by CSS and from screen
// readers) that form-filling robots do fill.
const honeypotField = "website"

// objectionOpening is a round of the form's list, named for the reader.
type objectionOpening struct {
	objections.Opening
	Name string
}

type objectionFormPage struct {
	ContestRef  string // as in the address: id or slug
	ContestName string
	Openings    []objectionOpening
	Open        []objectionOpening // those taking objections now
	V           map[string]string  // the typed values
	Errors      map[string]string
	MaxEvidence int
	MaxFileMB   int
	Accept      string
	Kinds       []objections.ObjectorKind
	PersonIDs   []objections.IDType
}

func (s *Server) objectionForm(c *gin.Context, contestID int64) (objectionFormPage, error) {
	ctx := c.Request.Context()
	ct, err := s.contests.Contest(ctx, contestID)
	if err != nil {
		return objectionFormPage{}, err
	}
	ops, err := s.objections.Openings(ctx, contestID)
	if err != nil {
		return objectionFormPage{}, err
	}
	l := s.localizer(c)
	p := objectionFormPage{ContestRef: c.Param("contest"), ContestName: l.Name(ct.NameZh, ct.NameEn), V: map[string]string{},
		Errors: map[string]string{}, MaxEvidence: objections.MaxEvidence, MaxFileMB: objections.MaxFileSize >> 20,
		Accept: ".pdf,application/pdf,.jpg,.jpeg,image/jpeg,.png,image/png", Kinds: objections.ObjectorKinds,
		PersonIDs: objections.PersonIDTypes}
	for _, o := range ops {
		op := objectionOpening{Opening: o, Name: l.Name(o.RoundNameZh, o.RoundNameEn)}
		p.Openings = append(p.Openings, op)
		if o.Open {
			p.Open = append(p.Open, op)
		}
	}
	return p, nil
}

// objectionNewPage is the public form; ?round=&entry= preselect the entry.
func (s *Server) objectionNewPage(c *gin.Context) {
	id, err := s.publicContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.objectionForm(c, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	p.V["kind"], p.V["id_type"] = string(objections.Person), string(objections.IDResident)
	if r, e := c.Query("round"), c.Query("entry"); r != "" && e != "" {
		p.V["entry"] = r + ":" + e
	}
	s.render(c, http.StatusOK, "objection_new.html", "objection.new.title", p)
}

// objectionFormFields are the form's text fields, kept when it is shown again.
var objectionFormFields = []string{"kind", "name", "organization", "id_type", "id_number", "phone", "email", "entry", "grounds"}

func (s *Server) objectionFileSubmit(c *gin.Context) {
	id, err := s.publicContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Over the limit, the form comes back with what was typed and says when
	// to try again, instead of an error page that loses it.
	limited := s.allow(c.Request.Context(), "objection:ip:"+c.ClientIP(), s.cfg.ObjectionPerIP) != nil
	form, err := c.MultipartForm()
	if err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.fail(c, fault.Invalid("body", "err.objection.form"))
		return
	}
	f := objections.Filing{Kind: objections.ObjectorKind(c.PostForm("kind")), Name: c.PostForm("name"),
		Organization: c.PostForm("organization"), IDType: objections.IDType(c.PostForm("id_type")), IDNumber: c.PostForm("id_number"),
		Phone: c.PostForm("phone"), Email: c.PostForm("email"), Grounds: c.PostForm("grounds")}
	round, entry, _ := strings.Cut(c.PostForm("entry"), ":") // the option's value: "round key:entry id"
	f.Round = round
	f.EntryID, _ = strconv.ParseInt(entry, 10, 64)
	var opened []multipart.File
	defer func() {
		for _, o := range opened {
			o.Close()
		}
	}()
	var filing error
	if limited {
		filing = &fault.Error{Code: fault.CodeRateLimited, Message: "err.objection.rate_limited"}
	} else if c.PostForm(honeypotField) != "" {
		filing = &fault.Error{Code: fault.CodeInvalid, Message: "err.objection.refused"}
	} else if form != nil {
		for _, fh := range form.File["evidence"] {
			if fh.Size == 0 && fh.Filename == "" {
				continue // an empty file input
			}
			u, err := openPart(fh)
			if err != nil {
				s.fail(c, err)
				return
			}
			opened = append(opened, u.File.(multipart.File))
			f.Evidence = append(f.Evidence, u)
		}
		if fhs := form.File["letter"]; len(fhs) > 0 && fhs[0].Filename != "" {
			u, err := openPart(fhs[0])
			if err != nil {
				s.fail(c, err)
				return
			}
			opened = append(opened, u.File.(multipart.File))
			f.Letter = &u
		}
	}
	var filed objections.Filed
	if filing == nil {
		filed, filing = s.objections.File(c.Request.Context(), id, f)
	}
	if filing == nil {
		c.Redirect(http.StatusSeeOther, "/objections/"+filed.Display+"?filed=1")
		return
	}
	status, fields, ok := s.formProblems(c, filing)
	if !ok {
		return
	}
	p, err := s.objectionForm(c, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, k := range objectionFormFields {
		p.V[k] = c.PostForm(k)
	}
	p.Errors = fields
	if fields["evidence"] != "" || fields["letter"] != "" || len(f.Evidence) > 0 || f.Letter != nil {
		p.Errors["files_again"] = s.localizer(c).T("objection.files_again")
	}
	s.render(c, status, "objection_new.html", "objection.new.title", p)
}

// openPart opens an uploaded part as the room reads files.
func openPart(fh *multipart.FileHeader) (objections.Upload, error) {
	f, err := fh.Open()
	if err != nil {
		return objections.Upload{}, err
	}
	return objections.Upload{Name: cleanFileName(fh.Filename), File: f, Size: fh.Size}, nil
}

// cleanFileName keeps a file's own name, without a path or control characters.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		return ""
	}
	return name
}

type objectionStatusPage struct {
	objections.Status
	Filed     bool // just filed: say to keep the reference
	RoundName string
	Contest   string
}

// objectionStatusPage is what the reference shows its objector.
func (s *Server) objectionStatusPage(c *gin.Context) {
	st, err := s.objections.Lookup(c.Request.Context(), c.Param("reference"))
	if fault.ErrorCode(err) == fault.CodeNotFound { // mistyped: the look-up box, to try again
		_, d := s.describe(c, err)
		s.render(c, http.StatusNotFound, "objection_lookup.html", "objection.lookup.title",
			objectionLookupPage{Reference: c.Param("reference"), Error: d.Message})
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.localizer(c)
	s.render(c, http.StatusOK, "objection_status.html", "objection.status.title", objectionStatusPage{Status: st,
		Filed: c.Query("filed") == "1", RoundName: l.Name(st.RoundNameZh, st.RoundNameEn), Contest: l.Name(st.ContestZh, st.ContestEn)})
}

type objectionLookupPage struct {
	Reference string
	Error     string
}

// objectionLookupPage is where an objector types the reference to see the
// objection's state: found, it goes to the objection's page.
func (s *Server) objectionLookupPage(c *gin.Context) {
	ref := strings.TrimSpace(c.Query("reference"))
	if ref == "" {
		s.render(c, http.StatusOK, "objection_lookup.html", "objection.lookup.title", objectionLookupPage{})
		return
	}
	st, err := s.objections.Lookup(c.Request.Context(), ref)
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/objections/"+st.Display)
		return
	}
	status, d := s.describe(c, err)
	if status != http.StatusNotFound {
		s.fail(c, err)
		return
	}
	s.render(c, status, "objection_lookup.html", "objection.lookup.title", objectionLookupPage{Reference: ref, Error: d.Message})
}

// JSON API.

// apiFile is a file in JSON: its name and its bytes in standard base64.
type apiFile struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

type apiFiling struct {
	Round        string    `json:"round"`
	Entry        int64     `json:"entry"`
	Kind         string    `json:"kind"`
	Name         string    `json:"name"`
	Organization string    `json:"organization"`
	IDType       string    `json:"id_type"`
	IDNumber     string    `json:"id_number"`
	Phone        string    `json:"phone"`
	Email        string    `json:"email"`
	Grounds      string    `json:"grounds"`
	Evidence     []apiFile `json:"evidence"`
	Letter       *apiFile  `json:"letter"`
}

// upload decodes a JSON file; field names it in an error.
func (f apiFile) upload(field string) (objections.Upload, error) {
	b, err := base64.StdEncoding.DecodeString(f.Content)
	if err != nil {
		return objections.Upload{}, fault.Invalid(field, "err.objection.base64")
	}
	return objections.Upload{Name: cleanFileName(f.Name), File: bytes.NewReader(b), Size: int64(len(b))}, nil
}

func (s *Server) apiFileObjection(c *gin.Context) {
	id, err := s.publicContestID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.allow(c.Request.Context(), "objection:ip:"+c.ClientIP(), s.cfg.ObjectionPerIP); err != nil {
		s.fail(c, err)
		return
	}
	var in apiFiling
	if err := s.bindJSONUpTo(c, &in, maxObjectionBody); err != nil {
		s.fail(c, err)
		return
	}
	f := objections.Filing{Round: in.Round, EntryID: in.Entry, Kind: objections.ObjectorKind(in.Kind), Name: in.Name,
		Organization: in.Organization, IDType: objections.IDType(in.IDType), IDNumber: in.IDNumber, Phone: in.Phone,
		Email: in.Email, Grounds: in.Grounds}
	for _, e := range in.Evidence {
		u, err := e.upload("evidence")
		if err != nil {
			s.fail(c, err)
			return
		}
		f.Evidence = append(f.Evidence, u)
	}
	if in.Letter != nil {
		u, err := in.Letter.upload("letter")
		if err != nil {
			s.fail(c, err)
			return
		}
		f.Letter = &u
	}
	filed, err := s.objections.File(c.Request.Context(), id, f)
	if err == nil {
		c.Header("Location", "/api/v1/public/objections/"+filed.Reference)
	}
	s.reply(c, http.StatusCreated, filed, err)
}

func (s *Server) apiObjectionStatus(c *gin.Context) {
	st, err := s.objections.Lookup(c.Request.Context(), c.Param("reference"))
	s.reply(c, http.StatusOK, st, err)
}

// bindJSONUpTo is bindJSON for a body of up to limit bytes (files in base64).
func (s *Server) bindJSONUpTo(c *gin.Context, v any, limit int64) error {
	if c.ContentType() != "application/json" {
		return fault.Invalid("body", "err.json.content_type")
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return &fault.Error{Code: fault.CodeTooLarge, Message: "err.request.too_large"}
	} else if err != nil {
		return fault.Invalid("body", "err.json.malformed")
	}
	if field, bad := badJSONText(data); bad {
		return textInvalid(field)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			return fault.Invalid(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "err.json.unknown_field")
		}
		return fault.Invalid("body", "err.json.malformed")
	}
	return nil
}
