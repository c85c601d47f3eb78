// Command herald watches a news site's feeds and posts each new article to
// the outlet's social accounts.
//
//	herald run          the daemon (configuration from HERALD_* variables)
//	herald demo         the whole pipeline with no setup: a demo newsroom, the
//	                    local timeline and the dashboard
//	herald config       every variable, its default and whether it is set
//	herald check        prove a configuration before deploying it
//	herald preview URL  print the post herald would write for an article
//	herald version      the version, the commit and the Go version
//	herald post, queue, pause, resume  act on a running herald over its API
//	herald healthcheck  exit 0 when the herald on HERALD_LISTEN is alive
//
// Every command takes -h or --help.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/heraldhq/herald/internal/config"
)

// version is stamped at build time with -ldflags "-X main.version=…", and
// commit, where the build has no git metadata (the container image), with
// -X main.commit=….
var (
	version = "dev"
	commit  = ""
)

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
		fmt.Fprint(stderr, usage())
		return exitConfig
	}
	name := args[0]
	switch name {
	case "--version", "-version", "-v":
		name = "version"
	case "--help", "-help", "-h":
		name = "help"
	}
	cmd := commandNamed(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "herald: unknown command %q\n\n%s", args[0], usage())
		return exitConfig
	}
	if wantsHelp(args[1:], cmd.valueFlags) {
		fmt.Fprint(stdout, cmd.helpText())
		return exitOK
	}
	return cmd.run(ctx, args[1:], environ, stdout, stderr)
}

// wantsHelp reports whether the arguments ask for help: -h, -help or
// --help anywhere before "--", except as the value of a flag that takes one
// (herald post --text -h posts "-h").
func wantsHelp(args, valueFlags []string) bool {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return false
		case a == "-h" || a == "-help" || a == "--help":
			return true
		case strings.HasPrefix(a, "-") && !strings.Contains(a, "="):
			if slices.Contains(valueFlags, strings.TrimLeft(a, "-")) {
				i++ // skip the flag's value
			}
		}
	}
	return false
}

// loadConfig reads the configuration for a command, or says on stderr what
// is wrong with it.
func loadConfig(environ []string, stderr io.Writer) (*config.Config, bool) {
	cfg, err := config.Load(environ)
	if err != nil {
		fmt.Fprintf(stderr, "herald: %v\n", err)
		return nil, false
	}
	return cfg, true
}

// noArguments refuses arguments to a command that takes none.
func noArguments(name string, args []string, stderr io.Writer) bool {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "herald %s: unexpected argument %q (herald %s --help says what it takes)\n", name, args[0], name)
		return false
	}
	return true
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
