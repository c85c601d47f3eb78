package config

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"

	"github.com/heraldhq/herald/internal/compose"
)

// Networks a destination may post to.
const (
	NetworkX        = "x"
	NetworkBluesky  = "bluesky"
	NetworkMastodon = "mastodon"
)

// Destination is one account herald posts to: its network, its
// credentials, which articles it takes, how its posts are written and what
// holds them back. Without HERALD_DESTINATIONS_FILE there is one for each
// network whose credentials are set, named after the network and taking
// every article.
type Destination struct {
	// Name is unique, [a-z0-9-]+: the API, the dashboard, metrics and
	// logs use it.
	Name    string
	Network string
	// Credentials is the prefix of the variables its credentials come from
	// (HERALD_X, HERALD_X_AR, …), and Account what they hold.
	Credentials string
	Account     Account
	// Feeds, Categories and Languages are which articles it takes; empty
	// takes every article.
	Feeds      []string
	Categories []string
	Languages  []string
	// Include and Exclude, when set, are regular expressions on an
	// article's title, categories and URL: it takes only articles one of
	// which Include matches, and none one of which Exclude matches.
	Include, Exclude *regexp.Regexp
	// Template is its posts' text/template (empty: compose's default).
	Template string
	// Hashtags maps categories to the hashtags its posts add.
	Hashtags map[string]string
	// UTM are the parameters added to the posted link
	// ("utm_source=x&utm_medium=social").
	UTM string
	// The queue's rules: by default the HERALD_* values.
	MinPostInterval time.Duration
	DailyCap        int
	QuietHours      DayWindow
	// MonthlyBudget is X's, in US dollars (0: none).
	MonthlyBudget float64
}

// Account is what a destination's credentials variables hold; each
// network reads its own fields.
type Account struct {
	// X: the OAuth 1.0a user context, and the API and its address.
	ConsumerKey, ConsumerSecret, AccessToken, AccessSecret string
	API, APIURL                                            string
	// Bluesky: the handle, an app password and the PDS.
	Handle, AppPassword, Service string
	// Mastodon: the server, an access token and the visibility of posts.
	Server, Token, Visibility string
}

// credentialVar is one variable of a network's credentials: its name after
// the prefix, whether it is a secret, and where its value lands.
type credentialVar struct {
	suffix string
	secret bool
	field  func(a *Account) *string
	// def is the value when the variable is unset under a prefix of the
	// operator's (HERALD_X_AR_API defaults to HERALD_X_API).
	def func(c *Config) string
}

var credentialVars = map[string][]credentialVar{
	NetworkX: {
		{"_CONSUMER_KEY", true, func(a *Account) *string { return &a.ConsumerKey }, nil},
		{"_CONSUMER_SECRET", true, func(a *Account) *string { return &a.ConsumerSecret }, nil},
		{"_ACCESS_TOKEN", true, func(a *Account) *string { return &a.AccessToken }, nil},
		{"_ACCESS_SECRET", true, func(a *Account) *string { return &a.AccessSecret }, nil},
		{"_API", false, func(a *Account) *string { return &a.API }, func(c *Config) string { return c.XAPI }},
		{"_API_URL", false, func(a *Account) *string { return &a.APIURL }, func(c *Config) string { return c.XAPIURL }},
	},
	NetworkBluesky: {
		{"_HANDLE", false, func(a *Account) *string { return &a.Handle }, nil},
		{"_APP_PASSWORD", true, func(a *Account) *string { return &a.AppPassword }, nil},
		{"_SERVICE", false, func(a *Account) *string { return &a.Service }, func(c *Config) string { return c.BlueskyService }},
	},
	NetworkMastodon: {
		{"_SERVER", false, func(a *Account) *string { return &a.Server }, nil},
		{"_TOKEN", true, func(a *Account) *string { return &a.Token }, nil},
		{"_VISIBILITY", false, func(a *Account) *string { return &a.Visibility }, func(c *Config) string { return c.MastodonVisibility }},
	},
}

