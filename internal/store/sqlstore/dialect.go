package sqlstore

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dialect is what differs between the databases herald runs on. Everything
// else — every query, every rule, every error — is written once, in the SQL
// both understand, with ? placeholders.
type Dialect struct {
	// NumberedPlaceholders: the database wants $1, $2, … (PostgreSQL)
	// rather than ? (SQLite). Queries are rebound once, when prepared.
	NumberedPlaceholders bool
	// UnixMillis: times are INTEGER Unix milliseconds (SQLite) rather than
	// TIMESTAMPTZ (PostgreSQL, written at millisecond precision too, so that
	// both give back the same instants).
	UnixMillis bool
	// RowLocks: SELECT … FOR UPDATE [SKIP LOCKED] locks the rows a
	// transaction is going to change. Without it, a transaction holds the
	// whole database for writing from its start (SQLite's BEGIN IMMEDIATE),
	// so claimers take turns anyway.
	RowLocks bool
	// LockMigrations (a statement without arguments) runs first in the
	// migrations' transaction and makes other processes starting on the same
	// database wait until it ends; empty when beginning the transaction does
	// that already.
	LockMigrations string
	// LockDestination, given a destination's name, makes claims for that
	// destination take turns until the transaction ends, so that each sees
	// what the others took before applying the rules; empty when
	// transactions take turns already.
	LockDestination string
	// Replicas: several processes may share the database and poll the same
	// feeds, so feeds are leased (PostgreSQL). Without it the database is one
	// process's (SQLite) and nothing is leased.
	Replicas bool
	// IsUnique reports whether err is a unique-constraint violation.
	IsUnique func(error) bool
}

// rebind turns the ? placeholders of q into the database's own. Queries
// hold no ? in literals or identifiers.
func (d *Dialect) rebind(q string) string {
	if !d.NumberedPlaceholders || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// forUpdate locks the rows q selects until the transaction ends.
func (d *Dialect) forUpdate(q string) string {
	if d.RowLocks {
		return q + " FOR UPDATE"
	}
	return q
}

// skipLocked locks the rows q selects, passing over rows another
// transaction has locked.
func (d *Dialect) skipLocked(q string) string {
	if d.RowLocks {
		return q + " FOR UPDATE SKIP LOCKED"
	}
	return q
}

// time is how a time is written: Unix milliseconds, or a timestamp
// truncated to the millisecond in UTC.
func (d *Dialect) time(t time.Time) any {
	if d.UnixMillis {
		return t.UnixMilli()
	}
	return time.UnixMilli(t.UnixMilli()).UTC()
}

// nullTime is time, with the zero time written as NULL ("never").
func (d *Dialect) nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return d.time(t)
}

// timeInto scans a time column, however the database keeps it, into t:
// Unix milliseconds or a timestamp, in UTC; NULL is the zero time.
func timeInto(t *time.Time) sql.Scanner { return timeScanner{t} }

type timeScanner struct{ t *time.Time }

func (s timeScanner) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*s.t = time.Time{}
	case int64:
		*s.t = time.UnixMilli(v).UTC()
	case time.Time:
		*s.t = v.UTC()
	default:
		return fmt.Errorf("a time stored as %T", v)
	}
	return nil
}
