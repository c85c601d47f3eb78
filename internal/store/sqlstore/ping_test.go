package sqlstore_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/store/sqlite"
)

// Ping fails when the database can be read but not written, as with a full
// disk or a read-only file: readiness must not say ready then.
func TestPingWrites(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("a writable database: %v", err)
	}
	if err := db.Exec(`PRAGMA query_only = ON`); err != nil {
		t.Fatal(err)
	}
	err = db.Ping(ctx)
	if err == nil || !strings.Contains(err.Error(), "the database cannot be written") {
		t.Errorf("a database that cannot be written: %v", err)
	}
}