// defaultCredentials is each network's own prefix, whose variables are
// Config's fields.
var defaultCredentials = map[string]string{
	NetworkX: "HERALD_X", NetworkBluesky: "HERALD_BLUESKY", NetworkMastodon: "HERALD_MASTODON",
}

// required are the variables a network cannot post without.
var required = map[string][]string{
	NetworkX:        {"_CONSUMER_KEY", "_CONSUMER_SECRET", "_ACCESS_TOKEN", "_ACCESS_SECRET"},
	NetworkBluesky:  {"_HANDLE", "_APP_PASSWORD"},
	NetworkMastodon: {"_SERVER", "_TOKEN"},
}

// HasBluesky reports whether Bluesky credentials are configured.
func (c *Config) HasBluesky() bool { return c.BlueskyHandle != "" || c.BlueskyAppPassword != "" }

// HasMastodon reports whether Mastodon credentials are configured.
func (c *Config) HasMastodon() bool { return c.MastodonServer != "" || c.MastodonToken != "" }

// defaultAccount is the account in the network's own variables.
func (c *Config) defaultAccount(network string) Account {
	switch network {
	case NetworkX:
		return Account{ConsumerKey: c.XConsumerKey, ConsumerSecret: c.XConsumerSecret, AccessToken: c.XAccessToken,
			AccessSecret: c.XAccessSecret, API: c.XAPI, APIURL: c.XAPIURL}
	case NetworkBluesky:
		return Account{Handle: c.BlueskyHandle, AppPassword: c.BlueskyAppPassword, Service: c.BlueskyService}
	case NetworkMastodon:
		return Account{Server: c.MastodonServer, Token: c.MastodonToken, Visibility: c.MastodonVisibility}
	}
	return Account{}
}

// defaultDestination is a destination of the network with the HERALD_*
// values: every article, the operator's template and hashtags, the
// queue's rules.
func (c *Config) defaultDestination(name, network string) (Destination, error) {
	d := Destination{
		Name: name, Network: network, Credentials: defaultCredentials[network], Account: c.defaultAccount(network),
		MinPostInterval: c.MinPostInterval, DailyCap: c.DailyCap, QuietHours: c.QuietHours,
	}
	if network == NetworkX {
		// HERALD_X_TEMPLATE is X's; other networks start from the default.
		d.Template = strings.ReplaceAll(c.XTemplate, `\n`, "\n")
		d.MonthlyBudget = c.XMonthlyBudget
	}
	tags, err := compose.ParseHashtags(c.Hashtags)
	if err != nil {
		return d, &Error{Var: "HERALD_HASHTAGS", Msg: err.Error()}
	}
	d.Hashtags = tags
	return d, nil
}

