package demo

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"image"
	_ "image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// fakeClock is a settable clock, safe for the server's goroutines to read.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const (
	testEvery  = 8 * time.Second
	sitePrefix = "/demo/site"
)

var testStart = time.Date(2026, 3, 3, 10, 4, 5, 250_000_000, time.UTC)

type site struct {
	n     *Newsroom
	clock *fakeClock
	srv   *httptest.Server
	base  string // BaseURL: srv.URL + sitePrefix
}

// newSite mounts a newsroom under a path prefix, the way `herald demo` does, with BaseURL set
// from the listener before the server starts.
func newSite(t *testing.T, o Options) *site {
	t.Helper()
	clock := &fakeClock{t: testStart}
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String() + sitePrefix
	if o.Every == 0 {
		o.Every = testEvery
	}
	o.Clock = clock.Now
	o.BaseURL = base
	n := New(o)
	mux := http.NewServeMux()
	mux.Handle(sitePrefix+"/", http.StripPrefix(sitePrefix, n.Handler()))
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return &site{n: n, clock: clock, srv: srv, base: base}
}

// noRedirects is a client that reports redirects instead of following them.
var noRedirects = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title         string    `xml:"title"`
		Link          string    `xml:"link"`
		LastBuildDate string    `xml:"lastBuildDate"`
		Items         []rssItem `xml:"item"`
	} `xml:"channel"`
}

type rssItem struct {
	Title      string   `xml:"title"`
	Link       string   `xml:"link"`
	Creator    string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
	PubDate    string   `xml:"pubDate"`
	Categories []string `xml:"category"`
	GUID       struct {
		Value       string `xml:",chardata"`
		IsPermaLink string `xml:"isPermaLink,attr"`
	} `xml:"guid"`
	Description string `xml:"description"`
	Content     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
}

func (s *site) feed(t *testing.T, header ...string) (*http.Response, []byte, *rssDoc) {
	t.Helper()
	resp, body := get(t, s.base+"/feed", header...)
	if resp.StatusCode != http.StatusOK {
		return resp, body, nil
	}
	var doc rssDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("feed does not parse: %v\n%s", err, body)
	}
	return resp, body, &doc
}

func guids(doc *rssDoc) []string {
	var out []string
	for _, it := range doc.Channel.Items {
		out = append(out, it.GUID.Value)
	}
	return out
}

func TestFeedAtStartHoldsTheBacklog(t *testing.T) {
	s := newSite(t, Options{})
	resp, _, doc := s.feed(t)
	if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, "application/rss+xml") {
		t.Errorf("Content-Type = %q", got)
	}
	if resp.Header.Get("ETag") == "" || resp.Header.Get("Last-Modified") == "" {
		t.Errorf("missing validators: ETag %q, Last-Modified %q", resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"))
	}
	if doc.Version != "2.0" || doc.Channel.Title != "The Valley Courier" || doc.Channel.Link != s.base {
		t.Errorf("channel: version %q, title %q, link %q", doc.Version, doc.Channel.Title, doc.Channel.Link)
	}
	if len(doc.Channel.Items) != defaultBacklog {
		t.Fatalf("%d items at start, want %d", len(doc.Channel.Items), defaultBacklog)
	}
	guidRE := regexp.MustCompile(`^` + regexp.QuoteMeta(s.base) + `/\?p=\d+$`)
	var prev time.Time
	for i, it := range doc.Channel.Items {
		if !guidRE.MatchString(it.GUID.Value) || it.GUID.IsPermaLink != "false" {
			t.Errorf("item %d: guid %q isPermaLink %q", i, it.GUID.Value, it.GUID.IsPermaLink)
		}
		pub, err := time.Parse(time.RFC1123Z, it.PubDate)
		if err != nil {
			t.Errorf("item %d: pubDate: %v", i, err)
		}
		if pub.After(testStart) || (i > 0 && !pub.Before(prev)) {
			t.Errorf("item %d: pubDate %v not before start and the item above (%v)", i, pub, prev)
		}
		prev = pub
		if it.Creator == "" || len(it.Categories) == 0 || !strings.HasPrefix(it.Link, s.base+"/2026/03/") {
			t.Errorf("item %d: creator %q, categories %q, link %q", i, it.Creator, it.Categories, it.Link)
		}
		if !strings.HasPrefix(it.Content, "<figure") || !strings.Contains(it.Content, "<figcaption") ||
			!strings.Contains(it.Content, "<p><strong>By "+it.Creator+"</strong></p>") {
			t.Errorf("item %d: content:encoded lacks the leading figure or the byline:\n%s", i, it.Content)
		}
		words, ok := strings.CutSuffix(it.Description, " [&#8230;]")
		if !ok || len(strings.Fields(words)) != excerptWords {
			t.Errorf("item %d: description is not a %d-word auto-excerpt: %q", i, excerptWords, it.Description)
		}
	}
}

