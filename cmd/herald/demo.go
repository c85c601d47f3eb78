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
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/demo"
	"github.com/heraldhq/herald/internal/web"
)

// runDemo runs the whole pipeline with nothing configured: the demo
// newsroom is served by herald itself under /demo/site, herald polls its
// feed, and posts go to the local timeline shown on the dashboard.
func runDemo(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout io.Writer) error {
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return &config.Error{Var: "HERALD_LISTEN", Msg: err.Error() + " (choose another port, e.g. HERALD_LISTEN=:8081)"}
	}
	host := loopbackURL(ln.Addr())
	site := host + "/demo/site"
	room := demo.New(demo.Options{Every: 8 * time.Second, Backlog: 5, BaseURL: site})

	dir, err := os.MkdirTemp("", "herald-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// The demo's own settings; an operator's environment does not apply.
	cfg.Database = filepath.Join(dir, "herald.db")
	cfg.Feeds = []string{site + "/feed"}
	cfg.FeedsFile = ""
	cfg.PollInterval = 3 * time.Second
	cfg.MinPostInterval = 4 * time.Second
	cfg.FirstRun = config.FirstRun{Mode: "latest", N: 2}
	cfg.DailyCap = 0
	cfg.AllowPrivateURLs = true

	fmt.Fprintf(stdout, "herald demo: the dashboard is at %s/ and the demo newsroom at %s/\n", host, site)
	fmt.Fprintf(stdout, "A new story is published every 8 seconds; herald posts each to the local timeline. Ctrl-C stops.\n")
	return runDaemon(ctx, cfg, log, daemonOptions{
		listener:    ln,
		local:       true,
		openEditing: len(cfg.Editors()) == 0,
		refresh:     5 * time.Second,
		title:       "herald demo — The Valley Courier",
		mount: func(s *web.Server) {
			s.Handle("/demo/site/", http.StripPrefix("/demo/site", room.Handler()))
		},
	})
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