// networkDestinations are the destinations without a destinations file:
// one for each network whose credentials are set.
func (c *Config) networkDestinations() ([]Destination, error) {
	var out []Destination
	for _, n := range []struct {
		network string
		has     bool
	}{{NetworkX, c.HasX()}, {NetworkBluesky, c.HasBluesky()}, {NetworkMastodon, c.HasMastodon()}} {
		if !n.has {
			continue
		}
		d, err := c.defaultDestination(n.network, n.network)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// ReadDestinations reads HERALD_DESTINATIONS_FILE again (herald does on
// SIGHUP) with the variables herald started with, and returns its
// destinations; without a file, the network's own. An error is an *Error
// naming the file, the destination and the key.
func (c *Config) ReadDestinations() ([]Destination, error) {
	if c.DestinationsFile == "" {
		return c.networkDestinations()
	}
	data, err := os.ReadFile(c.DestinationsFile)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, c.fileError("", "", "cannot read it: %v", err)
	}
	return c.parseDestinations(data, c.envs)
}

// destinationsVar names the file's variable in errors.
const destinationsVar = "HERALD_DESTINATIONS_FILE"

// fileError is a mistake in the destinations file: one line naming the
// file, the destination (when known) and the key (when known).
func (c *Config) fileError(dest, key, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	if key != "" {
		msg = key + ": " + msg
	}
	if dest != "" {
		msg = fmt.Sprintf("destination %q: %s", dest, msg)
	}
	return &Error{Var: destinationsVar, File: c.DestinationsFile, Msg: msg}
}

var (
	nameRE   = regexp.MustCompile(`^[a-z0-9-]+$`)
	prefixRE = regexp.MustCompile(`^HERALD_[A-Z0-9]+(_[A-Z0-9]+)*$`)
)

// destinationKeys are the keys a destination may have, in the order
// errors list them.
var destinationKeys = []string{"name", "network", "credentials", "feeds", "categories", "languages", "template",
	"hashtags", "utm", "filters", "min_post_interval", "daily_cap", "quiet_hours", "monthly_budget"}

// parseDestinations reads a destinations file's YAML. Keys nobody reads are
// errors, as in yaml's KnownFields, and so is every value that does not
// make sense; each error names the destination and the key.
func (c *Config) parseDestinations(data []byte, envs map[string]string) ([]Destination, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, c.fileError("", "", "not YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, c.fileError("", "", "it is empty: it must list destinations (see config/destinations.yaml)")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, c.fileError("", "", "line %d: it must be a mapping with the key destinations", root.Line)
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "destinations" {
			return nil, c.fileError("", "", "line %d: unknown key %q (the file has one key, destinations)", k.Line, k.Value)
		}
		list = v
	}
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return nil, c.fileError("", "destinations", "must list at least one destination")
	}
	var out []Destination
	names := map[string]bool{}
	accounts := map[string]string{} // network and credentials → destination
	for i, node := range list.Content {
		d, err := c.parseDestination(node, i, envs)
		if err != nil {
			return nil, err
		}
		if names[d.Name] {
			return nil, c.fileError(d.Name, "name", "two destinations have this name")
		}
		names[d.Name] = true
		acct := d.Network + " " + d.Credentials
		if other, ok := accounts[acct]; ok {
			return nil, c.fileError(d.Name, "credentials", "%s is already the credentials of destination %q: one account is one destination (give it a credentials prefix of its own)",
				d.Credentials, other)
		}
		accounts[acct] = d.Name
		out = append(out, d)
	}
	return out, nil
}

