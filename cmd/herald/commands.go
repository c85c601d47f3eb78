package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/heraldhq/herald/internal/config"
)

// command is one of herald's subcommands: what it does, its help, and how
// it runs.
type command struct {
	name string
	// args is how its arguments are written in the usage, e.g. "URL".
	args string
	// summary is its line in the usage.
	summary string
	group   int
	// help is the rest of `herald NAME --help`: what it does in full, its
	// flags and its exit codes.
	help string
	// valueFlags are the flags that take a value, so that a value such as
	// "-h" is not read as a request for help.
	valueFlags []string
	run        func(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int
}

// The usage's groups, in order; groupNone is not listed (help is named in
// the usage's first lines).
const (
	groupNone = iota - 1
	groupRun
	groupPrepare
	groupClient
	groupProbe
)

var groupTitles = []string{
	groupRun:     "Running herald:",
	groupPrepare: "Preparing and checking (no running herald needed):",
	groupClient:  "Talking to a running herald over its API (HERALD_API_URL, HERALD_API_TOKEN):",
	groupProbe:   "Probing a running herald:",
}

// commands is filled in init: the help command lists the commands.
var commands []*command

func init() {
	commands = []*command{
		{name: "run", summary: "watch the feeds and post (configured with HERALD_* variables)", group: groupRun,
			run: runRun, help: `Watch the feeds and post each new article to every destination that takes it:
X, Bluesky and Mastodon when their credentials are set (one destination each),
the accounts of HERALD_DESTINATIONS_FILE when it is set, else the local timeline
on the dashboard. The dashboard, the API, /healthz, /readyz and /metrics are
served on HERALD_LISTEN (default :8080).

At start herald asks each destination whose credentials these are (as herald check
does): a destination paused because the platform refused its credentials is
resumed when they work now, and every destination still paused is named in the
log with the command that resumes it.

SIGTERM or Ctrl-C stops polling, lets a post in flight finish (at most
HERALD_SHUTDOWN_TIMEOUT) and exits; SIGHUP rereads HERALD_FEEDS_FILE and
HERALD_DESTINATIONS_FILE.
Configuration is environment variables only: herald config lists them.

Exit codes:
  0  stopped by SIGTERM or Ctrl-C
  1  stopped by a failure (the database, the dashboard's listener); the log says which
  2  a configuration mistake, named in one line on stderr
`},
		{name: "demo", summary: "run a demo newsroom with the dashboard, no setup needed", group: groupRun,
			run: runDemoCommand, help: `Run the whole pipeline with nothing to set up: herald serves a demo newsroom
("The Valley Courier") from inside itself, a new story appears every 8 seconds,
herald picks each one up, writes its post for each network and publishes it to
X, Bluesky and Mastodon: the fakes of herald's tests, running on 127.0.0.1 inside
the demo, whose timelines the dashboard shows at /demo/networks/. Nothing is
sent to the real networks and nothing is kept: the database is a temporary file,
removed on exit.

The dashboard listens on 127.0.0.1:8080, reachable from this machine only,
because in the demo anyone who reaches it can act. HERALD_LISTEN chooses
another address (HERALD_LISTEN=127.0.0.1:8081, or :8080 for every interface).
The demo sets its own database, feed, polling, spacing, first-run rule, daily
cap and destinations (the network credentials you may have set and
HERALD_DESTINATIONS_FILE do not apply); the other HERALD_* variables
apply as in herald run (HERALD_EDITOR_TOKENS makes editors sign in; an
editor's URL on a private address is refused unless HERALD_ALLOW_PRIVATE_URLS).

The newsroom's links read http://valley-courier.example.com:PORT/..., a name
herald resolves to itself without DNS, so that X would count them as links;
browsers find the newsroom at /demo/site/ on the dashboard's address.

Exit codes:
  0  stopped by SIGTERM or Ctrl-C
  1  stopped by a failure
  2  a configuration mistake, such as an address already in use
`},
		{name: "config", summary: "list every HERALD_* variable, its default and whether it is set", group: groupPrepare,
			run: runConfigCommand, help: `List every variable herald reads, with its default, whether it is set in this
environment (or read from a NAME_FILE) and its value. Secrets are never shown,
only whether they are set; a password in a database URL is hidden. Unknown
HERALD_* variables, which would stop herald at start, are listed too. Then one
line says whether the configuration is valid.

Exit codes:
  0  the configuration is valid
  2  it is not: the last line names the variable
`},
		{name: "check", summary: "prove the configuration: settings, database, every destination's credentials, every feed", group: groupPrepare,
			run: runCheckCommand, help: `Prove a configuration before a deploy: validate the settings and the
destinations file, open and migrate the database, ask every destination's
network whose credentials these are (X: GET /2/users/me, or verify_credentials
with HERALD_X_API=v1.1; Bluesky: the session, which herald run then resumes
rather than log in again; Mastodon: verify_credentials and its length rule) and
fetch every feed. One line per check, starting "ok" or "FAIL". Usable as a
Kubernetes init container.

Exit codes:
  0  every check passed
  1  a check failed
  2  the configuration is not valid (one FAIL line names the variable)
`},
		{name: "preview", args: "URL", summary: "print the post herald would write for an article, with its length", group: groupPrepare,
			run: runPreviewCommand, help: `Print the post herald would write for the article at URL for each destination,
with its length as the destination's network counts it (X: links count 23),
and whether the destination takes the article. Nothing is posted or stored.

When the database (HERALD_DATABASE) has already recorded the article from a
feed, the post is written from what was recorded, the feed's own title and
summary, because that is what herald posts for it. Otherwise herald reads the
page, as it does for an editor's URL: the page must not be on a private
address unless HERALD_ALLOW_PRIVATE_URLS=true. HERALD_X_TEMPLATE,
HERALD_HASHTAGS and the destinations file's templates, hashtags and UTM
parameters apply.

Exit codes:
  0  the post is printed
  1  the article could not be read
  2  no URL, or a configuration mistake
`},
		{name: "version", summary: "print the version, the commit and the Go version", group: groupPrepare,
			run: runVersionCommand, help: `Print herald's version, the commit it was built from (when it was built from a
git clone; "with local changes" when the work tree differed) and the Go version
and platform it was built with.

Exit codes:
  0  always
`},
		{name: "post", args: "URL", summary: "queue a post for an article (--text TEXT, --at TIME, --to DEST,…), or: post --text TEXT", group: groupClient,
			valueFlags: []string{"text", "at", "to"}, run: clientCommand("post"), help: `Queue a post on a running herald: for the article at URL (herald reads it and
writes the post for each destination's network), or with your own text. It
goes to every destination that takes the article by its feeds, categories
and languages (a text of your own goes to every destination), or to those
--to names.

Flags (before or after the URL):
  --text TEXT  the post's text, instead of herald's own; alone, a post without an article
  --at TIME    when to post, RFC 3339 (2026-11-25T18:30:00Z); default now
  --to DESTS   the destinations, comma-separated (x,bluesky); herald config and
               the dashboard's Status page name them

` + clientFooter},
		{name: "queue", summary: "list what is waiting to be posted", group: groupClient, run: clientCommand("queue"),
			help: "List the posts waiting on a running herald: pending approval, queued, being sent, failed.\n\n" + clientFooter},
		{name: "pause", summary: "pause posting to every destination", group: groupClient, run: clientCommand("pause"),
			help: "Pause all posting on a running herald, automatic and by hand, until herald resume.\n\n" + clientFooter},
		{name: "resume", args: "[DESTINATION]", summary: "resume posting: everything, or one destination (e.g. x)", group: groupClient, run: clientCommand("resume"),
			help: `Resume posting on a running herald. Without an argument: lift the pause of
herald pause and the pause of every destination (a destination is paused when
the platform refused its credentials or the account ran out of credits; fix
that first). With a destination's name (x, local): resume only that one, and
lift a rate-limit wait on it.

` + clientFooter},
		{name: "healthcheck", summary: "exit 0 if the herald on HERALD_LISTEN answers /healthz, else 1", group: groupProbe,
			run: runHealthcheckCommand, help: `Ask the herald listening on HERALD_LISTEN (on this machine) for /healthz: the
container image's HEALTHCHECK, in an image that has no shell or curl.

Exit codes:
  0  herald answered
  1  it did not
  2  HERALD_LISTEN is not valid
`},
		{name: "help", args: "[COMMAND]", summary: "this list, or a command's help", group: groupNone, run: runHelpCommand,
			help: "Print the list of commands, or the help of one command (the same as herald COMMAND --help).\n\nExit codes:\n  0  printed\n  2  no such command\n"},
	}
	commands = append(commands, attentionCommands...)
}

const clientFooter = `The running herald is at HERALD_API_URL (default http://127.0.0.1:8080); the
token is HERALD_API_TOKEN, or read from the file HERALD_API_TOKEN_FILE (one of
the tokens in the server's HERALD_EDITOR_TOKENS).

Exit codes:
  0  done
  1  herald could not be reached, or failed
  2  bad input (a usage mistake, or herald answered 400 or 422)
  3  herald refused: a missing or wrong token, or the post's state forbids it
`

func commandNamed(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (c *command) synopsis() string {
	return strings.TrimSpace("herald " + c.name + " " + c.args)
}

func (c *command) helpText() string {
	return "Usage: " + c.synopsis() + "\n\n" + c.help + "\n-h, --help prints this help.\n"
}

// usage lists the commands in their groups.
func usage() string {
	var b strings.Builder
	b.WriteString("herald publishes a newsroom's new articles to its social accounts.\n\n")
	b.WriteString("Usage: herald COMMAND [ARGUMENTS]\n")
	b.WriteString("herald COMMAND --help, or herald help COMMAND, says what a command does, its flags and its exit codes.\n")
	for g, title := range groupTitles {
		fmt.Fprintf(&b, "\n%s\n", title)
		for _, c := range commands {
			if c.group == g {
				fmt.Fprintf(&b, "  %-22s %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
			}
		}
	}
	b.WriteString("\nConfiguration is HERALD_* environment variables: herald config lists them.\n")
	return b.String()
}

func runHelpCommand(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage())
		return exitOK
	}
	if c := commandNamed(args[0]); c != nil && len(args) == 1 {
		fmt.Fprint(stdout, c.helpText())
		return exitOK
	}
	fmt.Fprintf(stderr, "herald help: no command %q\n\n%s", strings.Join(args, " "), usage())
	return exitConfig
}

func runVersionCommand(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	if !noArguments("version", args, stderr) {
		return exitConfig
	}
	fmt.Fprint(stdout, versionText())
	return exitOK
}

func runRun(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	return daemonCommand(ctx, "run", args, environ, stdout, stderr)
}

func runDemoCommand(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	return daemonCommand(ctx, "demo", args, environ, stdout, stderr)
}

// daemonCommand runs herald run or herald demo.
func daemonCommand(ctx context.Context, name string, args, environ []string, stdout, stderr io.Writer) int {
	if !noArguments(name, args, stderr) {
		return exitConfig
	}
	cfg, ok := loadConfig(environ, stderr)
	if !ok {
		return exitConfig
	}
	log := newLogger(cfg, stderr)
	var err error
	if name == "demo" {
		err = runDemo(ctx, cfg, environ, log, stdout)
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

func runCheckCommand(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	if !noArguments("check", args, stderr) {
		return exitConfig
	}
	cfg, err := config.Load(environ)
	if err != nil {
		// One line, where the other checks' lines go.
		fmt.Fprintf(stdout, "FAIL configuration: %v\n", err)
		return exitConfig
	}
	if !check(ctx, cfg, stdout) {
		return exitFail
	}
	return exitOK
}

func runPreviewCommand(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "usage: herald preview URL (herald preview --help says more)")
		return exitConfig
	}
	cfg, ok := loadConfig(environ, stderr)
	if !ok {
		return exitConfig
	}
	if err := preview(ctx, cfg, args[0], stdout, stderr); err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			fmt.Fprintf(stderr, "herald: %v\n", err)
			return exitConfig
		}
		fmt.Fprintf(stderr, "herald preview: %v\n", err)
		return exitFail
	}
	return exitOK
}

func runHealthcheckCommand(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	if !noArguments("healthcheck", args, stderr) {
		return exitConfig
	}
	cfg, ok := loadConfig(environ, stderr)
	if !ok {
		return exitConfig
	}
	if err := healthcheck(ctx, cfg.Listen, stdout); err != nil {
		fmt.Fprintf(stderr, "herald healthcheck: %v\n", err)
		return exitFail
	}
	return exitOK
}
