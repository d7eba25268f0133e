package contest_test

import (
	"context"
	"strings"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
	"podium/contest/notify"
)

// An entrant who registered with a mobile number only can reset the
// password: the link goes by SMS to the number (through the outbox's SMS
// channel), and also by e-mail once the profile gives a contact address. The
// link works like an e-mailed one; the answer is the same as for a login
// nobody has.
func TestPasswordResetOfAPhoneOnlyAccount(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	a, err := s.CreateAccount(ctx, access.NewAccount{Role: access.RoleEntrant, Phone: "13912345678", DisplayName: "赵敏", Password: contesttest.Password})
	if err != nil {
		t.Fatal(err)
	}
	type sent struct {
		Channel   notify.Channel `db:"channel"`
		Recipient string         `db:"recipient"`
		Link      string         `db:"link"`
		SMS       bool           `db:"sms"`
	}
	messages := func() []sent {
		t.Helper()
		var m []sent
		if err := s.DB.Select(&m, `SELECT channel, recipient, data->>'Link' AS link, coalesce((data->>'SMS')::boolean, false) AS sms
			FROM outbox WHERE kind = 'account.reset' ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if err := s.RequestPasswordReset(ctx, "13900000000"); err != nil || len(messages()) != 0 {
		t.Fatalf("unknown number: %v, %v", err, messages())
	}
	// Typed as a Chinese keyboard types it.
	if err := s.RequestPasswordReset(ctx, "１３９ １２３４ ５６７８"); err != nil {
		t.Fatalf("known number: %v", err)
	}
	m := messages()
	if len(m) != 1 || m[0].Channel != notify.SMS || m[0].Recipient != "13912345678" || !m[0].SMS || !strings.HasPrefix(m[0].Link, "/password/reset/") {
		t.Fatalf("a phone-only account's reset: %+v", m)
	}
	_, body, err := notify.Preview(notify.Message{Kind: notify.PasswordResetSent, Locale: "zh-CN",
		Data: map[string]any{"Link": m[0].Link, "Minutes": 60, "SMS": true}}, "https://contest.example.cn")
	if err != nil || !strings.Contains(body, "https://contest.example.cn"+m[0].Link) || strings.Contains(body, "邮件") {
		t.Errorf("the SMS reads %q (%v)", body, err)
	}
	if err := s.ResetPassword(ctx, strings.TrimPrefix(m[0].Link, "/password/reset/"), "新的密码 long enough"); err != nil {
		t.Fatalf("the SMS link: %v", err)
	}
	if _, err := s.Authenticate(ctx, "13912345678", "新的密码 long enough"); err != nil {
		t.Fatalf("the new password: %v", err)
	}

	// With a contact e-mail on the profile, the link goes there too (one link, two ways).
	if _, err := s.SaveOrganization(ctx, a.ID, entry.OrganizationInput{Kind: entry.OrgTeam, Name: "追光团队", ContactName: "赵敏",
		ContactPhone: "13912345678", ContactEmail: "zhao.min@example.cn"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPasswordReset(ctx, "13912345678"); err != nil {
		t.Fatal(err)
	}
	m = messages()[1:]
	if len(m) != 2 || m[0].Channel != notify.SMS || m[1].Channel != notify.Email || m[1].Recipient != "zhao.min@example.cn" ||
		m[1].SMS || m[0].Link != m[1].Link {
		t.Fatalf("with a contact e-mail: %+v", m)
	}
}
