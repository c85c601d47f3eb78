package sqlstore

// Prepared lists the queries whose statements the store keeps.
func (s *DB) Prepared() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.stmts))
	for q := range s.stmts {
		out = append(out, q)
	}
	return out
}
