// Package feed reads RSS 0.9x/1.0/2.0, Atom and JSON Feed documents through
// gofeed and turns their entries into source items.
package feed

import (
	"errors"
	"net/url"
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
}

// Parse reads a feed document. contentType is the HTTP Content-Type it was
// served with ("" when unknown), whose charset counts in deciding the
// document's encoding; feedURL resolves relative links. A document past the
// parsing limits fails with an error matching ErrTooComplex.
func Parse(body []byte, contentType, feedURL string) (*Parsed, error) {
	f, err := parse(body, contentType, defaultLimits)
	if err != nil {
		return nil, err
	}
	if f.FeedType == "json" && !strings.Contains(f.FeedVersion, "jsonfeed.org/version/") {
		// Any JSON object parses as a JSON Feed; a real one names its version.
		return nil, ErrNotFeed
	}
	base, _ := url.Parse(feedURL)
	if f.Link != "" && base != nil {
		// Relative item links are relative to the site, when the feed says where it is.
		if l, err := base.Parse(f.Link); err == nil {
			base = l
		}
	}
	p := &Parsed{Title: strings.TrimSpace(f.Title), Link: f.Link, Lang: strings.TrimSpace(f.Language)}
	for _, it := range f.Items {
		if it == nil {
			continue
		}
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
		p.Items = append(p.Items, item)
	}
	return p, nil
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
