package outbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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
		if err := CheckText(*c.Text); err != nil {
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

// CheckText refuses a text its network would refuse: empty, over the limit
// as X counts it, or with characters X does not accept.
func CheckText(text string) error {
	if strings.TrimSpace(text) == "" {
		return news.Invalid("the text is empty")
	}
	res := xtext.Parse(text)
	if res.WeightedLength > xtext.MaxWeightedLength {
		return news.Invalid("the text is %d characters as X counts them; the limit is %d: shorten it by %d",
			res.WeightedLength, xtext.MaxWeightedLength, res.WeightedLength-xtext.MaxWeightedLength)
	}
	if !res.Valid {
		return news.Invalid("the text has characters X does not accept")
	}
	return nil
}

// HasLink reports whether a text holds a link, which X prices higher.
func HasLink(text string) bool { return len(xtext.Links(text)) > 0 }

// setText changes a post's text and, with it, its price.
func setText(p *news.Post, text string) {
	p.Text, p.HasLink = text, HasLink(text)
}

// Draft is an editor's post before it is made: a free text, an article's
// address, or both (the editor's text for that article).
type Draft struct {
	// URL is an article's address: its page is read and, unless Text is
	// given, its post written from it.
	URL  string
	Text string
	// At is when the post may go out (zero: now).
	At time.Time
	// Destination is where it goes (empty: the first destination).
	Destination string
}

// Reader reads the article at an editor's address and writes its post for
// a destination. A page that cannot be read is a *news.Error.
type Reader func(ctx context.Context, url, dest string) (*news.Article, string, error)

// Create makes an editor's post from a draft: checked, queued ahead of
// automatic posts, and recorded with its article when the article is new.
// A second post of one article to one destination is a conflict.
func (d *Dispatcher) Create(ctx context.Context, actor string, dr Draft) (*news.Post, error) {
	dests := d.Destinations()
	if dr.Destination == "" && len(dests) > 0 {
		dr.Destination = dests[0]
	}
	if !slices.Contains(dests, dr.Destination) {
		return nil, news.Invalid("there is no destination %q (herald posts to %s)", dr.Destination, strings.Join(dests, ", "))
	}
	if strings.TrimSpace(dr.URL) == "" && dr.Text == "" {
		return nil, news.Invalid("give an article's address or a text")
	}
	var a *news.Article
	if dr.URL = strings.TrimSpace(dr.URL); dr.URL != "" {
		if _, err := news.CleanURL(dr.URL); err != nil {
			return nil, news.Invalid("%q is not a web address (it must start with http:// or https://)", dr.URL).Because(err)
		}
		if d.o.Read == nil {
			return nil, news.Invalid("herald cannot read articles from their address here")
		}
		art, text, err := d.o.Read(ctx, dr.URL, dr.Destination)
		if err != nil {
			return nil, err
		}
		a = art
		if dr.Text == "" {
			dr.Text = text
		}
	}
	if err := CheckText(dr.Text); err != nil {
		return nil, err
	}
	now := d.o.Clock()
	p := &news.Post{Destination: dr.Destination, Status: news.StatusQueued, Priority: news.PriorityEditor,
		CreatedBy: actor, CreatedAt: now, SortAt: now, NotBefore: dr.At}
	if p.NotBefore.IsZero() {
		p.NotBefore = now
	}
	setText(p, dr.Text)
	if err := d.add(ctx, a, p); err != nil {
		if errors.Is(err, news.ErrConflict) {
			return nil, news.Conflict("herald has already posted or queued this article for %s", p.Destination).Because(err)
		}
		return nil, err
	}
	d.audit(ctx, actor, "create", p.ID, fmt.Sprintf("for %s at %s", p.Destination, p.NotBefore.UTC().Format(time.RFC3339)))
	d.Kick()
	return p, nil
}

// add records a post, with its article when the article is new.
func (d *Dispatcher) add(ctx context.Context, a *news.Article, p *news.Post) error {
	if a == nil {
		return d.store.AddPost(ctx, p)
	}
	existing, err := d.store.ArticleByKey(ctx, a.Key)
	switch {
	case errors.Is(err, news.ErrNotFound):
		added, err := d.store.AddArticle(ctx, a, p)
		if err == nil && !added {
			err = news.Conflict("the article was recorded meanwhile: try again")
		}
		return err
	case err != nil:
		return err
	}
	p.ArticleID = existing.ID
	return d.store.AddPost(ctx, p)
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
