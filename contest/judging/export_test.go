package judging

// Exported for the external tests only.

// SetAfterSolve makes every assignment run of s call f between its solve and
// its write, so that a test can change the round underneath.
func SetAfterSolve(s *Service, f func(attempt int)) { s.afterSolve = f }
