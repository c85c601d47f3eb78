// Package config reads herald's configuration from HERALD_* environment
// variables and checks it, so that a mistake stops start-up with one line
// that names the variable instead of surfacing at the first post.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/heraldhq/herald/internal/compose"
)

// Config is every setting herald reads. The env tags are the contract with
// operators; config/example.env documents each one.
type Config struct {
	Feeds        []string      `env:"HERALD_FEEDS" envSeparator:","`
	FeedsFile    string        `env:"HERALD_FEEDS_FILE"`
	Database     string        `env:"HERALD_DATABASE" envDefault:"herald.db"`
	PollInterval time.Duration `env:"HERALD_POLL_INTERVAL" envDefault:"2m"`
	PollWorkers  int           `env:"HERALD_POLL_WORKERS" envDefault:"32"`
	Listen       string        `env:"HERALD_LISTEN" envDefault:":8080"`
	EditorTokens string        `env:"HERALD_EDITOR_TOKENS" secret:"true"`
	// PublicURL is where WebSub hubs and the newsroom's CMS reach herald;
	// without it herald subscribes to no hub.
	PublicURL string `env:"HERALD_PUBLIC_URL"`

	FirstRun FirstRun      `env:"HERALD_FIRST_RUN" envDefault:"skip"`
	MaxAge   time.Duration `env:"HERALD_MAX_AGE" envDefault:"24h"`

	MinPostInterval time.Duration `env:"HERALD_MIN_POST_INTERVAL" envDefault:"2m"`
	DailyCap        int           `env:"HERALD_DAILY_CAP" envDefault:"50"`
	MaxAttempts     int           `env:"HERALD_MAX_ATTEMPTS" envDefault:"8"`
	// QuietHours is a daily window in Timezone when automatic posts wait.
	QuietHours         DayWindow `env:"HERALD_QUIET_HOURS"`
	Timezone           Timezone  `env:"HERALD_TIMEZONE" envDefault:"UTC"`
	BreakingCategories []string  `env:"HERALD_BREAKING_CATEGORIES" envSeparator:","`

	// X charges per post; the budget is per calendar month in Timezone.
	XMonthlyBudget float64 `env:"HERALD_X_MONTHLY_BUDGET"`
	XPostPrice     float64 `env:"HERALD_X_POST_PRICE" envDefault:"0.015"`
	XLinkPostPrice float64 `env:"HERALD_X_LINK_POST_PRICE" envDefault:"0.20"`

	AllowPrivateURLs bool `env:"HERALD_ALLOW_PRIVATE_URLS"`
	// Approval makes every automatic post wait for an editor's approval.
	Approval bool `env:"HERALD_APPROVAL"`
	// OffsiteLinks is what happens to an article whose link leaves the feed's own
	// site: "hold" it for an editor, or "post" it (aggregator feeds).
	OffsiteLinks string `env:"HERALD_OFFSITE_LINKS" envDefault:"hold"`
	// Exclude is a regular expression: articles whose title, a category or link it
	// matches are recorded but not posted.
	Exclude Pattern `env:"HERALD_EXCLUDE"`

	XAPI            string `env:"HERALD_X_API" envDefault:"v2"`
	XAPIURL         string `env:"HERALD_X_API_URL" envDefault:"https://api.x.com"`
	XConsumerKey    string `env:"HERALD_X_CONSUMER_KEY" secret:"true"`
	XConsumerSecret string `env:"HERALD_X_CONSUMER_SECRET" secret:"true"`
	XAccessToken    string `env:"HERALD_X_ACCESS_TOKEN" secret:"true"`
	XAccessSecret   string `env:"HERALD_X_ACCESS_SECRET" secret:"true"`

	// XTemplate is the text/template of an X post; empty is the default
	// (headline, lede, link). HERALD_HASHTAGS maps categories to hashtags.
	XTemplate string `env:"HERALD_X_TEMPLATE"`
	Hashtags  string `env:"HERALD_HASHTAGS"`

	// Corrections and takedowns: how long a posted article is watched, how
	// many of its pages are checked a minute, and what herald does by itself
	// when one changes.
	WatchFor             time.Duration `env:"HERALD_WATCH_FOR" envDefault:"72h"`
	WatchChecksPerMinute int           `env:"HERALD_WATCH_CHECKS_PER_MINUTE" envDefault:"30"`
	OnTakedown           string        `env:"HERALD_ON_TAKEDOWN" envDefault:"alert"`
	OnCorrection         string        `env:"HERALD_ON_CORRECTION" envDefault:"alert"`
	// CorrectionTemplate is the text/template of a correction post.
	CorrectionTemplate string  `env:"HERALD_CORRECTION_TEMPLATE" envDefault:"Correction: {{.Title}}\\n\\n{{.URL}}"`
	XDeletePrice       float64 `env:"HERALD_X_DELETE_PRICE" envDefault:"0.010"`
	// Bluesky: an app password, never the account's own; the PDS.
	BlueskyHandle      string `env:"HERALD_BLUESKY_HANDLE"`
	BlueskyAppPassword string `env:"HERALD_BLUESKY_APP_PASSWORD" secret:"true"`
	BlueskyService     string `env:"HERALD_BLUESKY_SERVICE" envDefault:"https://bsky.social"`
	// Mastodon: the server, a token with write:statuses write:media.
	MastodonServer     string `env:"HERALD_MASTODON_SERVER"`
	MastodonToken      string `env:"HERALD_MASTODON_TOKEN" secret:"true"`
	MastodonVisibility string `env:"HERALD_MASTODON_VISIBILITY" envDefault:"public"`

	// DestinationsFile declares several accounts and what each gets
	// (YAML); without it, each network whose credentials are set is one
	// destination that gets every article.
	DestinationsFile string `env:"HERALD_DESTINATIONS_FILE"`
	// Destinations are where herald posts, from DestinationsFile or the
	// networks' credentials; none means the local timeline.
	Destinations []Destination `env:"-"`

	LogFormat       string        `env:"HERALD_LOG_FORMAT" envDefault:"text"`
	LogLevel        slog.Level    `env:"HERALD_LOG_LEVEL" envDefault:"info"`
	ShutdownTimeout time.Duration `env:"HERALD_SHUTDOWN_TIMEOUT" envDefault:"10s"`

	// envs are the variables herald started with (secret files read), for
	// the credentials a destinations file names when it is read again.
	envs map[string]string
}

