package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Database != "herald.db" || c.PollInterval != 2*time.Minute || c.Listen != ":8080" ||
		c.FirstRun.Mode != "skip" || c.MaxAge != 24*time.Hour || c.XAPI != "v2" ||
		c.XAPIURL != "https://api.x.com" || c.MinPostInterval != 2*time.Minute || c.DailyCap != 50 {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if c.HasX() {
		t.Error("HasX with no credentials")
	}
}

func TestValues(t *testing.T) {
	c, err := Load([]string{
		"HERALD_FEEDS=https://a.example/feed, https://b.example/rss",
		"HERALD_FIRST_RUN=latest:3",
		"HERALD_POLL_INTERVAL=90s",
		"HERALD_LOG_LEVEL=debug",
		"HERALD_PUBLIC_URL=https://herald.example.org/bot",
		"PATH=/usr/bin",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Feeds) != 2 || c.Feeds[1] != "https://b.example/rss" {
		t.Errorf("feeds = %q", c.Feeds)
	}
	if c.FirstRun != (FirstRun{Mode: "latest", N: 3}) || c.PollInterval != 90*time.Second || c.PublicURL != "https://herald.example.org/bot" {
		t.Errorf("got %+v", c)
	}
}

func TestInvalid(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want string
	}{
		{"HERALD_POLL_INTERVAL=fast", `HERALD_POLL_INTERVAL: "fast" is not a duration`},
		{"HERALD_POLL_INTERVAL=10ms", `HERALD_POLL_INTERVAL: 10ms is too short`},
		{"HERALD_MAX_AGE=-1h", `HERALD_MAX_AGE: -1h0m0s must be above zero`},
		{"HERALD_MIN_POST_INTERVAL=soon", `HERALD_MIN_POST_INTERVAL: "soon" is not a duration`},
		{"HERALD_DAILY_CAP=many", `HERALD_DAILY_CAP: "many" is not a whole number`},
		{"HERALD_DAILY_CAP=-3", `HERALD_DAILY_CAP: -3 must not be negative`},
		{"HERALD_MAX_ATTEMPTS=0", `HERALD_MAX_ATTEMPTS: 0 must be at least 1`},
		{"HERALD_POLL_WORKERS=0", `HERALD_POLL_WORKERS: 0 is out of range`},
		{"HERALD_ALLOW_PRIVATE_URLS=perhaps", `HERALD_ALLOW_PRIVATE_URLS: "perhaps" is not true or false`},
		{"HERALD_FIRST_RUN=some", `HERALD_FIRST_RUN: "some" is not skip, all or latest:N`},
		{"HERALD_FIRST_RUN=latest:0", `HERALD_FIRST_RUN: "latest:0" is not skip, all or latest:N`},
		{"HERALD_QUIET_HOURS=late", `HERALD_QUIET_HOURS: "late" is not a window like 23:00-06:00`},
		{"HERALD_QUIET_HOURS=25:00-06:00", `HERALD_QUIET_HOURS: "25:00-06:00" is not a window`},
		{"HERALD_TIMEZONE=Mars/Olympus", `HERALD_TIMEZONE: "Mars/Olympus" is not a time zone name`},
		{"HERALD_X_MONTHLY_BUDGET=lots", `HERALD_X_MONTHLY_BUDGET: "lots" is not a number`},
		{"HERALD_X_MONTHLY_BUDGET=-5", `HERALD_X_MONTHLY_BUDGET: -5 must not be negative`},
		{"HERALD_X_API=v3", `HERALD_X_API: "v3" is not v2 or v1.1`},
		{"HERALD_X_API_URL=ftp://x", `HERALD_X_API_URL: "ftp://x" is not an http(s) URL`},
		{"HERALD_PUBLIC_URL=herald.example.org", `HERALD_PUBLIC_URL: "herald.example.org" is not an absolute http(s) URL`},
		{"HERALD_PUBLIC_URL=ftp://herald.example.org", `HERALD_PUBLIC_URL: "ftp://herald.example.org" is not an absolute http(s) URL`},
		{"HERALD_PUBLIC_URL=https://herald.example.org/?x=1", `HERALD_PUBLIC_URL: "https://herald.example.org/?x=1" is not an absolute http(s) URL`},
		{"HERALD_PUBLIC_URL=https://user:pw@herald.example.org", `HERALD_PUBLIC_URL: "https://user:pw@herald.example.org" is not an absolute http(s) URL`},
		{"HERALD_LOG_FORMAT=xml", `HERALD_LOG_FORMAT: "xml" is not text or json`},
		{"HERALD_LOG_LEVEL=loud", `HERALD_LOG_LEVEL: "loud" is not a log level`},
		{"HERALD_SHUTDOWN_TIMEOUT=0s", `HERALD_SHUTDOWN_TIMEOUT: 0s must be above zero`},
		{"HERALD_FEEDS=https://ok.example/feed,notaurl", `HERALD_FEEDS: "notaurl" is not an http(s) URL`},
		{"HERALD_DATABASE=mysql://db/herald", `HERALD_DATABASE: "mysql://db/herald" is neither a file path nor a postgres:// URL`},
		{"HERALD_FEED=https://typo.example/", `HERALD_FEED: unknown variable`},
		{"HERALD_X_CONSUMER_KEY=k", `HERALD_X_CONSUMER_SECRET: is not set, but other X credentials are`},
		{"HERALD_EDITOR_TOKENS=ana:short", `HERALD_EDITOR_TOKENS: the token of "ana" is shorter than 16 characters`},
		{"HERALD_EDITOR_TOKENS=:abcdefghijklmnopqrs", `HERALD_EDITOR_TOKENS: an entry has an empty name`},
		{"HERALD_X_CONSUMER_KEY_FILE=/nonexistent/key", `HERALD_X_CONSUMER_KEY_FILE: cannot read "/nonexistent/key"`},
	} {
		t.Run(tc.env, func(t *testing.T) {
			_, err := Load([]string{tc.env})
			if err == nil {
				t.Fatal("no error")
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *config.Error", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error = %q\nwant prefix %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is more than one line: %q", err)
			}
		})
	}
}

