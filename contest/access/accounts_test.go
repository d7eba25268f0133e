package access_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/fault"
)

// An unknown login is checked against a decoy hash of the same cost as real
// password hashes, so it costs as long as a wrong password (issue 10: the decoy
// had cost 10 while real hashes have 12). The costs are compared, not timed.
func TestDecoyHashHasThePasswordCost(t *testing.T) {
	t.Parallel()
	if got := bcrypt.DefaultCost; got == access.New(nil).PasswordCost {
		t.Fatalf("the production cost is bcrypt's default (%d): this test would prove nothing", got)
	}
	prod := access.New(nil)
	if got, err := bcrypt.Cost(prod.DecoyHash()); err != nil || got != prod.PasswordCost {
		t.Errorf("decoy cost %d (%v), want the store's %d", got, err, prod.PasswordCost)
	}

	s, _ := contesttest.NewStore(t) // a cheap cost for tests; the decoy follows it
	ctx := context.Background()
	a := contesttest.Account(t, s, access.RoleJudge, "judge@example.com")
	realCost, err := bcrypt.Cost([]byte(*a.PasswordHash))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := bcrypt.Cost(s.DecoyHash()); got != realCost {
		t.Errorf("decoy cost %d, real hash cost %d", got, realCost)
	}
	if _, err := s.Authenticate(ctx, "nobody@example.com", contesttest.Password); fault.ErrorCode(err) != fault.CodeUnauthorized {
		t.Errorf("unknown login: %v", err)
	}
	s.PasswordCost = bcrypt.MinCost + 1 // a changed setting makes a new decoy
	if got, _ := bcrypt.Cost(s.DecoyHash()); got != s.PasswordCost {
		t.Errorf("decoy cost %d after the cost changed to %d", got, s.PasswordCost)
	}
}

// BenchmarkAuthenticate compares an unknown login with a wrong password at the
// production cost: the two must take about as long (ns/op within a few percent).
func BenchmarkAuthenticate(b *testing.B) {
	s, _ := contesttest.NewStore(b)
	s.PasswordCost = access.New(nil).PasswordCost
	contesttest.Account(b, s, access.RoleJudge, "judge@example.com")
	ctx := context.Background()
	for _, bc := range []struct{ name, login string }{{"wrong_password", "judge@example.com"}, {"unknown_login", "nobody@example.com"}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Authenticate(ctx, bc.login, "not the password"); fault.ErrorCode(err) != fault.CodeUnauthorized {
					b.Fatal(err)
				}
			}
		})
	}
}
