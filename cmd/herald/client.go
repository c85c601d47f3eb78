package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// The commands that talk to a running herald over its API: herald post,
// queue, pause and resume. They read HERALD_API_URL and HERALD_API_TOKEN
// (or HERALD_API_TOKEN_FILE).

// Exit codes of the client commands, for scripts.
const (
	exitRefused = 3 // herald understood the request and refused it (401, 403, 404, 409, 429)
)

type client struct {
	base   string
	token  string
	http   *http.Client
	stdout io.Writer
}

func newClient(environ []string, stdout io.Writer) (*client, error) {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	c := &client{base: strings.TrimSuffix(env["HERALD_API_URL"], "/"), token: env["HERALD_API_TOKEN"],
		http: &http.Client{Timeout: 60 * time.Second}, stdout: stdout}
	if c.base == "" {
		c.base = "http://127.0.0.1:8080"
	}
	if !strings.HasPrefix(c.base, "http://") && !strings.HasPrefix(c.base, "https://") {
		return nil, fmt.Errorf("HERALD_API_URL: %q is not an http(s) URL", c.base)
	}
	if f := env["HERALD_API_TOKEN_FILE"]; f != "" && c.token == "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("HERALD_API_TOKEN_FILE: %v", err)
		}
		c.token = strings.TrimSpace(string(b))
	}
	return c, nil
}

// apiError is an answer other than 2xx.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return fmt.Sprintf("herald answered %d: %s", e.status, e.msg) }

func (c *client) do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach herald at %s (set HERALD_API_URL): %w", c.base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct{ Error string }
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = http.StatusText(resp.StatusCode)
		}
		return &apiError{status: resp.StatusCode, msg: e.Error}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

type clientPost struct {
	ID          int64  `json:"id"`
	Destination string `json:"destination"`
	Text        string `json:"text"`
	Status      string `json:"status"`
	NotBefore   string `json:"not_before"`
	LastError   string `json:"last_error"`
}

// clientCommand is the run function of a client command.
func clientCommand(name string) func(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	return func(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
		return runClient(ctx, name, args, environ, stdout, stderr)
	}
}

// runClient runs one client command and returns its exit code.
func runClient(ctx context.Context, name string, args, environ []string, stdout, stderr io.Writer) int {
	c, err := newClient(environ, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "herald: %v\n", err)
		return exitConfig
	}
	err = func() error {
		switch name {
		case "post":
			return c.post(ctx, args, stderr)
		case "attention":
			return c.attention(ctx, args, stderr)
		case "retract":
			return c.retract(ctx, args, stderr)
		case "queue":
			if len(args) > 0 {
				return usageError("usage: herald queue")
			}
			return c.queue(ctx)
		case "pause":
			if len(args) > 0 {
				return usageError("usage: herald pause")
			}
			if err := c.do(ctx, http.MethodPost, "/api/v1/pause", nil, nil); err != nil {
				return err
			}
			fmt.Fprintln(c.stdout, "Posting is paused for every destination, automatic and by hand; herald resume restarts it.")
			return nil
		case "resume":
			switch len(args) {
			case 0:
				return c.resumeAll(ctx)
			case 1:
				return c.resumeDestination(ctx, args[0])
			}
			return usageError("usage: herald resume [DESTINATION]")
		}
		return usageError("unknown command " + name)
	}()
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "herald %s: %v\n", name, err)
	switch e := err.(type) {
	case usageError:
		return exitConfig
	case *apiError:
		switch {
		case e.status == http.StatusBadRequest || e.status == http.StatusUnprocessableEntity:
			return exitConfig
		case e.status/100 == 4:
			return exitRefused
		}
	}
	return exitFail
}

// clientStatus is what herald resume reads of GET /api/v1/status.
type clientStatus struct {
	Paused       bool `json:"paused"`
	Destinations []struct {
		Name        string `json:"name"`
		Paused      bool   `json:"paused"`
		PauseReason string `json:"pause_reason"`
	} `json:"destinations"`
}

// resumeAll lifts herald pause and every destination's own pause: after
// herald resume, nothing is paused.
func (c *client) resumeAll(ctx context.Context) error {
	var st clientStatus
	if err := c.do(ctx, http.MethodGet, "/api/v1/status", nil, &st); err != nil {
		return err
	}
	if err := c.do(ctx, http.MethodPost, "/api/v1/resume", nil, nil); err != nil {
		return err
	}
	resumed := 0
	if st.Paused {
		fmt.Fprintln(c.stdout, "Posting resumed: the pause of every destination is lifted.")
		resumed++
	}
	for _, d := range st.Destinations {
		if !d.Paused {
			continue
		}
		if err := c.do(ctx, http.MethodPost, "/api/v1/destinations/"+url.PathEscape(d.Name)+"/resume", nil, nil); err != nil {
			return fmt.Errorf("%s: %w", d.Name, err)
		}
		fmt.Fprintf(c.stdout, "Posting to %s resumed; it was paused: %s\n", d.Name, d.PauseReason)
		resumed++
	}
	if resumed == 0 {
		fmt.Fprintln(c.stdout, "Nothing was paused: herald is posting.")
	}
	return nil
}

