package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A database herald cannot open stops it the way a configuration mistake
// does: exit code 2 and one line naming HERALD_DATABASE and the cause.
func TestDatabaseErrors(t *testing.T) {
	dir := t.TempDir()
	notADB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notADB, []byte(strings.Repeat("Not a database, just notes.\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, database, want string
	}{
		{"missing directory", filepath.Join(dir, "no", "such", "herald.db"), "the directory " + filepath.Join(dir, "no", "such") + " does not exist"},
		{"a directory", dir, dir + " is a directory"},
		{"not a database", notADB, notADB + " is not a SQLite database"},
		{"server unreachable", "postgres://herald:secret-pw@127.0.0.1:1/herald?connect_timeout=5", "PostgreSQL at 127.0.0.1:1 refused the connection"},
	}
	if os.Getuid() != 0 { // root writes where it likes
		cases = append(cases, struct{ name, database, want string }{"permission denied", filepath.Join(readOnly, "herald.db"), "permission denied"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			env := []string{"HERALD_DATABASE=" + tc.database, "HERALD_LISTEN=127.0.0.1:0"}
			code := run(context.Background(), []string{"run"}, env, &out, &errb)
			msg := strings.TrimSpace(errb.String())
			if code != exitConfig || !strings.HasPrefix(msg, "herald: HERALD_DATABASE: ") || !strings.Contains(msg, tc.want) ||
				strings.Count(msg, "\n") != 0 || strings.Contains(msg, "secret-pw") {
				t.Errorf("exit %d, %q; want 2 and one line with %q", code, msg, tc.want)
			}
		})
	}
}
