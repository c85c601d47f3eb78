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

// Exec runs a statement on the store's database, for tests that put it in
// a state herald must notice.
func (s *DB) Exec(q string) error {
	_, err := s.db.Exec(q)
	return err
}

// ArticleChunk is the most articles one statement records.
const ArticleChunk = articleChunk
