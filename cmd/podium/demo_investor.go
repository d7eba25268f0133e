package main

import (
	"context"
	"fmt"
	mrand "math/rand/v2"

	"podium/contest/showcase"
	"podium/fault"
)

// demoInvestorEmail is the demo's investment institution's login.
const demoInvestorEmail = "investor@demo.podium.local"

// seedDemoInvestor registers the demo's investment institution (or logs
// into it again after a reset), has it apply to the contest's investor
// showcase and approves it, as the organizer would.
func seedDemoInvestor(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	acct, err := dom.Showcase.Register(ctx, showcase.InvestorInput{Institution: "丹东鸭绿江创业投资有限公司",
		USCC: demoUSCC(mrand.New(mrand.NewPCG(demoGeneratedSeed, 1)), true), ContactName: "冯启明",
		Email: demoInvestorEmail, Password: demoPassword})
	if fault.ErrorCode(err) == fault.CodeConflict || fault.ErrorCode(err) == fault.CodeInvalid {
		acct, err = dom.Accounts.Authenticate(ctx, demoInvestorEmail, demoPassword)
	}
	if err != nil {
		return fmt.Errorf("demo investor: %w", err)
	}
	if err := dom.Showcase.Apply(ctx, acct.ID, contestID); err != nil {
		return fmt.Errorf("demo investor applies: %w", err)
	}
	if err := dom.Showcase.DecideInvestor(ctx, organizerID, contestID, acct.ID, true, ""); err != nil {
		return fmt.Errorf("approve the demo investor: %w", err)
	}
	return nil
}