func TestFeedGrowsWithTheClock(t *testing.T) {
	s := newSite(t, Options{})
	_, _, before := s.feed(t)

	s.clock.Advance(testEvery - time.Millisecond)
	if _, _, doc := s.feed(t); len(doc.Channel.Items) != len(before.Channel.Items) {
		t.Fatalf("a story appeared before Every had passed: %d items", len(doc.Channel.Items))
	}

	s.clock.Advance(time.Millisecond)
	_, _, after := s.feed(t)
	if len(after.Channel.Items) != len(before.Channel.Items)+1 {
		t.Fatalf("%d items after Every, want %d", len(after.Channel.Items), len(before.Channel.Items)+1)
	}
	newest := after.Channel.Items[0]
	if slices.Contains(guids(before), newest.GUID.Value) {
		t.Errorf("newest guid %q was already in the feed", newest.GUID.Value)
	}
	if !slices.Equal(guids(after)[1:], guids(before)) {
		t.Errorf("older items changed:\nbefore %q\nafter  %q", guids(before), guids(after))
	}
	if pub, _ := time.Parse(time.RFC1123Z, newest.PubDate); !pub.Equal(testStart.Add(testEvery).Truncate(time.Second)) {
		t.Errorf("newest pubDate %v, want start + Every", pub)
	}
	if got := s.n.Stories(); len(got) != len(after.Channel.Items) || got[0].GUID != newest.GUID.Value || got[0].Title != newest.Title {
		t.Errorf("Stories() disagrees with the feed: %d stories, newest %q", len(got), got[0].GUID)
	}
}

func TestFeedConditionalGet(t *testing.T) {
	s := newSite(t, Options{})
	resp, _, _ := s.feed(t)
	etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")

	resp, body, _ := s.feed(t, "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-None-Match unchanged: %d with %d bytes, want 304 and none", resp.StatusCode, len(body))
	}
	resp, _, _ = s.feed(t, "If-Modified-Since", lastMod)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since unchanged: %d, want 304", resp.StatusCode)
	}

	s.clock.Advance(testEvery)
	resp, _, doc := s.feed(t, "If-None-Match", etag)
	if resp.StatusCode != http.StatusOK || doc == nil {
		t.Fatalf("If-None-Match after a new story: %d, want 200", resp.StatusCode)
	}
	if resp.Header.Get("ETag") == etag {
		t.Errorf("ETag %s did not change with a new story", etag)
	}
	if resp, _, _ = s.feed(t, "If-Modified-Since", lastMod); resp.StatusCode != http.StatusOK {
		t.Errorf("If-Modified-Since after a new story: %d, want 200", resp.StatusCode)
	}
	resp, _, _ = s.feed(t, "If-None-Match", resp.Header.Get("ETag"))
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("new ETag: %d, want 304", resp.StatusCode)
	}
}

var (
	metaRE   = regexp.MustCompile(`<meta (?:property|name)="([^"]+)" content="([^"]*)">`)
	linkRE   = regexp.MustCompile(`<link rel="canonical" href="([^"]*)">`)
	jsonLDRE = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)
	tagRE    = regexp.MustCompile(`<[^>]*>`)
)

func metas(page []byte) map[string]string {
	m := map[string]string{}
	for _, sm := range metaRE.FindAllSubmatch(page, -1) {
		m[string(sm[1])] = html.UnescapeString(string(sm[2]))
	}
	return m
}

