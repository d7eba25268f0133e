package web

import (
	"github.com/gin-gonic/gin"
)

// deleteUpload removes a file from the entrant's entry: the record first (in the
// database, where the deadline and state are checked), then the bytes. A failure
// to delete the bytes leaves an unreferenced file, which is logged, never a
// record pointing at nothing.
func (s *Server) deleteUpload(c *gin.Context, entryID int64, uploadID string) error {
	ctx := c.Request.Context()
	keys, err := s.entries.DeleteUpload(ctx, accountID(c), entryID, uploadID)
	if err != nil {
		return err
	}
	for _, key := range keys {
		if err := s.cfg.Blobs.Delete(ctx, key); err != nil {
			s.log.WarnContext(ctx, "delete blob of a removed upload", "key", key, "err", err)
		}
	}
	return nil
}
