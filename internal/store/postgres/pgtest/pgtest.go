// Package pgtest gives a test an empty PostgreSQL schema of its own, on the
// database HERALD_TEST_POSTGRES_URL names, so that tests never see each
// other's rows. Only tests import it.
package pgtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Var names the test database.
const Var = "HERALD_TEST_POSTGRES_URL"

// URL returns the test database's connection string, or skips the test
// when there is none.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Var)
	if u == "" {
		t.Skip(Var + " is not set; skipping the PostgreSQL tests (.ci/run sets it)")
	}
	return u
}

// Schema creates an empty schema, dropped when the test ends, and returns
// a connection string whose connections use it; it skips the test when
// there is no test database.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	ctx := context.Background()
	schema := fmt.Sprintf("herald_test_%016x", rand.Uint64())
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", Var, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return WithSearchPath(t, base, schema)
}

// WithSearchPath sets search_path as a run-time parameter of the
// connection string, in URL or keyword/value form.
func WithSearchPath(t testing.TB, conn, schema string) string {
	t.Helper()
	if !strings.HasPrefix(conn, "postgres://") && !strings.HasPrefix(conn, "postgresql://") {
		return conn + " search_path=" + schema
	}
	u, err := url.Parse(conn)
	if err != nil {
		t.Fatalf("%s is not a valid URL", Var)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