// FirstRun says what to do with the articles a feed already holds the first
// time herald reads it.
type FirstRun struct {
	// Mode is "skip" (record without posting), "latest" (post the newest N)
	// or "all".
	Mode string
	N    int
}

// UnmarshalText parses skip, all or latest:N.
func (f *FirstRun) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	switch {
	case s == "skip" || s == "all":
		*f = FirstRun{Mode: s}
		return nil
	case strings.HasPrefix(s, "latest:"):
		n, err := strconv.Atoi(strings.TrimPrefix(s, "latest:"))
		if err != nil || n < 1 {
			return fmt.Errorf("%q is not skip, all or latest:N with N a whole number above 0", s)
		}
		*f = FirstRun{Mode: "latest", N: n}
		return nil
	}
	return fmt.Errorf("%q is not skip, all or latest:N", s)
}

func (f FirstRun) String() string {
	if f.Mode == "latest" {
		return fmt.Sprintf("latest:%d", f.N)
	}
	return f.Mode
}

// DayWindow is a daily span of wall-clock time, "23:00-06:00"; it may
// wrap past midnight. The zero value is no window.
type DayWindow struct {
	From, To time.Duration // since midnight
	Set      bool
}

// UnmarshalText parses HH:MM-HH:MM.
func (w *DayWindow) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		*w = DayWindow{}
		return nil
	}
	from, to, ok := strings.Cut(s, "-")
	f, err1 := clockTime(from)
	t, err2 := clockTime(to)
	if !ok || err1 != nil || err2 != nil || f == t {
		return fmt.Errorf("%q is not a window like 23:00-06:00", s)
	}
	*w = DayWindow{From: f, To: t, Set: true}
	return nil
}

