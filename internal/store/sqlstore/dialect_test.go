package sqlstore

import (
	"testing"
	"time"
)

func TestRebind(t *testing.T) {
	q := `SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?`
	if got := (&Dialect{}).rebind(q); got != q {
		t.Errorf("? placeholders changed: %q", got)
	}
	want := `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4`
	if got := (&Dialect{NumberedPlaceholders: true}).rebind(q); got != want {
		t.Errorf("rebind = %q, want %q", got, want)
	}
}

// One scanner reads a time however the database keeps it.
func TestTimeScanner(t *testing.T) {
	want := time.Date(2026, 11, 2, 9, 0, 0, 123_000_000, time.UTC)
	for _, v := range []any{want.UnixMilli(), want.In(time.FixedZone("CET", 3600)), nil} {
		var got time.Time
		if err := timeInto(&got).Scan(v); err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		if v == nil {
			if !got.IsZero() {
				t.Errorf("NULL read as %v", got)
			}
			continue
		}
		if got != want {
			t.Errorf("%T read as %v, want %v", v, got, want)
		}
	}
	var got time.Time
	if err := timeInto(&got).Scan("2026-11-02"); err == nil {
		t.Error("a time as text was accepted")
	}
}

func TestTimeArgs(t *testing.T) {
	at := time.Date(2026, 11, 2, 10, 0, 0, 123_456_789, time.FixedZone("CET", 3600))
	sqlite, pg := &Dialect{UnixMillis: true}, &Dialect{}
	if got := sqlite.time(at); got != at.UnixMilli() {
		t.Errorf("Unix ms = %v", got)
	}
	if got := pg.time(at); got != time.Date(2026, 11, 2, 9, 0, 0, 123_000_000, time.UTC) {
		t.Errorf("timestamp = %v", got)
	}
	if sqlite.nullTime(time.Time{}) != nil || pg.nullTime(time.Time{}) != nil {
		t.Error("the zero time is not NULL")
	}
}