func TestArticlePages(t *testing.T) {
	s := newSite(t, Options{Backlog: len(catalogue)})
	stories := s.n.Stories()
	_, _, doc := s.feed(t)
	for i, it := range doc.Channel.Items {
		st := stories[i]
		resp, page := get(t, it.Link)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %q", it.Link, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		m := metas(page)
		if m["og:title"] != it.Title || m["og:description"] != st.Lede || m["og:url"] != it.Link || m["og:image"] != st.Photo {
			t.Errorf("%s: og tags %q", it.Link, m)
		}
		if c := linkRE.FindSubmatch(page); c == nil || html.UnescapeString(string(c[1])) != it.Link {
			t.Errorf("%s: canonical %q", it.Link, c)
		}
		ld := jsonLDRE.FindSubmatch(page)
		var article struct {
			Type     string `json:"@type"`
			Headline string `json:"headline"`
			Desc     string `json:"description"`
		}
		if ld == nil || json.Unmarshal(ld[1], &article) != nil || article.Type != "NewsArticle" ||
			article.Headline != it.Title || article.Desc != st.Lede {
			t.Errorf("%s: JSON-LD %+v from %q", it.Link, article, ld)
		}
		text := html.UnescapeString(tagRE.ReplaceAllString(string(page), ""))
		for _, want := range append([]string{st.Caption, "By " + st.Author, st.Lede, "Related", "Sign up"}, st.Body...) {
			if want == "By "+st.Author && st.Language == "es" {
				want = "Por " + st.Author
			}
			if !strings.Contains(text, want) {
				t.Errorf("%s: page lacks %q", it.Link, want)
			}
		}
		resp, img := get(t, st.Image)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" || xml.Unmarshal(img, new(struct{})) != nil {
			t.Errorf("%s: %d %q, well-formed %v", st.Image, resp.StatusCode, resp.Header.Get("Content-Type"), xml.Unmarshal(img, new(struct{})))
		}
		if i < 2 { // a JPEG takes a few milliseconds to draw
			resp, img = get(t, st.Photo)
			cfg, format, err := image.DecodeConfig(bytes.NewReader(img))
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" || err != nil || format != "jpeg" ||
				cfg.Width != 1200 || cfg.Height != 675 || len(img) > 1_000_000 {
				t.Errorf("%s: %d %q, %s %dx%d, %d bytes, %v", st.Photo, resp.StatusCode, resp.Header.Get("Content-Type"), format, cfg.Width, cfg.Height, len(img), err)
			}
		}
	}
}

func TestNotFound(t *testing.T) {
	s := newSite(t, Options{})
	next := s.n.story(defaultBacklog, s.base) // the next story, not yet published
	for _, path := range []string{
		"/2026/03/no-such-story/",
		"/2026/03/" + catalogue[0].slug + "-1/",
		"/2026/03/" + catalogue[0].slug + "-02/",
		"/2026/03/" + catalogue[0].slug + "-99999999999999999999/",
		"/2026/03/" + next.Slug + "/",
		"/img/" + next.Slug + ".svg",
		"/img/no-such-story.svg",
		"/img/" + catalogue[0].slug + ".png",
		"/?p=" + next.GUID[strings.LastIndex(next.GUID, "=")+1:],
		"/?p=18401",
		"/wp-admin/",
	} {
		if resp, _ := get(t, s.base+path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
	s.clock.Advance(testEvery)
	if resp, _ := get(t, next.URL); resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s once published: %d, want 200", next.URL, resp.StatusCode)
	}
}

func TestRedirectsToPermalink(t *testing.T) {
	s := newSite(t, Options{})
	st := s.n.Stories()[0]
	for _, u := range []string{
		strings.TrimSuffix(st.URL, "/"),
		strings.Replace(st.URL, "/2026/03/", "/2025/12/", 1),
		st.GUID,
	} {
		resp, _ := get(t, u)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != st.URL {
			t.Errorf("GET %s: %d to %q, want 301 to %s", u, resp.StatusCode, resp.Header.Get("Location"), st.URL)
		}
	}
}

func TestGUIDsNeverRepeat(t *testing.T) {
	s := newSite(t, Options{})
	const cycles = 100
	link := map[string]string{} // guid → link
	links := map[string]bool{}
	for i := 0; i <= cycles; i++ {
		_, _, doc := s.feed(t)
		if want := min(defaultBacklog+i, feedSize); len(doc.Channel.Items) != want {
			t.Fatalf("cycle %d: %d items, want %d", i, len(doc.Channel.Items), want)
		}
		for _, it := range doc.Channel.Items {
			if prev, ok := link[it.GUID.Value]; ok {
				if prev != it.Link {
					t.Fatalf("guid %s moved from %s to %s", it.GUID.Value, prev, it.Link)
				}
				continue
			}
			if links[it.Link] {
				t.Fatalf("link %s reused by guid %s", it.Link, it.GUID.Value)
			}
			link[it.GUID.Value], links[it.Link] = it.Link, true
		}
		s.clock.Advance(testEvery)
	}
	if want := defaultBacklog + cycles; len(link) != want || want <= len(catalogue) {
		t.Fatalf("%d distinct guids over %d cycles, want %d (past the %d-story catalogue)", len(link), cycles, want, len(catalogue))
	}
	// A story from the third pass over the catalogue is a page like any other.
	newest := s.n.Stories()[0]
	if !strings.HasSuffix(newest.Slug, "-4") && !strings.HasSuffix(newest.Slug, "-3") {
		t.Errorf("newest slug %q after %d stories", newest.Slug, defaultBacklog+cycles)
	}
	if resp, _ := get(t, newest.URL); resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %d", newest.URL, resp.StatusCode)
	}
}

