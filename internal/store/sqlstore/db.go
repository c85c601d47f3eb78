// Package sqlstore is herald's store over database/sql: one implementation
// of every query and rule, shared by the SQLite and PostgreSQL backends,
// which open the database and say, in a Dialect, what differs between them.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// DB is the store.Store over an SQL database.
type DB struct {
	db *sql.DB
	d  *Dialect

	mu    sync.Mutex
	stmts map[string]*sql.Stmt // by query text as written, with ?

	adds addQueue // see AddArticles
}

var _ store.Store = (*DB)(nil)

// Open migrates db with the files migrations/*.sql of migrations (applied
// in name order; each name starts with its version number) and returns the
// store over it, which closes db when it is closed. When Open fails, it
// closes db.
func Open(ctx context.Context, db *sql.DB, d Dialect, migrations fs.FS) (*DB, error) {
	s := &DB{db: db, d: &d, stmts: make(map[string]*sql.Stmt)}
	if err := s.migrate(ctx, migrations); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	return s, nil
}

// Ping checks that the database answers and can be written: a full disk,
// a read-only file or a damaged database fail it, as they would fail the
// next post.
func (s *DB) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	// A write that changes nothing, committed: the newest migration's row
	// written again.
	err := s.inTx(ctx, func(tx *tx) error {
		_, err := tx.exec(ctx, `UPDATE schema_version SET version = version
			WHERE version = (SELECT MAX(version) FROM schema_version)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: the database cannot be written: %w", err)
	}
	return nil
}

// Close closes the prepared statements and the database.
func (s *DB) Close() error {
	s.mu.Lock()
	for q, st := range s.stmts {
		st.Close()
		delete(s.stmts, q)
	}
	s.mu.Unlock()
	return s.db.Close()
}

// The statements that run on every poll and claim are prepared once, on
// first use, and kept by their text. A query whose text is built from
// arguments (Posts) runs unprepared, so that the cache stays bounded.

func (s *DB) cached(q string) *sql.Stmt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stmts[q]
}

// prepare returns the prepared statement for q, preparing it if need be.
// Preparing takes a connection of the pool, so it is never done from
// inside a transaction, which may hold the only one (SQLite's).
func (s *DB) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	if st := s.cached(q); st != nil {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, s.d.rebind(q))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.stmts[q]; ok { // prepared meanwhile by another caller
		st.Close()
		return prev, nil
	}
	s.stmts[q] = st
	return st, nil
}

func (s *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := s.prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (s *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (s *DB) queryRow(ctx context.Context, q string, args ...any) scanner {
	st, err := s.prepare(ctx, q)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// tx is a transaction that runs the store's prepared statements.
type tx struct {
	tx *sql.Tx
	s  *DB
	// unprepared are the queries that ran without a prepared statement,
	// to be prepared once the transaction has given its connection back.
	unprepared []string
}

// inTx runs fn in a transaction, committed when fn returns nil.
func (s *DB) inTx(ctx context.Context, fn func(*tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	t := &tx{tx: sqlTx, s: s}
	if err := fn(t); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	for _, q := range t.unprepared {
		s.prepare(ctx, q) // on failure, the next transaction runs it unprepared again
	}
	return nil
}

// stmt returns the transaction's copy of q's prepared statement, or nil
// when q is not prepared yet: preparing it now would wait for a connection
// of the pool, and this transaction may hold the only one.
func (t *tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if st := t.s.cached(q); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	t.unprepared = append(t.unprepared, q)
	return nil
}

func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.s.d.rebind(q), args...)
}

func (t *tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.s.d.rebind(q), args...)
}

func (t *tx) queryRow(ctx context.Context, q string, args ...any) scanner {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.s.d.rebind(q), args...)
}

// scanner is a row to scan: *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// scanAll reads every row of a query's answer with scan and closes rows;
// err is the query's.
func scanAll[T any](rows *sql.Rows, err error, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// errRow is a row whose query could not be prepared.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// notFound turns a missing row into news.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return news.ErrNotFound
	}
	return err
}

// nullID is an optional reference: zero is NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