// parseDestination reads the i-th destination (from 0).
func (c *Config) parseDestination(node *yaml.Node, i int, envs map[string]string) (Destination, error) {
	label := fmt.Sprintf("#%d", i+1)
	if node.Kind != yaml.MappingNode {
		return Destination{}, c.fileError(label, "", "line %d: a destination is a mapping of keys (name, network, …)", node.Line)
	}
	values := map[string]*yaml.Node{}
	for j := 0; j+1 < len(node.Content); j += 2 {
		k, v := node.Content[j], node.Content[j+1]
		values[k.Value] = v
		if k.Value == "name" && v.Kind == yaml.ScalarNode && v.Value != "" {
			label = v.Value
		}
	}
	fail := func(key, format string, args ...any) (Destination, error) {
		return Destination{}, c.fileError(label, key, format, args...)
	}
	for j := 0; j+1 < len(node.Content); j += 2 {
		if k := node.Content[j]; !slices.Contains(destinationKeys, k.Value) {
			return fail("", "unknown key %q (line %d; the keys are %s)", k.Value, k.Line, strings.Join(destinationKeys, ", "))
		}
	}
	scalar := func(key string) (string, bool, error) {
		v, ok := values[key]
		if !ok || v.Tag == "!!null" {
			return "", false, nil
		}
		if v.Kind != yaml.ScalarNode {
			_, err := fail(key, "must be a single value, not a list or mapping")
			return "", false, err
		}
		return strings.TrimSpace(v.Value), true, nil
	}
	list := func(key string) ([]string, error) {
		v, ok := values[key]
		if !ok || v.Tag == "!!null" {
			return nil, nil
		}
		var items []*yaml.Node
		switch v.Kind {
		case yaml.ScalarNode:
			items = []*yaml.Node{v}
		case yaml.SequenceNode:
			items = v.Content
		default:
			_, err := fail(key, "must be a list, such as [a, b]")
			return nil, err
		}
		var out []string
		for _, it := range items {
			if it.Kind != yaml.ScalarNode || strings.TrimSpace(it.Value) == "" {
				_, err := fail(key, "line %d: each item must be a non-empty value", it.Line)
				return nil, err
			}
			out = append(out, strings.TrimSpace(it.Value))
		}
		return out, nil
	}

	name, ok, err := scalar("name")
	if err != nil {
		return Destination{}, err
	}
	if !ok || name == "" {
		return fail("name", "is missing; every destination needs one, such as x-english")
	}
	if !nameRE.MatchString(name) {
		return fail("name", "%q may hold only lower-case letters, digits and hyphens", name)
	}
	network, ok, err := scalar("network")
	if err != nil {
		return Destination{}, err
	}
	if !ok {
		return fail("network", "is missing: x, bluesky or mastodon")
	}
	if _, known := credentialVars[network]; !known {
		return fail("network", "%q is not x, bluesky or mastodon", network)
	}
	d, err := c.defaultDestination(name, network)
	if err != nil {
		return Destination{}, err
	}

	if prefix, ok, err := scalar("credentials"); err != nil {
		return Destination{}, err
	} else if ok {
		if !prefixRE.MatchString(prefix) {
			return fail("credentials", "%q is not a variable prefix such as %s_EN (HERALD_, then capitals, digits and single underscores)",
				prefix, defaultCredentials[network])
		}
		if err := c.checkPrefix(network, prefix); err != nil {
			return fail("credentials", "%s", err)
		}
		d.Credentials = prefix
	}
	if d.Credentials != defaultCredentials[network] {
		d.Account = accountFrom(c, network, d.Credentials, envs)
	}
	for _, suffix := range required[network] {
		v := d.Credentials + suffix
		for _, cv := range credentialVars[network] {
			if cv.suffix == suffix && *cv.field(&d.Account) == "" {
				return Destination{}, &Error{Var: v, Msg: fmt.Sprintf("is not set, but destination %q in %s %s posts with the credentials %s_*",
					name, destinationsVar, c.DestinationsFile, d.Credentials)}
			}
		}
	}
	if err := checkAccount(network, d.Credentials, d.Account); err != nil {
		return Destination{}, err
	}

	if d.Feeds, err = list("feeds"); err != nil {
		return Destination{}, err
	}
	for _, f := range d.Feeds {
		if u, err := url.Parse(f); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fail("feeds", "%q is not an http(s) URL", f)
		}
	}
	if d.Categories, err = list("categories"); err != nil {
		return Destination{}, err
	}
	if d.Languages, err = list("languages"); err != nil {
		return Destination{}, err
	}
	for i, l := range d.Languages {
		tag, err := language.Parse(strings.ReplaceAll(l, "_", "-"))
		if err != nil || tag == language.Und {
			return fail("languages", "%q is not a language tag such as en, ar or pt-BR", l)
		}
		d.Languages[i] = tag.String()
	}

	if v, ok := values["template"]; ok {
		if v.Kind != yaml.ScalarNode {
			return fail("template", "must be a text/template, such as \"{{.Title}} {{.URL}}\"")
		}
		d.Template = v.Value
	}
	if v, ok := values["hashtags"]; ok {
		tags, err := parseHashtagsNode(v)
		if err != nil {
			return fail("hashtags", "%s", err)
		}
		d.Hashtags = tags
	}
	if _, err := compose.NewFor(checkRule(network), d.Template, d.Hashtags); err != nil {
		key := "template"
		if strings.Contains(err.Error(), "hashtag") {
			key = "hashtags"
		}
		msg := strings.TrimPrefix(err.Error(), "compose: ")
		if _, own := values[key]; !own {
			// The HERALD_* default, not the file, holds the mistake.
			v := map[string]string{"template": "HERALD_X_TEMPLATE", "hashtags": "HERALD_HASHTAGS"}[key]
			return Destination{}, &Error{Var: v, Msg: fmt.Sprintf("%s (for destination %q)", msg, name)}
		}
		return fail(key, "%s", msg)
	}

	if v, ok := values["filters"]; ok {
		if v.Kind != yaml.MappingNode {
			return fail("filters", "must be a mapping with include, exclude or both: regular expressions on the title, categories and URL")
		}
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, e := v.Content[i].Value, v.Content[i+1]
			if k != "include" && k != "exclude" {
				return fail("filters", "unknown key %q (line %d; the keys are include and exclude)", k, v.Content[i].Line)
			}
			if e.Kind != yaml.ScalarNode {
				return fail("filters", "%s must be a regular expression", k)
			}
			re, err := regexp.Compile(e.Value)
			if err != nil {
				return fail("filters", "%s: %q is not a regular expression: %v", k, e.Value, err)
			}
			if k == "include" {
				d.Include = re
			} else {
				d.Exclude = re
			}
		}
	}

	if utm, ok, err := scalar("utm"); err != nil {
		return Destination{}, err
	} else if ok {
		q, err := url.ParseQuery(utm)
		if err != nil || len(q) == 0 {
			return fail("utm", "%q is not parameters such as utm_source=x&utm_medium=social", utm)
		}
		for k := range q {
			if !strings.HasPrefix(strings.ToLower(k), "utm_") {
				return fail("utm", "%q is not a utm_ parameter: only utm_* parameters are added to links, which herald leaves out when it tells articles apart", k)
			}
		}
		d.UTM = utm
	}

	if v, ok, err := scalar("min_post_interval"); err != nil {
		return Destination{}, err
	} else if ok {
		dur, err := time.ParseDuration(v)
		if v == "0" {
			dur, err = 0, nil
		}
		if err != nil {
			return fail("min_post_interval", "%q is not a duration (use a number with a unit: 90s, 2m, 1h30m)", v)
		}
		if dur < 0 {
			return fail("min_post_interval", "%s must not be negative", dur)
		}
		d.MinPostInterval = dur
	}
	if v, ok, err := scalar("daily_cap"); err != nil {
		return Destination{}, err
	} else if ok {
		n, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil:
			return fail("daily_cap", "%q is not a number", v)
		case n != math.Trunc(n) || n > math.MaxInt32:
			return fail("daily_cap", "%s is not a whole number", v)
		case n < 0:
			return fail("daily_cap", "%s must not be negative (0 means no cap)", v)
		}
		d.DailyCap = int(n)
	}
	if v, ok, err := scalar("quiet_hours"); err != nil {
		return Destination{}, err
	} else if ok {
		var w DayWindow
		if err := w.UnmarshalText([]byte(v)); err != nil {
			return fail("quiet_hours", "%s", err)
		}
		d.QuietHours = w
	}
	if v, ok, err := scalar("monthly_budget"); err != nil {
		return Destination{}, err
	} else if ok {
		if network != NetworkX {
			return fail("monthly_budget", "only x destinations have a budget: posting to %s is free", network)
		}
		n, err := strconv.ParseFloat(strings.TrimPrefix(v, "$"), 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return fail("monthly_budget", "%q is not a number of US dollars", v)
		}
		if n < 0 {
			return fail("monthly_budget", "%s must not be negative (0 means no budget)", v)
		}
		d.MonthlyBudget = n
	}
	return d, nil
}

