package web

import "context"

// PublishRoom republishes a room's boards after a change of it committed
// outside a request of this server (the demo's director plays a live final
// in the serving process): see publishRoom. Reconcile after a freeze, a
// reveal, an unfreeze or a reopening.
func (s *Server) PublishRoom(ctx context.Context, contestID, roomID int64, reconcile bool) {
	s.publishRoom(ctx, contestID, roomID, reconcile)
}
