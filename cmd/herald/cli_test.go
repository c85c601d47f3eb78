package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/config"
)

func cli(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, env, &out, &errb)
	return code, out.String(), errb.String()
}

// TestHelpOfEveryCommand: -h and --help work on every subcommand, exit 0,
// and say what it does, its flags where it has any, and its exit codes.
func TestHelpOfEveryCommand(t *testing.T) {
	for _, c := range commands {
		for _, flag := range []string{"-h", "--help", "-help"} {
			args := []string{c.name, flag}
			if c.args == "URL" {
				args = []string{c.name, "https://news.example/a", flag}
			}
			code, out, errs := cli(t, nil, args...)
			if code != 0 || errs != "" {
				t.Errorf("herald %s: exit %d, stderr %q", strings.Join(args, " "), code, errs)
				continue
			}
			if !strings.HasPrefix(out, "Usage: herald "+c.name) || !strings.Contains(out, "Exit codes:\n  0  ") {
				t.Errorf("herald %s: help lacks the usage or the exit codes:\n%s", strings.Join(args, " "), out)
			}
		}
		if code, out, _ := cli(t, nil, "help", c.name); code != 0 || !strings.HasPrefix(out, "Usage: herald "+c.name) {
			t.Errorf("herald help %s: exit %d", c.name, code)
		}
	}
	if _, out, _ := cli(t, nil, "post", "--help"); !strings.Contains(out, "--text TEXT") || !strings.Contains(out, "--at TIME") ||
		!strings.Contains(out, "3  herald refused") {
		t.Errorf("herald post --help lacks its flags or exit codes:\n%s", out)
	}
	// A flag's value is not a request for help: this post has the text "-h".
	if wantsHelp([]string{"--text", "-h"}, []string{"text", "at"}) {
		t.Error(`"--text -h" read as a request for help`)
	}
	if !wantsHelp([]string{"--text=-h", "-h"}, []string{"text"}) {
		t.Error(`"-h" after "--text=-h" not read as a request for help`)
	}
}

// TestUsage: the list of commands, in groups that say the truth about each.
func TestUsage(t *testing.T) {
	if code, _, errs := cli(t, nil); code != 2 || !strings.Contains(errs, "Usage:") {
		t.Errorf("no command: exit %d, %q", code, errs)
	}
	if code, _, errs := cli(t, nil, "fly"); code != 2 || !strings.Contains(errs, `unknown command "fly"`) {
		t.Errorf("unknown command: exit %d %q", code, errs)
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		if code, out, _ := cli(t, nil, args...); code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	_, out, _ := cli(t, nil, "help")
	group := func(title string) string {
		i := strings.Index(out, title)
		if i < 0 {
			t.Fatalf("usage lacks %q:\n%s", title, out)
		}
		rest := out[i+len(title):]
		if j := strings.Index(rest, "\n\n"); j >= 0 {
			rest = rest[:j]
		}
		return rest
	}
	for title, names := range map[string][]string{
		"Running herald:": {"run", "demo"},
		"Preparing and checking (no running herald needed):":                           {"config", "check", "preview URL", "version"},
		"Talking to a running herald over its API (HERALD_API_URL, HERALD_API_TOKEN):": {"post URL", "queue", "pause", "resume [DESTINATION]"},
		"Probing a running herald:":                                                    {"healthcheck"},
	} {
		g := group(title)
		for _, n := range names {
			if !strings.Contains(g, "\n  "+n+" ") {
				t.Errorf("%q is not listed under %q:\n%s", n, title, g)
			}
		}
	}
	if code, _, errs := cli(t, nil, "run", "now"); code != 2 || !strings.Contains(errs, `unexpected argument "now"`) {
		t.Errorf("run now: exit %d %q", code, errs)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := cli(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "herald ") || !strings.Contains(out, "\ncommit: ") || !strings.Contains(out, "\ngo:     go1.") {
		t.Errorf("version: exit %d, %q", code, out)
	}
	info := &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "5c8267e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6"},
		{Key: "vcs.time", Value: "2026-11-30T08:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	want := "herald dev\ncommit: 5c8267e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6 (2026-11-30T08:00:00Z), with local changes\ngo:     go1.26.1 " +
		runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if got := formatVersion("dev", "", info, true); got != want {
		t.Errorf("formatVersion = %q, want %q", got, want)
	}
	info = &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Version: "v1.4.0"}}
	if got := formatVersion("dev", "", info, true); !strings.HasPrefix(got, "herald 1.4.0\ncommit: unknown") {
		t.Errorf("go install @v1.4.0: %q", got)
	}
	if got := formatVersion("1.5.0", "0123abc", info, true); !strings.HasPrefix(got, "herald 1.5.0\ncommit: 0123abc\n") {
		t.Errorf("stamped version and commit: %q", got)
	}
}