func clockTime(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// Timezone is an IANA time zone name.
type Timezone struct{ *time.Location }

// UnmarshalText loads the zone.
func (z *Timezone) UnmarshalText(b []byte) error {
	loc, err := time.LoadLocation(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("%q is not a time zone name such as Europe/Berlin or America/New_York", string(b))
	}
	z.Location = loc
	return nil
}

// Pattern is a regular expression (RE2 syntax, as Go reads it). The zero
// value matches nothing.
type Pattern struct{ *regexp.Regexp }

// UnmarshalText compiles the expression.
func (p *Pattern) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		*p = Pattern{}
		return nil
	}
	re, err := regexp.Compile(s)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return fmt.Errorf("%q is not a regular expression: %s", s, se.Code)
		}
		return fmt.Errorf("%q is not a regular expression", s)
	}
	p.Regexp = re
	return nil
}

// HasX reports whether X credentials are configured.
func (c *Config) HasX() bool {
	return c.XConsumerKey != "" || c.XConsumerSecret != "" || c.XAccessToken != "" || c.XAccessSecret != ""
}

// Secrets returns the values of every secret setting that is set, the
// credentials of every destination included, so that callers can make sure
// none of them is ever shown.
func (c *Config) Secrets() []string {
	var out []string
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("secret") == "true" {
			if s := v.Field(i).String(); s != "" {
				out = append(out, s)
			}
		}
	}
	for _, d := range c.Destinations {
		a := d.Account
		for _, s := range []string{a.ConsumerKey, a.ConsumerSecret, a.AccessToken, a.AccessSecret, a.AppPassword, a.Token} {
			if s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Error is a configuration mistake, tied to the variable that holds it, or
// to the file a variable names (File), as in "HERALD_DESTINATIONS_FILE
// /etc/herald/destinations.yaml: destination "x-ar": daily_cap: …".
type Error struct {
	Var  string
	File string
	Msg  string
}

func (e *Error) Error() string {
	if e.File != "" {
		return e.Var + " " + e.File + ": " + e.Msg
	}
	return e.Var + ": " + e.Msg
}

// Load reads the configuration from environ (os.Environ() form) and
// validates it. Every error is an *Error naming one variable.
func Load(environ []string) (*Config, error) {
	envs := make(map[string]string, len(environ))
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			envs[k] = v
		}
	}
	vars := knownVars()
	// The variables a destinations file names as credentials are known
	// too; its other mistakes are found when it is read below.
	if path := strings.TrimSpace(envs[destinationsVar]); path != "" {
		prefixes, err := destinationPrefixes(path)
		if err != nil {
			return nil, err
		}
		maps.Copy(vars, prefixVars(prefixes))
	}
	if err := checkUnknown(envs, vars); err != nil {
		return nil, err
	}
	if err := readSecretFiles(envs, vars); err != nil {
		return nil, err
	}
	var c Config
	if err := env.ParseWithOptions(&c, env.Options{Environment: envs}); err != nil {
		return nil, parseError(err, envs)
	}
	c.envs = envs
	feeds := c.Feeds[:0]
	for _, f := range c.Feeds {
		if f = strings.TrimSpace(f); f != "" {
			feeds = append(feeds, f)
		}
	}
	c.Feeds = feeds
	c.DestinationsFile = strings.TrimSpace(c.DestinationsFile)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	dests, err := c.ReadDestinations()
	if err != nil {
		return nil, err
	}
	c.Destinations = dests
	return &c, nil
}

type varInfo struct {
	field  reflect.StructField
	secret bool
}

