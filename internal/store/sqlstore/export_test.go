package sqlstore

import "context"

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

// Hold takes the database's connection in a transaction until release.
func (s *DB) Hold(ctx context.Context) (release func(), err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return func() { tx.Rollback() }, nil
}

// AddsWaiting is how many AddArticles calls wait for a leader to record
// their batches.
func (s *DB) AddsWaiting() int {
	s.adds.mu.Lock()
	defer s.adds.mu.Unlock()
	return len(s.adds.waiting)
}

// OnAddTogether sets a function told how many batches each of
// AddArticles's transactions records.
func (s *DB) OnAddTogether(f func(n int)) { s.adds.together = f }
