package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/xtext"
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

// platformName is how a destination's platform is called on a link to a
// published post.
func platformName(dest string) string {
	if dest == "x" {
		return "X"
	}
	return dest
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

// checkPostText says in plain words why X would refuse a text, or "".
func checkPostText(text string) string {
	res := xtext.Parse(text)
	switch {
	case strings.TrimSpace(text) == "":
		return "The text is empty."
	case res.WeightedLength > xtext.MaxWeightedLength:
		return fmt.Sprintf("The text is %d characters as X counts them; the limit is %d. Shorten it by %d.",
			res.WeightedLength, xtext.MaxWeightedLength, res.WeightedLength-xtext.MaxWeightedLength)
	case !res.Valid:
		return "The text has characters X does not accept."
	}
	return ""
}

// readArticle fetches an article an editor gave and writes its post.
func (s *Server) readArticle(ctx context.Context, raw string) (*news.Article, string, error) {
	if _, err := news.CleanURL(raw); err != nil {
		return nil, "", fmt.Errorf("%q is not a web address (it must start with http:// or https://)", raw)
	}
	if s.o.FromURL == nil {
		return nil, "", errors.New("herald cannot read articles from URLs here")
	}
	a, text, err := s.o.FromURL(ctx, raw)
	if err != nil {
		s.o.Log.Info("dashboard: post from URL failed", "url", raw, "err", err)
		return nil, "", errors.New(previewError(err))
	}
	return a, text, nil
}

// queueState is what the queue's estimate starts from.
type queueState struct {
	Now time.Time
	// Spacing is the least time between two posts to one destination
	// (zero when unknown).
	Spacing time.Duration
	// Last is each destination's latest publication.
	Last   map[string]time.Time
	Dests  []outbox.DestinationStatus
	Paused bool
}

// estimate is a queued post with when it is expected to go.
type estimate struct {
	*news.Post
	Due  time.Time
	Next bool   // first in line for its destination
	Held string // what holds it back beyond its time, if anything
}

// estimateQueue orders queued posts the way the dispatcher takes them, per
// destination: of the posts due at a moment, the highest priority first,
// then the oldest; one every Spacing; none before a rate limit lifts, nor
// automatic ones during quiet hours. It is an estimate: new posts, failures
// and editors change it.
func estimateQueue(posts []*news.Post, st queueState) []estimate {
	byDest := map[string][]*news.Post{}
	var order []string
	for _, p := range posts {
		if _, ok := byDest[p.Destination]; !ok {
			order = append(order, p.Destination)
		}
		byDest[p.Destination] = append(byDest[p.Destination], p)
	}
	var out []estimate
	for _, name := range order {
		var ds outbox.DestinationStatus
		ds.PostsLeftToday = -1
		for _, d := range st.Dests {
			if d.Name == name {
				ds = d
			}
		}
		held := ""
		switch {
		case st.Paused:
			held = "auto-posting is paused"
		case ds.Paused:
			held = name + " is paused"
		}
		t := st.Now
		if last := st.Last[name]; !last.IsZero() && st.Spacing > 0 {
			t = latest(t, last.Add(st.Spacing))
		}
		t = latest(t, ds.WaitUntil)
		left := slices.Clone(byDest[name])
		n := 0
		// Posts being sent go first: they are on their way.
		left = slices.DeleteFunc(left, func(p *news.Post) bool {
			if p.Status == news.StatusSending {
				out = append(out, estimate{Post: p, Due: st.Now, Next: n == 0})
				n++
				return true
			}
			return false
		})
		earliest := func(p *news.Post) time.Time {
			if !ds.QuietUntil.IsZero() && p.Priority < news.PriorityEditor {
				return latest(p.NotBefore, ds.QuietUntil)
			}
			return p.NotBefore
		}
		for len(left) > 0 {
			best := -1
			for i, p := range left {
				if earliest(p).After(t) {
					continue
				}
				if best < 0 || before(p, left[best]) {
					best = i
				}
			}
			if best < 0 { // nothing due yet: wait for the first that will be
				next := earliest(left[0])
				for _, p := range left[1:] {
					if e := earliest(p); e.Before(next) {
						next = e
					}
				}
				t = next
				continue
			}
			e := estimate{Post: left[best], Due: t, Next: n == 0, Held: held}
			if e.Held == "" && ds.PostsLeftToday >= 0 && n >= ds.PostsLeftToday {
				e.Held = "over today's cap of " + strconv.Itoa(ds.DailyCap)
			}
			out = append(out, e)
			left = slices.Delete(left, best, best+1)
			t = t.Add(st.Spacing)
			n++
		}
	}
	slices.SortStableFunc(out, func(a, b estimate) int { return a.Due.Compare(b.Due) })
	return out
}

// before reports whether the dispatcher takes a before b when both are due:
// higher priority first, then the older.
func before(a, b *news.Post) bool {
	if a.Priority != b.Priority {
		return a.Priority > b.Priority
	}
	if c := a.SortAt.Compare(b.SortAt); c != 0 {
		return c < 0
	}
	return cmp.Less(a.ID, b.ID)
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
