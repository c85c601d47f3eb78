package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// xCreds are X credentials under prefix, as environment lines.
func xCreds(prefix string) []string {
	return []string{prefix + "_CONSUMER_KEY=ck-" + prefix, prefix + "_CONSUMER_SECRET=cs-" + prefix,
		prefix + "_ACCESS_TOKEN=at-" + prefix, prefix + "_ACCESS_SECRET=as-" + prefix}
}

var networkCreds = append(append(xCreds("HERALD_X"),
	"HERALD_BLUESKY_HANDLE=news.example.org", "HERALD_BLUESKY_APP_PASSWORD=abcd-efgh-ijkl-mnop"),
	"HERALD_MASTODON_SERVER=https://mastodon.example", "HERALD_MASTODON_TOKEN=masto-token-123456")

// withFile writes a destinations file and returns the environment naming it.
func withFile(t *testing.T, yaml string, env ...string) (string, []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "destinations.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, append([]string{"HERALD_DESTINATIONS_FILE=" + path}, env...)
}

func TestNetworkDestinations(t *testing.T) {
	c, err := Load(nil)
	if err != nil || len(c.Destinations) != 0 {
		t.Fatalf("no credentials: %+v %v", c.Destinations, err)
	}
	c, err = Load(append([]string{"HERALD_DAILY_CAP=7", "HERALD_HASHTAGS=Syria=#Syria", `HERALD_X_TEMPLATE={{.Title}}\n{{.URL}}`}, networkCreds...))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range c.Destinations {
		names = append(names, d.Name+"/"+d.Network)
		if d.DailyCap != 7 || d.Hashtags["Syria"] != "#Syria" || len(d.Feeds)+len(d.Categories)+len(d.Languages) != 0 {
			t.Errorf("%s: %+v", d.Name, d)
		}
	}
	if strings.Join(names, " ") != "x/x bluesky/bluesky mastodon/mastodon" {
		t.Errorf("destinations %q", names)
	}
	x, bsky, masto := c.Destinations[0], c.Destinations[1], c.Destinations[2]
	if x.Template != "{{.Title}}\n{{.URL}}" || bsky.Template != "" {
		t.Errorf("HERALD_X_TEMPLATE is X's alone: x %q, bluesky %q", x.Template, bsky.Template)
	}
	if bsky.Account.Service != "https://bsky.social" || bsky.Account.Handle != "news.example.org" || masto.Account.Visibility != "public" ||
		x.Account.ConsumerKey != "ck-HERALD_X" || x.Account.API != "v2" {
		t.Errorf("accounts: %+v %+v %+v", x.Account, bsky.Account, masto.Account)
	}
	secrets := c.Secrets()
	for _, s := range []string{"abcd-efgh-ijkl-mnop", "masto-token-123456", "as-HERALD_X"} {
		if !slices.Contains(secrets, s) {
			t.Errorf("Secrets lacks %q", s)
		}
	}
	for _, tc := range []struct{ env, want string }{
		{"HERALD_BLUESKY_HANDLE=news.example.org", "HERALD_BLUESKY_APP_PASSWORD: is not set, but other Bluesky credentials are; set all of them or none"},
		{"HERALD_MASTODON_TOKEN=t0k3n-t0k3n", "HERALD_MASTODON_SERVER: is not set, but other Mastodon credentials are; set all of them or none"},
		{"HERALD_MASTODON_VISIBILITY=direct", `HERALD_MASTODON_VISIBILITY: "direct" is not public, unlisted or private`},
		{"HERALD_BLUESKY_SERVICE=bsky.social", `HERALD_BLUESKY_SERVICE: "bsky.social" is not an http(s) URL`},
	} {
		if _, err := Load([]string{tc.env}); err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v, want %q", tc.env, err, tc.want)
		}
	}
}

const goodFile = `# Two X accounts by language, Bluesky for one section, Mastodon for everything.
destinations:
  - name: x-english
    network: x
    feeds: [https://example.org/en/feed/]
    languages: [en]
    template: "{{.Title}}\n\n{{.URL}}"
    utm: utm_source=x&utm_medium=social
    monthly_budget: 100
  - name: x-arabic
    network: x
    credentials: HERALD_X_AR
    languages: ar
    min_post_interval: 5m
    daily_cap: 10
    quiet_hours: "23:00-06:00"
  - name: bluesky
    network: bluesky
    categories: [Kurdistan, syria]
    hashtags: {Syria: "#Syria"}
    filters:
      include: "(?i)refugee|aid"
      exclude: "(?i)horoscope|/sponsored/"
  - name: mastodon
    network: mastodon
    credentials: HERALD_MASTODON
    min_post_interval: 0
    hashtags: "Kurdistan=#Kurds"
`

