// Package demo holds herald's embedded demo newsroom: "The Valley Courier", a fictional local
// paper in the fictional town of Millbrook, served in-process by `herald demo` so a newcomer can
// watch the whole pipeline work with no setup and no network.
//
// The newsroom imitates a WordPress 6 site closely enough to exercise herald's real code paths:
// an RSS 2.0 feed with content:encoded, an auto-excerpt that starts with the photo caption,
// numeric character references in titles, ETag and Last-Modified with conditional GET, and
// article pages carrying og: tags, JSON-LD and the usual clutter around the story.
//
// Nothing is stored: which stories are published is a pure function of the injected clock, so a
// Newsroom is safe for concurrent use and tests can step time deterministically.
package demo

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	siteName = "The Valley Courier"
	// feedSize is how many items the feed carries. WordPress's default is 10; newsrooms raise it,
	// and a wider window shows herald's first-run rule at work.
	feedSize = 20
	// Post IDs advance by more than one because WordPress spends IDs on attachments and revisions
	// too; each story's photo takes ID+1.
	firstPostID = 18400
	postIDStep  = 3

	defaultEvery   = 8 * time.Second
	defaultBacklog = 5
)

// Options configures a Newsroom.
type Options struct {
	// Every is the interval between stories. Zero or negative means 8s.
	Every time.Duration
	// Backlog is how many stories are already published when the newsroom starts; herald's
	// first-run rule records them without posting. Zero means 5; negative means none.
	Backlog int
	// Clock returns the current time; nil means time.Now. It must be safe for concurrent use.
	Clock func() time.Time
	// BaseURL is the site's absolute URL with no trailing slash, e.g.
	// "http://127.0.0.1:8080/demo/site", where the caller mounts Handler (with
	// http.StripPrefix). Every link the newsroom emits starts with it. Empty means
	// "http://" + the request's Host, with no path prefix, in responses; Stories then returns
	// root-relative URLs.
	BaseURL string
}

// Story is one published article of the demo newsroom.
type Story struct {
	ID         int      // WordPress post ID; the feed's guid is GUID, BaseURL + "/?p=ID"
	Title      string   // plain text, exactly as the feed's <title> decodes
	Slug       string   // unique for ever: repeats of the catalogue get "-2", "-3", ...
	Dateline   string   // e.g. "MILLBROOK"
	Lede       string   // the first paragraph, dateline first: "MILLBROOK — The town council ..."
	Body       []string // the paragraphs after the lede
	Caption    string   // the photo caption, credit included
	Author     string
	Categories []string // from Local, Politics, Sport, Weather, Business, Breaking
	Language   string   // BCP 47 tag of the story's text: "en-US", or "es" for the Spanish story
	Published  time.Time
	URL        string // permalink: BaseURL/{yyyy}/{mm}/{slug}/
	GUID       string // BaseURL/?p=ID, as in the feed (isPermaLink="false")
	Image      string // BaseURL/img/{slug}.svg
	// Photo is the same picture as a JPEG (BaseURL/img/{slug}.jpg): the
	// og:image, which link cards are made of.
	Photo string
}

// Newsroom is the demo site. Create it with New.
type Newsroom struct {
	every   time.Duration
	backlog int
	clock   func() time.Time
	base    string
	start   time.Time
	bySlug  map[string]int // catalogue slug → catalogue index
	handler http.Handler
}

// New returns a newsroom whose clock starts now: Backlog stories are already out, the last of
// them published at this instant, and story number Backlog+i follows i*Every later.
func New(o Options) *Newsroom {
	n := &Newsroom{
		every:   o.Every,
		backlog: o.Backlog,
		clock:   o.Clock,
		base:    strings.TrimRight(o.BaseURL, "/"),
		bySlug:  make(map[string]int, len(catalogue)),
	}
	if n.every <= 0 {
		n.every = defaultEvery
	}
	switch {
	case n.backlog == 0:
		n.backlog = defaultBacklog
	case n.backlog < 0:
		n.backlog = 0
	}
	if n.clock == nil {
		n.clock = time.Now
	}
	n.start = n.clock()
	for i, e := range catalogue {
		n.bySlug[e.slug] = i
	}
	n.handler = n.routes()
	return n
}