func TestStoriesStayUniqueAcrossManyPasses(t *testing.T) {
	clock := &fakeClock{t: testStart}
	n := New(Options{Clock: clock.Now, Backlog: 10 * len(catalogue), BaseURL: "http://courier.test"})
	stories := n.Stories()
	if len(stories) != 10*len(catalogue) {
		t.Fatalf("%d stories", len(stories))
	}
	seen := map[string]bool{}
	for i, st := range stories {
		for _, key := range []string{"id:" + st.GUID, "slug:" + st.Slug, "url:" + st.URL, "img:" + st.Image} {
			if seen[key] {
				t.Fatalf("story %d repeats %s", i, key)
			}
			seen[key] = true
		}
		if i > 0 && !st.Published.Before(stories[i-1].Published) {
			t.Fatalf("story %d is not older than the one before it", i)
		}
		k, ok := n.indexBySlug(st.Slug, len(stories))
		if !ok || n.story(k, "http://courier.test").GUID != st.GUID {
			t.Fatalf("slug %q does not resolve back to its story", st.Slug)
		}
	}
	if !stories[0].Published.Equal(testStart) {
		t.Errorf("newest backlog story published %v, want the start", stories[0].Published)
	}
}

// TestEntitiesRoundTrip checks the feed's WordPress-style character references decode, once,
// to exactly the story's text.
func TestEntitiesRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		has  string
		raw  string // how the title is written in the feed
	}{
		{"ampersand", "&", "&#038;"},
		{"curly apostrophe", "’", "&#8217;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx := slices.IndexFunc(catalogue, func(e entry) bool { return strings.Contains(e.title, tc.has) })
			if idx < 0 {
				t.Fatalf("no headline with %q", tc.has)
			}
			s := newSite(t, Options{Backlog: idx + 1}) // the story is the newest
			_, body, doc := s.feed(t)
			it := doc.Channel.Items[0]
			if it.Title != catalogue[idx].title {
				t.Errorf("title %q, want %q", it.Title, catalogue[idx].title)
			}
			if want := "<title>" + strings.ReplaceAll(catalogue[idx].title, tc.has, tc.raw) + "</title>"; !bytes.Contains(body, []byte(want)) {
				t.Errorf("feed lacks %s", want)
			}
			if strings.Contains(it.Title, "&#") || strings.Contains(it.Title, "&amp;") {
				t.Errorf("title decodes to %q, still encoded", it.Title)
			}
			// content:encoded is HTML: one more decoding gives the text.
			if !strings.Contains(html.UnescapeString(it.Content), catalogue[idx].lede) {
				t.Errorf("content:encoded does not decode to the lede %q", catalogue[idx].lede)
			}
		})
	}
}

func TestNoExternalURLs(t *testing.T) {
	s := newSite(t, Options{Backlog: len(catalogue)})
	st := s.n.Stories()[0]
	identifiers := []string{ // names, never fetched
		"http://purl.org/", "http://wellformedweb.org/CommentAPI/", "http://www.w3.org/",
		"https://schema.org",
	}
	urlRE := regexp.MustCompile(`https?://[^\s"'<>\]]+`)
	for _, u := range []string{s.base + "/feed", s.base + "/", st.URL, st.Image, s.base + "/nowhere"} {
		_, body := get(t, u)
		for _, found := range urlRE.FindAllString(string(body), -1) {
			if !strings.HasPrefix(found, s.base) && !slices.ContainsFunc(identifiers, func(p string) bool { return strings.HasPrefix(found, p) }) {
				t.Errorf("%s links outside the site: %s", u, found)
			}
		}
	}
}

