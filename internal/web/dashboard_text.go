package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/xtext"
	"github.com/rivo/uniseg"
)

// linkify renders a post's text the way followers read it: escaped, its
// line breaks kept, and its http(s) links clickable. The links are the ones
// X itself finds (xtext.Links); the HTML is built from escaped pieces only.
func linkify(text string) template.HTML { return linkifyHref(text, nil) }

// linkifyHref is linkify with each link pointing where href says, when set.
func linkifyHref(text string, href func(string) string) template.HTML {
	text = strings.ReplaceAll(strings.ToValidUTF8(text, "\uFFFD"), "\r\n", "\n")
	var b strings.Builder
	pos, cp := 0, 0 // byte offset in text, and its code point index
	byteAt := func(idx int) int {
		for cp < idx && pos < len(text) {
			_, n := utf8.DecodeRuneInString(text[pos:])
			pos += n
			cp++
		}
		return pos
	}
	written := 0
	for _, l := range xtext.Links(text) {
		start := byteAt(l.Start)
		end := byteAt(l.End)
		lower := strings.ToLower(l.URL)
		if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
			continue
		}
		writeLines(&b, text[written:start])
		target := l.URL
		if href != nil {
			target = href(l.URL)
		}
		fmt.Fprintf(&b, `<a href="%s" rel="noopener nofollow">%s</a>`, template.HTMLEscapeString(target), template.HTMLEscapeString(l.URL))
		written = end
	}
	writeLines(&b, text[written:])
	return template.HTML(b.String())
}

func writeLines(b *strings.Builder, s string) {
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteString("<br>")
		}
		b.WriteString(template.HTMLEscapeString(line))
	}
}

// platformName is how a network is called on a link to a published post.
func platformName(network string) string {
	if n := outbox.NetworkName(network); n != "" {
		return n
	}
	return "the network"
}

// span says a duration in words: "2 minutes", "90 seconds", "1 hour".
func span(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	}
	return plural(int(d.Round(time.Second)/time.Second), "second")
}

// dtLocal formats t for a datetime-local field, in UTC; herald.js shows it
// in the editor's own time.
func dtLocal(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04")
}

// parseLocalTime reads a datetime-local field. tz is the browser's offset
// from UTC in minutes (JavaScript's getTimezoneOffset for that date), set by
// herald.js; without it the time is UTC, as the page says.
func parseLocalTime(at, tz string) (time.Time, error) {
	at = strings.TrimSpace(at)
	var t time.Time
	var err error
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err = time.ParseInLocation(layout, at, time.UTC); err == nil {
			break
		}
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date and time like 2026-11-25T18:30", at)
	}
	if tz = strings.TrimSpace(tz); tz != "" {
		off, err := strconv.Atoi(tz)
		if err != nil || off < -18*60 || off > 18*60 {
			return time.Time{}, fmt.Errorf("%q is not a time zone offset", tz)
		}
		t = t.Add(time.Duration(off) * time.Minute)
	}
	return t, nil
}

// formText is a text from a form: browsers send line breaks as CRLF.
func formText(s string) string {
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// readArticle fetches an article an editor gave and writes its post for
// every destination, for the compose page to show before the editor posts
// it (ticked for the destinations that take the article).
func (s *Server) readArticle(ctx context.Context, raw string) (*news.Article, []outbox.Written, error) {
	a, written, err := s.o.Editor.Write(ctx, outbox.Draft{URL: raw, Destinations: s.o.Editor.Destinations()})
	if err != nil {
		s.o.Log.Info("dashboard: reading an article failed", "url", raw, "err", err)
		return nil, nil, errors.New(sentence(previewError(err)))
	}
	return a, written, nil
}

// sentence makes a message a sentence: capitalised, with a full stop.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	if !strings.HasPrefix(msg, "herald ") { // herald's name is written small
		r, n := utf8.DecodeRuneInString(msg)
		msg = string(unicode.ToUpper(r)) + msg[n:]
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// maxShown is the most of a feed's or a page's title a page shows: a title
// is a line, whatever a feed sends.
const maxShown = 160

// clip shortens a text from outside to maxShown characters, cut at a word
// or else a grapheme boundary, with an ellipsis.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxShown {
		return s
	}
	out, n := "", 0
	g := uniseg.NewGraphemes(s)
	for g.Next() && n < maxShown {
		out += g.Str()
		n += utf8.RuneCountInString(g.Str())
	}
	// Cut at the last word break when there is one near the end.
	if i := strings.LastIndexAny(out, " \t\n"); i > len(out)*3/4 {
		out = out[:i]
	}
	return strings.TrimSpace(out) + "…"
}
