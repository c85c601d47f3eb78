package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/extract"
	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/source/feed"
	"github.com/heraldhq/herald/internal/store"
)

// Watching what was posted: for HERALD_WATCH_FOR after an article's post
// went out, herald notices when its feed changes the headline (a
// correction) and when its page answers 404 or 410 (a takedown). A feed
// that fails to load says nothing about its articles; an item that leaves
// its feed while newer items stay is only a reason to look at its page,
// and only the page's answer confirms a takedown. Pages are asked
// conditionally (ETag, Last-Modified), one at a time, at most PerMinute a
// minute, so that the newsroom's site is never hammered.

// WatchStore is what the watcher needs of the database.
type WatchStore interface {
	Article(ctx context.Context, id int64) (*news.Article, error)
	WatchedArticles(ctx context.Context, feedID int64, since time.Time) ([]*news.Article, error)
	DuePageChecks(ctx context.Context, since, now time.Time, limit int) ([]*store.PageCheck, error)
	SavePageCheck(ctx context.Context, c *store.PageCheck) error
	PageLeftFeed(ctx context.Context, articleID int64, now time.Time) error
}

// Changes is told what changed about a recorded article (the outbox's
// Attention).
type Changes interface {
	Changed(ctx context.Context, a *news.Article, c outbox.ArticleChange) (*store.AttentionEvent, error)
}

// Watcher notices changes to posted articles.
type Watcher struct {
	Store   WatchStore
	Pages   PageFetcher
	Changes Changes
	// For is how long after a post its article is watched; 0 watches none.
	For time.Duration
	// PerMinute caps the page checks in a minute; 0 checks no page.
	PerMinute int
	// Recheck is how often a watched page is asked again (default 1h, give
	// or take a quarter, so that checks spread out).
	Recheck time.Duration
	// Confirm404 is how long after a first 404 the page is asked again; a
	// second 404 confirms the takedown (a 410 confirms at once). Default 30s.
	Confirm404 time.Duration
	Clock      func() time.Time
	Log        *slog.Logger
	Jitter     func() float64

	once sync.Once
	kick chan struct{}
}

func (w *Watcher) init() {
	w.once.Do(func() {
		w.kick = make(chan struct{}, 1)
		if w.Recheck <= 0 {
			w.Recheck = time.Hour
		}
		if w.Confirm404 <= 0 {
			w.Confirm404 = 30 * time.Second
		}
		if w.Clock == nil {
			w.Clock = time.Now
		}
		if w.Log == nil {
			w.Log = slog.Default()
		}
		if w.Jitter == nil {
			w.Jitter = rand.Float64
		}
	})
}

// Feed compares a feed's items with the watched articles recorded from it:
// a changed headline is a correction; a watched article missing from the
// feed, though newer than the oldest item the feed still carries, gets its
// page checked soon.
func (w *Watcher) Feed(ctx context.Context, f *store.Feed, p *feed.Parsed) {
	if w == nil || w.For <= 0 || len(p.Items) == 0 {
		return
	}
	w.init()
	now := w.Clock()
	watched, err := w.Store.WatchedArticles(ctx, f.ID, now.Add(-w.For))
	if err != nil {
		w.Log.Error("watched articles not read", "feed_url", f.URL, "err", err)
		return
	}
	if len(watched) == 0 {
		return
	}
	byGUID, byKey := make(map[string]string), make(map[string]string)
	var oldest time.Time
	for _, it := range p.Items {
		link := strings.TrimSpace(it.Link)
		clean, err1 := news.CleanURL(link)
		key, err2 := news.URLKey(link)
		if link == "" || err1 != nil || err2 != nil {
			continue
		}
		guid := it.GUID
		if guid == "" {
			guid = clean
		}
		title := extract.Text(it.Title)
		byGUID[guid], byKey[key] = title, title
		if !it.Published.IsZero() && (oldest.IsZero() || it.Published.Before(oldest)) {
			oldest = it.Published
		}
	}
	for _, a := range watched {
		title, ok := byGUID[a.GUID]
		if !ok {
			title, ok = byKey[a.Key]
		}
		if !ok {
			if !oldest.IsZero() && a.Published.After(oldest) {
				if err := w.Store.PageLeftFeed(ctx, a.ID, now); err != nil {
					w.Log.Error("page check not scheduled", "article_id", a.ID, "err", err)
					continue
				}
				w.Log.Debug("a posted article left its feed; its page is checked", "feed_url", f.URL, "url", a.URL)
				w.Kick()
			}
			continue
		}
		if title == "" || title == a.Title {
			continue
		}
		full, err := w.Store.Article(ctx, a.ID)
		if err != nil {
			w.Log.Error("corrected article not read", "article_id", a.ID, "err", err)
			continue
		}
		if _, err := w.Changes.Changed(ctx, full, outbox.ArticleChange{Kind: store.KindCorrection, NewTitle: title,
			Detail: "the headline changed in the feed", Source: "feed", By: "herald"}); err != nil {
			w.Log.Error("corrected headline not recorded", "article_id", a.ID, "url", a.URL, "err", err)
		}
	}
}

