package web

import "context"

// PublishRoom lets the tests outside the package publish a room's boards after
// changing it through the domain (the stage console's handlers do it in the app).
func (s *Server) PublishRoom(ctx context.Context, contestID, roomID int64, reconcile bool) {
	s.publishRoom(ctx, contestID, roomID, reconcile)
}
