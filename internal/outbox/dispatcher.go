// Package outbox is the dispatcher: it takes due posts from the outbox in
// priority order and sends each through its destination's publisher, keeping
// the spacing and daily cap per destination, retrying transient failures
// with capped exponential backoff, waiting out rate limits, and pausing a
// destination whose credentials the platform refuses.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/compose"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// Publisher sends one post to one platform and classifies the answer:
// nil, news.ErrDuplicate, or a *news.PublishError. Name is the
// destination's name, unique among the dispatcher's publishers.
type Publisher interface {
	Name() string
	Publish(ctx context.Context, m news.Message) (news.Published, error)
}

// Options are the dispatcher's settings.
type Options struct {
	// Destinations are each destination's own rules, by name: its network,
	// how editors' texts are measured, and what holds its posts back. A
	// destination not listed has no spacing, cap, quiet hours or budget,
	// and its texts are measured as X measures them.
	Destinations map[string]Destination
	// MaxAge skips an automatic post whose article is older than this.
	MaxAge time.Duration
	// MaxAttempts is how many transient failures a post survives.
	MaxAttempts int
	// Lease is how long a claimed post stays claimed (default 2m): longer
	// than any publish call can take.
	Lease time.Duration
	// PublishTimeout bounds one publish call (default 30s).
	PublishTimeout time.Duration
	Clock          func() time.Time
	Log            *slog.Logger
	// Jitter returns a number in [0, 1) (default math/rand).
	Jitter func() float64
	// Observe, when set, is told the outcome of every publish.
	Observe func(dest string, status news.Status, d time.Duration)
	// Location is where calendar months begin, for budgets (default UTC).
	Location *time.Location
	// Articles reads the article at an address an editor gives and writes
	// its post for each destination (Create, Write).
	Articles Articles
}

// Destination is one destination's own rules.
type Destination struct {
	// Network is the network it posts to: "x", "bluesky", "mastodon" or
	// "local".
	Network string
	// Text is the network's rule editors' texts are held to; the zero Rule
	// is X's.
	Text compose.Rule
	// MinInterval is the least time between two of its posts.
	MinInterval time.Duration
	// DailyCap is the most posts in any 24 hours; 0 is no cap.
	DailyCap int
	// Quiet, when set, holds automatic posts during a daily window;
	// editors' posts still go.
	Quiet *QuietHours
	// Cost, when set, is what the network charges per post, and what may
	// be spent in a month (X).
	Cost *Cost
}

// rule is the rule the destination's texts are held to.
func (dst Destination) rule() compose.Rule {
	if dst.Text.Network() == "" {
		return compose.X()
	}
	return dst.Text
}

// Cost is what a platform charges per post, and what may be spent.
type Cost struct {
	Post, LinkPost float64
	// Delete is the price of deleting a post.
	Delete float64
	// MonthlyBudget is the most to spend in a calendar month; 0 is no budget.
	MonthlyBudget float64
}

// spent is what the posts in u cost.
func (c Cost) spent(u store.Usage) float64 {
	b := Budget{Post: c.Post, LinkPost: c.LinkPost}
	return b.spent(store.Use{Month: u.Count, WithLink: u.WithLink})
}

// QuietHours is a daily window, in a time zone, when automatic posts wait.
type QuietHours struct {
	From, To time.Duration // since local midnight; To < From wraps past midnight
	Location *time.Location
}

// Active reports whether t falls in the window, and when the window ends.
func (q *QuietHours) Active(t time.Time) (bool, time.Time) {
	if q == nil {
		return false, time.Time{}
	}
	loc := q.Location
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	midnight := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	at := func(day time.Time, d time.Duration) time.Time {
		// Wall-clock time on that day, right across daylight-saving changes.
		return time.Date(day.Year(), day.Month(), day.Day(), int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, loc)
	}
	since := lt.Sub(midnight)
	if q.From < q.To {
		if since >= q.From && since < q.To {
			return true, at(midnight, q.To)
		}
		return false, time.Time{}
	}
	switch {
	case since >= q.From: // late evening: ends tomorrow
		return true, at(midnight.AddDate(0, 0, 1), q.To)
	case since < q.To: // early morning: ends today
		return true, at(midnight, q.To)
	}
	return false, time.Time{}
}

