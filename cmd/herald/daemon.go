package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/ingest"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/source"
	"github.com/heraldhq/herald/internal/source/websub"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/postgres"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/web"
)

// daemonOptions are what the demo changes about a daemon.
type daemonOptions struct {
	listener net.Listener
	mount    func(*web.Server)
	refresh  time.Duration
	title    string
	// openEditing lets anyone act on the dashboard and API without a token.
	openEditing bool
	// ready, when set, receives the dashboard's address once it serves.
	ready func(addr string)
	// hosts are host:port pairs the fetcher dials at a fixed address, past
	// DNS and the private-address guard (fetch.Options.Hosts).
	hosts map[string]string
	// linkHref maps links in posts to where the dashboard points them.
	linkHref func(string) string
}

// runDaemon runs herald until ctx ends, then shuts down in order: stop
// taking work, let a post in flight finish, stop serving, close the database.
func runDaemon(ctx context.Context, cfg *config.Config, log *slog.Logger, o daemonOptions) error {
	feeds, err := feedList(cfg)
	if err != nil {
		return err
	}
	ln := o.listener
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.Listen); err != nil {
			return &config.Error{Var: "HERALD_LISTEN", Msg: err.Error()}
		}
	}
	defer ln.Close() // in case of an early return; Serve closes it too
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	fetcher := fetch.New(fetch.Options{Version: version, AllowPrivate: cfg.AllowPrivateURLs, Hosts: o.hosts})
	defer fetcher.CloseIdleConnections()
	dests, err := newDestinationSet(ctx, cfg, destinationDeps{log: log, sessions: st, images: fetcher, dashboard: loopbackURL(ln.Addr())})
	if err != nil {
		return err
	}
	if len(cfg.Destinations) == 0 {
		log.Info("no network's credentials are set (HERALD_X_*, HERALD_BLUESKY_*, HERALD_MASTODON_*): posts go to the local timeline")
	}
	pubs := dests.pubs
	targets, rules, err := dests.wiring(cfg.Destinations)
	if err != nil {
		return err
	}
	metrics := web.NewMetrics(version, st)
	// A publish call may take at most publishTimeout, so a post whose claim
	// is older than that plus a margin belongs to a process that died.
	publishTimeout := min(max(cfg.ShutdownTimeout-2*time.Second, 5*time.Second), 30*time.Second)
	ing := &ingest.Ingester{
		Store:    st,
		Targets:  targets,
		Pages:    fetcher,
		FirstRun: ingest.FirstRun{Mode: cfg.FirstRun.Mode, N: cfg.FirstRun.N},
		Intake:   outbox.Intake{Approval: cfg.Approval, MaxAge: cfg.MaxAge, Breaking: cfg.BreakingCategories},
		Log:      log,

		PostOffsite: cfg.OffsiteLinks == "post",
		Exclude:     cfg.Exclude.Regexp,
	}
	disp := outbox.New(st, pubs, outbox.Options{
		Destinations:   rules,
		MaxAge:         cfg.MaxAge,
		MaxAttempts:    cfg.MaxAttempts,
		PublishTimeout: publishTimeout,
		Lease:          publishTimeout + 5*time.Second,
		Location:       cfg.Timezone.Location,
		Log:            log,
		Observe:        metrics.ObservePublish,
		Articles:       ing,
	})
	ing.Queued = disp.Kick
	att, watch, err := corrections(cfg, st, disp, ing, fetcher, metrics, log)
	if err != nil {
		return err
	}
	if _, err := disp.Retire(ctx); err != nil {
		return err
	}
	poller := &source.Poller{
		Store: st, Fetcher: fetcher, Handler: ing,
		Interval: cfg.PollInterval, Workers: cfg.PollWorkers,
		Log: log, Observe: metrics.ObserveFetch, Owner: processName(),
	}
	ing.Feeds = poller.Feeds
	sub, err := subscriber(cfg, st, fetcher, poller, metrics, log)
	if err != nil {
		return err
	}
	setFeeds := func(ctx context.Context, urls []string) error {
		if err := poller.SetFeeds(ctx, urls); err != nil {
			return err
		}
		if sub != nil {
			return sub.SetFeeds(ctx, urls)
		}
		return nil
	}
	if err := setFeeds(ctx, feeds); err != nil {
		return err
	}
	if len(feeds) == 0 {
		log.Warn("no feeds configured (HERALD_FEEDS or HERALD_FEEDS_FILE): nothing will be posted automatically")
	}
	warnUnpolled(log, cfg.Destinations, feeds)

	names := dests.names()
	metrics.WatchDestinations(disp.Status)
	wo := web.Options{
		Store: st, Feeds: poller, Status: disp.Status, Registry: metrics.Registry,
		Log: log, Refresh: o.refresh, Title: o.title, Tokens: cfg.Editors(),
		Editor:      disp,
		OpenEditing: o.openEditing,
		LinkHref:    o.linkHref,
		Announce:    ing.Announce,
		Attention:   att,
	}
	if sub != nil {
		wo.WebSub, wo.Push = sub, sub.Status
	}
	srv := web.New(wo)
	if o.mount != nil {
		o.mount(srv)
	}
	httpSrv := web.NewServer(srv, web.ServerOptions{Log: log})
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()
	log.Info("herald started", "version", version, "listen", ln.Addr().String(), "feeds", len(feeds),
		"destinations", names, "database", redactURL(cfg.Database))
	if o.ready != nil {
		o.ready(ln.Addr().String())
	}

	work, stopWork := context.WithCancel(ctx)
	defer stopWork()
	var wg sync.WaitGroup
	wg.Go(func() { poller.Run(work) })
	wg.Go(func() { disp.Run(work) })
	wg.Go(func() { att.Run(work) })
	wg.Go(func() { watch.Run(work) })
	if sub != nil {
		wg.Go(func() { sub.Run(work) })
	}
	wg.Go(func() { reloadOnHangup(work, cfg, setFeeds, dests, ing, disp, log) })
	wg.Go(func() { proveDestinations(work, disp, pubs, log) })

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		stopWork()
		wg.Wait()
		return fmt.Errorf("http server: %w", err)
	}
	log.Info("shutting down")
	srv.ShuttingDown()
	stopWork()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timeout := time.NewTimer(cfg.ShutdownTimeout)
	defer timeout.Stop()
	select {
	case <-done:
	case <-timeout.C:
		log.Warn("shutdown timeout reached with work in flight; a claimed post is resent after its lease expires",
			"timeout", cfg.ShutdownTimeout)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Warn("http shutdown", "err", err)
	}
	log.Info("stopped")
	return nil
}

