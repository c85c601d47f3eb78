// Package postgres is herald's store for deployments with several replicas:
// PostgreSQL through github.com/jackc/pgx/v5 (its database/sql driver), with
// sqlstore's queries. Posts are claimed with SELECT … FOR UPDATE SKIP LOCKED,
// so replicas polling one database never send a post twice; the schema is
// migrated at open under an advisory lock, so replicas starting together do
// not race.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/heraldhq/herald/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the pg_advisory_xact_lock key that serialises migrations
// across every herald process on one database ("herald" in ASCII).
const migrationLock int64 = 0x68_65_72_61_6c_64

// dialect is PostgreSQL's: $n placeholders, TIMESTAMPTZ, row locks, feed
// leases between replicas, and transaction-scoped advisory locks for
// migrations and for the claim rules of one destination.
var dialect = sqlstore.Dialect{
	NumberedPlaceholders: true,
	RowLocks:             true,
	Replicas:             true,
	LockMigrations:       fmt.Sprintf(`SELECT pg_advisory_xact_lock(%d)`, migrationLock),
	LockDestination:      `SELECT pg_advisory_xact_lock(hashtextextended('herald-destination:' || ?, 0))`,
	IsUnique:             isUnique,
}

// Open connects to the database at url (postgres://user@host:port/db?…) and
// migrates it. Run-time parameters in the URL, such as search_path, apply to
// every connection; pool_max_conns, pool_max_conn_lifetime and
// pool_max_conn_idle_time size the pool of connections (database/sql's).
func Open(ctx context.Context, url string) (*sqlstore.DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error can quote the URL, password included.
		return nil, errors.New("store: open: cannot parse the PostgreSQL URL")
	}
	db := stdlib.OpenDB(*cfg.ConnConfig)
	db.SetMaxOpenConns(int(cfg.MaxConns))
	db.SetMaxIdleConns(int(cfg.MaxConns))
	db.SetConnMaxLifetime(cfg.MaxConnLifetime)
	db.SetConnMaxIdleTime(cfg.MaxConnIdleTime)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	return sqlstore.Open(ctx, db, dialect, migrations)
}

// isUnique reports a unique violation (SQLSTATE 23505).
func isUnique(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