// Dispatcher sends queued posts.
type Dispatcher struct {
	store store.Store
	pubs  []Publisher
	o     Options
	// kicks wake each destination's loop in Run, by name.
	kicks map[string]chan struct{}

	mu    sync.RWMutex
	dests map[string]Destination
}

// New returns a dispatcher over the store for the given publishers.
func New(s store.Store, pubs []Publisher, o Options) *Dispatcher {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.PublishTimeout <= 0 {
		o.PublishTimeout = 30 * time.Second
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	d := &Dispatcher{store: s, pubs: pubs, o: o, kicks: make(map[string]chan struct{}, len(pubs))}
	for _, p := range pubs {
		d.kicks[p.Name()] = make(chan struct{}, 1)
	}
	d.SetDestinations(o.Destinations)
	return d
}

// SetDestinations replaces the destinations' rules (after the destinations
// file was read again); a post being sent keeps the rules it was claimed by.
func (d *Dispatcher) SetDestinations(rules map[string]Destination) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dests = maps.Clone(rules)
}

// rules returns a destination's rules.
func (d *Dispatcher) rules(name string) Destination {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.dests[name]
}

// Kick makes Run look for due posts now, after new ones were queued.
func (d *Dispatcher) Kick() {
	for _, k := range d.kicks {
		select {
		case k <- struct{}{}:
		default:
		}
	}
}

// Run dispatches until ctx is done, each destination in a loop of its own,
// so that one whose network is slow to answer (a publish call may take
// PublishTimeout) never holds up another. A publish call under way when ctx
// ends is allowed to finish, within PublishTimeout, so its outcome is
// recorded.
func (d *Dispatcher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, p := range d.pubs {
		wg.Go(func() { d.run(ctx, p) })
	}
	wg.Wait()
}

func (d *Dispatcher) run(ctx context.Context, p Publisher) {
	kick := d.kicks[p.Name()]
	for {
		next := d.stepOne(ctx, p)
		if ctx.Err() != nil {
			return
		}
		// Look again at least every few seconds: leases expire, and editors
		// change posts from other processes.
		wait := min(next.Sub(d.o.Clock()), 5*time.Second)
		if wait < 10*time.Millisecond {
			wait = 10 * time.Millisecond
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-kick:
		case <-t.C:
		}
		t.Stop()
	}
}

// Step sends what is due now to every destination, the destinations side
// by side, and returns when work may next be due. Tests drive it with a
// fake clock.
func (d *Dispatcher) Step(ctx context.Context) time.Time {
	now := d.o.Clock()
	nexts := make([]time.Time, len(d.pubs))
	var wg sync.WaitGroup
	for i, p := range d.pubs {
		wg.Go(func() { nexts[i] = d.stepOne(ctx, p) })
	}
	wg.Wait()
	var next time.Time
	for _, n := range nexts {
		if !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
	}
	if next.IsZero() {
		next = now.Add(time.Minute)
	}
	return next
}

// stepOne sends what is due now to one destination and returns when it
// should be looked at again.
func (d *Dispatcher) stepOne(ctx context.Context, p Publisher) time.Time {
	now := d.o.Clock()
	if ctx.Err() != nil {
		return now.Add(time.Minute)
	}
	n, err := d.stepDestination(ctx, p)
	if err != nil {
		d.o.Log.Error("dispatch failed", "destination", p.Name(), "err", err)
		return now.Add(5 * time.Second)
	}
	if n.IsZero() {
		return now.Add(time.Minute)
	}
	return n
}

