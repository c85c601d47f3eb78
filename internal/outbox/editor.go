package outbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/compose"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/xtext"
)

// What editors do to posts and to the bot: the one path by which the API,
// the dashboard and the command line create, edit and act on posts. Every
// action moves a post by one recorded transition, under the editor's name,
// and lands in the audit log. A refusal is a *news.Error in words an editor
// reads, which each surface maps once to its answer.

// An action on one post: the states it is allowed from, and how an editor
// says it was done ("approved").
type action struct {
	name, done string
	from       []news.Status
}

var (
	actApprove    = action{"approve", "approved", []news.Status{news.StatusPending}}
	actReject     = action{"reject", "rejected", []news.Status{news.StatusPending}}
	actCancel     = action{"cancel", "canceled", []news.Status{news.StatusPending, news.StatusQueued, news.StatusFailed}}
	actRetry      = action{"retry", "retried", []news.Status{news.StatusFailed, news.StatusSkipped, news.StatusCanceled}}
	actPublishNow = action{"publish now", "posted now", []news.Status{news.StatusPending, news.StatusQueued, news.StatusFailed, news.StatusSkipped}}
	actEdit       = action{"edit", "changed", []news.Status{news.StatusPending, news.StatusQueued, news.StatusFailed}}
)

// MaxPriority is the highest priority an editor can give a post.
const MaxPriority = 1000

func (d *Dispatcher) audit(ctx context.Context, actor, action string, postID int64, detail string) {
	err := d.store.AddAudit(ctx, store.AuditEntry{At: d.o.Clock(), Actor: actor, Action: action, PostID: postID, Detail: detail})
	if err != nil {
		d.o.Log.Error("audit log not written", "actor", actor, "action", action, "post_id", postID, "err", err)
	}
}

// act carries out an action on post id: the store moves it only from one of
// the action's states, so an action never overwrites another that won a race.
func (d *Dispatcher) act(ctx context.Context, id int64, actor string, a action, to news.Status,
	reason string, update func(*news.Post)) (*news.Post, error) {
	p, err := d.move(ctx, id, a.from, to, reason, actor, d.o.Clock(), update)
	if err != nil {
		return nil, d.refusal(ctx, id, a, err)
	}
	d.audit(ctx, actor, a.name, id, reason)
	if to == news.StatusQueued {
		d.Kick()
	}
	return p, nil
}

// refusal says in an editor's words why an action on post id was refused.
func (d *Dispatcher) refusal(ctx context.Context, id int64, a action, err error) error {
	switch {
	case errors.Is(err, news.ErrNotFound):
		return news.NotFound("post #%d does not exist", id).Because(err)
	case errors.Is(err, news.ErrConflict):
		msg := fmt.Sprintf("post #%d cannot be %s now", id, a.done)
		if p, perr := d.store.Post(ctx, id); perr == nil {
			msg = fmt.Sprintf("post #%d is %s: only %s posts can be %s", id, p.Status, either(a.from), a.done)
		}
		return news.Conflict("%s", msg).Because(err)
	}
	return err
}

