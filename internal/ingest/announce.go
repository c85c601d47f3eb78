package ingest

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/source/feed"
	"github.com/heraldhq/herald/internal/store"
)

// Announce records an article a CMS says it has just published and queues
// its automatic posts at once, by the rules a feed's new entry follows: the
// page is read for its title and lede, the outbox's intake rule gives each
// post its state and priority (approval, age, breaking categories), and
// the article is keyed on its address, so that the feed's copy of it, when
// the feed catches up, is the same article and is not posted again.
// categories are the CMS's own for the article (categories and tags, as a
// feed lists them), which route it; when it gives none, the page's
// sections and tags do. by names who announced it (the editor token's
// name).
//
// It returns the posts made and true, or no posts and false when the
// article is recorded already (announced before, or read from its feed):
// a CMS that sends the same announcement twice changes nothing. Errors an
// editor can act on are *news.Error.
func (in *Ingester) Announce(ctx context.Context, raw string, categories []string, by string) ([]*news.Post, bool, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, false, news.Invalid(`give the article's address: {"url": "https://…"}`)
	}
	cats, err := announcedCategories(categories)
	if err != nil {
		return nil, false, err
	}
	clean, err := news.CleanURL(raw)
	if err != nil {
		return nil, false, news.Invalid("%q is not a web address (it must start with http:// or https://)", raw).Because(err)
	}
	key, err := news.URLKey(raw)
	if err != nil {
		return nil, false, news.Invalid("%q is not a web address (it must start with http:// or https://)", raw).Because(err)
	}
	if seen, err := in.Store.ArticleSeen(ctx, 0, "", key); err != nil || seen {
		return nil, false, err
	}
	if in.Pages == nil {
		return nil, false, news.Invalid("herald cannot read articles from their address here")
	}
	now := in.now()
	a := &news.Article{GUID: clean, URL: clean, Key: key, Categories: cats, Published: now, Seen: now}
	// The article belongs to the feed of its origin, whose pages are
	// trusted like the feed's own links; at no feed's origin, the address
	// is an outside one and goes through the private-address guard. The
	// newsroom's own site is the feed's, or else the article's: a CMS
	// announces its own articles.
	trusted, own := "", siteOf(clean, &feed.Parsed{})
	if f := in.feedOn(clean); f != nil {
		a.FeedID, a.FeedTitle = f.ID, f.Title
		trusted, own = f.URL, siteOf(f.URL, &feed.Parsed{})
	}
	if err := in.readPage(ctx, a, trusted); err != nil {
		return nil, false, unreadable(err)
	}
	if a.Title == "" && a.Summary == "" {
		return nil, false, news.Invalid("%s: the page has no title or text to post", clean)
	}
	if a.Key != key {
		// The page names another canonical address. The CMS's address is
		// the one its feed carries, so the article keeps it; but an article
		// recorded under the canonical one is this one.
		if seen, err := in.Store.ArticleSeen(ctx, 0, "", a.Key); err != nil || seen {
			return nil, false, err
		}
		a.URL, a.Key = clean, key
	}
	posts := in.posts(a, feed.Item{}, own, now)
	for _, p := range posts {
		if by != "" {
			p.CreatedBy = by
		}
	}
	added, err := in.Store.AddArticles(ctx, []store.NewArticle{{Article: a, Posts: posts}})
	if err != nil || !added[0] {
		// Not added: its feed recorded it while the page was read.
		return nil, false, err
	}
	queued := 0
	for _, p := range posts {
		if p.Status == news.StatusQueued || p.Status == news.StatusPending {
			queued++
		}
	}
	in.log().Info("article announced", "url", a.URL, "by", by, "queued", queued)
	if queued > 0 && in.Queued != nil {
		in.Queued()
	}
	return posts, true, nil
}

// feedOn returns the polled feed at link's origin (scheme, host and port),
// if there is one.
func (in *Ingester) feedOn(link string) *store.Feed {
	if in.Feeds == nil {
		return nil
	}
	l, err := url.Parse(link)
	if err != nil {
		return nil
	}
	for _, f := range in.Feeds() {
		if u, err := url.Parse(f.URL); err == nil && strings.EqualFold(u.Scheme, l.Scheme) && strings.EqualFold(u.Host, l.Host) {
			return &f
		}
	}
	return nil
}

// maxAnnouncedCategories and maxCategory bound the categories a CMS gives.
const (
	maxAnnouncedCategories = 64
	maxCategory            = 200
)

// announcedCategories are the categories (and tags) a CMS gives with an
// article, trimmed and each once; none means the page's.
func announcedCategories(raw []string) ([]string, error) {
	if len(raw) > maxAnnouncedCategories {
		return nil, news.Invalid("%d categories: at most %d", len(raw), maxAnnouncedCategories)
	}
	var out []string
	for _, c := range raw {
		c = strings.TrimSpace(c)
		switch {
		case len(c) > maxCategory:
			return nil, news.Invalid("a category is longer than %d bytes: %q…", maxCategory, strings.ToValidUTF8(c[:40], ""))
		case c != "" && !slices.Contains(out, c):
			out = append(out, c)
		}
	}
	return out, nil
}