// stepDestination sends due posts to one destination while its limits allow,
// and returns when it should be looked at again (zero: nothing to do).
func (d *Dispatcher) stepDestination(ctx context.Context, pub Publisher) (time.Time, error) {
	name := pub.Name()
	if err := d.sweepStale(ctx, name); err != nil {
		return time.Time{}, err
	}
	for ctx.Err() == nil {
		now := d.o.Clock()
		lim, err := d.limits(ctx, name, now)
		if err != nil {
			return time.Time{}, err
		}
		if lim.paused {
			return time.Time{}, nil
		}
		if !lim.wait.IsZero() {
			return lim.wait, nil
		}
		// The spacing, the daily cap and the budget are checked by the store
		// in the claim's transaction, so that replicas sharing a database
		// keep them together.
		rules := d.rules(name)
		limits := Limits{MinPriority: lim.minPriority, MinInterval: rules.MinInterval, DailyCap: rules.DailyCap, Lease: d.o.Lease}
		if cost := rules.Cost; cost != nil && cost.MonthlyBudget > 0 {
			limits.Budget = &Budget{Limit: cost.MonthlyBudget, Post: cost.Post, LinkPost: cost.LinkPost, Delete: cost.Delete,
				From: monthStart(now, d.location()), Until: nextMonth(now, d.location())}
		}
		post, err := d.store.ClaimPost(ctx, name, now, limits.Rules())
		var limited *Limited
		if errors.As(err, &limited) {
			return limited.Until, nil
		}
		if errors.Is(err, news.ErrNotFound) {
			next, err := d.store.NextDue(ctx, name)
			if err == nil && !next.IsZero() && !lim.quietUntil.IsZero() {
				next = maxTime(next, lim.quietUntil)
			}
			return next, err
		}
		if err != nil {
			return time.Time{}, err
		}
		if err := d.send(ctx, pub, post); err != nil {
			return time.Time{}, err
		}
	}
	return time.Time{}, nil
}

// limit is what holds a destination back at a moment.
type limit struct {
	paused      bool
	wait        time.Time // nothing may be sent before this
	minPriority int       // only posts of this priority or above may go
	quietUntil  time.Time // end of quiet hours, when they hold automatic posts
}

// limits works out what holds dest back now: its pause, a rate limit or an
// outage, an editors' pause of automatic posting, and quiet hours. (The
// spacing, the daily cap and the budget are the claim's.)
func (d *Dispatcher) limits(ctx context.Context, name string, now time.Time) (limit, error) {
	var lim limit
	dest, err := d.store.Destination(ctx, name)
	if err != nil {
		return lim, err
	}
	if dest.Paused {
		lim.paused = true
		return lim, nil
	}
	if dest.WaitUntil.After(now) {
		lim.wait = dest.WaitUntil
		return lim, nil
	}
	paused, err := d.Paused(ctx)
	if err != nil {
		return lim, err
	}
	if paused {
		// Editors paused automatic posting: their own posts still go.
		lim.minPriority = news.PriorityEditor
	}
	if quiet, until := d.rules(name).Quiet.Active(now); quiet {
		lim.minPriority, lim.quietUntil = news.PriorityEditor, until
	}
	return lim, nil
}

// sweepStale skips automatic posts that waited so long (for the cap, the
// budget, quiet hours or a paused account) that their news is old.
func (d *Dispatcher) sweepStale(ctx context.Context, name string) error {
	if d.o.MaxAge <= 0 {
		return nil
	}
	now := d.o.Clock()
	old, err := d.store.Posts(ctx, store.PostFilter{Statuses: []news.Status{news.StatusQueued, news.StatusPending},
		Destination: name, SortBefore: now.Add(-d.o.MaxAge), Limit: 200})
	if err != nil {
		return err
	}
	for _, p := range old {
		if !d.stale(p, now) {
			continue
		}
		if err := d.skipStale(ctx, p, now); err != nil && !errors.Is(err, news.ErrConflict) {
			return err
		}
	}
	return nil
}

// stale reports whether an automatic post's news is older than MaxAge.
// Editors' posts never go stale: posting old news is their decision.
func (d *Dispatcher) stale(p *news.Post, now time.Time) bool {
	return d.o.MaxAge > 0 && p.Priority < news.PriorityEditor && now.Sub(p.SortAt) > d.o.MaxAge
}

