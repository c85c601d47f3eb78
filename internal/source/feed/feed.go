// Package feed reads RSS 0.9x/1.0/2.0, Atom and JSON Feed documents through
// gofeed and turns their entries into source items.
package feed

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
)

// ErrNotFeed is returned for a document that is not a feed (an HTML page, an
// image, an error page served with status 200).
var ErrNotFeed = errors.New("not an RSS, Atom or JSON feed")

// Item is one entry as the feed gives it, before cleaning: titles and
// bodies may still hold HTML and entities.
type Item struct {
	GUID        string
	Link        string
	Title       string
	Content     string // full body HTML (content:encoded, Atom content, JSON content_html)
	Description string // summary or excerpt, HTML or text
	Author      string
	Categories  []string
	ImageURL    string
	Published   time.Time // zero when the source gives no date

	// MediaDescription is the Media RSS description (media:description, alone or in a
	// media:group or media:content): video and photo feeds often put the dek there only.
	MediaDescription string
}

// Parsed is a feed document's title and entries.
type Parsed struct {
	Title string
	Link  string
	// Lang is the feed's language as it gives it (RSS <language> or
	// dc:language, Atom xml:lang, JSON Feed language); empty when it does not.
	Lang  string
	Items []Item

	base    *url.URL
	feedURL string
	rss     bool
	// skim, when set, is the document the Items were skimmed from: their
	// Content and Description are empty until Complete reads them.
	skim *skim
}

// Parse reads a feed document. contentType is the HTTP Content-Type it was
// served with ("" when unknown), whose charset counts in deciding the
// document's encoding; feedURL resolves relative links. A document past the
// parsing limits fails with an error matching ErrTooComplex.
func Parse(body []byte, contentType, feedURL string) (*Parsed, error) {
	doc, _, err := prepare(body, contentType, defaultLimits)
	if err != nil {
		return nil, err
	}
	return parseWhole(doc, feedURL)
}

// Skim reads a feed document as Parse does, but the entries of an RSS or
// Atom document come without their bodies, in about a third of the time: what a
// poll needs to know which entries are new and to record them. Content and
// Description are empty, and ImageURL is only a picture the feed names in
// its own elements (Media RSS, enclosures), not one in a body. Complete
// reads the bodies of the entries to be posted. A JSON Feed, and a document
// the skimming scanner cannot follow, are read whole.
func Skim(body []byte, contentType, feedURL string) (*Parsed, error) {
	doc, s, err := prepare(body, contentType, defaultLimits)
	if err != nil {
		return nil, err
	}
	if s == nil || len(s.entries) == 0 {
		return parseWhole(doc, feedURL)
	}
	f, err := gofeedParse(s.skeleton())
	if err != nil || !validFeed(f) || len(f.Items) != len(s.entries) || slices.Contains(f.Items, nil) {
		// A skeleton that does not read as the document would (gofeed kept
		// other entries than the scanner found, entries in an extension's
		// namespace say) gives way to the document: what it says, errors
		// included, is the document's.
		return parseWhole(doc, feedURL)
	}
	p := newParsed(f, feedURL)
	p.skim = s
	for _, it := range f.Items {
		item := p.item(it)
		item.Content, item.Description = "", ""
		p.Items = append(p.Items, item)
	}
	return p, nil
}

// Complete reads the bodies of the entries at idx (indexes into Items, in
// increasing order) when they were skimmed, from the bytes of those entries
// alone. Entries read whole are left as they are.
func (p *Parsed) Complete(idx []int) error {
	if p.skim == nil || len(idx) == 0 {
		return nil
	}
	f, err := gofeedParse(p.skim.only(idx))
	if err == nil && len(f.Items) == len(idx) {
		full := make([]Item, len(idx))
		same := true
		for n, it := range f.Items {
			full[n] = p.item(it)
			same = same && full[n].GUID == p.Items[idx[n]].GUID && full[n].Link == p.Items[idx[n]].Link
		}
		if same {
			for n, k := range idx {
				p.Items[k] = full[n]
			}
			return nil
		}
	}
	// The entries alone did not read back as skimmed: read everything.
	whole, err := parseWhole(p.skim.doc, p.feedURL)
	if err != nil {
		return err
	}
	if len(whole.Items) != len(p.Items) {
		return fmt.Errorf("feed: %d entries read whole, %d skimmed", len(whole.Items), len(p.Items))
	}
	for _, k := range idx {
		p.Items[k] = whole.Items[k]
	}
	return nil
}

// parseWhole reads a document made ready by prepare, entries and bodies.
func parseWhole(doc []byte, feedURL string) (*Parsed, error) {
	f, err := gofeedParse(doc)
	if err != nil {
		return nil, err
	}
	if !validFeed(f) {
		return nil, ErrNotFeed
	}
	p := newParsed(f, feedURL)
	for _, it := range f.Items {
		if it != nil {
			p.Items = append(p.Items, p.item(it))
		}
	}
	return p, nil
}

// validFeed is false for a JSON document gofeed took for a feed: any JSON
// object parses as a JSON Feed, and a real one names its version.
func validFeed(f *gofeed.Feed) bool {
	return f.FeedType != "json" || strings.Contains(f.FeedVersion, "jsonfeed.org/version/")
}

