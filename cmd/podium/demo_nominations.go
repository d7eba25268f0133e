package main

import (
	"context"
	"fmt"
	"time"

	"podium/contest/onward"
)

// seedDemoNominations prepares last year's nominations to the provincial
// contest, as a city does while its results are in publicity: the quota set,
// the suggested entries nominated in draft, the first one's due diligence
// recorded. The nominations page and the report across contests then show
// something; submitting needs the rest of the checks, which the organizer
// records.
func seedDemoNominations(ctx context.Context, dom *Domain, organizerID, contestID int64) error {
	if err := dom.Onward.SetQuota(ctx, organizerID, contestID, onward.Province, 2); err != nil {
		return fmt.Errorf("demo nomination quota: %w", err)
	}
	sg, err := dom.Onward.Suggest(ctx, contestID, onward.Province)
	if err != nil {
		return fmt.Errorf("demo suggestions: %w", err)
	}
	var ids []int64
	for _, c := range sg.Candidates {
		if c.Suggested {
			ids = append(ids, c.EntryID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	year := dom.DB.Now().Year()
	nominated, err := dom.Onward.Nominate(ctx, organizerID, contestID, onward.Province, year, ids)
	if err != nil {
		return fmt.Errorf("demo nominations: %w", err)
	}
	_, err = dom.Onward.RecordCheck(ctx, organizerID, contestID, nominated[0], onward.CheckInput{
		Checkers: "市科技局 王工、李工", CheckedOn: dom.DB.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly),
		Findings: "实地走访生产场地，核对营业执照、上一年度财务报表与知识产权证书，与申报材料一致。", Outcome: onward.CheckPass})
	if err != nil {
		return fmt.Errorf("demo due diligence: %w", err)
	}
	return nil
}
