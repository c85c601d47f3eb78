// Package ingest turns a feed's entries into articles and queued posts: it
// cleans and deduplicates them, applies the first-run rule and the age
// limit, makes each article's summary (from the feed, else from the page),
// decides whether each post goes out on its own or waits for an editor
// (sponsored content, links off the feed's site: see verdict), and records
// the article together with one post per destination in one transaction, so
// a restart neither loses nor doubles one.
package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"sort"
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

// Target is a destination, how to write a post for it, and which articles
// it takes.
type Target struct {
	Name    string
	Compose func(a *news.Article) (string, error)
	// Route is which articles the destination takes; the zero Route takes
	// every article.
	Route Route
	// Cards is true for a network that shows a link card herald builds
	// (Bluesky): its posts need the article's picture, which herald reads
	// from the page when the feed gives none.
	Cards bool
}

// Store is what ingest needs of the database.
type Store interface {
	ArticleSeen(ctx context.Context, feedID int64, guid, key string) (bool, error)
	AddArticles(ctx context.Context, batch []store.NewArticle) ([]bool, error)
}

// PageFetcher fetches an article page when the feed gives too little.
type PageFetcher interface {
	Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error)
}

// FirstRun is the rule for a feed's backlog the first time it is read.
type FirstRun struct {
	Mode string // "skip", "latest" or "all"
	N    int
}

// Ingester handles the entries of fetched feeds.
type Ingester struct {
	Store Store
	// Targets are the destinations as at start; SetTargets replaces them
	// while the Ingester runs.
	Targets []Target
	mu      sync.RWMutex
	// Pages, when set, is used to read an article's page when the feed has
	// no summary.
	Pages    PageFetcher
	FirstRun FirstRun
	// Intake is the outbox's rule for the state, priority and price of
	// each automatic post.
	Intake outbox.Intake
	// PostOffsite lets an article whose link leaves the feed's own site go out on its
	// own (HERALD_OFFSITE_LINKS=post, for aggregator feeds); by default it waits for an
	// editor, as sponsored content always does (see judge).
	PostOffsite bool
	// Exclude, when set, records the articles whose title, a category or link it matches
	// without posting them (HERALD_EXCLUDE).
	Exclude *regexp.Regexp
	Clock   func() time.Time
	Log     *slog.Logger
	// Queued, when set, is called after new posts were queued.
	Queued func()
	// PageBudget bounds the reading of one feed's pages (default
	// DefaultPageBudget).
	PageBudget time.Duration
	// parsing holds a place for each page being parsed (parseSlots).
	parsing     chan struct{}
	parsingOnce sync.Once
	// Feeds, when set, lists the feeds polled: an article a CMS announces
	// belongs to the feed on its host (see Announce).
	Feeds func() []store.Feed
	// Watch, when set, compares each fetched feed with the articles posted
	// from it (see Watcher.Feed).
	Watch *Watcher
}

// SetTargets replaces the destinations (after the destinations file was
// read again).
func (in *Ingester) SetTargets(targets []Target) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.Targets = targets
}

func (in *Ingester) targets() []Target {
	in.mu.RLock()
	defer in.mu.RUnlock()
	return in.Targets
}

func (in *Ingester) now() time.Time {
	if in.Clock != nil {
		return in.Clock()
	}
	return time.Now()
}

func (in *Ingester) log() *slog.Logger {
	if in.Log != nil {
		return in.Log
	}
	return slog.Default()
}

