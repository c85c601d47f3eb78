package ingest

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/source/feed"
	"github.com/heraldhq/herald/internal/store"
)

// watchStore is a WatchStore in memory.
type watchStore struct {
	articles map[int64]*news.Article
	left     []int64
	saved    []store.PageCheck
}

func (s *watchStore) Article(ctx context.Context, id int64) (*news.Article, error) {
	a := *s.articles[id]
	return &a, nil
}

func (s *watchStore) WatchedArticles(ctx context.Context, feedID int64, since time.Time) ([]*news.Article, error) {
	var out []*news.Article
	for _, a := range s.articles {
		b := *a
		out = append(out, &b)
	}
	return out, nil
}

func (s *watchStore) DuePageChecks(ctx context.Context, since, now time.Time, limit int) ([]*store.PageCheck, error) {
	return nil, nil
}

func (s *watchStore) SavePageCheck(ctx context.Context, c *store.PageCheck) error {
	s.saved = append(s.saved, *c)
	return nil
}

func (s *watchStore) PageLeftFeed(ctx context.Context, id int64, now time.Time) error {
	s.left = append(s.left, id)
	return nil
}

type changes []outbox.ArticleChange

func (c *changes) Changed(ctx context.Context, a *news.Article, ch outbox.ArticleChange) (*store.AttentionEvent, error) {
	*c = append(*c, ch)
	return nil, nil
}

// pageAnswers answers page checks with the statuses a test queues, and keeps the
// requests.
type pageAnswers struct {
	answers []int
	got     []fetch.Request
}

func (p *pageAnswers) Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error) {
	p.got = append(p.got, r)
	st := p.answers[0]
	p.answers = p.answers[1:]
	switch st {
	case http.StatusOK:
		return &fetch.Response{URL: r.URL, StatusCode: st, ETag: `"v2"`, LastModified: "Tue, 03 Nov 2026 10:00:00 GMT"}, nil
	case http.StatusNotModified:
		return &fetch.Response{URL: r.URL, StatusCode: st, NotModified: true, ETag: r.ETag, LastModified: r.LastModified}, nil
	case 0:
		return nil, &fetch.Error{URL: r.URL, Err: fetch.ErrTimeout}
	}
	return nil, &fetch.Error{URL: r.URL, Status: st, Err: fetch.ErrHTTPStatus}
}

func newWatcher(st *watchStore, ch *changes, p *pageAnswers, now time.Time) *Watcher {
	return &Watcher{Store: st, Changes: ch, Pages: p, For: 72 * time.Hour, PerMinute: 30,
		Clock: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler), Jitter: func() float64 { return 0.5 }}
}

// TestWatchFeed: a headline changed in the feed is a correction (entities
// decoded as when the article was recorded, so an unchanged one is not); a
// watched article missing from the feed, newer than its oldest item, has
// its page checked; one older than every item has scrolled off; an empty
// feed says nothing.
func TestWatchFeed(t *testing.T) {
	now := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	st := &watchStore{articles: map[int64]*news.Article{
		1: {ID: 1, GUID: "g1", Key: "news.example/a", URL: "https://news.example/a", Title: "Mayor’s plan passes", Published: now.Add(-3 * time.Hour)},
		2: {ID: 2, GUID: "g2", Key: "news.example/b", URL: "https://news.example/b", Title: "Bridge reopens", Published: now.Add(-2 * time.Hour)},
		3: {ID: 3, GUID: "g3", Key: "news.example/c", URL: "https://news.example/c", Title: "Fire on Elm St", Published: now.Add(-time.Hour)},
		4: {ID: 4, GUID: "g4", Key: "news.example/d", URL: "https://news.example/d", Title: "Old news", Published: now.Add(-50 * time.Hour)},
	}}
	var ch changes
	w := newWatcher(st, &ch, &pageAnswers{}, now)
	f := &store.Feed{ID: 1, URL: "https://news.example/feed"}
	w.Feed(context.Background(), f, &feed.Parsed{})
	if len(ch) != 0 || len(st.left) != 0 {
		t.Fatalf("an empty feed: %v %v", ch, st.left)
	}
	w.Feed(context.Background(), f, &feed.Parsed{Items: []feed.Item{
		{GUID: "g1", Link: "https://news.example/a", Title: "Mayor&#8217;s plan passes", Published: now.Add(-3 * time.Hour)},
		{GUID: "other", Link: "https://news.example/b?utm_source=rss", Title: "Bridge reopens  on Friday", Published: now.Add(-2 * time.Hour)},
		{GUID: "g5", Link: "https://news.example/e", Title: "Newest", Published: now.Add(-time.Minute)},
	}})
	if len(ch) != 1 || ch[0].Kind != store.KindCorrection || ch[0].NewTitle != "Bridge reopens on Friday" || ch[0].Source != "feed" {
		t.Errorf("changes: %+v", ch)
	}
	if len(st.left) != 1 || st.left[0] != 3 {
		t.Errorf("pages to check: %v, want the fire story's only", st.left)
	}
}

// TestWatchCheck: a page check sends what the last one got; 410 is a
// takedown at once, 404 once a second check agrees, and no answer, a 5xx
// or a page is none.
func TestWatchCheck(t *testing.T) {
	now := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	st := &watchStore{articles: map[int64]*news.Article{1: {ID: 1, URL: "https://news.example/a", Title: "A"}}}
	var ch changes
	p := &pageAnswers{answers: []int{http.StatusOK, http.StatusNotModified, 0, http.StatusServiceUnavailable, http.StatusNotFound, http.StatusOK,
		http.StatusNotFound, http.StatusNotFound, http.StatusGone}}
	w := newWatcher(st, &ch, p, now)
	c := &store.PageCheck{ArticleID: 1, URL: "https://news.example/a", FeedURL: "https://news.example/feed", ETag: `"v1"`}
	for range 6 {
		w.Check(context.Background(), c)
	}
	if len(ch) != 0 {
		t.Fatalf("a takedown from %v: %+v", st.saved, ch)
	}
	if r := p.got[1]; r.ETag != `"v2"` || r.LastModified != "Tue, 03 Nov 2026 10:00:00 GMT" || r.Trusted != "https://news.example/feed" {
		t.Errorf("the second check was not conditional: %+v", r)
	}
	if s := st.saved[4]; s.Status != http.StatusNotFound || !s.NextCheck.Equal(now.Add(30*time.Second)) {
		t.Errorf("after a first 404: %+v", s)
	}
	if s := st.saved[0]; !s.NextCheck.Equal(now.Add(time.Hour)) {
		t.Errorf("next routine check at %v, want in an hour", s.NextCheck)
	}
	w.Check(context.Background(), c)
	w.Check(context.Background(), c)
	if len(ch) != 1 || ch[0].Kind != store.KindTakedown || ch[0].Detail != "page gone: 404" {
		t.Fatalf("after two 404s: %+v", ch)
	}
	c.Status = 0
	w.Check(context.Background(), c)
	if len(ch) != 2 || ch[1].Detail != "page gone: 410" {
		t.Errorf("after a 410: %+v", ch)
	}
}
