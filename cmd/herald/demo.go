package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/demo"
	"github.com/heraldhq/herald/internal/web"
)

// demoListen is where the demo listens unless HERALD_LISTEN says otherwise:
// this machine only, because in the demo anyone who reaches the dashboard
// can act.
const demoListen = "127.0.0.1:8080"

// demoHost is the demo newsroom's name. Its posts must read like real ones,
// and X counts a link only when its host ends in a top-level domain X knows
// (a localhost link would be plain text, and the lede cut to make room for
// all its characters). example.com is reserved for examples (RFC 2606), so
// the name belongs to no one; herald resolves it itself, to its own
// listener, and never asks DNS.
const demoHost = "valley-courier.example.com"

// demoSitePath is where browsers find the newsroom on the dashboard's own
// address, since they cannot resolve demoHost.
const demoSitePath = "/demo/site"

// runDemo runs the whole pipeline with nothing configured: the demo
// newsroom is served by herald itself, herald polls its feed, and posts go
// to X, Bluesky and Mastodon, the fakes of herald's tests running inside
// the demo, whose timelines the dashboard shows.
func runDemo(ctx context.Context, cfg *config.Config, environ []string, log *slog.Logger, stdout io.Writer) error {
	listen := demoListen
	if isSet(environ, "HERALD_LISTEN") {
		listen = cfg.Listen
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return &config.Error{Var: "HERALD_LISTEN", Msg: err.Error() + " (choose another address, e.g. HERALD_LISTEN=127.0.0.1:8081)"}
	}
	dashboard := loopbackURL(ln.Addr())
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	site := "http://" + net.JoinHostPort(demoHost, port)
	room := demo.New(demo.Options{Every: 8 * time.Second, Backlog: 5, BaseURL: site})

	dir, err := os.MkdirTemp("", "herald-demo-")
	if err != nil {
		ln.Close()
		return err
	}
	defer os.RemoveAll(dir)
	nets, err := startDemoNetworks()
	if err != nil {
		ln.Close()
		return err
	}
	defer nets.close()

	// The demo's own settings; an operator's environment does not apply.
	// HERALD_ALLOW_PRIVATE_URLS does, as in herald run: the newsroom is the
	// operator's, reached by name, and an editor's URL on a private address
	// is refused.
	cfg.Database = filepath.Join(dir, "herald.db")
	cfg.Feeds = []string{site + "/feed/"}
	cfg.FeedsFile = ""
	cfg.PollInterval = 3 * time.Second
	cfg.MinPostInterval = 4 * time.Second
	cfg.FirstRun = config.FirstRun{Mode: "latest", N: 2}
	cfg.DailyCap = 0
	cfg.DestinationsFile = ""
	cfg.Destinations = nets.destinations(cfg)

	// herald reaches the newsroom's name, and its own address (where
	// browsers see the newsroom), at its listener: both are the demo's own.
	self := dialAddress(ln.Addr())
	hosts := map[string]string{net.JoinHostPort(demoHost, port): self}
	for _, h := range []string{"127.0.0.1", "localhost", "::1"} {
		hosts[net.JoinHostPort(h, port)] = self
	}

	fmt.Fprintf(stdout, "herald demo: the dashboard is at %s/ and the demo newsroom at %s%s/\n", dashboard, dashboard, demoSitePath)
	fmt.Fprintf(stdout, "A new story is published every 8 seconds; herald posts each to X, Bluesky and Mastodon, fakes of them running inside herald: %s%s/. Ctrl-C stops.\n", dashboard, demoNetworksPath)
	fmt.Fprintf(stdout, "Posts link to the newsroom as %s, a name only herald resolves; the dashboard's links lead to %s%s.\n", site, dashboard, demoSitePath)
	return runDaemon(ctx, cfg, log, daemonOptions{
		listener:    ln,
		openEditing: len(cfg.Editors()) == 0,
		refresh:     5 * time.Second,
		title:       "herald demo — The Valley Courier",
		hosts:       hosts,
		mount: func(s *web.Server) {
			// herald reads the newsroom by its name; browsers read it here.
			s.Handle(demoHost+"/", room.Handler())
			s.Handle(demoSitePath+"/", http.StripPrefix(demoSitePath, room.HandlerAt(func(r *http.Request) string {
				return "http://" + r.Host + demoSitePath
			})))
			s.Handle(demoNetworksPath+"/", nets.handler())
		},
		linkHref: func(u string) string {
			if rest, ok := strings.CutPrefix(u, site); ok && (rest == "" || strings.HasPrefix(rest, "/")) {
				return demoSitePath + rest
			}
			if local, ok := nets.href(u); ok {
				return local
			}
			return u
		},
	})
}

// isSet reports whether environ sets name.
func isSet(environ []string, name string) bool {
	for _, kv := range environ {
		if k, _, ok := strings.Cut(kv, "="); ok && k == name {
			return true
		}
	}
	return false
}

// dialAddress is the address to dial to reach a listener on addr: its own
// IP, or loopback when it listens on every interface.
func dialAddress(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		// Go's listeners on every interface take IPv4 as well.
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(tcp.Port))
}

// loopbackURL is how a browser on this machine reaches addr.
func loopbackURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return fmt.Sprintf("http://%s:%d", host, tcp.Port)
}
