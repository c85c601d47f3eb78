package bluesky

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/heraldhq/herald/internal/xtext"
)

// facet is an app.bsky.richtext.facet: a range of the text in UTF-8 bytes
// (byteEnd exclusive) and what it is.
type facet struct {
	Index    byteSlice `json:"index"`
	Features []feature `json:"features"`
}

type byteSlice struct {
	ByteStart int `json:"byteStart"`
	ByteEnd   int `json:"byteEnd"`
}

type feature struct {
	Type string `json:"$type"`
	URI  string `json:"uri,omitempty"`
	Tag  string `json:"tag,omitempty"`
}

const (
	linkType = "app.bsky.richtext.facet#link"
	tagType  = "app.bsky.richtext.facet#tag"
	// maxTagGraphemes is the lexicon's limit on a tag; Bluesky's app does
	// not link a longer one.
	maxTagGraphemes = 64
)

// facets finds what Bluesky should show as links and hashtags in text:
// link, where it appears, and every other http(s) link; and each #tag that
// starts the text or follows white space, without the punctuation after it,
// that is not digits alone. Offsets are UTF-8 bytes, each facet covers
// exactly its text, and no two facets overlap.
func facets(text, link string) []facet {
	var out []facet
	taken := func(start, end int) bool {
		for _, f := range out {
			if start < f.Index.ByteEnd && f.Index.ByteStart < end {
				return true
			}
		}
		return false
	}
	if link != "" {
		for from := 0; ; {
			i := strings.Index(text[from:], link)
			if i < 0 {
				break
			}
			start := from + i
			out = append(out, facet{Index: byteSlice{start, start + len(link)}, Features: []feature{{Type: linkType, URI: link}}})
			from = start + len(link)
		}
	}
	for _, l := range schemeLinks(text) {
		if !taken(l.start, l.end) {
			out = append(out, facet{Index: byteSlice{l.start, l.end}, Features: []feature{{Type: linkType, URI: text[l.start:l.end]}}})
		}
	}
	for _, t := range hashtags(text) {
		if !taken(t.start, t.end) {
			out = append(out, facet{Index: byteSlice{t.start, t.end}, Features: []feature{{Type: tagType, Tag: text[t.start+1 : t.end]}}})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index.ByteStart < out[j].Index.ByteStart })
	return out
}

type byteSpan struct{ start, end int }

// schemeLinks returns the http:// and https:// links in text as
// twitter-text finds them, in bytes. Bare domains are left as text: Bluesky
// links them only in its own app's composer.
func schemeLinks(text string) []byteSpan {
	links := xtext.Links(text)
	if len(links) == 0 {
		return nil
	}
	var out []byteSpan
	// xtext counts in code points; walk the text once to turn them into bytes.
	cp, b := 0, 0
	toByte := func(idx int) int {
		for cp < idx && b < len(text) {
			_, size := utf8.DecodeRuneInString(text[b:])
			b += size
			cp++
		}
		return b
	}
	for _, l := range links {
		start, end := toByte(l.Start), toByte(l.End)
		lower := strings.ToLower(text[start:end])
		if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
			out = append(out, byteSpan{start, end})
		}
	}
	return out
}

// hashtags finds #tags the way Bluesky's app does: '#' at the start or after
// white space, then everything up to white space, less trailing punctuation;
// not digits alone, at most 64 graphemes.
func hashtags(text string) []byteSpan {
	var out []byteSpan
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r != '#' || (i > 0 && !precededBySpace(text[:i])) {
			i += size
			continue
		}
		start := i
		end := i + size
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if unicode.IsSpace(r2) {
				break
			}
			end += s2
		}
		body := strings.TrimRightFunc(text[start+size:end], unicode.IsPunct)
		i = end
		if body == "" || strings.TrimFunc(body, unicode.IsDigit) == "" || uniseg.GraphemeClusterCount(body) > maxTagGraphemes {
			continue
		}
		out = append(out, byteSpan{start, start + size + len(body)})
	}
	return out
}

func precededBySpace(before string) bool {
	r, _ := utf8.DecodeLastRuneInString(before)
	return unicode.IsSpace(r)
}
