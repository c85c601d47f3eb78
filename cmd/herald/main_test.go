package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald/internal/skipnote"
)

func TestMain(m *testing.M) {
	if os.Getenv("HERALD_TEST_POSTGRES_URL") == "" {
		skipnote.Say("cmd/herald: 4 PostgreSQL tests skipped (and 5 in internal/store/postgres): " +
			"set HERALD_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable (README: Test)")
	}
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}
