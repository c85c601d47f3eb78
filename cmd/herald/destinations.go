package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/compose"
	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/ingest"
	"github.com/heraldhq/herald/internal/media"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/publish/bluesky"
	"github.com/heraldhq/herald/internal/publish/local"
	"github.com/heraldhq/herald/internal/publish/mastodon"
	"github.com/heraldhq/herald/internal/publish/x"
	"github.com/heraldhq/herald/internal/xtext"
)

// networkLocal is the local timeline's network: herald's own dashboard.
const networkLocal = "local"

// limitsTimeout bounds the start-up read of a Mastodon server's length
// rule.
const limitsTimeout = 10 * time.Second

// destinationSet is where herald posts, as it runs: each destination's
// publisher and its network's rule, and what the configuration says of it.
// The publishers stay for the life of the process; what the destinations
// file says of routing, text and the queue can be read again (SIGHUP).
type destinationSet struct {
	cfg   *config.Config
	dests []config.Destination // as configured; empty for the local timeline
	pubs  []outbox.Publisher
	// rules are each destination's network's rule, by name (a Mastodon
	// server's from its /api/v2/instance, read at start).
	rules map[string]compose.Rule
}

// destinationDeps are what publishers need beside their configuration.
type destinationDeps struct {
	log *slog.Logger
	// sessions keeps Bluesky's sessions (the store); nil keeps them in
	// memory.
	sessions bluesky.SessionStore
	// images fetches link cards' pictures through herald's guard.
	images media.Fetcher
	// dashboard is where the local timeline's posts are shown.
	dashboard string
}

// newDestinationSet builds the publishers of cfg.Destinations, or the local
// timeline when there are none. It reads each Mastodon server's length
// rule, within limitsTimeout; a server that does not answer gets
// Mastodon's defaults, and the log says so.
func newDestinationSet(ctx context.Context, cfg *config.Config, deps destinationDeps) (*destinationSet, error) {
	s := &destinationSet{cfg: cfg, dests: cfg.Destinations, rules: map[string]compose.Rule{}}
	if len(s.dests) == 0 {
		s.pubs = []outbox.Publisher{local.NewAt("local", deps.dashboard)}
		s.rules["local"] = compose.X()
		return s, nil
	}
	for _, d := range s.dests {
		pub, rule, err := newPublisher(ctx, d, deps)
		if err != nil {
			return nil, err
		}
		s.pubs = append(s.pubs, pub)
		s.rules[d.Name] = rule
	}
	return s, nil
}

// newPublisher builds one destination's publisher, and its network's rule.
func newPublisher(ctx context.Context, d config.Destination, deps destinationDeps) (outbox.Publisher, compose.Rule, error) {
	a := d.Account
	switch d.Network {
	case config.NetworkX:
		p, err := x.New(x.Options{Name: d.Name, Credentials: d.Credentials, APIURL: a.APIURL, API: a.API,
			ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret, AccessToken: a.AccessToken, AccessSecret: a.AccessSecret})
		return p, compose.X(), err
	case config.NetworkBluesky:
		p, err := bluesky.New(bluesky.Options{Name: d.Name, Credentials: d.Credentials, Service: a.Service,
			Handle: a.Handle, AppPassword: a.AppPassword, Sessions: deps.sessions, Images: deps.images, Logger: deps.log})
		return p, compose.Bluesky(), err
	case config.NetworkMastodon:
		p, err := mastodon.New(mastodon.Options{Name: d.Name, Credentials: d.Credentials, Server: a.Server,
			Token: a.Token, Visibility: a.Visibility})
		if err != nil {
			return nil, compose.Rule{}, err
		}
		lctx, cancel := context.WithTimeout(ctx, limitsTimeout)
		l, err := p.Limits(lctx)
		cancel()
		if err != nil {
			deps.log.Warn("the Mastodon server's length rule was not read; posts are written to Mastodon's defaults",
				"destination", d.Name, "max_characters", l.MaxCharacters, "characters_per_url", l.URLCharacters, "err", publishWords(err))
		}
		return p, compose.Mastodon(l.MaxCharacters, l.URLCharacters), nil
	}
	return nil, compose.Rule{}, fmt.Errorf("destination %q: unknown network %q", d.Name, d.Network)
}

