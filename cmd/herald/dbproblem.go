package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	modernc "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The words for a database herald cannot open, held to the standard of the
// configuration's errors: what is wrong and what to do, on one line.

// sqliteFileProblem looks at the file a SQLite database would live in
// before SQLite does, which says only "unable to open database file".
func sqliteFileProblem(path string) string {
	if path == ":memory:" {
		return ""
	}
	dir := filepath.Dir(path)
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("the directory %s does not exist: create it, or name a file in a directory that does", dir)
	case err != nil:
		return fmt.Sprintf("the directory %s cannot be read: %s", dir, osReason(err))
	case !fi.IsDir():
		return fmt.Sprintf("%s is not a directory", dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Sprintf("%s is a directory: name a file in it, such as %s", path, filepath.Join(path, "herald.db"))
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Sprintf("%s cannot be opened for writing: %s", path, osReason(err))
	}
	f.Close()
	// SQLite keeps its write-ahead log beside the file: the directory must
	// take new files too.
	probe, err := os.CreateTemp(dir, ".herald-write-test-*")
	if err != nil {
		return fmt.Sprintf("the directory %s does not take new files (SQLite keeps its journal beside the database): %s", dir, osReason(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return ""
}

// osReason says why the system refused a file.
func osReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("permission denied (herald runs as user %d)", os.Getuid())
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only"
	case errors.Is(err, syscall.ENOSPC):
		return "the disk is full"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// sqliteProblem says why SQLite could not open or migrate the database.
func sqliteProblem(path string, err error) string {
	var e *modernc.Error
	if errors.As(err, &e) {
		switch e.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return fmt.Sprintf("%s is not a SQLite database (is HERALD_DATABASE the right file?)", path)
		case sqlite3.SQLITE_CORRUPT:
			return fmt.Sprintf("the database %s is damaged: restore it from a backup", path)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
			return fmt.Sprintf("the database %s cannot be written: permission denied or a read-only file system", path)
		case sqlite3.SQLITE_FULL:
			return fmt.Sprintf("the database %s cannot be written: the disk is full", path)
		case sqlite3.SQLITE_CANTOPEN:
			return fmt.Sprintf("the database %s cannot be opened", path)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Sprintf("the database %s is locked by another program", path)
		}
	}
	return firstLine(err.Error())
}

// postgresProblem says why PostgreSQL could not be reached or used,
// without the URL's password.
func postgresProblem(rawURL string, err error) string {
	where := "the PostgreSQL server"
	if u, perr := url.Parse(rawURL); perr == nil && u.Host != "" {
		where = "PostgreSQL at " + u.Host
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "28P01", "28000":
			return fmt.Sprintf("%s refused the user name or password", where)
		case "3D000":
			return fmt.Sprintf("%s has no such database: create it, or name one that exists", where)
		case "42501":
			return fmt.Sprintf("%s refused: the user may not create herald's tables (permission denied)", where)
		}
		return fmt.Sprintf("%s answered: %s", where, pg.Message)
	}
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return fmt.Sprintf("%s cannot be reached: the host name is not known", where)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("%s refused the connection: is the server running, and listening there?", where)
	case strings.Contains(err.Error(), "cannot parse the PostgreSQL URL"):
		return "not a PostgreSQL URL herald can read (postgres://user:password@host:5432/database)"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Sprintf("%s did not answer in time", where)
	}
	return where + ": " + firstLine(err.Error())
}

// firstLine keeps the first line of a driver's message.
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