// skipStale skips a stale post, saying what it had been waiting for.
func (d *Dispatcher) skipStale(ctx context.Context, p *news.Post, now time.Time) error {
	reason := fmt.Sprintf("stale: not posted within HERALD_MAX_AGE (%s) of publication", d.o.MaxAge)
	if p.LastError != "" {
		reason += "; it was waiting: " + p.LastError
	}
	_, err := d.move(ctx, p.ID, []news.Status{p.Status}, news.StatusSkipped, reason, "dispatcher", now,
		func(p *news.Post) { p.LastError = reason })
	if err == nil {
		d.o.Log.Info("post skipped as stale", "destination", p.Destination, "post_id", p.ID)
	}
	return err
}

func (d *Dispatcher) location() *time.Location {
	if d.o.Location != nil {
		return d.o.Location
	}
	return time.UTC
}

func monthStart(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	return time.Date(lt.Year(), lt.Month(), 1, 0, 0, 0, 0, loc)
}

func nextMonth(t time.Time, loc *time.Location) time.Time {
	return monthStart(t, loc).AddDate(0, 1, 0)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

var sending = []news.Status{news.StatusSending}

// send publishes a claimed post and records the outcome.
func (d *Dispatcher) send(ctx context.Context, pub Publisher, p *news.Post) error {
	name := pub.Name()
	log := d.o.Log.With("destination", name, "post_id", p.ID)
	now := d.o.Clock()
	if d.stale(p, now) {
		// Claimed between two sweeps, or taken over from a dead process.
		return d.skipStale(ctx, p, now)
	}

	// The call gets its own deadline and is not cut short by shutdown: the
	// outcome of a post that reached the platform must be recorded.
	msg := d.message(ctx, p, log)
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.o.PublishTimeout)
	start := time.Now()
	res, perr := pub.Publish(callCtx, msg)
	cancel()
	took := time.Since(start)
	now = d.o.Clock()
	rctx := context.WithoutCancel(ctx)

	var pe *news.PublishError
	var status news.Status
	var err error
	errors.As(perr, &pe)
	transient := perr != nil && !errors.Is(perr, news.ErrDuplicate) &&
		(pe == nil || (pe.Kind != news.RateLimited && pe.Kind != news.Permanent && pe.Kind != news.Rejected))
	if !transient {
		// The platform answered: whatever it said, its network is up.
		err = d.recovered(rctx, name, now)
	}
	switch {
	case err != nil:
		// The destination's state could not be written; the lease expires
		// and the post is tried again.
	case perr == nil:
		status = news.StatusPublished
		_, err = d.move(rctx, p.ID, sending, status, "published", "dispatcher", now, func(p *news.Post) {
			p.RemoteID, p.RemoteURL, p.LastError = res.RemoteID, res.URL, ""
		})
		log.Info("post published", "remote_id", res.RemoteID, "url", res.URL)
	case errors.Is(perr, news.ErrDuplicate):
		// The platform already has it (an earlier attempt got through before
		// a crash or a timeout): final, and counted as published.
		status = news.StatusPublished
		_, err = d.move(rctx, p.ID, sending, status, "the platform already had this post (duplicate); counted as published",
			"dispatcher", now, func(p *news.Post) { p.LastError = "" })
		log.Info("post was already published (duplicate answer)")
	case pe.Kind == news.RateLimited:
		status = news.StatusQueued
		until := pe.Until
		if !until.After(now) {
			until = now.Add(time.Minute)
		}
		// A reset further off than any platform's window is a wrong answer,
		// not a reason to stop posting for years.
		until = minTime(until, now.Add(MaxRateLimitWait))
		if err = d.setDestination(rctx, name, func(dst *store.Destination) { dst.WaitUntil = until }); err == nil {
			// Waiting out a rate limit is not the post's fault: the attempt
			// does not count. The destination waits, not the post, so that
			// an editor who resumes the destination sends it at once.
			_, err = d.move(rctx, p.ID, sending, status, "rate limited until "+until.UTC().Format(time.RFC3339),
				"dispatcher", now, func(p *news.Post) { p.Attempts--; p.LastError = pe.Reason })
		}
		log.Warn("rate limited; destination waits", "until", until.UTC().Format(time.RFC3339))
	case pe.Kind == news.Permanent:
		status = news.StatusQueued
		if err = d.setDestination(rctx, name, func(dst *store.Destination) { dst.Paused, dst.PauseReason = true, pe.Reason }); err == nil {
			_, err = d.move(rctx, p.ID, sending, status, "destination paused: "+pe.Reason, "dispatcher", now,
				func(p *news.Post) { p.Attempts--; p.LastError = pe.Reason })
		}
		log.Error("destination paused: nothing is posted there until it is resumed", "reason", pe.Reason,
			"resume", "herald resume "+name+" (or the dashboard's Status page; refused credentials that work again lift the pause at the next start)")
	case pe.Kind == news.Rejected:
		status = news.StatusFailed
		_, err = d.move(rctx, p.ID, sending, status, pe.Reason, "dispatcher", now,
			func(p *news.Post) { p.LastError = pe.Reason })
		log.Warn("post rejected by the platform", "reason", pe.Reason)
	default:
		reason := perr.Error()
		if pe != nil {
			reason = pe.Reason
		}
		status, err = d.down(rctx, name, p, reason, now, log)
	}
	if d.o.Observe != nil {
		d.o.Observe(name, status, took)
	}
	return err
}

