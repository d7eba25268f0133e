package contest_test

import (
	"context"
	"testing"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
)

// A Chinese keyboard types full-width letters, digits and signs: the
// profile's code-like fields are folded to half width before they are
// checked, and stored folded.
func TestProfileFoldsFullWidthCodes(t *testing.T) {
	t.Parallel()
	s, _ := contesttest.NewStore(t)
	ctx := context.Background()
	a := contesttest.Account(t, s, access.RoleEntrant, "fw@example.com")
	in := entry.OrganizationInput{
		Kind: entry.OrgEnterprise, Name: "星河智能科技有限公司", USCC: "９１４４０３００７０８４６１１３６Ｔ",
		ContactName: "张伟", ContactPhone: "１３８００１３８０００", ContactEmail: "ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ",
		CompanyFacts: entry.CompanyFacts{TechSMENumber: "２０２１２１０６０３Ａ０００１２３", HighTechCertNumber: "ＧＲ２０２１２１０００１２３"},
	}
	org, err := s.SaveOrganization(ctx, a.ID, in)
	if err != nil {
		t.Fatalf("full-width codes refused: %v", err)
	}
	if org.TechSMENumber != "2021210603A000123" || org.HighTechCertNumber != "GR202121000123" || org.USCC != "91440300708461136T" ||
		org.ContactPhone != "13800138000" || org.ContactEmail != "zhang@example.com" {
		t.Errorf("stored %q %q %q %q %q", org.TechSMENumber, org.HighTechCertNumber, org.USCC, org.ContactPhone, org.ContactEmail)
	}
}
