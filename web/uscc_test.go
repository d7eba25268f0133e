package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/xuri/excelize/v2"

	"podium/contest/access"
	"podium/contest/contesttest"
	"podium/contest/entry"
)

// Real unified social credit codes issued since 2015 carry letters in the
// organization code ("MA…"). Each way an entrant or organizer types one in —
// the profile form (full-width, as a phone's IME types it), the API, a CSV and
// an XLSX import — must accept them. All four refused them before GB 11714's
// letter values were fixed.
func TestCreditCodesWithLettersAreAccepted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()

	// The profile form, typed full-width with a space.
	formUser := contesttest.Account(t, h.store, access.RoleEntrant, "form@example.com")
	res := h.loggedIn(formUser).form("/entrant/profile", url.Values{
		"kind": {"enterprise"}, "name": {"浦江智造科技有限公司"}, "uscc": {"９１３１０１１５ＭＡ１Ｋ ４２７７６２"},
		"contact_name": {"陈静"}, "contact_phone": {"13912345678"}, "contact_email": {"chen@example.com"},
	})
	if res.status != http.StatusSeeOther {
		t.Fatalf("profile form with an MA code: %d %.600s", res.status, res.body)
	}
	if org, err := h.store.OrganizationOf(ctx, formUser.ID); err != nil || org.USCC != "91310115MA1K427762" {
		t.Fatalf("profile saved as %+v, %v", org, err)
	}

	// The API.
	apiUser := contesttest.Account(t, h.store, access.RoleEntrant, "api@example.com")
	res = h.loggedIn(apiUser).api(http.MethodPut, "/api/v1/profile", map[string]any{
		"kind": "enterprise", "name": "海淀数智科技有限公司", "uscc": "91110108MA01G0FB09",
		"contact_name": "刘洋", "contact_phone": "13812345678"})
	if res.status != http.StatusOK {
		t.Fatalf("profile API with an MA code: %d %s", res.status, res.body)
	}
	// A code whose organization-code check is right only in the wrong alphabet
	// is still refused, naming the field.
	res = h.loggedIn(apiUser).api(http.MethodPut, "/api/v1/profile", map[string]any{
		"kind": "enterprise", "name": "海淀数智科技有限公司", "uscc": "91310115MA1K427788",
		"contact_name": "刘洋", "contact_phone": "13812345678"})
	if d := res.errorBody(t); res.status != http.StatusUnprocessableEntity || d.Fields["uscc"] == "" {
		t.Fatalf("a wrong check character: %d %s", res.status, res.body)
	}

	// CSV and XLSX imports by the organizer.
	org := contesttest.Account(t, h.store, access.RoleOrganizer, "org@example.com")
	c, err := h.store.CreateContest(ctx, org.ID, contesttest.Setup("uscc-letters"))
	if err != nil {
		t.Fatal(err)
	}
	cl := h.loggedIn(org)
	path := fmt.Sprintf("/api/v1/contests/%d/entries/import", c.ID)
	header := []string{"项目名称", "赛道", "组别", "单位名称", "统一社会信用代码", "联系人", "联系电话"}
	csv := "项目名称,赛道,组别,单位名称,统一社会信用代码,联系人,联系电话\n" +
		"氢能储运,新材料,企业组,自贸区氢能科技有限公司,91310115MA1H971RXF,张三,13800138000\n"
	res = cl.multipart(path, nil, "entries.csv", []byte(csv))
	if res.status != http.StatusOK {
		t.Fatalf("CSV import with an MA code: %d %s", res.status, res.body)
	}

	f := excelize.NewFile()
	rows := [][]string{header, {"柔性储能", "新材料", "企业组", "海淀数智科技有限公司", "91110108MA01G0FB09", "李四", "13800138001"}}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var xlsx bytes.Buffer
	if err := f.Write(&xlsx); err != nil {
		t.Fatal(err)
	}
	res = cl.multipart(path, nil, "entries.xlsx", xlsx.Bytes())
	if res.status != http.StatusOK {
		t.Fatalf("XLSX import with an MA code: %d %s", res.status, res.body)
	}
	list, err := h.store.EntriesInContest(ctx, c.ID, entry.Filter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("imported entries: %d, %v", len(list), err)
	}
}
