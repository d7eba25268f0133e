package notify

import (
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templateFiles embed.FS

// fields are the data each kind's templates read; a field a message was
// recorded without reads as empty (an optional reason, a period not set).
var fields = map[Kind][]string{
	EntrySubmitted:    {"Contest", "Title", "SubmittedAt", "Link"},
	EntryReviewed:     {"Contest", "Title", "Accepted", "Reason", "Link"},
	EntryAdvanced:     {"Contest", "Title", "Round", "NextRound", "Link"},
	ResultsPublished:  {"Contest", "Round", "PeriodEnds", "Link"},
	ObjectionFiled:    {"Contest", "Reference", "Link"},
	ObjectionReplied:  {"Contest", "Reference", "Upheld", "Reply", "Link"},
	JudgeInvited:      {"Contest", "Link", "ExpiresAt"},
	JudgeReminded:     {"Contest", "Round", "Pending", "Deadline", "Link"},
	PasswordResetSent: {"Link", "Minutes", "SMS"}, // SMS: sent as a text message, so short and with no e-mail words
	NotificationTest:  {},
	NominationChanged: {"Contest", "Title", "Target", "Status", "Result", "Link"},
}

// templates are the parsed templates of each locale; "link" is bound per
// message to the base URL.
var templates = func() map[string]*template.Template {
	t := map[string]*template.Template{}
	for _, l := range []string{"zh-CN", "en"} {
		t[l] = template.Must(template.New(l).Option("missingkey=error").
			Funcs(template.FuncMap{"link": func(string) string { return "" }}).
			ParseFS(templateFiles, "templates/"+l+".tmpl"))
	}
	return t
}()

// render writes a message's subject and plain-text body in its locale. Links
// in data are paths; base (the public URL, "https://contest.example.cn") is
// put before them.
func render(kind Kind, locale, name string, data map[string]any, base string) (subject, body string, err error) {
	want, ok := fields[kind]
	if !ok {
		return "", "", fmt.Errorf("notify: unknown kind %q", kind)
	}
	d := map[string]any{"Name": name}
	for _, f := range want {
		d[f] = ""
	}
	for k, v := range data {
		d[k] = v
	}
	t, err := templates[Locale(locale)].Clone()
	if err != nil {
		return "", "", err
	}
	base = strings.TrimRight(base, "/")
	t.Funcs(template.FuncMap{"link": func(p string) string {
		if p == "" || strings.Contains(p, "://") {
			return p
		}
		return base + "/" + strings.TrimLeft(p, "/")
	}})
	var s, b strings.Builder
	if err := t.ExecuteTemplate(&s, string(kind)+"/subject", d); err != nil {
		return "", "", err
	}
	if err := t.ExecuteTemplate(&b, string(kind)+"/body", d); err != nil {
		return "", "", err
	}
	return strings.Join(strings.Fields(s.String()), " "), strings.TrimSpace(b.String()) + "\n", nil
}

// Preview renders a message as its recipient will read it, for tests and
// the organizer's view.
func Preview(m Message, base string) (subject, body string, err error) {
	return render(m.Kind, m.Locale, m.Name, m.Data, base)
}