// subscriber makes the WebSub subscriber when HERALD_PUBLIC_URL says where
// hubs reach herald, and hooks it into the poller: the feeds' hubs are found
// in what the polls fetch, pushed feeds go through the poller's handler,
// and a feed its hub pushes is polled less often. Without the URL herald
// only polls, and says so once.
func subscriber(cfg *config.Config, st store.Store, fetcher *fetch.Fetcher, poller *source.Poller, metrics *web.Metrics,
	log *slog.Logger) (*websub.Subscriber, error) {
	if cfg.PublicURL == "" {
		log.Info("HERALD_PUBLIC_URL is not set: herald polls its feeds and subscribes to no WebSub hub")
		return nil, nil
	}
	var sub *websub.Subscriber
	observe := metrics.WatchWebSub(func(ctx context.Context) (map[string]int, error) { return sub.Counts(ctx) })
	sub, err := websub.New(websub.Options{
		Store: st, Client: fetcher, PublicURL: cfg.PublicURL, Deliver: poller.Deliver, Log: log, Observe: observe,
	})
	if err != nil {
		return nil, &config.Error{Var: "HERALD_PUBLIC_URL", Msg: err.Error()}
	}
	poller.Fetched = sub.Fetched
	poller.PollEvery = sub.PollEvery(cfg.PollInterval)
	return sub, nil
}

