package main

import (
	"context"
	"fmt"
	mrand "math/rand/v2"

	"podium/contest/access"
	"podium/contest/showcase"
	"podium/fault"
)

// demoInvestorEmail is the demo's investment institution's login.
const demoInvestorEmail = "investor@demo.podium.local"

// seedDemoInvestor has the demo's investment institution apply to the
// contest's investor showcase and approves it, as the organizer would.
func seedDemoInvestor(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	acct, err := demoInvestor(ctx, dom)
	if err != nil {
		return err
	}
	if err := dom.Showcase.Apply(ctx, acct.ID, contestID); err != nil {
		return fmt.Errorf("demo investor applies: %w", err)
	}
	if err := dom.Showcase.DecideInvestor(ctx, organizerID, contestID, acct.ID, true, ""); err != nil {
		return fmt.Errorf("approve the demo investor: %w", err)
	}
	return nil
}

// demoInvestor registers the demo's investment institution, or logs into it
// again (after a reset, or once the other contest registered it).
func demoInvestor(ctx context.Context, dom *Domain) (access.Account, error) {
	acct, err := dom.Showcase.Register(ctx, showcase.InvestorInput{Institution: "丹东鸭绿江创业投资有限公司",
		USCC: demoUSCC(mrand.New(mrand.NewPCG(demoGeneratedSeed, 1)), true), ContactName: "冯启明",
		Email: demoInvestorEmail, Password: demoPassword})
	if fault.ErrorCode(err) == fault.CodeConflict || fault.ErrorCode(err) == fault.CodeInvalid {
		acct, err = dom.Accounts.Authenticate(ctx, demoInvestorEmail, demoPassword)
	}
	if err != nil {
		return acct, fmt.Errorf("demo investor: %w", err)
	}
	return acct, nil
}

// demoShowcased are last year's finalists (by their index in
// demoLiveEntrants) who show their entry to investors once the results are
// final: the round they raised and the amount they seek (万元).
var demoShowcased = []struct {
	entrant int
	round   showcase.RoundRaised
	amount  string
}{
	{0, showcase.RaisedA, "8000"},
	{1, showcase.RaisedAngel, "1500"},
	{2, showcase.RaisedPreA, "3000"},
	{4, showcase.RaisedSeed, "500"},
}

// seedDemoShowcase opens last year's investor showcase, its results being
// final: the demo investor approved, four finalists shown, and two requests
// for contact, one accepted by its entrant and one waiting for an answer.
// entries are the contest's entries in demoLiveEntrants' order.
func seedDemoShowcase(ctx context.Context, dom *Domain, organizerID, contestID int64, entries []int64) error {
	if err := seedDemoInvestor(ctx, dom, organizerID, contestID); err != nil {
		return err
	}
	investor, err := demoInvestor(ctx, dom)
	if err != nil {
		return err
	}
	for _, s := range demoShowcased {
		d := demoLiveEntrants[s.entrant]
		acct, err := dom.Accounts.Authenticate(ctx, d.email, demoPassword)
		if err != nil {
			return fmt.Errorf("demo showcase: %w", err)
		}
		if _, err := dom.Showcase.OptIn(ctx, acct.ID, entries[s.entrant], showcase.OptInInput{RoundRaised: s.round,
			Amount: s.amount, Unit: showcase.UnitWan}); err != nil {
			return fmt.Errorf("%s opts into the showcase: %w", d.title, err)
		}
	}
	for i, s := range demoShowcased[:2] {
		d := demoLiveEntrants[s.entrant]
		r, err := dom.Showcase.RequestContact(ctx, investor.ID, contestID, entries[s.entrant],
			"您好，我们关注东北地区的硬科技项目，希望进一步了解贵项目的融资计划与产能规划，方便时请联系。")
		if err != nil {
			return fmt.Errorf("the demo investor asks for %s: %w", d.title, err)
		}
		if i > 0 {
			continue // waits for the entrant's answer
		}
		acct, err := dom.Accounts.Authenticate(ctx, d.email, demoPassword)
		if err == nil {
			err = dom.Showcase.DecideRequest(ctx, acct.ID, entries[s.entrant], r.ID, true)
		}
		if err != nil {
			return fmt.Errorf("%s answers the demo investor: %w", d.title, err)
		}
	}
	return nil
}