// checkRule is the network's rule a template is checked against when the
// file is read: a Mastodon server's own limit is known only at start, and
// Mastodon's default is the common one.
func checkRule(network string) compose.Rule {
	switch network {
	case NetworkBluesky:
		return compose.Bluesky()
	case NetworkMastodon:
		return compose.Mastodon(0, 0)
	}
	return compose.X()
}

// parseHashtagsNode reads hashtags written as in HERALD_HASHTAGS
// ("Syria=#Syria,Kurdistan=#Kurds") or as a mapping (Syria: "#Syria").
func parseHashtagsNode(v *yaml.Node) (map[string]string, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		return compose.ParseHashtags(v.Value)
	case yaml.MappingNode:
		var pairs []string
		for j := 0; j+1 < len(v.Content); j += 2 {
			k, t := v.Content[j], v.Content[j+1]
			if t.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("the hashtag of %q must be a single value", k.Value)
			}
			pairs = append(pairs, k.Value+"="+t.Value)
		}
		return compose.ParseHashtags(strings.Join(pairs, ","))
	}
	return nil, errors.New(`must be Category=#Tag pairs ("Syria=#Syria,Kurdistan=#Kurds") or a mapping`)
}

// checkPrefix refuses a credentials prefix whose variables would be
// herald's own variables of another meaning.
func (c *Config) checkPrefix(network, prefix string) error {
	if prefix == defaultCredentials[network] {
		return nil
	}
	for other, p := range defaultCredentials {
		if prefix == p {
			return fmt.Errorf("%s is the credentials of %s; a %s destination needs its own, such as %s_2", p, other, network, defaultCredentials[network])
		}
	}
	vars := knownVars()
	for _, cv := range credentialVars[network] {
		name := prefix + cv.suffix
		if _, ok := vars[name]; ok || clientVars[name] || name == destinationsVar {
			return fmt.Errorf("%s would read %s, which is another setting of herald's: choose another prefix", prefix, name)
		}
	}
	return nil
}

