// Command herald watches a news site's feeds and posts each new article to
// the outlet's social accounts.
//
//	herald run      the daemon (configuration from HERALD_* variables)
//	herald demo     the whole pipeline with no setup: a demo newsroom, the
//	                local timeline and the dashboard
//	herald preview URL  print the post herald would write for an article
//	herald post, queue, pause, resume  act on a running herald over its API
//	herald check    prove a configuration before deploying it
//	herald healthcheck  exit 0 when the herald on HERALD_LISTEN is alive
//	herald version  print the version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/heraldhq/herald/internal/config"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `herald publishes a newsroom's new articles to its social accounts.

Usage:
  herald run        watch the feeds and post (configured with HERALD_* variables)
  herald demo       run a demo newsroom with the dashboard, no setup needed
  herald preview URL  print the post herald would write for an article, with its length

Talking to a running herald (HERALD_API_URL, HERALD_API_TOKEN):
  herald post URL [--text TEXT] [--at TIME]   queue a post (or: herald post --text TEXT)
  herald queue      list what is waiting to be posted
  herald pause      pause posting to every destination
  herald resume     resume posting
  herald check      check the configuration, the database, X's credentials and every feed
  herald healthcheck  exit 0 if the herald on HERALD_LISTEN answers /healthz, else 1
  herald version    print the version

Configuration: see config/example.env.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK     = 0
	exitFail   = 1
	exitConfig = 2
)

// run is main without the process: tests call it with their own arguments,
// environment and signals.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitConfig
	}
	switch args[0] {
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "herald %s\n", version)
		return exitOK
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "post", "queue", "pause", "resume":
		return runClient(ctx, args, environ, stdout, stderr)
	case "run", "demo", "healthcheck", "preview", "check":
	default:
		fmt.Fprintf(stderr, "herald: unknown command %q\n\n%s", args[0], usage)
		return exitConfig
	}
	if args[0] == "preview" {
		if len(args) != 2 {
			fmt.Fprintln(stderr, "usage: herald preview URL")
			return exitConfig
		}
	} else if len(args) > 1 {
		fmt.Fprintf(stderr, "herald %s: unexpected argument %q\n", args[0], args[1])
		return exitConfig
	}
	cfg, err := config.Load(environ)
	if err != nil {
		if args[0] == "check" {
			fmt.Fprintf(stdout, "FAIL configuration: %v\n", err)
		}
		fmt.Fprintf(stderr, "herald: %v\n", err)
		return exitConfig
	}
	if args[0] == "healthcheck" {
		if err := healthcheck(ctx, cfg.Listen, stdout); err != nil {
			fmt.Fprintf(stderr, "herald healthcheck: %v\n", err)
			return exitFail
		}
		return exitOK
	}
	if args[0] == "check" {
		if !check(ctx, cfg, stdout) {
			return exitFail
		}
		return exitOK
	}
	if args[0] == "preview" {
		if err := preview(ctx, cfg, args[1], stdout); err != nil {
			fmt.Fprintf(stderr, "herald preview: %v\n", err)
			return exitFail
		}
		return exitOK
	}
	log := newLogger(cfg, stderr)
	if args[0] == "demo" {
		err = runDemo(ctx, cfg, log, stdout)
	} else {
		err = runDaemon(ctx, cfg, log, daemonOptions{})
	}
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			fmt.Fprintf(stderr, "herald: %v\n", err)
			return exitConfig
		}
		log.Error("herald stopped", "err", err)
		return exitFail
	}
	return exitOK
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
