package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"podium/contest/entry"
)

// A second organizer importing a row with an entrant's credit code reads the
// row's own organization, never the entrant's contacts and members.
func TestImportDoesNotRevealAnEntrantsContacts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	w := newCrossContest(t, h) // the entrant of both contests: testOrganization()
	csv := "项目名称,赛道,组别,单位名称,统一社会信用代码,联系人,联系电话\n" +
		"柔性散热,新材料,企业组,星河导入公司," + testOrganization().USCC + ",王五,13900000009\n"
	orgY := h.loggedIn(w.orgY)
	if res := orgY.multipart(fmt.Sprintf("/api/v1/contests/%d/entries/import", w.y.ID), nil, "entries.csv", []byte(csv)); res.status != http.StatusOK {
		t.Fatalf("import: %d %s", res.status, res.body)
	}
	list, err := h.store.EntriesInContest(ctx, w.y.ID, entry.Filter{Query: "柔性散热"})
	if err != nil || len(list) != 1 {
		t.Fatalf("imported %+v %v", list, err)
	}
	res := orgY.get(fmt.Sprintf("/api/v1/contests/%d/entries/%d", w.y.ID, list[0].ID))
	if res.status != http.StatusOK || !strings.Contains(res.body, `"contact_name":"王五"`) || !strings.Contains(res.body, "星河导入公司") ||
		!strings.Contains(res.body, `"track":"materials"`) || strings.Contains(res.body, "新材料") {
		t.Errorf("y's imported entry: %d %s", res.status, res.body)
	}
	org := testOrganization()
	for _, secret := range []string{org.ContactName, org.ContactPhone, org.Members[0].Name} {
		if strings.Contains(res.body, secret) {
			t.Errorf("y's organizer reads the entrant's %q: %s", secret, res.body)
		}
	}
}