// Handler serves the site: GET /feed (and /feed/), GET /{year}/{month}/{slug}/, GET
// /img/{slug}.svg and .jpg, a front page at / (which also resolves WordPress's /?p=ID links).
func (n *Newsroom) Handler() http.Handler { return n.handler }

// Stories returns the stories published so far, newest first.
func (n *Newsroom) Stories() []Story {
	c := n.count(n.clock())
	out := make([]Story, 0, c)
	for k := c - 1; k >= 0; k-- {
		out = append(out, n.story(k, n.base))
	}
	return out
}

// count is how many stories are published at now. Story k (from 0) is published at
// start + (k-backlog+1)*every, so exactly backlog of them are out at start.
func (n *Newsroom) count(now time.Time) int {
	d := now.Sub(n.start)
	steps := d / n.every
	if d < 0 && d%n.every != 0 {
		steps-- // floor, not truncation, before the start
	}
	c := int64(n.backlog) + int64(steps)
	if c < 0 {
		return 0
	}
	return int(c)
}

func (n *Newsroom) publishedAt(k int) time.Time {
	return n.start.Add(time.Duration(k-n.backlog+1) * n.every).UTC()
}

// story builds the k-th story (from 0) with links under base.
func (n *Newsroom) story(k int, base string) Story {
	e := &catalogue[k%len(catalogue)]
	slug := e.slug
	if round := k / len(catalogue); round > 0 {
		slug += "-" + strconv.Itoa(round+1)
	}
	dateline, _, _ := strings.Cut(e.lede, " — ")
	lang := e.lang
	if lang == "" {
		lang = "en-US"
	}
	pub := n.publishedAt(k)
	id := firstPostID + k*postIDStep
	return Story{
		ID:         id,
		Title:      e.title,
		Slug:       slug,
		Dateline:   dateline,
		Lede:       e.lede,
		Body:       slices.Clone(e.body),
		Caption:    e.caption,
		Author:     e.author,
		Categories: slices.Clone(e.categories),
		Language:   lang,
		Published:  pub,
		URL:        base + pub.Format("/2006/01/") + slug + "/",
		GUID:       base + "/?p=" + strconv.Itoa(id),
		Image:      base + "/img/" + slug + ".svg",
		Photo:      base + "/img/" + slug + ".jpg",
	}
}

// indexBySlug returns the index k of the story with this slug, if it is published.
func (n *Newsroom) indexBySlug(slug string, count int) (int, bool) {
	if i, ok := n.bySlug[slug]; ok {
		return i, i < count
	}
	stem, suffix, ok := cutLast(slug, "-")
	if !ok {
		return 0, false
	}
	i, ok := n.bySlug[stem]
	if !ok {
		return 0, false
	}
	round, err := strconv.Atoi(suffix)
	if err != nil || round < 2 || strconv.Itoa(round) != suffix {
		return 0, false
	}
	if round-1 > count/len(catalogue) { // also keeps the product below from overflowing
		return 0, false
	}
	k := (round-1)*len(catalogue) + i
	return k, k < count
}

// indexByID returns the index k of the story with this post ID, if it is published.
func (n *Newsroom) indexByID(p string, count int) (int, bool) {
	id, err := strconv.Atoi(p)
	if err != nil || id < firstPostID || (id-firstPostID)%postIDStep != 0 {
		return 0, false
	}
	k := (id - firstPostID) / postIDStep
	return k, k < count
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// HandlerAt serves the site like Handler, but with the links of each
// response under base(r), with no trailing slash, instead of BaseURL: herald
// demo shows the newsroom to browsers on the dashboard's own address while
// herald reads it under the newsroom's name. An article's canonical address
// (link rel=canonical, og:url) stays under BaseURL, so that a page read at
// the other address names the article herald knows.
func (n *Newsroom) HandlerAt(base func(r *http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.handler.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), baseKey{}, strings.TrimRight(base(r), "/"))))
	})
}

type baseKey struct{}

// baseFor is the site URL for links in a response.
func (n *Newsroom) baseFor(r *http.Request) string {
	if b, ok := r.Context().Value(baseKey{}).(string); ok {
		return b
	}
	if n.base != "" {
		return n.base
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
