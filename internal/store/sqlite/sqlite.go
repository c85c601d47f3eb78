// Package sqlite is herald's embedded store: SQLite through modernc.org/sqlite
// (pure Go, so the binary stays static), in WAL mode with a busy timeout and
// foreign keys on, its schema migrated at open. The queries are sqlstore's.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"

	modernc "modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/heraldhq/herald/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// dialect is SQLite's: ? placeholders, times as Unix milliseconds, and no
// row locks: every transaction is IMMEDIATE (it takes the write lock when
// it begins) on the one connection, so claimers and migrations take turns.
var dialect = sqlstore.Dialect{
	UnixMillis: true,
	IsUnique:   isUnique,
}

// Open opens (creating if need be) the database at path and migrates it.
// ":memory:" gives a private in-memory database, for tests.
func Open(ctx context.Context, path string) (*sqlstore.DB, error) {
	db, err := open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return sqlstore.Open(ctx, db, dialect, migrations)
}

// open connects to the database at path as the store uses it.
func open(ctx context.Context, path string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	if path == ":memory:" {
		dsn = "file::memory:?" + q.Encode()
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// One connection: SQLite takes one writer at a time anyway, and a single
	// connection makes every transaction see the one before it without
	// SQLITE_BUSY retries (and keeps an in-memory database one database).
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// isUnique reports a UNIQUE or PRIMARY KEY constraint violation.
func isUnique(err error) bool {
	var e *modernc.Error
	return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}