// accountFrom reads an account from the variables under prefix, those unset
// taking the network's defaults.
func accountFrom(c *Config, network, prefix string, envs map[string]string) Account {
	var a Account
	for _, cv := range credentialVars[network] {
		v := strings.TrimSpace(envs[prefix+cv.suffix])
		if v == "" && cv.def != nil {
			v = cv.def(c)
		}
		*cv.field(&a) = v
	}
	return a
}

// checkAccount checks the values of an account's variables that are not
// secrets.
func checkAccount(network, prefix string, a Account) error {
	switch network {
	case NetworkX:
		if a.API != "v2" && a.API != "v1.1" {
			return &Error{Var: prefix + "_API", Msg: fmt.Sprintf("%q is not v2 or v1.1", a.API)}
		}
		return checkHTTPURL(a.APIURL, prefix+"_API_URL")
	case NetworkBluesky:
		return checkHTTPURL(a.Service, prefix+"_SERVICE")
	case NetworkMastodon:
		switch a.Visibility {
		case "public", "unlisted", "private":
		default:
			return &Error{Var: prefix + "_VISIBILITY", Msg: fmt.Sprintf("%q is not public, unlisted or private", a.Visibility)}
		}
		return checkHTTPURL(a.Server, prefix+"_SERVER")
	}
	return nil
}

// destinationPrefixes reads the credentials prefixes a destinations file
// names, before the configuration is parsed, so that their variables are
// known to the check for unknown variables. The error is the file's that
// cannot be read; a file with other mistakes names what it can, and reading
// it after the parse reports them.
func destinationPrefixes(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{Var: destinationsVar, File: path, Msg: fmt.Sprintf("cannot read it: %v", err)}
	}
	var f struct {
		Destinations []struct {
			Network     string `yaml:"network"`
			Credentials string `yaml:"credentials"`
		} `yaml:"destinations"`
	}
	if yaml.Unmarshal(data, &f) != nil {
		return nil, nil
	}
	out := map[string]string{}
	for _, d := range f.Destinations {
		if _, ok := credentialVars[d.Network]; ok && prefixRE.MatchString(d.Credentials) {
			out[d.Credentials] = d.Network
		}
	}
	return out, nil
}

// prefixVars are the variables the credentials prefixes name: known to the
// check for unknown variables, secrets readable from NAME_FILE.
func prefixVars(prefixes map[string]string) map[string]varInfo {
	out := map[string]varInfo{}
	for prefix, network := range prefixes {
		for _, cv := range credentialVars[network] {
			out[prefix+cv.suffix] = varInfo{secret: cv.secret}
		}
	}
	return out
}