// processName names this process in feed leases: host, pid and a random
// part, so that a restarted process never mistakes a dead one's lease for
// its own.
func processName() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%x", host, os.Getpid(), b)
}

// redactURL hides the password of a database URL.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}

// openStore opens the database HERALD_DATABASE names: a PostgreSQL URL or
// a SQLite file. One that cannot be opened is a configuration error: one
// line naming HERALD_DATABASE and the cause in words (dbproblem.go).
func openStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	if cfg.Postgres() {
		st, err := postgres.Open(ctx, cfg.Database)
		if err != nil {
			return nil, &config.Error{Var: "HERALD_DATABASE", Msg: postgresProblem(cfg.Database, err)}
		}
		return st, nil
	}
	if msg := sqliteFileProblem(cfg.Database); msg != "" {
		return nil, &config.Error{Var: "HERALD_DATABASE", Msg: msg}
	}
	st, err := sqlite.Open(ctx, cfg.Database)
	if err != nil {
		return nil, &config.Error{Var: "HERALD_DATABASE", Msg: sqliteProblem(cfg.Database, err)}
	}
	return st, nil
}

// reloadOnHangup rereads the feed list and the destinations file when
// herald gets SIGHUP, so that feeds can be added or removed, and
// destinations' routing, texts and queue rules changed, without a restart.
// A list or file that does not read keeps the one in use.
func reloadOnHangup(ctx context.Context, cfg *config.Config, setFeeds func(context.Context, []string) error, dests *destinationSet,
	ing *ingest.Ingester, disp *outbox.Dispatcher, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		feeds, err := feedList(cfg)
		if err == nil {
			err = setFeeds(ctx, feeds)
		}
		if err != nil {
			log.Error("feed list not reloaded; keeping the old one", "err", err)
		} else {
			log.Info("feed list reloaded", "feeds", len(feeds))
		}
		if cfg.DestinationsFile == "" {
			continue
		}
		list, targets, rules, err := dests.reread()
		if err != nil {
			log.Error("destinations file not reloaded; keeping the one in use", "err", err)
			continue
		}
		ing.SetTargets(targets)
		disp.SetDestinations(rules)
		disp.Kick()
		log.Info("destinations file reloaded", "destinations", len(list))
		if feeds != nil {
			warnUnpolled(log, list, feeds)
		}
	}
}

// warnUnpolled names the feeds destinations take articles from that herald
// does not poll.
func warnUnpolled(log *slog.Logger, dests []config.Destination, feeds []string) {
	for name, missing := range unpolledFeeds(dests, feeds) {
		log.Warn("a destination takes articles from feeds herald does not poll (HERALD_FEEDS, HERALD_FEEDS_FILE)",
			"destination", name, "feeds", strings.Join(missing, ", "))
	}
}

// feedList is HERALD_FEEDS followed by the feeds in HERALD_FEEDS_FILE.
func feedList(cfg *config.Config) ([]string, error) {
	feeds := append([]string(nil), cfg.Feeds...)
	if cfg.FeedsFile != "" {
		f, err := os.Open(cfg.FeedsFile)
		if err != nil {
			return nil, &config.Error{Var: "HERALD_FEEDS_FILE", Msg: err.Error()}
		}
		defer f.Close()
		more, err := source.ReadFeedList(f)
		if err != nil {
			return nil, &config.Error{Var: "HERALD_FEEDS_FILE", Msg: fmt.Sprintf("%s: %v", cfg.FeedsFile, err)}
		}
		feeds = append(feeds, more...)
	}
	seen := make(map[string]bool)
	out := feeds[:0]
	for _, f := range feeds {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}
