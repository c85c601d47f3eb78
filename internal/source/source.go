// Package source holds what yields candidate articles: the Item type every
// source produces, the feed list reader, and the Poller that fetches each
// feed on its schedule through the shared fetcher.
package source

import "time"

// Item is one entry as a source gives it, before cleaning: titles and
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