// resumeDestination lifts one destination's pause and any rate-limit wait.
func (c *client) resumeDestination(ctx context.Context, name string) error {
	if strings.HasPrefix(name, "-") {
		return usageError("usage: herald resume [DESTINATION]")
	}
	if err := c.do(ctx, http.MethodPost, "/api/v1/destinations/"+url.PathEscape(name)+"/resume", nil, nil); err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.status == http.StatusNotFound {
			return fmt.Errorf("herald has no destination %q: %w", name, err)
		}
		return err
	}
	fmt.Fprintf(c.stdout, "Posting to %s resumed.\n", name)
	var st clientStatus
	if err := c.do(ctx, http.MethodGet, "/api/v1/status", nil, &st); err == nil && st.Paused {
		fmt.Fprintln(c.stdout, "Posting is still paused for every destination (herald pause); herald resume with no argument lifts that too.")
	}
	return nil
}

type usageError string

func (u usageError) Error() string { return string(u) }

func (c *client) post(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("post", flag.ContinueOnError)
	fs.SetOutput(stderr)
	text := fs.String("text", "", "the post's text (instead of herald's own, or alone for a post without a URL)")
	at := fs.String("at", "", "when to post, RFC 3339 (2026-11-25T18:30:00Z); default now")
	to := fs.String("to", "", "the destinations, comma-separated (default: every destination that takes the article)")
	// Flags may come before or after the URL.
	var target string
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return usageError("usage: herald post [URL] [--text TEXT] [--at TIME]")
		}
		rest = fs.Args()
		if len(rest) > 0 {
			if target != "" {
				return usageError("usage: herald post [URL] [--text TEXT] [--at TIME]: one URL at a time")
			}
			target, rest = rest[0], rest[1:]
		}
	}
	if target == "" && *text == "" {
		return usageError("usage: herald post URL [--text TEXT] [--at TIME], or herald post --text TEXT")
	}
	body := map[string]any{"url": target, "text": *text, "at": *at}
	if *to != "" {
		var dests []string
		for _, d := range strings.Split(*to, ",") {
			if d = strings.TrimSpace(d); d != "" {
				dests = append(dests, d)
			}
		}
		body["destinations"] = dests
	}
	var out struct {
		Post  clientPost
		Posts []clientPost
	}
	if err := c.do(ctx, http.MethodPost, "/api/v1/posts", body, &out); err != nil {
		return err
	}
	if len(out.Posts) == 0 {
		out.Posts = []clientPost{out.Post}
	}
	for i, p := range out.Posts {
		if i > 0 {
			fmt.Fprintln(c.stdout)
		}
		fmt.Fprintf(c.stdout, "Queued post %d for %s at %s:\n\n%s\n", p.ID, p.Destination, p.NotBefore, p.Text)
	}
	return nil
}

func (c *client) queue(ctx context.Context) error {
	var q struct {
		Queue []struct {
			clientPost
			ExpectedAt string `json:"expected_at"`
			Held       string `json:"held"`
		}
	}
	if err := c.do(ctx, http.MethodGet, "/api/v1/queue", nil, &q); err != nil {
		return err
	}
	var waiting struct{ Posts []clientPost }
	if err := c.do(ctx, http.MethodGet, "/api/v1/posts?status=pending,failed", nil, &waiting); err != nil {
		return err
	}
	if len(q.Queue) == 0 && len(waiting.Posts) == 0 {
		fmt.Fprintln(c.stdout, "Nothing is waiting to be posted.")
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tDESTINATION\tEXPECTED\tTEXT")
	// Posts going out, in the order they will; then those waiting for an
	// editor: pending approval, or failed.
	for _, p := range q.Queue {
		note := p.LastError
		if p.Held != "" {
			note = "held: " + p.Held
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", p.ID, p.Status, p.Destination, p.ExpectedAt, oneLine(p.Text, note))
	}
	for _, p := range waiting.Posts {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", p.ID, p.Status, p.Destination, "-", oneLine(p.Text, p.LastError))
	}
	return tw.Flush()
}

// oneLine shortens a post's text to a line, with a note after it.
func oneLine(text, note string) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 60 {
		text = string(r[:59]) + "…"
	}
	if note != "" {
		text += "  [" + note + "]"
	}
	return text
}
