package onward

import (
	"context"
	"encoding/hex"

	"podium/contest/audit"
	"podium/files/table"
)

var auditColumns = []word{
	{"序号", "Seq"},
	{"时间", "At"},
	{"操作人", "Actor"},
	{"操作", "Action"},
	{"对象", "Subject"},
	{"内容", "Payload"},
	{"哈希", "Hash"},
}

// auditLog writes the contest's audit log, newest first as the audit page
// shows it, through the audit room's own view a page (audit.MaxPage records)
// at a time: memory holds one page, whatever the log's length. Payloads are
// the records' JSON as the page shows them to organizers; the hash lets a
// reader match a row with `podium audit verify`. Actions are named as the
// audit page names them; the subject is the record's own text.
func (s *Service) auditLog(_ context.Context, e *Export, contestID int64, lang Lang) error {
	e.cols = words(lang, auditColumns...)
	log := audit.New(s.db.DB)
	e.write = func(ctx context.Context, t *table.Writer) error {
		q := audit.Query{Limit: audit.MaxPage}
		for {
			page, more, err := log.Page(ctx, contestID, q)
			if err != nil {
				return err
			}
			for _, r := range page {
				at := r.At
				if err := t.WriteRow(r.Seq, s.local(&at), r.ActorName, name(lang, "audit.action."+string(r.Action)), r.Subject, string(r.Payload), hex.EncodeToString(r.Hash)); err != nil {
					return err
				}
			}
			if !more || len(page) == 0 {
				return nil
			}
			q.Before = page[len(page)-1].Seq
		}
	}
	return nil
}
