package access

// Exported for the external tests only.

// DecoyHash is the hash an unknown login's password is compared against.
func (s *Service) DecoyHash() []byte { return s.decoyHash() }