func TestScheduleValues(t *testing.T) {
	c, err := Load([]string{"HERALD_QUIET_HOURS=23:30-06:00", "HERALD_TIMEZONE=Europe/Berlin",
		"HERALD_BREAKING_CATEGORIES=Breaking,Eilmeldung", "HERALD_X_MONTHLY_BUDGET=120.5"})
	if err != nil {
		t.Fatal(err)
	}
	if c.QuietHours != (DayWindow{From: 23*time.Hour + 30*time.Minute, To: 6 * time.Hour, Set: true}) {
		t.Errorf("quiet hours = %+v", c.QuietHours)
	}
	if c.Timezone.String() != "Europe/Berlin" || len(c.BreakingCategories) != 2 || c.XMonthlyBudget != 120.5 {
		t.Errorf("got %v %q %v", c.Timezone, c.BreakingCategories, c.XMonthlyBudget)
	}
	d, _ := Load(nil)
	if d.QuietHours.Set || d.Timezone.String() != "UTC" || d.XPostPrice != 0.015 || d.XLinkPostPrice != 0.20 {
		t.Errorf("defaults: %+v %v %v %v", d.QuietHours, d.Timezone, d.XPostPrice, d.XLinkPostPrice)
	}
}

func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, v string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, err := Load([]string{
		"HERALD_X_CONSUMER_KEY_FILE=" + write("ck", "ck-value"),
		"HERALD_X_CONSUMER_SECRET_FILE=" + write("cs", "cs-value"),
		"HERALD_X_ACCESS_TOKEN_FILE=" + write("at", "at-value"),
		"HERALD_X_ACCESS_SECRET_FILE=" + write("as", "as-value"),
		"HERALD_EDITOR_TOKENS_FILE=" + write("tok", "ed:tok-value-0123456789"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.XConsumerKey != "ck-value" || c.XAccessSecret != "as-value" || c.EditorTokens != "ed:tok-value-0123456789" {
		t.Errorf("secrets not read from files: %+v", c)
	}
	if got := len(c.Secrets()); got != 5 {
		t.Errorf("Secrets() has %d values, want 5", got)
	}

	_, err = Load([]string{"HERALD_X_CONSUMER_KEY=a", "HERALD_X_CONSUMER_KEY_FILE=" + write("x", "b")})
	if err == nil || !strings.HasPrefix(err.Error(), "HERALD_X_CONSUMER_KEY_FILE: set together with") {
		t.Errorf("both set: %v", err)
	}
	// A secret's value never appears in an error.
	_, err = Load([]string{"HERALD_X_CONSUMER_KEY=supersecret-key-123"})
	if err == nil || strings.Contains(err.Error(), "supersecret") {
		t.Errorf("error leaks or is missing: %v", err)
	}
}

func TestEditors(t *testing.T) {
	c, err := Load([]string{"HERALD_EDITOR_TOKENS=ana:aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbb ,ben:cccccccccccccccccccc"})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Editors()
	if len(got) != 3 || got["aaaaaaaaaaaaaaaaaaaa"] != "ana" || got["bbbbbbbbbbbbbbbbbbbb"] != "editor" || got["cccccccccccccccccccc"] != "ben" {
		t.Errorf("Editors() = %v", got)
	}
}