func TestDestinationsFile(t *testing.T) {
	_, env := withFile(t, goodFile, append(append(networkCreds, xCreds("HERALD_X_AR")...),
		"HERALD_X_AR_API=v1.1", "HERALD_MIN_POST_INTERVAL=3m", "HERALD_X_MONTHLY_BUDGET=40")...)
	c, err := Load(env)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Destinations) != 4 {
		t.Fatalf("%d destinations", len(c.Destinations))
	}
	en, ar, bsky, masto := c.Destinations[0], c.Destinations[1], c.Destinations[2], c.Destinations[3]
	if bsky.Include == nil || !bsky.Include.MatchString("Aid convoy") || bsky.Exclude == nil || !bsky.Exclude.MatchString("Horoscope") || en.Include != nil {
		t.Errorf("filters: include %v, exclude %v", bsky.Include, bsky.Exclude)
	}
	if en.Name != "x-english" || en.Credentials != "HERALD_X" || en.Account.ConsumerKey != "ck-HERALD_X" ||
		!slices.Equal(en.Feeds, []string{"https://example.org/en/feed/"}) || !slices.Equal(en.Languages, []string{"en"}) ||
		en.Template != "{{.Title}}\n\n{{.URL}}" || en.UTM != "utm_source=x&utm_medium=social" || en.MonthlyBudget != 100 ||
		en.MinPostInterval != 3*time.Minute || en.DailyCap != 50 {
		t.Errorf("x-english: %+v", en)
	}
	if ar.Credentials != "HERALD_X_AR" || ar.Account.AccessSecret != "as-HERALD_X_AR" || ar.Account.API != "v1.1" ||
		ar.Account.APIURL != "https://api.x.com" || !slices.Equal(ar.Languages, []string{"ar"}) ||
		ar.MinPostInterval != 5*time.Minute || ar.DailyCap != 10 || !ar.QuietHours.Set || ar.MonthlyBudget != 40 {
		t.Errorf("x-arabic: %+v", ar)
	}
	if bsky.Network != "bluesky" || !slices.Equal(bsky.Categories, []string{"Kurdistan", "syria"}) || bsky.Hashtags["Syria"] != "#Syria" ||
		bsky.Account.AppPassword != "abcd-efgh-ijkl-mnop" || bsky.MonthlyBudget != 0 {
		t.Errorf("bluesky: %+v", bsky)
	}
	if masto.MinPostInterval != 0 || masto.Hashtags["Kurdistan"] != "#Kurds" || masto.Account.Token != "masto-token-123456" {
		t.Errorf("mastodon: %+v", masto)
	}
	if !slices.Contains(c.Secrets(), "cs-HERALD_X_AR") {
		t.Error("Secrets lacks the credentials read under a prefix")
	}

	// The prefix's variables are known, as secrets with _FILE; without
	// the file they are unknown.
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("from-a-file\n"), 0o600)
	env2 := slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "HERALD_X_AR_ACCESS_SECRET=") })
	c, err = Load(append(env2, "HERALD_X_AR_ACCESS_SECRET_FILE="+secret))
	if err != nil || c.Destinations[1].Account.AccessSecret != "from-a-file" {
		t.Errorf("a secret under a prefix from a file: %v", err)
	}
	var ce *Error
	if _, err := Load(append(slices.Clone(networkCreds), xCreds("HERALD_X_AR")...)); !errors.As(err, &ce) || ce.Var != "HERALD_X_AR_ACCESS_SECRET" {
		t.Errorf("without the file, HERALD_X_AR_* are unknown: %v", err)
	}
	vars := Variables(env)
	if !slices.ContainsFunc(vars, func(v Variable) bool { return v.Name == "HERALD_X_AR_CONSUMER_KEY" && v.Secret && v.Set && !v.Unknown }) {
		t.Error("herald config does not list HERALD_X_AR_CONSUMER_KEY as a set secret")
	}
	if slices.ContainsFunc(vars, func(v Variable) bool { return v.Unknown }) {
		t.Error("herald config lists a prefix's variable as unknown")
	}

	// Read again (SIGHUP), the file's changes are taken.
	path := env[0][len("HERALD_DESTINATIONS_FILE="):]
	os.WriteFile(path, []byte(strings.Replace(goodFile, "daily_cap: 10", "daily_cap: 12", 1)), 0o600)
	dests, err := c.ReadDestinations()
	if err != nil || dests[1].DailyCap != 12 {
		t.Errorf("read again: %+v %v", dests, err)
	}
}