// TestConfigCommand: herald config lists every variable of the Config
// struct with its default and whether it is set, never a secret's value.
func TestConfigCommand(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "x_access_secret")
	os.WriteFile(secretFile, []byte("access-secret-from-file\n"), 0o600)
	env := []string{
		"HERALD_FEEDS=https://news.example/feed/",
		"HERALD_DATABASE=postgres://herald:db-password-123@db/herald",
		"HERALD_X_CONSUMER_KEY=consumer-key-abc", "HERALD_X_CONSUMER_SECRET=consumer-secret-abc",
		"HERALD_X_ACCESS_TOKEN=access-token-abc", "HERALD_X_ACCESS_SECRET_FILE=" + secretFile,
		"HERALD_API_TOKEN=api-token-abcdef",
	}
	code, out, errs := cli(t, env, "config")
	if code != 0 {
		t.Fatalf("exit %d, %s\n%s", code, errs, out)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			lines[f[0]] = l
		}
	}
	for _, v := range config.Variables(nil) {
		if _, ok := lines[v.Name]; !ok {
			t.Errorf("%s is not listed", v.Name)
		}
	}
	for name, want := range map[string][]string{
		"HERALD_POLL_INTERVAL":     {"2m", " no "},
		"HERALD_FEEDS":             {" yes ", "https://news.example/feed/"},
		"HERALD_DATABASE":          {"herald.db", " yes ", "postgres://herald:xxxxx@db/herald"},
		"HERALD_X_CONSUMER_KEY":    {" yes ", "secret, hidden"},
		"HERALD_X_ACCESS_SECRET":   {" file ", "secret, read from " + secretFile},
		"HERALD_EDITOR_TOKENS":     {" no ", "HERALD_EDITOR_TOKENS_FILE"},
		"HERALD_X_API_URL":         {"https://api.x.com", " no "},
		"HERALD_API_URL":           {"http://127.0.0.1:8080", " no "},
		"HERALD_API_TOKEN":         {" yes ", "secret, hidden"},
		"HERALD_X_LINK_POST_PRICE": {"0.20"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[name], w) {
				t.Errorf("%s: %q lacks %q", name, lines[name], w)
			}
		}
	}
	for _, secret := range []string{"consumer-key-abc", "consumer-secret-abc", "access-token-abc", "access-secret-from-file", "db-password-123", "api-token-abcdef"} {
		if strings.Contains(out, secret) {
			t.Errorf("herald config shows the secret %q", secret)
		}
	}
	if !strings.Contains(out, "The configuration is valid.") {
		t.Errorf("no verdict:\n%s", out)
	}
	// An unknown variable is listed, without its value, and is an error.
	code, out, _ = cli(t, []string{"HERALD_X_CONSUMER_KEYY=looks-like-a-secret"}, "config")
	if code != 2 || !strings.Contains(out, "HERALD_X_CONSUMER_KEYY") || strings.Contains(out, "looks-like-a-secret") ||
		!strings.Contains(out, "The configuration is not valid: HERALD_X_CONSUMER_KEYY: unknown variable") {
		t.Errorf("unknown variable: exit %d\n%s", code, out)
	}
}

// TestCheckWords: herald check speaks plainly: one line for a bad
// configuration, correct plurals, no classification jargon.
func TestCheckWords(t *testing.T) {
	code, out, errs := cli(t, []string{"HERALD_POLL_INTERVAL=fast"}, "check")
	if code != 2 || errs != "" || strings.Count(out+errs, "HERALD_POLL_INTERVAL") != 1 ||
		!strings.HasPrefix(out, `FAIL configuration: HERALD_POLL_INTERVAL: "fast" is not a duration`) {
		t.Errorf("bad configuration: exit %d, stdout %q, stderr %q; want it said once", code, out, errs)
	}
	env := []string{"HERALD_FEEDS=http://127.0.0.1:1/feed", "HERALD_DATABASE=" + filepath.Join(t.TempDir(), "h.db"),
		"HERALD_FIRST_RUN=latest:1", "HERALD_DAILY_CAP=1"}
	code, out, _ = cli(t, env, "check")
	if code != 1 {
		t.Errorf("unreachable feed: exit %d", code)
	}
	for _, want := range []string{
		"ok   configuration: 1 feed; of what a new feed already holds, only the newest article is posted (HERALD_FIRST_RUN=latest:1); at most 1 post a day to each account",
		"FAIL feed http://127.0.0.1:1/feed: herald could not reach that address: the connection was refused",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	for _, jargon := range []string{"transient", "permanent", "1 feeds", "dial tcp"} {
		if strings.Contains(out, jargon) {
			t.Errorf("check output says %q:\n%s", jargon, out)
		}
	}
}

// TestPreviewRecordedArticle: for an article a feed already brought, herald
// preview shows the post written from what was recorded (the feed's own
// summary), which is what herald posts for it, without reading the page.
func TestPreviewRecordedArticle(t *testing.T) {
	room := newNewsroom(t)
	room.add("budget", "Council approves budget", time.Now().Add(-time.Hour))
	database := filepath.Join(t.TempDir(), "herald.db")
	h := startHerald(t, []string{"HERALD_FEEDS=" + room.srv.URL + "/feed", "HERALD_DATABASE=" + database,
		"HERALD_LISTEN=127.0.0.1:0", "HERALD_POLL_INTERVAL=1s", "HERALD_FIRST_RUN=all"})
	waitFor(t, "the feed read", 15*time.Second, func() bool { return strings.Contains(h.log.String(), "feed read for the first time") })
	h.stop(t)
	reads := room.requests.Load()

	env := []string{"HERALD_DATABASE=" + database, "HERALD_ALLOW_PRIVATE_URLS=true"}
	code, out, errs := cli(t, env, "preview", room.srv.URL+"/budget/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Council approves budget", "Council approves budget, officials said on Monday.",
		room.srv.URL + "/budget/", "written from: the article as herald recorded it from its feed"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
	if n := room.requests.Load(); n != reads {
		t.Errorf("preview read the site %d times", n-reads)
	}
	// Without a database, preview creates none and reads the page.
	empty := filepath.Join(t.TempDir(), "none.db")
	cli(t, []string{"HERALD_DATABASE=" + empty, "HERALD_ALLOW_PRIVATE_URLS=true"}, "preview", room.srv.URL+"/budget/")
	if _, err := os.Stat(empty); err == nil {
		t.Error("preview created a database")
	}
}