// either lists states as "pending, queued or failed".
func either(sts []news.Status) string {
	s := make([]string, len(sts))
	for i, st := range sts {
		s[i] = string(st)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// Approve lets a pending post go out.
func (d *Dispatcher) Approve(ctx context.Context, id int64, actor string) (*news.Post, error) {
	// What held the post for an editor no longer holds it.
	return d.act(ctx, id, actor, actApprove, news.StatusQueued, "approved by "+actor, func(p *news.Post) { p.LastError = "" })
}

// Reject stops a pending post.
func (d *Dispatcher) Reject(ctx context.Context, id int64, actor string) (*news.Post, error) {
	return d.act(ctx, id, actor, actReject, news.StatusCanceled, "rejected by "+actor, nil)
}

// Cancel stops a post that has not gone out.
func (d *Dispatcher) Cancel(ctx context.Context, id int64, actor string) (*news.Post, error) {
	return d.act(ctx, id, actor, actCancel, news.StatusCanceled, "canceled by "+actor, nil)
}

// Retry queues a failed, skipped or canceled post again, with a fresh count
// of attempts.
func (d *Dispatcher) Retry(ctx context.Context, id int64, actor string) (*news.Post, error) {
	now := d.o.Clock()
	return d.act(ctx, id, actor, actRetry, news.StatusQueued, "retried by "+actor, func(p *news.Post) {
		p.Attempts, p.LastError, p.NotBefore = 0, "", now
		// Retrying old news is a decision: it does not go stale again.
		p.Priority = max(p.Priority, news.PriorityEditor)
	})
}

// PublishNow sends a post next, before automatic posts and through quiet
// hours; spacing and the daily cap still hold.
func (d *Dispatcher) PublishNow(ctx context.Context, id int64, actor string) (*news.Post, error) {
	now := d.o.Clock()
	return d.act(ctx, id, actor, actPublishNow, news.StatusQueued, "post now, by "+actor, func(p *news.Post) {
		p.Priority, p.NotBefore, p.LastError = news.PriorityEditor, now, ""
		if p.Status != news.StatusQueued {
			p.Attempts = 0
		}
	})
}

// Change is what an editor changes in a post; nil fields stay as they are.
type Change struct {
	Text     *string
	At       *time.Time
	Priority *int
}

// Edit changes a post that has not gone out; its status stays. The text is
// held to its network's rule, and the post's price follows its text.
func (d *Dispatcher) Edit(ctx context.Context, id int64, actor string, c Change) (*news.Post, error) {
	if c == (Change{}) {
		return nil, news.Invalid("nothing to change: give a text, a time or a priority")
	}
	var what []string
	if c.Text != nil {
		cur, err := d.store.Post(ctx, id)
		if err != nil {
			return nil, d.refusal(ctx, id, actEdit, err)
		}
		if err := CheckText(d.rules(cur.Destination).rule(), *c.Text); err != nil {
			return nil, err
		}
		what = append(what, "text")
	}
	if c.At != nil {
		what = append(what, "time "+c.At.UTC().Format(time.RFC3339))
	}
	if c.Priority != nil {
		if *c.Priority < 0 || *c.Priority > MaxPriority {
			return nil, news.Invalid("the priority must be between 0 and %d", MaxPriority)
		}
		what = append(what, fmt.Sprintf("priority %d", *c.Priority))
	}
	reason := fmt.Sprintf("edited by %s: %s", actor, strings.Join(what, ", "))
	apply := func(p *news.Post) {
		if c.Text != nil {
			setText(p, *c.Text)
		}
		if c.At != nil {
			p.NotBefore = *c.At
		}
		if c.Priority != nil {
			p.Priority = *c.Priority
		}
	}
	// The post keeps the status it has when the change is written: the store
	// writes only if the status is still the one read, so an approval or a
	// claim between the read and the write is never undone; the edit is then
	// tried again on the post as it now is.
	for range 3 {
		cur, err := d.store.Post(ctx, id)
		if err != nil {
			return nil, d.refusal(ctx, id, actEdit, err)
		}
		if !slices.Contains(actEdit.from, cur.Status) {
			return nil, d.refusal(ctx, id, actEdit, news.ErrConflict)
		}
		edit := actEdit
		edit.from = []news.Status{cur.Status}
		p, err := d.act(ctx, id, actor, edit, cur.Status, reason, apply)
		if !errors.Is(err, news.ErrConflict) {
			return p, err
		}
	}
	return nil, news.Conflict("post #%d kept changing while it was edited: try again", id)
}

// Raise moves a queued or pending post ahead of the others waiting for its
// destination.
func (d *Dispatcher) Raise(ctx context.Context, id int64, actor string) (*news.Post, error) {
	p, err := d.store.Post(ctx, id)
	if err != nil {
		return nil, d.refusal(ctx, id, actEdit, err)
	}
	others, err := d.store.Posts(ctx, store.PostFilter{Statuses: []news.Status{news.StatusQueued, news.StatusPending},
		Destination: p.Destination, Limit: 500})
	if err != nil {
		return nil, err
	}
	top := p.Priority
	for _, o := range others {
		if o.ID != p.ID {
			top = max(top, o.Priority+1)
		}
	}
	prio := min(max(top, p.Priority+1), MaxPriority)
	return d.Edit(ctx, id, actor, Change{Priority: &prio})
}

// CheckText refuses a text the network of rule would refuse: empty, over
// the limit as that network counts (X's weighted characters, Bluesky's
// graphemes and bytes, a Mastodon server's characters), or with
// characters X does not accept.
func CheckText(rule compose.Rule, text string) error {
	if strings.TrimSpace(text) == "" {
		return news.Invalid("the text is empty")
	}
	if m := Measure(rule, text); m.Problem != "" {
		return news.Invalid("%s", m.Problem)
	}
	return nil
}

// Measured is a text as a network counts it.
type Measured struct {
	Length, Limit int
	Valid         bool
	// Problem says in an editor's words why the network would refuse the
	// text; empty when it would take it.
	Problem string
}

// Measure counts text as the network of rule does and says whether it
// takes it.
func Measure(rule compose.Rule, text string) Measured {
	m := Measured{Length: rule.Length(text), Limit: rule.Limit(), Valid: true}
	who := NetworkName(rule.Network())
	if rule.Network() == compose.NetworkX {
		res := xtext.Parse(text)
		m.Length = res.WeightedLength
		if !res.Valid && m.Length <= m.Limit {
			m.Valid, m.Problem = false, "the text has characters X does not accept"
		}
	}
	switch {
	case strings.TrimSpace(text) == "":
		m.Valid, m.Problem = false, "the text is empty"
	case m.Length > m.Limit:
		m.Valid = false
		m.Problem = fmt.Sprintf("the text is %d characters as %s counts them; the limit is %d: shorten it by %d",
			m.Length, who, m.Limit, m.Length-m.Limit)
	case rule.MaxBytes() > 0 && len(text) > rule.MaxBytes():
		m.Valid = false
		m.Problem = fmt.Sprintf("the text is %d bytes long; %s takes at most %d: shorten it", len(text), who, rule.MaxBytes())
	}
	return m
}

// Measure counts text as the destination dest's network does.
func (d *Dispatcher) Measure(dest, text string) Measured {
	return Measure(d.rules(dest).rule(), text)
}

// NetworkName is a network's name as people write it: X, Bluesky, Mastodon.
func NetworkName(network string) string {
	switch network {
	case compose.NetworkX:
		return "X"
	case compose.NetworkBluesky:
		return "Bluesky"
	case compose.NetworkMastodon:
		return "Mastodon"
	case "local":
		return "the local timeline"
	}
	return network
}

// HasLink reports whether a text holds a link, which X prices higher.
func HasLink(text string) bool { return len(xtext.Links(text)) > 0 }

// setText changes a post's text and, with it, its price.
func setText(p *news.Post, text string) {
	p.Text, p.HasLink = text, HasLink(text)
}

// Draft is an editor's post before it is made: a free text, an article's
// address, or both (the editor's text for that article), for one or more
// destinations.
type Draft struct {
	// URL is an article's address: its page is read and, unless a text is
	// given, its post written from it for each destination's network.
	URL  string
	Text string
	// Texts are texts for single destinations, by name, in place of Text
	// (the dashboard's compose page, where each destination's text is
	// edited on its own).
	Texts map[string]string
	// At is when the posts may go out (zero: now).
	At time.Time
	// Destinations are where the post goes (none: every destination);
	// Destination, when set, is one more.
	Destinations []string
	Destination  string
}

// Articles reads the articles editors give by address and writes their
// posts (*ingest.Ingester).
type Articles interface {
	// ReadURL reads the article at url. A page that cannot be read is a
	// *news.Error that says why.
	ReadURL(ctx context.Context, url string) (*news.Article, error)
	// Compose writes a's post for the destination dest.
	Compose(a *news.Article, dest string) (string, error)
	// Accepts reports whether the destination dest takes a by its routing
	// (its feeds, categories and languages).
	Accepts(a *news.Article, dest string) bool
}

// Written is a draft's text for one destination, as its network counts it.
type Written struct {
	Destination string `json:"name"`
	Network     string `json:"network"`
	Text        string `json:"text"`
	Length      int    `json:"length"`
	Limit       int    `json:"limit"`
	Valid       bool   `json:"valid"`
	// Problem says why the network would refuse the text.
	Problem string `json:"problem,omitempty"`
	// Takes is true when the destination takes the draft's article by its
	// routing (or the draft has no article).
	Takes bool `json:"-"`
}

// Write writes a draft for each of its destinations without making a post:
// the article at its URL read once and its post written for each
// destination's network (unless the draft gives a text), each text
// measured by its destination's rule. A draft that names no destination
// goes to every destination that takes its article by its routing, or to
// every destination when it has no article. It is what a preview shows,
// and what Create makes posts of.
func (d *Dispatcher) Write(ctx context.Context, dr Draft) (*news.Article, []Written, error) {
	dests, named, err := d.draftDestinations(dr)
	if err != nil {
		return nil, nil, err
	}
	own := func(dest string) string {
		if t, ok := dr.Texts[dest]; ok {
			return t
		}
		return dr.Text
	}
	var a *news.Article
	if dr.URL = strings.TrimSpace(dr.URL); dr.URL != "" {
		if _, err := news.CleanURL(dr.URL); err != nil {
			return nil, nil, news.Invalid("%q is not a web address (it must start with http:// or https://)", dr.URL).Because(err)
		}
		if d.o.Articles == nil {
			return nil, nil, news.Invalid("herald cannot read articles from their address here")
		}
		if a, err = d.o.Articles.ReadURL(ctx, dr.URL); err != nil {
			return nil, nil, err
		}
		if !named {
			dests = slices.DeleteFunc(dests, func(n string) bool { return !d.o.Articles.Accepts(a, n) })
			if len(dests) == 0 {
				return nil, nil, news.Invalid("no destination takes this article by its feeds, categories or languages (HERALD_DESTINATIONS_FILE): name the destinations to post it to")
			}
		}
	} else if dr.Text == "" && len(dr.Texts) == 0 {
		return nil, nil, news.Invalid("give an article's address or a text")
	}
	out := make([]Written, 0, len(dests))
	for _, name := range dests {
		rules := d.rules(name)
		text := own(name)
		if text == "" && a != nil {
			if text, err = d.o.Articles.Compose(a, name); err != nil {
				return nil, nil, news.Invalid("herald could not write a post for that page for %s: %v", name, err).Because(err)
			}
		}
		m := Measure(rules.rule(), text)
		out = append(out, Written{Destination: name, Network: rules.Network, Text: text,
			Length: m.Length, Limit: m.Limit, Valid: m.Valid, Problem: m.Problem,
			Takes: a == nil || d.o.Articles.Accepts(a, name)})
	}
	return a, out, nil
}

// draftDestinations are the destinations a draft names, checked, or every
// destination when it names none (named false).
func (d *Dispatcher) draftDestinations(dr Draft) (dests []string, named bool, err error) {
	all := d.Destinations()
	for _, n := range append(slices.Clone(dr.Destinations), dr.Destination) {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(dests, n) {
			dests = append(dests, n)
		}
	}
	for _, n := range dests {
		if !slices.Contains(all, n) {
			return nil, false, news.Invalid("there is no destination %q (herald posts to %s)", n, strings.Join(all, ", "))
		}
	}
	named = len(dests) > 0
	if !named {
		dests = all
	}
	for n := range dr.Texts {
		if !slices.Contains(dests, n) {
			return nil, false, news.Invalid("there is a text for %q, which the post does not go to", n)
		}
	}
	return dests, named, nil
}

// Create makes an editor's posts from a draft, one for each of its
// destinations: each checked by its network's rule (a refusal names the
// destination), queued ahead of automatic posts, and recorded with its
// article when the article is new. All are made, or none. A destination
// that already has a post of the article is a conflict when the draft
// names it; when the draft names none (every destination), it is left out,
// and only when every destination has one is that a conflict.
func (d *Dispatcher) Create(ctx context.Context, actor string, dr Draft) ([]*news.Post, error) {
	a, written, err := d.Write(ctx, dr)
	if err != nil {
		return nil, err
	}
	_, named, err := d.draftDestinations(dr)
	if err != nil {
		return nil, err
	}
	if a != nil {
		id := a.ID
		if id == 0 {
			switch existing, err := d.store.ArticleByKey(ctx, a.Key); {
			case err == nil:
				id = existing.ID
			case !errors.Is(err, news.ErrNotFound):
				return nil, err
			}
		}
		if id != 0 {
			if written, err = d.unposted(ctx, id, written, named); err != nil {
				return nil, err
			}
		}
	}
	for _, w := range written {
		if !w.Valid {
			if len(d.pubs) == 1 {
				return nil, news.Invalid("%s", w.Problem)
			}
			return nil, news.Invalid("for %s: %s", w.Destination, w.Problem)
		}
	}
	now := d.o.Clock()
	at := dr.At
	if at.IsZero() {
		at = now
	}
	posts := make([]*news.Post, 0, len(written))
	for _, w := range written {
		p := &news.Post{Destination: w.Destination, Status: news.StatusQueued, Priority: news.PriorityEditor,
			CreatedBy: actor, CreatedAt: now, SortAt: now, NotBefore: at}
		setText(p, w.Text)
		posts = append(posts, p)
	}
	if err := d.add(ctx, a, posts); err != nil {
		if errors.Is(err, news.ErrConflict) {
			return nil, news.Conflict("herald has already posted or queued this article for %s", destinationNames(posts)).Because(err)
		}
		return nil, err
	}
	for _, p := range posts {
		d.audit(ctx, actor, "create", p.ID, fmt.Sprintf("for %s at %s", p.Destination, p.NotBefore.UTC().Format(time.RFC3339)))
	}
	d.Kick()
	return posts, nil
}

// unposted leaves out of written the destinations that already have a post
// of a recorded article, or refuses when the draft named one of them.
func (d *Dispatcher) unposted(ctx context.Context, articleID int64, written []Written, named bool) ([]Written, error) {
	existing, err := d.store.Posts(ctx, store.PostFilter{ArticleID: articleID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	has := map[string]bool{}
	for _, p := range existing {
		has[p.Destination] = true
	}
	var left []Written
	var taken []string
	for _, w := range written {
		if has[w.Destination] {
			taken = append(taken, w.Destination)
		} else {
			left = append(left, w)
		}
	}
	if len(taken) > 0 && (named || len(left) == 0) {
		return nil, news.Conflict("herald has already posted or queued this article for %s", strings.Join(taken, ", "))
	}
	return left, nil
}

func destinationNames(posts []*news.Post) string {
	names := make([]string, len(posts))
	for i, p := range posts {
		names[i] = p.Destination
	}
	return strings.Join(names, ", ")
}

// add records posts, with their article when the article is new.
func (d *Dispatcher) add(ctx context.Context, a *news.Article, posts []*news.Post) error {
	if a == nil {
		return d.store.AddPost(ctx, posts...)
	}
	existing, err := d.store.ArticleByKey(ctx, a.Key)
	switch {
	case errors.Is(err, news.ErrNotFound):
		added, err := d.store.AddArticle(ctx, a, posts...)
		if err == nil && !added {
			err = news.Conflict("the article was recorded meanwhile: try again")
		}
		return err
	case err != nil:
		return err
	}
	for _, p := range posts {
		p.ArticleID = existing.ID
	}
	return d.store.AddPost(ctx, posts...)
}

// PauseAll stops automatic and manual dispatch to every destination, for
// every replica sharing the database.
func (d *Dispatcher) PauseAll(ctx context.Context, actor string) error {
	err := d.setDestination(ctx, store.AllDestinations, func(dst *store.Destination) {
		dst.Paused, dst.PauseReason = true, "paused by "+actor
	})
	if err == nil {
		d.audit(ctx, actor, "pause", 0, "all destinations")
	}
	return err
}

// ResumeAll restarts dispatch after PauseAll.
func (d *Dispatcher) ResumeAll(ctx context.Context, actor string) error {
	err := d.setDestination(ctx, store.AllDestinations, func(dst *store.Destination) { dst.Paused, dst.PauseReason = false, "" })
	if err == nil {
		d.audit(ctx, actor, "resume", 0, "all destinations")
		d.Kick()
	}
	return err
}

// Paused reports whether an editor paused every destination.
func (d *Dispatcher) Paused(ctx context.Context) (bool, error) {
	dst, err := d.store.Destination(ctx, store.AllDestinations)
	if err != nil {
		return false, err
	}
	return dst.Paused, nil
}

// ResumeDestination clears a destination's pause, after an editor fixed
// what made the platform refuse it, and lifts a rate-limit wait.
func (d *Dispatcher) ResumeDestination(ctx context.Context, name, actor string) error {
	if !d.known(name) {
		return news.NotFound("there is no destination %q (herald posts to %s)", name, strings.Join(d.Destinations(), ", "))
	}
	err := d.setDestination(ctx, name, func(dst *store.Destination) {
		dst.Paused, dst.PauseReason, dst.WaitUntil = false, "", time.Time{}
	})
	if err == nil {
		d.audit(ctx, actor, "resume destination", 0, name)
		d.Kick()
	}
	return err
}

// Network is the network a destination posts to ("" for one it does not
// know).
func (d *Dispatcher) Network(name string) string { return d.rules(name).Network }

// Destinations lists the destinations' names.
func (d *Dispatcher) Destinations() []string {
	out := make([]string, len(d.pubs))
	for i, p := range d.pubs {
		out[i] = p.Name()
	}
	return out
}

func (d *Dispatcher) known(name string) bool {
	for _, p := range d.pubs {
		if p.Name() == name {
			return true
		}
	}
	return false
}