// Kick makes Run look for due page checks now.
func (w *Watcher) Kick() {
	w.init()
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Run checks the watched articles' pages until ctx is done, one at a time
// and at most PerMinute in any minute.
func (w *Watcher) Run(ctx context.Context) {
	if w.For <= 0 || w.PerMinute <= 0 || w.Pages == nil {
		return
	}
	w.init()
	gap := time.Minute / time.Duration(w.PerMinute)
	var last time.Time
	for ctx.Err() == nil {
		now := w.Clock()
		due, err := w.Store.DuePageChecks(ctx, now.Add(-w.For), now, w.PerMinute)
		if err != nil {
			w.Log.Error("page checks not read", "err", err)
		}
		if len(due) == 0 {
			w.sleep(ctx, 30*time.Second, true)
			continue
		}
		for _, c := range due {
			if !last.IsZero() {
				w.sleep(ctx, gap-time.Since(last), false)
			}
			if ctx.Err() != nil {
				return
			}
			last = time.Now()
			w.Check(ctx, c)
		}
	}
}

// sleep waits d, or until ctx is done; a kick ends it early when kickable.
func (w *Watcher) sleep(ctx context.Context, d time.Duration, kickable bool) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	var kick chan struct{}
	if kickable {
		kick = w.kick
	}
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-kick:
	}
}

// Check asks for one article's page, conditionally, and records the answer:
// 410 is a takedown, 404 one once a second check agrees, anything else (a
// page, 304, an error, a timeout) keeps the article watched.
func (w *Watcher) Check(ctx context.Context, c *store.PageCheck) {
	w.init()
	resp, err := w.Pages.Fetch(ctx, fetch.Request{URL: c.URL, ETag: c.ETag, LastModified: c.LastModified, Trusted: c.FeedURL,
		Accept: "text/html,application/xhtml+xml"})
	if ctx.Err() != nil {
		return
	}
	now := w.Clock()
	prev := c.Status
	c.CheckedAt = now
	c.NextCheck = now.Add(time.Duration(float64(w.Recheck) * (0.75 + 0.5*w.Jitter())))
	var fe *fetch.Error
	gone := 0
	switch {
	case err == nil:
		c.Status, c.ETag, c.LastModified = resp.StatusCode, resp.ETag, resp.LastModified
	case errors.As(err, &fe) && errors.Is(err, fetch.ErrHTTPStatus):
		c.Status = fe.Status
		switch {
		case fe.Status == http.StatusGone:
			gone = fe.Status
		case fe.Status == http.StatusNotFound && prev == http.StatusNotFound:
			gone = fe.Status
		case fe.Status == http.StatusNotFound:
			c.NextCheck = now.Add(w.Confirm404)
			w.Log.Info("a posted article's page answered 404; it is asked again before it counts as taken down",
				"article_id", c.ArticleID, "url", c.URL, "next_check", c.NextCheck.UTC().Format(time.RFC3339))
		}
	default:
		// No answer, or not one that says anything about the article.
		c.Status = 0
		w.Log.Debug("page check failed; the article stays watched", "article_id", c.ArticleID, "url", c.URL, "err", err)
	}
	if err := w.Store.SavePageCheck(ctx, c); err != nil {
		w.Log.Error("page check not recorded", "article_id", c.ArticleID, "err", err)
		return
	}
	if gone == 0 {
		return
	}
	a, err := w.Store.Article(ctx, c.ArticleID)
	if err != nil {
		w.Log.Error("taken-down article not read", "article_id", c.ArticleID, "err", err)
		return
	}
	if _, err := w.Changes.Changed(ctx, a, outbox.ArticleChange{Kind: store.KindTakedown,
		Detail: fmt.Sprintf("page gone: %d", gone), Source: "page", By: "herald"}); err != nil {
		w.Log.Error("takedown not recorded", "article_id", a.ID, "url", a.URL, "err", err)
	}
}