// message is the post as its publisher sends it: its text, and from its
// article (when it has one) its language and what a link card shows. An
// article that cannot be read leaves the card out rather than the post.
func (d *Dispatcher) message(ctx context.Context, p *news.Post, log *slog.Logger) news.Message {
	m := news.Message{PostID: p.ID, Text: p.Text}
	if p.ArticleID == 0 {
		return m
	}
	a, err := d.store.Article(ctx, p.ArticleID)
	if err != nil {
		log.Warn("the post's article was not read; it goes without a link card or language", "article_id", p.ArticleID, "err", err)
		return m
	}
	m.Lang, m.Title, m.Description, m.ImageURL = a.Lang, a.Title, a.Summary, a.ImageURL
	m.Link = LinkIn(p.Text, a.Key)
	return m
}

// LinkIn returns the link in text to the article whose URL key is key,
// exactly as the text has it (with the tracking parameters a destination
// adds, which the key leaves out), or "" when the text has none: an editor
// may have taken it out.
func LinkIn(text, key string) string {
	for rest := text; ; {
		i := strings.Index(rest, "http")
		if i < 0 {
			return ""
		}
		rest = rest[i:]
		if !strings.HasPrefix(rest, "http://") && !strings.HasPrefix(rest, "https://") {
			rest = rest[4:]
			continue
		}
		end := strings.IndexFunc(rest, unicode.IsSpace)
		if end < 0 {
			end = len(rest)
		}
		link := rest[:end]
		// Punctuation after a link belongs to the sentence: try shorter
		// and shorter until the key matches.
		for link != "" {
			if k, err := news.URLKey(link); err == nil && k == key {
				return link
			}
			r, size := utf8.DecodeLastRuneInString(link)
			if !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
				break
			}
			link = link[:len(link)-size]
		}
		rest = rest[end:]
	}
}

// Backoff is the wait before retry number attempt (1 = first retry): 2s
// doubling up to 10 minutes, with up to 50% jitter so that many failing posts
// do not return together.
func (d *Dispatcher) Backoff(attempt int) time.Duration {
	base := 2 * time.Second
	for i := 1; i < attempt && base < 10*time.Minute; i++ {
		base *= 2
	}
	base = min(base, 10*time.Minute)
	return base/2 + time.Duration(d.o.Jitter()*float64(base/2))
}

// MaxRateLimitWait is the longest a rate limit holds a destination: X's
// longest window is a day.
const MaxRateLimitWait = 24 * time.Hour

// MaxProbeInterval is the longest a destination that is down waits between
// two probes.
const MaxProbeInterval = 2 * time.Minute

// ProbeBackoff is the wait before the next probe of a destination that
// failed probes times in a row: 5 seconds doubling up to MaxProbeInterval,
// with up to 50% jitter so that replicas and destinations do not probe in
// step.
func (d *Dispatcher) ProbeBackoff(probes int) time.Duration {
	base := 5 * time.Second
	for i := 1; i < probes && base < MaxProbeInterval; i++ {
		base *= 2
	}
	base = min(base, MaxProbeInterval)
	return base/2 + time.Duration(d.o.Jitter()*float64(base/2))
}