func knownVars() map[string]varInfo {
	t := reflect.TypeFor[Config]()
	m := make(map[string]varInfo, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		if name == "" || name == "-" {
			continue
		}
		m[name] = varInfo{field: f, secret: f.Tag.Get("secret") == "true"}
	}
	return m
}

// clientVars are read by the command-line client, not by the daemon; they
// may sit in the same environment.
var clientVars = map[string]bool{"HERALD_API_URL": true, "HERALD_API_TOKEN": true, "HERALD_API_TOKEN_FILE": true}

func checkUnknown(envs map[string]string, vars map[string]varInfo) error {
	var unknown []string
	for k := range envs {
		if !strings.HasPrefix(k, "HERALD_") || clientVars[k] {
			continue
		}
		if _, ok := vars[k]; ok {
			continue
		}
		if base, ok := strings.CutSuffix(k, "_FILE"); ok && vars[base].secret {
			continue
		}
		unknown = append(unknown, k)
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return &Error{Var: unknown[0], Msg: "unknown variable (herald config lists the names herald reads; config/example.env explains them)"}
}

// readSecretFiles puts the contents of NAME_FILE into NAME for every secret,
// the way Docker and Kubernetes hand secrets over.
func readSecretFiles(envs map[string]string, vars map[string]varInfo) error {
	for name, info := range vars {
		if !info.secret {
			continue
		}
		path, ok := envs[name+"_FILE"]
		if !ok || path == "" {
			continue
		}
		if envs[name] != "" {
			return &Error{Var: name + "_FILE", Msg: "set together with " + name + "; set only one of them"}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return &Error{Var: name + "_FILE", Msg: fmt.Sprintf("cannot read %q: %v", path, err)}
		}
		envs[name] = strings.TrimSpace(string(b))
	}
	return nil
}

// parseError turns the parser's first error into one line naming the variable.
func parseError(err error, envs map[string]string) error {
	var pe env.ParseError
	if !errors.As(err, &pe) {
		return &Error{Var: "HERALD", Msg: err.Error()}
	}
	vars := knownVars()
	for name, info := range vars {
		if info.field.Name != pe.Name {
			continue
		}
		value := envs[name]
		if info.secret {
			value = "(hidden)"
		}
		var what string
		switch info.field.Type {
		case reflect.TypeFor[time.Duration]():
			what = "is not a duration (use a number with a unit: 90s, 2m, 1h30m)"
		case reflect.TypeFor[int]():
			what = "is not a whole number"
		case reflect.TypeFor[bool]():
			what = "is not true or false"
		case reflect.TypeFor[float64]():
			what = "is not a number"
		case reflect.TypeFor[slog.Level]():
			what = "is not a log level (debug, info, warn, error)"
		default:
			var inner error = pe.Err
			return &Error{Var: name, Msg: unwrapAll(inner).Error()}
		}
		return &Error{Var: name, Msg: fmt.Sprintf("%q %s", value, what)}
	}
	return &Error{Var: "HERALD", Msg: err.Error()}
}

func unwrapAll(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// Validate checks values that parse but make no sense together.
func (c *Config) Validate() error {
	check := func(ok bool, name, format string, args ...any) error {
		if ok {
			return nil
		}
		return &Error{Var: name, Msg: fmt.Sprintf(format, args...)}
	}
	for _, err := range []error{
		check(c.PollInterval >= time.Second, "HERALD_POLL_INTERVAL", "%s is too short (at least 1s)", c.PollInterval),
		check(c.PollWorkers >= 1 && c.PollWorkers <= 1024, "HERALD_POLL_WORKERS", "%d is out of range (1 to 1024)", c.PollWorkers),
		check(c.MaxAge > 0, "HERALD_MAX_AGE", "%s must be above zero", c.MaxAge),
		check(c.MinPostInterval >= 0, "HERALD_MIN_POST_INTERVAL", "%s must not be negative", c.MinPostInterval),
		check(c.DailyCap >= 0, "HERALD_DAILY_CAP", "%d must not be negative (0 means no cap)", c.DailyCap),
		check(c.MaxAttempts >= 1, "HERALD_MAX_ATTEMPTS", "%d must be at least 1", c.MaxAttempts),
		check(c.XMonthlyBudget >= 0, "HERALD_X_MONTHLY_BUDGET", "%g must not be negative (0 means no budget)", c.XMonthlyBudget),
		check(c.XPostPrice >= 0, "HERALD_X_POST_PRICE", "%g must not be negative", c.XPostPrice),
		check(c.XLinkPostPrice >= 0, "HERALD_X_LINK_POST_PRICE", "%g must not be negative", c.XLinkPostPrice),
		check(c.ShutdownTimeout > 0, "HERALD_SHUTDOWN_TIMEOUT", "%s must be above zero", c.ShutdownTimeout),
		check(c.LogFormat == "text" || c.LogFormat == "json", "HERALD_LOG_FORMAT", "%q is not text or json", c.LogFormat),
		check(c.XAPI == "v2" || c.XAPI == "v1.1", "HERALD_X_API", "%q is not v2 or v1.1", c.XAPI),
		check(c.OffsiteLinks == "hold" || c.OffsiteLinks == "post", "HERALD_OFFSITE_LINKS", "%q is not hold or post", c.OffsiteLinks),
		check(c.WatchFor >= 0, "HERALD_WATCH_FOR", "%s must not be negative (0 watches nothing)", c.WatchFor),
		check(c.WatchChecksPerMinute >= 0 && c.WatchChecksPerMinute <= 600, "HERALD_WATCH_CHECKS_PER_MINUTE",
			"%d is out of range (0 to 600; 0 checks no page)", c.WatchChecksPerMinute),
		check(c.OnTakedown == "alert" || c.OnTakedown == "delete", "HERALD_ON_TAKEDOWN", "%q is not alert or delete", c.OnTakedown),
		check(c.OnCorrection == "alert" || c.OnCorrection == "repost" || c.OnCorrection == "edit", "HERALD_ON_CORRECTION",
			"%q is not alert, repost or edit", c.OnCorrection),
		check(c.XDeletePrice >= 0, "HERALD_X_DELETE_PRICE", "%g must not be negative", c.XDeletePrice),
		check(c.Database != "", "HERALD_DATABASE", "must not be empty"),
		check(c.Listen != "", "HERALD_LISTEN", "must not be empty"),
		checkHTTPURL(c.XAPIURL, "HERALD_X_API_URL"),
		c.checkPublicURL(),
		checkHTTPURL(c.BlueskyService, "HERALD_BLUESKY_SERVICE"),
		check(slices.Contains([]string{"public", "unlisted", "private"}, c.MastodonVisibility), "HERALD_MASTODON_VISIBILITY",
			"%q is not public, unlisted or private", c.MastodonVisibility),
		c.checkDatabase(),
		c.checkX(),
		c.checkAllOrNone(NetworkBluesky, "Bluesky", c.BlueskyHandle, c.BlueskyAppPassword),
		c.checkAllOrNone(NetworkMastodon, "Mastodon", c.MastodonServer, c.MastodonToken),
		c.checkTokens(),
		c.checkTexts(),
	} {
		if err != nil {
			return err
		}
	}
	for _, f := range c.Feeds {
		if err := checkHTTPURL(strings.TrimSpace(f), "HERALD_FEEDS"); err != nil {
			return err
		}
	}
	return nil
}

func checkHTTPURL(raw, name string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Error{Var: name, Msg: fmt.Sprintf("%q is not an http(s) URL", raw)}
	}
	return nil
}

// checkPublicURL accepts an absolute http(s) URL without query or
// fragment, since callback paths are appended to it.
func (c *Config) checkPublicURL() error {
	if c.PublicURL == "" {
		return nil
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return &Error{Var: "HERALD_PUBLIC_URL", Msg: fmt.Sprintf(
			"%q is not an absolute http(s) URL without query or fragment (the address hubs and the CMS reach herald at, such as https://herald.example.org)", c.PublicURL)}
	}
	return nil
}

func (c *Config) checkDatabase() error {
	if c.Postgres() {
		return nil
	}
	if strings.Contains(c.Database, "://") {
		return &Error{Var: "HERALD_DATABASE", Msg: fmt.Sprintf("%q is neither a file path nor a postgres:// URL", c.Database)}
	}
	return nil
}

// Postgres reports whether HERALD_DATABASE names a PostgreSQL database.
func (c *Config) Postgres() bool {
	return strings.HasPrefix(c.Database, "postgres://") || strings.HasPrefix(c.Database, "postgresql://")
}

// checkX requires all four credentials or none: a half-configured account
// would otherwise fall back to the local timeline without anyone noticing.
func (c *Config) checkX() error {
	if !c.HasX() {
		return nil
	}
	for _, v := range []struct{ name, value string }{
		{"HERALD_X_CONSUMER_KEY", c.XConsumerKey},
		{"HERALD_X_CONSUMER_SECRET", c.XConsumerSecret},
		{"HERALD_X_ACCESS_TOKEN", c.XAccessToken},
		{"HERALD_X_ACCESS_SECRET", c.XAccessSecret},
	} {
		if v.value == "" {
			return &Error{Var: v.name, Msg: "is not set, but other X credentials are; set all four or none"}
		}
	}
	return nil
}

// checkAllOrNone requires every credential of a network or none, like
// checkX; values are in the order of required[network].
func (c *Config) checkAllOrNone(network, who string, values ...string) error {
	set := slices.ContainsFunc(values, func(v string) bool { return v != "" })
	if !set {
		return nil
	}
	if network == NetworkMastodon && c.MastodonServer != "" {
		if err := checkHTTPURL(c.MastodonServer, "HERALD_MASTODON_SERVER"); err != nil {
			return err
		}
	}
	for i, v := range values {
		if v == "" {
			name := defaultCredentials[network] + required[network][i]
			return &Error{Var: name, Msg: fmt.Sprintf("is not set, but other %s credentials are; set all of them or none", who)}
		}
	}
	return nil
}

// MinTokenLength is the shortest editor token accepted: shorter ones are
// guessable.
const MinTokenLength = 16

// Editors returns the editors' tokens mapped to their names, from
// HERALD_EDITOR_TOKENS: comma-separated name:token pairs, or bare tokens
// for an editor called "editor".
func (c *Config) Editors() map[string]string {
	out := make(map[string]string)
	for _, part := range strings.Split(c.EditorTokens, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, token, ok := strings.Cut(part, ":")
		if !ok {
			name, token = "editor", part
		}
		out[strings.TrimSpace(token)] = strings.TrimSpace(name)
	}
	return out
}

func (c *Config) checkTokens() error {
	for token, name := range c.Editors() {
		if name == "" {
			return &Error{Var: "HERALD_EDITOR_TOKENS", Msg: "an entry has an empty name before the colon"}
		}
		if len(token) < MinTokenLength {
			return &Error{Var: "HERALD_EDITOR_TOKENS", Msg: fmt.Sprintf("the token of %q is shorter than %d characters", name, MinTokenLength)}
		}
	}
	return nil
}

// checkTexts refuses an X template or a hashtag mapping that cannot write
// a post, at start rather than at the first post (and before herald takes
// its address).
func (c *Config) checkTexts() error {
	tags, err := compose.ParseHashtags(c.Hashtags)
	if err != nil {
		return &Error{Var: "HERALD_HASHTAGS", Msg: err.Error()}
	}
	if _, err := compose.NewFor(compose.X(), strings.ReplaceAll(c.XTemplate, `\n`, "\n"), tags); err != nil {
		return &Error{Var: "HERALD_X_TEMPLATE", Msg: strings.TrimPrefix(err.Error(), "compose: ")}
	}
	return nil
}
