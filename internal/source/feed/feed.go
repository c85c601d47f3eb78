// Package feed reads RSS 0.9x/1.0/2.0, Atom and JSON Feed documents through
// gofeed and turns their entries into source items.
package feed

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
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

// Parse reads a feed document. feedURL resolves relative links.
func Parse(body []byte, feedURL string) (*Parsed, error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, ErrNotFeed
		}
		return nil, fmt.Errorf("malformed feed: %w", err)
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
			Link:        resolve(base, firstNonEmpty(it.Link, firstLink(it.Links))),
			Title:       it.Title,
			Content:     it.Content,
			Description: it.Description,
			Categories:  it.Categories,
		}
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