// down records a transient failure (a network error, a timeout, a 5xx): a
// failure of the destination, not of the post. The destination waits as a
// whole and is probed with one post at a time, backing off; the posts
// waiting spend none of their tries.
//
// Only the first failure, which finds the outage, counts against its post,
// so that a post that fails while its network is up cannot stop the
// destination for ever: when a probe with another post fails too, the
// outage is real and that try is given back; when it succeeds, the post
// itself was the problem, and after MaxAttempts such tries it fails.
func (d *Dispatcher) down(ctx context.Context, name string, p *news.Post, reason string, now time.Time, log *slog.Logger) (news.Status, error) {
	dst, err := d.store.Destination(ctx, name)
	if err != nil {
		return "", err
	}
	first := dst.DownSince.IsZero()
	if first && p.Attempts >= d.o.MaxAttempts {
		_, err := d.move(ctx, p.ID, sending, news.StatusFailed,
			fmt.Sprintf("gave up after %d attempts: %s", p.Attempts, reason), "dispatcher", now,
			func(p *news.Post) { p.LastError = reason })
		log.Error("post failed", "attempts", p.Attempts, "err", reason)
		return news.StatusFailed, err
	}
	refund := int64(0)
	if first {
		dst.DownSince, dst.Probes, dst.Trigger = now, 0, p.ID
	} else if dst.Trigger != 0 && dst.Trigger != p.ID {
		refund, dst.Trigger = dst.Trigger, 0
	}
	dst.Probes++
	dst.DownReason = reason
	dst.WaitUntil = now.Add(d.ProbeBackoff(dst.Probes))
	if err := d.store.SaveDestination(ctx, dst); err != nil {
		return "", err
	}
	// The post goes back to the queue just behind the next probe, so that
	// the next probe is made with another post.
	_, err = d.move(ctx, p.ID, sending, news.StatusQueued,
		fmt.Sprintf("%s is down (%s); next try at %s", name, reason, dst.WaitUntil.UTC().Format(time.RFC3339)), "dispatcher", now,
		func(p *news.Post) {
			if !first {
				p.Attempts--
			}
			p.LastError = fmt.Sprintf("%s has been down since %s: %s", name, dst.DownSince.UTC().Format(time.RFC3339), reason)
			p.NotBefore = dst.WaitUntil.Add(time.Millisecond)
		})
	if err != nil {
		return "", err
	}
	if refund != 0 {
		_, rerr := d.move(ctx, refund, []news.Status{news.StatusQueued}, news.StatusQueued,
			"the network was down: this try does not count", "dispatcher", now, func(p *news.Post) { p.Attempts = max(p.Attempts-1, 0) })
		if rerr != nil && !errors.Is(rerr, news.ErrConflict) {
			return "", rerr
		}
	}
	if first {
		log.Warn("destination is down; posts wait while it is probed", "err", reason,
			"next_probe", dst.WaitUntil.UTC().Format(time.RFC3339))
	} else {
		log.Info("destination still down", "probes", dst.Probes, "err", reason,
			"next_probe", dst.WaitUntil.UTC().Format(time.RFC3339))
	}
	return news.StatusQueued, nil
}

// recovered ends a destination's outage once its platform answers.
func (d *Dispatcher) recovered(ctx context.Context, name string, now time.Time) error {
	dst, err := d.store.Destination(ctx, name)
	if err != nil || dst.DownSince.IsZero() {
		return err
	}
	d.o.Log.Info("destination is back up", "destination", name, "down_for", now.Sub(dst.DownSince).Round(time.Second).String(), "probes", dst.Probes)
	dst.DownSince, dst.DownReason, dst.Probes, dst.Trigger = time.Time{}, "", 0, 0
	if dst.WaitUntil.After(now) {
		dst.WaitUntil = time.Time{}
	}
	return d.store.SaveDestination(ctx, dst)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (d *Dispatcher) setDestination(ctx context.Context, name string, fn func(*store.Destination)) error {
	dst, err := d.store.Destination(ctx, name)
	if err != nil {
		return err
	}
	fn(dst)
	return d.store.SaveDestination(ctx, dst)
}