func newParsed(f *gofeed.Feed, feedURL string) *Parsed {
	base, _ := url.Parse(feedURL)
	if f.Link != "" && base != nil {
		// Relative item links are relative to the site, when the feed says where it is.
		if l, err := base.Parse(f.Link); err == nil {
			base = l
		}
	}
	return &Parsed{Title: strings.TrimSpace(f.Title), Link: f.Link, Lang: strings.TrimSpace(f.Language),
		base: base, feedURL: feedURL, rss: f.FeedType == "rss"}
}

// item maps one gofeed entry. An RSS entry's picture, when the feed names
// none in its own elements, is the first in its bodies, as gofeed's own
// search would find it, before enclosures and Media RSS; a skimmed entry
// has no bodies to look in.
func (p *Parsed) item(it *gofeed.Item) Item {
	base := p.base
	item := Item{
		GUID:        strings.TrimSpace(it.GUID),
		Link:        articleLink(it, base),
		Title:       it.Title,
		Content:     it.Content,
		Description: it.Description,
		Categories:  it.Categories,
	}
	item.MediaDescription = mediaText(it.Extensions, "description")
	if len(it.Authors) > 0 && it.Authors[0] != nil {
		item.Author = strings.TrimSpace(it.Authors[0].Name)
	} else if it.Author != nil {
		item.Author = strings.TrimSpace(it.Author.Name)
	}
	if it.Image != nil {
		item.ImageURL = resolve(base, it.Image.URL)
	} else if p.rss {
		item.ImageURL = resolve(base, cmp.Or(firstImage(it.Content), firstImage(it.Description)))
	}
	for _, enc := range it.Enclosures {
		if item.ImageURL == "" && enc != nil && strings.HasPrefix(enc.Type, "image/") {
			item.ImageURL = resolve(base, enc.URL)
		}
	}
	if item.ImageURL == "" {
		item.ImageURL = resolve(base, mediaImage(it.Extensions))
	}
	switch {
	case it.PublishedParsed != nil:
		item.Published = it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil:
		item.Published = it.UpdatedParsed.UTC()
	}
	if item.GUID == "" {
		item.GUID = item.Link
	}
	return item
}

// articleLink is the address of the article itself, resolved against base: FeedBurner's
// feedburner:origLink first (the item's link is then a feeds.feedburner.com or
// feedproxy.google.com redirect: a tracking hop that dies with the service and does not
// match the site's own feed), then the link, then a guid that is an http(s) URL (an RSS
// permalink guid, or an Atom id written as one).
func articleLink(it *gofeed.Item, base *url.URL) string {
	if orig := extValue(it.Extensions, "feedburner", "origLink"); isHTTP(resolve(base, orig)) {
		return resolve(base, orig)
	}
	if link := firstNonEmpty(it.Link, firstLink(it.Links)); strings.TrimSpace(link) != "" {
		return resolve(base, link)
	}
	if guid := strings.TrimSpace(it.GUID); isHTTP(guid) {
		return guid
	}
	return ""
}

// isHTTP reports whether s is an absolute http(s) URL.
func isHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// extValue is the text of the first element name in namespace ns.
func extValue(exts ext.Extensions, ns, name string) string {
	for _, e := range exts[ns][name] {
		if v := strings.TrimSpace(e.Value); v != "" {
			return v
		}
	}
	return ""
}

// mediaText is the first Media RSS text element called name: at the item's level, or
// inside a media:group or media:content (nested at most two deep, as the spec allows).
func mediaText(exts ext.Extensions, name string) string {
	media := exts["media"]
	if v := extValue(exts, "media", name); v != "" {
		return v
	}
	for _, parent := range []string{"group", "content"} {
		for _, p := range media[parent] {
			if v := childText(p, name, 2); v != "" {
				return v
			}
		}
	}
	return ""
}

func childText(e ext.Extension, name string, depth int) string {
	for _, c := range e.Children[name] {
		if v := strings.TrimSpace(c.Value); v != "" {
			return v
		}
	}
	if depth <= 1 {
		return ""
	}
	for _, parent := range []string{"group", "content"} {
		for _, c := range e.Children[parent] {
			if v := childText(c, name, depth-1); v != "" {
				return v
			}
		}
	}
	return ""
}

// mediaImage is the URL of the item's Media RSS thumbnail, or of an image among its
// media:content, at the item's level or in a media:group.
func mediaImage(exts ext.Extensions) string {
	media := exts["media"]
	candidates := append([]ext.Extension(nil), media["thumbnail"]...)
	candidates = append(candidates, media["content"]...)
	for _, g := range media["group"] {
		candidates = append(candidates, g.Children["thumbnail"]...)
		candidates = append(candidates, g.Children["content"]...)
	}
	for _, c := range candidates {
		u := strings.TrimSpace(c.Attrs["url"])
		if u == "" {
			continue
		}
		if c.Name == "thumbnail" || c.Attrs["medium"] == "image" || strings.HasPrefix(c.Attrs["type"], "image/") {
			return u
		}
	}
	return ""
}

func firstLink(links []string) string {
	for _, l := range links {
		if strings.TrimSpace(l) != "" {
			return l
		}
	}
	return ""
}

func firstNonEmpty(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || base == nil {
		return ref
	}
	u, err := base.Parse(ref)
	if err != nil {
		return ref
	}
	return u.String()
}