func TestDefaults(t *testing.T) {
	n := New(Options{})
	if n.every != defaultEvery || n.backlog != defaultBacklog {
		t.Errorf("every %v backlog %d", n.every, n.backlog)
	}
	if got := len(n.Stories()); got != defaultBacklog {
		t.Errorf("%d stories at start with the real clock, want %d", got, defaultBacklog)
	}
	clock := &fakeClock{t: testStart}
	n = New(Options{Backlog: -1, Clock: clock.Now})
	if got := len(n.Stories()); got != 0 {
		t.Errorf("negative Backlog: %d stories, want 0", got)
	}
	clock.Advance(-time.Hour) // clocks step back; nothing is published before the start
	if got := len(n.Stories()); got != 0 {
		t.Errorf("clock before the start: %d stories", got)
	}
	clock.Advance(time.Hour + defaultEvery)
	if got := len(n.Stories()); got != 1 {
		t.Errorf("after Every: %d stories, want 1", got)
	}
}

func TestEmptyBaseURLUsesTheRequestHost(t *testing.T) {
	n := New(Options{Clock: (&fakeClock{t: testStart}).Now})
	srv := httptest.NewServer(n.Handler())
	defer srv.Close()
	_, body := get(t, srv.URL+"/feed")
	var doc rssDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, it := range doc.Channel.Items {
		if !strings.HasPrefix(it.Link, srv.URL+"/") {
			t.Fatalf("link %q not on %s", it.Link, srv.URL)
		}
		if resp, _ := get(t, it.Link); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", it.Link, resp.StatusCode)
		}
	}
	if st := n.Stories()[0]; !strings.HasPrefix(st.URL, "/2026/03/") {
		t.Errorf("Stories() URL %q, want root-relative", st.URL)
	}
}

func TestWrongMethod(t *testing.T) {
	s := newSite(t, Options{})
	resp, err := http.Post(s.base+"/feed", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /feed: %d, want 405", resp.StatusCode)
	}
}

// TestCatalogue keeps the embedded stories fit for the demo: enough of them, varied, and
// covering the cases herald must handle.
func TestCatalogue(t *testing.T) {
	if len(catalogue) < 30 {
		t.Errorf("%d stories, want at least 30", len(catalogue))
	}
	allowed := []string{"Local", "Politics", "Sport", "Weather", "Business", "Breaking"}
	slugRE := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	trailingNumber := regexp.MustCompile(`-[0-9]+$`)
	datelineRE := regexp.MustCompile(`^[A-Z][A-Z ]+ — \S`)
	slugs := map[string]bool{}
	count := map[string]int{}
	for _, e := range catalogue {
		if !slugRE.MatchString(e.slug) || trailingNumber.MatchString(e.slug) || slugs[e.slug] {
			t.Errorf("slug %q: must be unique, lower-case, and not end in -N (repeats use that)", e.slug)
		}
		slugs[e.slug] = true
		if !datelineRE.MatchString(e.lede) {
			t.Errorf("%s: lede does not start with a dateline: %q", e.slug, e.lede)
		}
		if len(e.body) < 2 || len(e.body) > 3 || e.caption == "" || e.author == "" || e.title == "" || len(e.categories) == 0 {
			t.Errorf("%s: incomplete", e.slug)
		}
		for _, c := range e.categories {
			if !slices.Contains(allowed, c) {
				t.Errorf("%s: category %q", e.slug, c)
			}
			count[c]++
		}
		for _, text := range append([]string{e.title, e.lede, e.caption, e.author}, e.body...) {
			if strings.ContainsAny(text, `'"<>`) || !utf8.ValidString(text) {
				t.Errorf("%s: use typographic quotes and no markup: %q", e.slug, text)
			}
		}
		if strings.Contains(e.title, "&") {
			count["&"]++
		}
		if strings.Contains(e.title, "’") {
			count["’"]++
		}
		if e.lang != "" {
			count["lang"]++
		}
		// X's limit is 280 with a link counted as 23: these ledes cannot go out whole.
		if utf8.RuneCountInString(e.title)+utf8.RuneCountInString(e.lede)+23+2 > 280 {
			count["long"]++
		}
	}
	for _, want := range []struct {
		key string
		min int
	}{{"Local", 5}, {"Politics", 3}, {"Sport", 3}, {"Weather", 3}, {"Business", 3}, {"Breaking", 2}, {"&", 1}, {"’", 1}, {"lang", 1}, {"long", 1}} {
		if count[want.key] < want.min {
			t.Errorf("%d stories with %q, want at least %d", count[want.key], want.key, want.min)
		}
	}
}