// names lists the destinations' names.
func (s *destinationSet) names() []string {
	out := make([]string, len(s.pubs))
	for i, p := range s.pubs {
		out[i] = p.Name()
	}
	return out
}

// wiring is what the ingester and the dispatcher are given for the
// destinations: how each writes and routes, and its queue's rules.
func (s *destinationSet) wiring(dests []config.Destination) ([]ingest.Target, map[string]outbox.Destination, error) {
	cfg := s.cfg
	if len(s.dests) == 0 {
		write, err := writer(cfg)
		if err != nil {
			return nil, nil, err
		}
		return []ingest.Target{{Name: "local", Compose: write}},
			map[string]outbox.Destination{"local": {Network: networkLocal, Text: compose.X(), MinInterval: cfg.MinPostInterval,
				DailyCap: cfg.DailyCap, Quiet: quietHours(cfg.QuietHours, cfg)}}, nil
	}
	var targets []ingest.Target
	rules := map[string]outbox.Destination{}
	for _, d := range dests {
		rule := s.rules[d.Name]
		c, err := compose.NewFor(rule, d.Template, d.Hashtags)
		if err != nil {
			return nil, nil, templateError(cfg, d, err)
		}
		utm := d.UTM
		targets = append(targets, ingest.Target{
			Name: d.Name,
			Compose: func(a *news.Article) (string, error) {
				tagged := *a
				tagged.URL = compose.WithUTM(a.URL, utm)
				return c.Article(&tagged)
			},
			Route: ingest.Route{Feeds: d.Feeds, Categories: d.Categories, Languages: d.Languages, Include: d.Include, Exclude: d.Exclude},
			Cards: d.Network == config.NetworkBluesky,
		})
		r := outbox.Destination{Network: d.Network, Text: rule, MinInterval: d.MinPostInterval, DailyCap: d.DailyCap,
			Quiet: quietHours(d.QuietHours, cfg)}
		if d.Network == config.NetworkX {
			r.Cost = &outbox.Cost{Post: cfg.XPostPrice, LinkPost: cfg.XLinkPostPrice, Delete: cfg.XDeletePrice, MonthlyBudget: d.MonthlyBudget}
		}
		rules[d.Name] = r
	}
	return targets, rules, nil
}

// templateError says which setting holds a template that does not fit its
// network (a Mastodon server's own limit is known only at start).
func templateError(cfg *config.Config, d config.Destination, err error) error {
	msg := strings.TrimPrefix(err.Error(), "compose: ")
	if cfg.DestinationsFile != "" {
		return &config.Error{Var: "HERALD_DESTINATIONS_FILE", File: cfg.DestinationsFile,
			Msg: fmt.Sprintf("destination %q: template: %s", d.Name, msg)}
	}
	if d.Network == config.NetworkX {
		return &config.Error{Var: "HERALD_X_TEMPLATE", Msg: msg}
	}
	return &config.Error{Var: "HERALD_HASHTAGS", Msg: fmt.Sprintf("for %s: %s", d.Name, msg)}
}

// reread reads the destinations file again and returns what the ingester
// and the dispatcher are to be given. A destination added or removed, or
// one whose network or credentials changed, needs new publishers: that is
// refused, and the destinations in use stay.
func (s *destinationSet) reread() ([]config.Destination, []ingest.Target, map[string]outbox.Destination, error) {
	dests, err := s.cfg.ReadDestinations()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := sameAccounts(s.dests, dests); err != nil {
		return nil, nil, nil, &config.Error{Var: "HERALD_DESTINATIONS_FILE", File: s.cfg.DestinationsFile, Msg: err.Error()}
	}
	targets, rules, err := s.wiring(dests)
	if err != nil {
		return nil, nil, nil, err
	}
	return dests, targets, rules, nil
}