func TestDestinationsFileErrors(t *testing.T) {
	dest := func(lines ...string) string {
		return "destinations:\n  - " + strings.Join(lines, "\n    ") + "\n"
	}
	for _, tc := range []struct {
		name, yaml string
		env        []string
		want       string
	}{
		{"not YAML", "destinations: [\n", nil, `not YAML: line 1: did not find expected node content`},
		{"empty", "", nil, `it is empty: it must list destinations (see config/destinations.yaml)`},
		{"a list", "- name: x\n", nil, `line 1: it must be a mapping with the key destinations`},
		{"unknown top key", "destination:\n  - name: x\n", nil, `line 1: unknown key "destination" (the file has one key, destinations)`},
		{"no destinations", "destinations: []\n", nil, `destinations: must list at least one destination`},
		{"not a mapping", "destinations:\n  - x\n", nil, `destination "#1": line 2: a destination is a mapping of keys (name, network, …)`},
		{"unknown key", dest("name: x", "network: x", "dialy_cap: 5"), nil,
			`destination "x": unknown key "dialy_cap" (line 4; the keys are name, network, credentials, feeds, categories, languages, template, hashtags, utm, filters, min_post_interval, daily_cap, quiet_hours, monthly_budget)`},
		{"no name", dest("network: x"), nil, `destination "#1": name: is missing; every destination needs one, such as x-english`},
		{"bad name", dest("name: X English", "network: x"), nil, `destination "X English": name: "X English" may hold only lower-case letters, digits and hyphens`},
		{"two names", "destinations:\n  - {name: x, network: x}\n  - {name: x, network: bluesky}\n", networkCreds, `destination "x": name: two destinations have this name`},
		{"no network", dest("name: x"), nil, `destination "x": network: is missing: x, bluesky or mastodon`},
		{"bad network", dest("name: fb", "network: facebook"), nil, `destination "fb": network: "facebook" is not x, bluesky or mastodon`},
		{"bad prefix", dest("name: x", "network: x", "credentials: herald_x_ar"), nil,
			`destination "x": credentials: "herald_x_ar" is not a variable prefix such as HERALD_X_EN (HERALD_, then capitals, digits and single underscores)`},
		{"another network's prefix", dest("name: x", "network: x", "credentials: HERALD_BLUESKY"), nil,
			`destination "x": credentials: HERALD_BLUESKY is the credentials of bluesky; a x destination needs its own, such as HERALD_X_2`},
		{"a prefix onto herald's own", dest("name: m", "network: mastodon", "credentials: HERALD_API"), nil,
			`destination "m": credentials: HERALD_API would read HERALD_API_TOKEN, which is another setting of herald's: choose another prefix`},
		{"one account twice", "destinations:\n  - {name: a, network: x}\n  - {name: b, network: x}\n", nil,
			`destination "b": credentials: HERALD_X is already the credentials of destination "a": one account is one destination (give it a credentials prefix of its own)`},
		{"a list for a value", dest("name: x", "network: [x, bluesky]"), nil, `destination "x": network: must be a single value, not a list or mapping`},
		{"feed not a URL", dest("name: x", "network: x", "feeds: [example.org/feed]"), nil, `destination "x": feeds: "example.org/feed" is not an http(s) URL`},
		{"feeds a mapping", dest("name: x", "network: x", "feeds: {a: b}"), nil, `destination "x": feeds: must be a list, such as [a, b]`},
		{"empty category", dest("name: x", "network: x", `categories: [Syria, ""]`), nil, `destination "x": categories: line 4: each item must be a non-empty value`},
		{"bad language", dest("name: x", "network: x", "languages: [english]"), nil, `destination "x": languages: "english" is not a language tag such as en, ar or pt-BR`},
		{"bad template", dest("name: x", "network: x", `template: "{{.Title"`), nil, `destination "x": template: bad template: template: post:1: unclosed action`},
		{"template without link", dest("name: x", "network: x", `template: "{{.Title}}"`), nil,
			`destination "x": template: bad template: it must show {{.URL}} exactly once, not 0 times`},
		{"template too long for bluesky", dest("name: b", "network: bluesky", `template: "`+strings.Repeat("a", 290)+` {{.URL}}"`), networkCreds,
			`destination "b": template: template leaves no room: its fixed text and the link count 332 of the limit 300`},
		{"bad hashtags", dest("name: x", "network: x", "hashtags: Syria"), nil, `destination "x": hashtags: `},
		{"filters not a mapping", dest("name: x", "network: x", "filters: sport"), nil,
			`destination "x": filters: must be a mapping with include, exclude or both: regular expressions on the title, categories and URL`},
		{"unknown filter", dest("name: x", "network: x", "filters: {only: sport}"), nil,
			`destination "x": filters: unknown key "only" (line 4; the keys are include and exclude)`},
		{"bad filter", dest("name: x", "network: x", "filters: {exclude: \"(sport\"}"), nil,
			`destination "x": filters: exclude: "(sport" is not a regular expression: error parsing regexp: missing closing ): ` + "`(sport`"},
		{"not utm", dest("name: x", "network: x", "utm: ref=x&utm_source=x"), nil,
			`destination "x": utm: "ref" is not a utm_ parameter: only utm_* parameters are added to links, which herald leaves out when it tells articles apart`},
		{"bad interval", dest("name: x", "network: x", "min_post_interval: 5"), nil, `destination "x": min_post_interval: "5" is not a duration (use a number with a unit: 90s, 2m, 1h30m)`},
		{"negative interval", dest("name: x", "network: x", "min_post_interval: -1m"), nil, `destination "x": min_post_interval: -1m0s must not be negative`},
		{"daily cap in words", dest("name: x-arabic", "network: x", "daily_cap: ten"), nil, `destination "x-arabic": daily_cap: "ten" is not a number`},
		{"daily cap a fraction", dest("name: x", "network: x", "daily_cap: 2.5"), nil, `destination "x": daily_cap: 2.5 is not a whole number`},
		{"daily cap negative", dest("name: x", "network: x", "daily_cap: -1"), nil, `destination "x": daily_cap: -1 must not be negative (0 means no cap)`},
		{"bad quiet hours", dest("name: x", "network: x", "quiet_hours: nights"), nil, `destination "x": quiet_hours: "nights" is not a window like 23:00-06:00`},
		{"budget on bluesky", dest("name: b", "network: bluesky", "monthly_budget: 5"), networkCreds,
			`destination "b": monthly_budget: only x destinations have a budget: posting to bluesky is free`},
		{"bad budget", dest("name: x", "network: x", "monthly_budget: lots"), nil, `destination "x": monthly_budget: "lots" is not a number of US dollars`},
		{"negative budget", dest("name: x", "network: x", "monthly_budget: -5"), nil, `destination "x": monthly_budget: -5 must not be negative (0 means no budget)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := tc.env
			if env == nil {
				env = xCreds("HERALD_X")
			}
			path, env := withFile(t, tc.yaml, env...)
			_, err := Load(env)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Load: %v, want a configuration error", err)
			}
			want := "HERALD_DESTINATIONS_FILE " + path + ": " + tc.want
			if got := err.Error(); got != want && !(strings.HasSuffix(tc.want, ": ") && strings.HasPrefix(got, want)) {
				t.Errorf("error:\n  %s\nwant\n  %s", got, want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("more than one line: %q", err)
			}
		})
	}

	// Credentials the file names that are not set name the variable.
	_, env := withFile(t, dest("name: x-arabic", "network: x", "credentials: HERALD_X_AR"), xCreds("HERALD_X")...)
	_, err := Load(append(env, "HERALD_X_AR_CONSUMER_KEY=k"))
	if err == nil || !strings.HasPrefix(err.Error(), `HERALD_X_AR_CONSUMER_SECRET: is not set, but destination "x-arabic" in HERALD_DESTINATIONS_FILE `) {
		t.Errorf("missing credentials: %v", err)
	}
	_, env = withFile(t, dest("name: m", "network: mastodon", "credentials: HERALD_MASTODON_2"))
	_, err = Load(append(env, "HERALD_MASTODON_2_SERVER=https://m.example", "HERALD_MASTODON_2_TOKEN=t0k3n-t0k3n", "HERALD_MASTODON_2_VISIBILITY=direct"))
	if err == nil || err.Error() != `HERALD_MASTODON_2_VISIBILITY: "direct" is not public, unlisted or private` {
		t.Errorf("a bad value under a prefix: %v", err)
	}
	// A file that is not there.
	_, err = Load([]string{"HERALD_DESTINATIONS_FILE=/nonexistent/destinations.yaml"})
	if err == nil || err.Error() != "HERALD_DESTINATIONS_FILE /nonexistent/destinations.yaml: cannot read it: no such file or directory" {
		t.Errorf("missing file: %v", err)
	}
}

// The example in config/ is a valid file.
func TestExampleDestinationsFile(t *testing.T) {
	env := []string{"HERALD_DESTINATIONS_FILE=../../config/destinations.yaml"}
	env = append(env, networkCreds...)
	env = append(env, xCreds("HERALD_X_AR")...)
	c, err := Load(env)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Destinations) < 3 || c.Destinations[len(c.Destinations)-1].Exclude == nil {
		t.Errorf("the example declares %d destinations: %+v", len(c.Destinations), c.Destinations)
	}
}
