package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"text/tabwriter"
)

// herald attention and herald retract: the corrections and takedowns desk
// from the command line, through the API.

var attentionCommands = []*command{
	{name: "attention", args: "[ID ACTION]", summary: "list posted articles that changed (Needs attention), or act: ID delete|edit|correct|dismiss",
		group: groupClient, run: clientCommand("attention"), help: `List the articles that changed after herald posted them: a corrected headline
(the posted one and the new one) or a takedown (its page gone, or retracted),
with every post made from them and its link. --all lists resolved ones too.

With an event's ID and an action, act on it:
  delete   delete its posts on every network they went to
  edit     edit them in place with the corrected headline (Mastodon)
  correct  post a correction to every destination it went to
  dismiss  close it, changing nothing

` + clientFooter},
	{name: "retract", args: "URL", summary: "announce that an article was taken down (--delete: delete its posts too)", group: groupClient,
		run: clientCommand("retract"), help: `Tell a running herald that the article at URL was taken down, as a CMS would:
posts not yet sent are canceled, and if any went out it appears in Needs
attention. With --delete its posts are deleted on every network at once.

` + clientFooter},
}

type clientEvent struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Status     string `json:"status"`
	OldTitle   string `json:"old_title"`
	NewTitle   string `json:"new_title"`
	Detail     string `json:"detail"`
	CreatedAt  string `json:"created_at"`
	Resolution string `json:"resolution"`
	ResolvedBy string `json:"resolved_by"`
	Article    struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	} `json:"article"`
	Posts []struct {
		clientPost
		RemoteURL string `json:"remote_url"`
		Deletion  *struct {
			Status    string `json:"status"`
			LastError string `json:"last_error"`
			DeletedAt string `json:"deleted_at"`
		} `json:"deletion"`
	} `json:"posts"`
}

func (c *client) attention(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("attention", flag.ContinueOnError)
	fs.SetOutput(stderr)
	all := fs.Bool("all", false, "list resolved events too")
	if err := fs.Parse(args); err != nil {
		return usageError("usage: herald attention [--all] [ID delete|edit|correct|dismiss]")
	}
	switch rest := fs.Args(); len(rest) {
	case 0:
	case 2:
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil || id < 1 {
			return usageError("usage: herald attention ID delete|edit|correct|dismiss: the ID is a number herald attention lists")
		}
		var out struct {
			Event  clientEvent `json:"event"`
			Result string      `json:"result"`
		}
		if err := c.do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/attention/%d/%s", id, rest[1]), nil, &out); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "Event %d: %s.\n", id, out.Result)
		return nil
	default:
		return usageError("usage: herald attention [--all] [ID delete|edit|correct|dismiss]")
	}
	path := "/api/v1/attention"
	if *all {
		path += "?all=1"
	}
	var list struct {
		Attention []clientEvent `json:"attention"`
	}
	if err := c.do(ctx, http.MethodGet, path, nil, &list); err != nil {
		return err
	}
	if len(list.Attention) == 0 {
		fmt.Fprintln(c.stdout, "Nothing needs attention: no posted article has changed.")
		return nil
	}
	for i, ev := range list.Attention {
		if i > 0 {
			fmt.Fprintln(c.stdout)
		}
		what := "taken down: " + ev.Detail
		if ev.Kind == "correction" {
			what = "headline corrected (" + ev.Detail + ")"
		}
		fmt.Fprintf(c.stdout, "#%d  %s  %s  %s\n", ev.ID, ev.Status, ev.CreatedAt, what)
		fmt.Fprintf(c.stdout, "    %s\n", ev.Article.URL)
		if ev.Kind == "correction" {
			fmt.Fprintf(c.stdout, "    posted: %s\n    now:    %s\n", ev.OldTitle, ev.NewTitle)
		}
		if ev.Status != "open" {
			fmt.Fprintf(c.stdout, "    resolved: %s, by %s\n", ev.Resolution, ev.ResolvedBy)
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		for _, p := range ev.Posts {
			state := p.Status
			if d := p.Deletion; d != nil {
				state = "deletion " + d.Status
				if d.Status == "deleted" {
					state = "deleted " + d.DeletedAt
				} else if d.LastError != "" {
					state += ": " + d.LastError
				}
			}
			fmt.Fprintf(tw, "    post %d\t%s\t%s\t%s\n", p.ID, p.Destination, state, orDash(p.RemoteURL))
		}
		tw.Flush()
	}
	if list.Attention[0].Status == "open" {
		fmt.Fprintln(c.stdout, "\nAct with: herald attention ID delete|edit|correct|dismiss")
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (c *client) retract(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("retract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	del := fs.Bool("delete", false, "delete the article's posts on every network at once")
	var target string
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return usageError("usage: herald retract URL [--delete]")
		}
		rest = fs.Args()
		if len(rest) > 0 {
			if target != "" {
				return usageError("usage: herald retract URL [--delete]: one URL at a time")
			}
			target, rest = rest[0], rest[1:]
		}
	}
	if strings.TrimSpace(target) == "" {
		return usageError("usage: herald retract URL [--delete]")
	}
	var out struct {
		Status string       `json:"status"`
		Detail string       `json:"detail"`
		Event  *clientEvent `json:"event"`
	}
	if err := c.do(ctx, http.MethodPost, "/api/v1/articles/retract", map[string]any{"url": target, "delete": *del}, &out); err != nil {
		return err
	}
	if out.Event == nil {
		fmt.Fprintf(c.stdout, "Recorded: %s.\n", out.Detail)
		return nil
	}
	ev := out.Event
	fmt.Fprintf(c.stdout, "Takedown recorded as event %d (%s).\n", ev.ID, ev.Status)
	if ev.Resolution != "" {
		fmt.Fprintf(c.stdout, "%s.\n", strings.ToUpper(ev.Resolution[:1])+ev.Resolution[1:])
	} else {
		fmt.Fprintf(c.stdout, "It waits in Needs attention: herald attention %d delete deletes its posts.\n", ev.ID)
	}
	return nil
}