// sameAccounts refuses a new list of destinations that does not post to the
// same accounts under the same names.
func sameAccounts(old, dests []config.Destination) error {
	byName := map[string]config.Destination{}
	for _, d := range old {
		byName[d.Name] = d
	}
	for _, d := range dests {
		o, ok := byName[d.Name]
		switch {
		case !ok:
			return fmt.Errorf("destination %q is new: adding or removing destinations, or changing their network or credentials, takes a restart", d.Name)
		case o.Network != d.Network || o.Credentials != d.Credentials || o.Account != d.Account:
			return fmt.Errorf("destination %q: its network or credentials changed, which takes a restart", d.Name)
		}
		delete(byName, d.Name)
	}
	if len(byName) > 0 {
		left := slices.Sorted(maps.Keys(byName))
		return fmt.Errorf("destination %q is gone: adding or removing destinations takes a restart", left[0])
	}
	return nil
}

// writer returns how herald writes a post for the local timeline (and
// herald preview without destinations): X's way, from HERALD_X_TEMPLATE
// and HERALD_HASHTAGS; a bad template stops start-up.
func writer(cfg *config.Config) (func(a *news.Article) (string, error), error) {
	tags, err := compose.ParseHashtags(cfg.Hashtags)
	if err != nil {
		return nil, &config.Error{Var: "HERALD_HASHTAGS", Msg: err.Error()}
	}
	// An environment variable cannot easily hold a line break: \n stands for one.
	tmpl := strings.ReplaceAll(cfg.XTemplate, `\n`, "\n")
	c, err := compose.New(tmpl, xtext.MaxWeightedLength, tags)
	if err != nil {
		return nil, &config.Error{Var: "HERALD_X_TEMPLATE", Msg: err.Error()}
	}
	return c.Article, nil
}

// quietHours is a configured window in herald's time zone.
func quietHours(w config.DayWindow, cfg *config.Config) *outbox.QuietHours {
	if !w.Set {
		return nil
	}
	return &outbox.QuietHours{From: w.From, To: w.To, Location: cfg.Timezone.Location}
}

// unpolledFeeds lists the feeds destinations take articles from that are not
// among the feeds herald polls: such a destination would wait in vain.
func unpolledFeeds(dests []config.Destination, feeds []string) map[string][]string {
	out := map[string][]string{}
	for _, d := range dests {
		for _, f := range d.Feeds {
			polled := slices.ContainsFunc(feeds, func(p string) bool {
				return (ingest.Route{Feeds: []string{f}}).Accepts(&news.Article{FeedURL: p})
			})
			if !polled {
				out[d.Name] = append(out[d.Name], f)
			}
		}
	}
	return out
}

// prover is a publisher that can prove its credentials without posting:
// X's Verify (GET /2/users/me), Bluesky's and Mastodon's Check.
func prove(ctx context.Context, p outbox.Publisher) (account string, err error, ok bool) {
	switch v := p.(type) {
	case interface {
		Verify(ctx context.Context) (string, error)
	}:
		account, err = v.Verify(ctx)
		return account, err, true
	case interface {
		Check(ctx context.Context) error
		Account() string
	}:
		err = v.Check(ctx)
		return v.Account(), err, true
	}
	return "", nil, false
}

// credentialsRefused reports whether a pause reason says the network refused
// the credentials: a pause that working credentials lift.
func credentialsRefused(network, reason string) bool {
	switch network {
	case config.NetworkX:
		return x.CredentialsRefused(reason)
	case config.NetworkBluesky:
		return bluesky.CredentialsRefused(reason)
	case config.NetworkMastodon:
		return mastodon.CredentialsRefused(reason)
	}
	return false
}

// publishWords is a publisher's failure in plain words: its reason, without
// the classification ("permanent (HTTP 401): …") meant for the logs.
func publishWords(err error) string {
	var pe *news.PublishError
	if errors.As(err, &pe) && pe.Reason != "" {
		return pe.Reason
	}
	return err.Error()
}