// HandleFeed records the new entries of f.
func (in *Ingester) HandleFeed(ctx context.Context, f *store.Feed, p *feed.Parsed) error {
	in.Watch.Feed(ctx, f, p)
	now := in.now()

	// A feed read for the first time under the rule "skip" posts nothing:
	// its entries go straight to the store, which passes over those it
	// knows, rather than costing a query each first.
	recordOnly := !f.Initialized && in.FirstRun.Mode != "all" && in.FirstRun.Mode != "latest"
	var fresh []candidate
	for n, it := range p.Items {
		a, err := in.article(f, it, now)
		if err == nil {
			a.FeedTitle = cmp.Or(p.Title, f.Title)
			a.FeedURL = f.URL
			a.Lang = extract.Language(p.Lang)
		}
		if err != nil {
			in.log().Debug("feed entry skipped", "feed_url", f.URL, "guid", it.GUID, "err", err)
			continue
		}
		if recordOnly {
			fresh = append(fresh, candidate{item: it, a: a, n: n})
			continue
		}
		seen, err := in.Store.ArticleSeen(ctx, f.ID, a.GUID, a.Key)
		if err != nil {
			return err
		}
		if !seen {
			fresh = append(fresh, candidate{item: it, a: a, n: n})
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	// Oldest first, so that followers read the stories in the order they
	// were published.
	sort.SliceStable(fresh, func(i, j int) bool { return fresh[i].a.Published.Before(fresh[j].a.Published) })

	post := make([]bool, len(fresh))
	for i := range fresh {
		post[i] = true
	}
	if !f.Initialized {
		switch in.FirstRun.Mode {
		case "all":
		case "latest":
			for i := range fresh {
				post[i] = i >= len(fresh)-in.FirstRun.N
			}
		default: // skip
			for i := range fresh {
				post[i] = false
			}
		}
	}

	in.complete(f, p, fresh, post)

	own := siteOf(f.URL, p)
	// The entries are recorded together, in one transaction: a feed read
	// for the first time costs one commit, not one per entry.
	batch := make([]store.NewArticle, 0, len(fresh))
	keys := make(map[string]bool, len(fresh)) // URL keys this batch records
	in.summarizeAll(ctx, f, fresh, post)
	for i, c := range fresh {
		var posts []*news.Post
		if post[i] {
			link, key := c.link, c.key
			if c.a.Key != key {
				// The page named another URL as canonical. When that article
				// is recorded already (or earlier in this batch), this entry
				// is recorded under its own link, with no post, so that it
				// is not read again.
				seen := keys[c.a.Key]
				if !seen {
					var err error
					if seen, err = in.Store.ArticleSeen(ctx, f.ID, "", c.a.Key); err != nil {
						return err
					}
				}
				if seen {
					c.a.URL, c.a.Key = link, key
					post[i] = false
				}
			}
		}
		if post[i] {
			posts = in.posts(c.a, c.item, own, now)
			if len(posts) == 0 {
				in.log().Debug("no destination takes the article", "feed_url", f.URL, "url", c.a.URL,
					"lang", c.a.Lang, "categories", c.a.Categories)
			}
		}
		keys[c.a.Key] = true
		batch = append(batch, store.NewArticle{Article: c.a, Posts: posts})
	}
	added, err := in.Store.AddArticles(ctx, batch)
	if err != nil {
		return err
	}
	queued, recorded := 0, 0
	for i, n := range batch {
		if !added[i] {
			continue
		}
		recorded++
		for _, p := range n.Posts {
			if p.Status == news.StatusQueued || p.Status == news.StatusPending {
				queued++
			}
		}
	}
	if !f.Initialized {
		in.log().Info("feed read for the first time", "feed_url", f.URL, "articles", recorded,
			"first_run", in.FirstRun.Mode, "queued", queued)
	} else if queued > 0 {
		in.log().Info("new articles", "feed_url", f.URL, "queued", queued)
	}
	if queued > 0 && in.Queued != nil {
		in.Queued()
	}
	return nil
}

// complete reads the bodies of the entries to be posted, when the feed was
// skimmed (feed.Skim): their summaries and pictures come from them. An
// entry whose body cannot be read goes out without it, on its page's
// summary.
func (in *Ingester) complete(f *store.Feed, p *feed.Parsed, fresh []candidate, post []bool) {
	var idx []int
	for i, c := range fresh {
		if post[i] {
			idx = append(idx, c.n)
		}
	}
	if len(idx) == 0 {
		return
	}
	slices.Sort(idx)
	if err := p.Complete(idx); err != nil {
		in.log().Warn("feed entries' bodies not read", "feed_url", f.URL, "err", err)
		return
	}
	for i := range fresh {
		if post[i] {
			c := &fresh[i]
			c.item = p.Items[c.n]
			c.a.ImageURL = c.item.ImageURL // with the picture of its body
		}
	}
}

// candidate is a feed entry not recorded yet, with its article.
type candidate struct {
	item feed.Item
	n    int // its index in the feed's entries
	a    *news.Article
	// link and key are the entry's own address and URL key, kept when its
	// page names another canonical address (which the article then takes).
	link, key string
}

// DefaultPageBudget is how long the reading of one feed's article pages
// may take in all, and pageReaders how many are read at once: a feed whose
// pages hang costs this, not thirty seconds a page, and the poll goes on.
const (
	DefaultPageBudget = time.Minute
	pageReaders       = 3
)

// summarizeAll writes the summaries of the entries that will be posted,
// reading their pages a few at a time within the feed's page budget. What
// the budget leaves unread goes without a page's summary.
func (in *Ingester) summarizeAll(ctx context.Context, f *store.Feed, fresh []candidate, post []bool) {
	budget := in.PageBudget
	if budget <= 0 {
		budget = DefaultPageBudget
	}
	pctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	sem := make(chan struct{}, pageReaders)
	var wg sync.WaitGroup
	for i := range fresh {
		c := &fresh[i]
		c.link, c.key = c.a.URL, c.a.Key
		if !post[i] {
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if !in.summarize(pctx, f, c.a, c.item) {
				in.cardImage(pctx, f, c.a)
			}
		})
	}
	wg.Wait()
}

// article builds the article for an entry: its clean URL, key and title.
func (in *Ingester) article(f *store.Feed, it feed.Item, now time.Time) (*news.Article, error) {
	if strings.TrimSpace(it.Link) == "" {
		return nil, fmt.Errorf("entry has no link")
	}
	clean, err := news.CleanURL(it.Link)
	if err != nil {
		return nil, err
	}
	key, err := news.URLKey(it.Link)
	if err != nil {
		return nil, err
	}
	guid := it.GUID
	if guid == "" {
		guid = clean
	}
	a := &news.Article{
		FeedID:     f.ID,
		GUID:       guid,
		URL:        clean,
		Key:        key,
		Title:      extract.Text(it.Title),
		Author:     extract.Text(it.Author),
		Categories: it.Categories,
		ImageURL:   it.ImageURL,
		Published:  it.Published,
		Seen:       now,
	}
	if a.Published.IsZero() || a.Published.After(now) {
		a.Published = now
	}
	return a, nil
}

// summarize fills the article's summary: the lede of the feed's body, else
// of its description, else of its Media RSS description, else of the page
// itself. The page of a link behind a feed service's redirect is read in any
// case, for the article's own address. It reports whether it read the page.
func (in *Ingester) summarize(ctx context.Context, f *store.Feed, a *news.Article, it feed.Item) (pageRead bool) {
	for _, body := range []string{it.Content, it.Description, it.MediaDescription} {
		if s := extract.TitledLede(body, a.Title, 0); s != "" {
			a.Summary = s
			break
		}
	}
	if in.Pages == nil || (a.Summary != "" && !behindRedirect(a.URL)) {
		return false
	}
	if err := in.readPage(ctx, a, f.URL); err != nil {
		in.log().Warn("article page not read; posting without a summary", "feed_url", f.URL, "url", a.URL, "err", err)
	}
	return true
}

// cardImage finds the picture of an article that a destination which builds
// its own link card (Bluesky) takes, when the feed gave none: the page's
// og:image. Without one the card goes without a picture.
func (in *Ingester) cardImage(ctx context.Context, f *store.Feed, a *news.Article) {
	if a.ImageURL != "" || in.Pages == nil {
		return
	}
	needed := false
	for _, t := range in.targets() {
		needed = needed || (t.Cards && t.Route.Accepts(a))
	}
	if !needed {
		return
	}
	resp, err := in.Pages.Fetch(ctx, fetch.Request{URL: a.URL, Trusted: f.URL, Accept: "text/html,application/xhtml+xml"})
	if err == nil {
		var page extract.Page
		if page, err = in.parsePage(ctx, resp.Body, resp.URL); err == nil || errors.Is(err, extract.ErrNoContent) {
			a.ImageURL, err = page.Image, nil
		}
	}
	if err != nil {
		in.log().Info("article page not read; the link card goes without a picture", "feed_url", f.URL, "url", a.URL, "err", err)
	}
}

// A page's parse costs many times its size (a hostile 10 MiB page of
// nested elements takes half a gigabyte), so a page is parsed from its
// first maxPageParse bytes, where its head and its opening paragraphs are,
// and at most parseSlots pages are parsed at once, whatever the number of
// feeds being read: together about 200 MiB at the very worst.
const (
	maxPageParse = 2 << 20
	parseSlots   = 2
)

// parsePage parses a page's beginning, waiting for a place among the
// parses under way.
func (in *Ingester) parsePage(ctx context.Context, body []byte, pageURL string) (extract.Page, error) {
	in.parsingOnce.Do(func() { in.parsing = make(chan struct{}, parseSlots) })
	select {
	case in.parsing <- struct{}{}:
	case <-ctx.Done():
		return extract.Page{}, ctx.Err()
	}
	defer func() { <-in.parsing }()
	if len(body) > maxPageParse {
		body = body[:maxPageParse]
	}
	return extract.ParsePage(body, pageURL)
}

// readPage reads the article's page and takes from it what the article
// lacks: summary, title, image, and the canonical URL to post and to key on.
// feedURL is the operator's URL the page was found through ("" for an
// editor's): only its origin may be on a private address, not the page's
// other hosts, ports or redirects (HERALD_ALLOW_PRIVATE_URLS).
func (in *Ingester) readPage(ctx context.Context, a *news.Article, feedURL string) error {
	resp, err := in.Pages.Fetch(ctx, fetch.Request{URL: a.URL, Trusted: feedURL, Accept: "text/html,application/xhtml+xml"})
	if err != nil {
		return err
	}
	page, err := in.parsePage(ctx, resp.Body, resp.URL)
	if err != nil {
		return err
	}
	if a.Summary == "" {
		a.Summary = page.Lede
	}
	if a.Title == "" {
		a.Title = page.Title
	}
	if a.ImageURL == "" {
		a.ImageURL = page.Image
	}
	if a.Author == "" {
		a.Author = page.Author
	}
	if len(a.Categories) == 0 {
		// A feed without categories, a CMS that names none, an editor's
		// URL: the page's sections and tags route the article.
		a.Categories = page.Categories
	}
	if page.Lang != "" {
		// The page says the article's own language; a feed's is the
		// channel's, for every item alike.
		a.Lang = page.Lang
	}
	if page.Canonical != "" {
		clean, err1 := news.CleanURL(page.Canonical)
		key, err2 := news.URLKey(page.Canonical)
		if err1 == nil && err2 == nil {
			a.URL, a.Key = clean, key
		}
	}
	return nil
}

// articleFinder is what FromURL uses of a store that has it: the article
// already recorded under a URL key, and its feed.
type articleFinder interface {
	ArticleByKey(ctx context.Context, key string) (*news.Article, error)
	Feed(ctx context.Context, id int64) (*store.Feed, error)
}

// FromURL makes an article from a URL an editor gave. An article the store
// has already recorded with a summary (from a feed, or an earlier post) is
// taken as it was recorded, the feed's own title and summary, because that
// is what herald posts for it; its ID is then set. Otherwise (a new URL, or
// a feed's backlog recorded on its first read without being summarised)
// the page is fetched through the private-address guard and read like a
// feed's article page.
func (in *Ingester) FromURL(ctx context.Context, raw string) (*news.Article, error) {
	clean, err := news.CleanURL(raw)
	if err != nil {
		return nil, err
	}
	key, _ := news.URLKey(raw)
	if f, ok := in.Store.(articleFinder); ok && key != "" {
		a, err := f.ArticleByKey(ctx, key)
		switch {
		case err == nil && a.Summary != "":
			if a.FeedID != 0 {
				// Routing by feed needs the feed's address.
				if fd, err := f.Feed(ctx, a.FeedID); err == nil {
					a.FeedURL, a.FeedTitle = fd.URL, fd.Title
				}
			}
			return a, nil
		case err != nil && !errors.Is(err, news.ErrNotFound):
			return nil, err
		}
	}
	now := in.now()
	a := &news.Article{GUID: clean, URL: clean, Key: key, Published: now, Seen: now}
	if in.Pages == nil {
		return nil, fmt.Errorf("no page fetcher")
	}
	if err := in.readPage(ctx, a, ""); err != nil {
		return nil, err
	}
	if a.Title == "" && a.Summary == "" {
		return nil, fmt.Errorf("%s: the page has no title or text to post", clean)
	}
	return a, nil
}

// ReadURL reads the article at an editor's URL (see FromURL). A page that
// cannot be read is a *news.Error that says why in an editor's words.
func (in *Ingester) ReadURL(ctx context.Context, raw string) (*news.Article, error) {
	a, err := in.FromURL(ctx, raw)
	if err != nil {
		return nil, unreadable(err)
	}
	return a, nil
}

// Write reads the article at an editor's URL and writes its post for the
// first destination.
func (in *Ingester) Write(ctx context.Context, raw string) (*news.Article, string, error) {
	return in.WriteFor(ctx, raw, "")
}

// WriteFor reads the article at an editor's URL and writes its post for the
// destination dest (the first when empty). A page that cannot be read is a
// *news.Error that says why in an editor's words.
func (in *Ingester) WriteFor(ctx context.Context, raw, dest string) (*news.Article, string, error) {
	a, err := in.FromURL(ctx, raw)
	if err != nil {
		return nil, "", unreadable(err)
	}
	text, err := in.Compose(a, dest)
	if err != nil {
		return nil, "", news.Invalid("herald could not write a post for that page: %v", err).Because(err)
	}
	return a, text, nil
}

// unreadable says in an editor's words why the page at an address could not
// be read.
func unreadable(err error) error {
	if _, ok := news.Refusal(err); ok {
		return err
	}
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return news.Invalid("%s", fetch.Describe(err)).Because(err)
	}
	return news.Invalid("could not read that page: %v", err).Because(err)
}

// Compose writes the post for a, for the destination named dest (the first
// one when dest is empty).
func (in *Ingester) Compose(a *news.Article, dest string) (string, error) {
	for _, t := range in.targets() {
		if dest == "" || t.Name == dest {
			return t.Compose(a)
		}
	}
	return "", fmt.Errorf("no destination %q", dest)
}

// Accepts reports whether the destination dest takes a by its route.
func (in *Ingester) Accepts(a *news.Article, dest string) bool {
	for _, t := range in.targets() {
		if t.Name == dest {
			return t.Route.Accepts(a)
		}
	}
	return false
}

// posts makes one post for each destination that takes an article, in the
// state the outbox's rule gives it after what judge found.
func (in *Ingester) posts(a *news.Article, it feed.Item, own site, now time.Time) []*news.Post {
	j := in.judge(a, it, own)
	var out []*news.Post
	for _, t := range in.targets() {
		if !t.Route.Accepts(a) {
			continue
		}
		text, err := t.Compose(a)
		out = append(out, in.Intake.Post(a, t.Name, text, err, j, now))
	}
	return out
}
