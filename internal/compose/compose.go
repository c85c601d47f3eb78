// Package compose renders a post from a per-destination template and fits it
// to the network's limit, counted the way that network counts (a Rule: X's
// weighted length, Bluesky's graphemes and bytes, a Mastodon server's
// characters): first hashtags go, then the summary is cut at a sentence or a
// word, then dropped, then the title is cut at a word with "…". The link is
// never cut or altered and no grapheme cluster is ever split.
package compose

import (
	"errors"
	"fmt"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/heraldhq/herald/internal/news"
)

// DefaultTemplate puts the headline first, the lede under it with any
// hashtags after it, and the link on its own line at the end, where X shows
// its card:
//
//	Ceasefire holds in Idlib as aid reaches the north
//
//	The truce brokered on Sunday held overnight, residents said. #Syria
//
//	https://example.com/news/ceasefire
const DefaultTemplate = "{{.Title}}{{with .Summary}}\n\n{{.}}{{end}}{{with .Hashtags}} {{join . \" \"}}{{end}}\n\n{{.URL}}"

// ErrTooLong is returned by Compose when not even the link and the
// template's fixed text fit within the limit.
var ErrTooLong = errors.New("compose: post does not fit the limit")

// Fields are what a template can show. Title and Summary are plain text.
type Fields struct {
	Title, Summary, URL, Feed, Author string
	Categories                        []string
	// Hashtags, when set, are used as they are (a '#' is added where
	// missing, and one that X would not link is an error); when empty,
	// Compose derives them from Categories through the Composer's mapping.
	Hashtags []string
}

// Composer renders and fits posts for one destination. It is safe for
// concurrent use.
type Composer struct {
	tmpl     *template.Template
	rule     Rule
	hashtags map[string]string // category key (see categoryKey) → "#Tag"
}

// ellipsis marks a cut.
const ellipsis = "…"

// minSummaryWeight is the least a cut summary keeps, counted by the rule (X's
// weighted characters, graphemes, characters): a shorter fragment says less
// than no summary at all.
const minSummaryWeight = 30

var templateFuncs = template.FuncMap{
	"join": strings.Join,
}

// sampleFields render a template once in New, so that a template that fails
// on real data fails at start-up rather than at the first post.
var sampleFields = Fields{
	Title:      "Sample headline for the template check",
	Summary:    "A sample lede, one sentence long.",
	URL:        "https://example.com/herald/template-check",
	Feed:       "Sample feed",
	Author:     "Sample Author",
	Categories: []string{"Sample"},
	Hashtags:   []string{"#Sample"},
}

// New returns a Composer for X (see NewFor) that fits posts within limit
// weighted characters: NewFor(XLimit(limit), tmpl, hashtags).
func New(tmpl string, limit int, hashtags map[string]string) (*Composer, error) {
	return NewFor(XLimit(limit), tmpl, hashtags)
}

// NewFor returns a Composer for the template tmpl (DefaultTemplate when
// empty), which fits posts to the network's rule and derives hashtags
// from categories with hashtags (category → "#Tag", categories matched
// without regard to case). The template is checked by rendering sample
// fields, full and empty: it must run, show {{.URL}} exactly once and leave
// room for more than the link. Optional parts belong inside {{with}} or
// {{if}}, so that their separators go when a field is empty or dropped; a
// separator such as " —" left at the end of a line is tidied away anyway.
func NewFor(rule Rule, tmpl string, hashtags map[string]string) (*Composer, error) {
	if err := rule.valid(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(tmpl) == "" {
		tmpl = DefaultTemplate
	}
	t, err := template.New("post").Funcs(templateFuncs).Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("compose: bad template: %w", err)
	}
	c := &Composer{tmpl: t, rule: rule, hashtags: make(map[string]string, len(hashtags))}
	for cat, tag := range hashtags {
		key := categoryKey(cat)
		if key == "" {
			return nil, fmt.Errorf("compose: hashtag %q has an empty category", tag)
		}
		if err := checkHashtag(tag); err != nil {
			return nil, fmt.Errorf("compose: category %q: %w", cat, err)
		}
		if prev, ok := c.hashtags[key]; ok && prev != tag {
			return nil, fmt.Errorf("compose: category %q has two hashtags, %s and %s", cat, prev, tag)
		}
		c.hashtags[key] = tag
	}

	out, err := c.render(sampleFields)
	if err != nil {
		return nil, fmt.Errorf("compose: bad template: %w", err)
	}
	if n := strings.Count(out, sampleFields.URL); n != 1 {
		return nil, fmt.Errorf("compose: bad template: it must show {{.URL}} exactly once, not %d times", n)
	}
	bare, err := c.render(Fields{URL: sampleFields.URL})
	if err != nil {
		return nil, fmt.Errorf("compose: bad template: with empty fields: %w", err)
	}
	if n := rule.Length(bare); n >= rule.limit || !rule.Fits(bare) {
		return nil, fmt.Errorf("compose: template leaves no room: its fixed text and the link count %d of the limit %d", n, rule.limit)
	}
	return c, nil
}

// Rule is the network's rule posts are fitted to; its Length and Limit are
// what a preview shows.
func (c *Composer) Rule() Rule { return c.rule }

// Article writes the post for an article: every field a template can show
// comes from it the same way wherever herald writes a post.
func (c *Composer) Article(a *news.Article) (string, error) {
	return c.Compose(Fields{Title: a.Title, Summary: a.Summary, URL: a.URL, Author: a.Author,
		Categories: a.Categories, Feed: a.FeedTitle})
}

// Compose renders f and fits it within the limit, shortening in this order
// until it fits: hashtags are dropped, last first; the summary is cut after
// its last whole sentence that fits, else after a word with "…" (keeping at
// least minSummaryWeight), else dropped; the title is cut after a word with
// "…" (after any character in scripts written without spaces, such as
// Chinese and Japanese), else dropped. The result is valid UTF-8 with tidy
// white space, contains f.URL exactly as given and never exceeds the limit.
// When not even the link fits, Compose returns an error wrapping
// ErrTooLong; a link with white space or invalid UTF-8, or a hashtag in
// f.Hashtags that X would not link, is an error too.
func (c *Composer) Compose(f Fields) (string, error) {
	f, err := c.prepare(f)
	if err != nil {
		return "", err
	}
	fit := func(f Fields) (string, bool, error) {
		out, err := c.render(f)
		if err != nil {
			return "", false, fmt.Errorf("compose: template: %w", err)
		}
		return out, c.rule.Fits(out), nil
	}
	// longest renders f with the longest fitting of the cuts that at
	// yields, shortest first, put in place by set.
	longest := func(at func(i int) (string, bool), set func(g *Fields, cut string)) (string, bool, error) {
		return longestFittingForward(func(i int) (string, bool, bool, error) {
			cut, ok := at(i)
			if !ok {
				return "", false, false, nil
			}
			g := f
			set(&g, cut)
			out, fits, err := fit(g)
			return out, fits, true, err
		})
	}
	setSummary := func(g *Fields, cut string) { g.Summary = cut }
	setTitle := func(g *Fields, cut string) { g.Title = cut }

	// A title and summary that overflow the limit by themselves cannot fit
	// whole, with or without hashtags: skip rendering them whole, which
	// for a long summary is most of the work. (No text without a link
	// counts more than its length in bytes, so short ones need no weighing.)
	if len(f.Title)+len(f.Summary) <= c.rule.limit ||
		c.rule.Length(f.Title)+c.rule.Length(f.Summary) <= c.rule.limit {
		if out, ok, err := fit(f); err != nil || ok {
			return out, err
		}
		for len(f.Hashtags) > 0 {
			f.Hashtags = f.Hashtags[:len(f.Hashtags)-1]
			if out, ok, err := fit(f); err != nil || ok {
				return out, err
			}
		}
	}
	f.Hashtags = nil

	if summary := f.Summary; summary != "" {
		ends := sentenceEnds(summary)
		ends = ends[:len(ends)-1] // the last is the whole summary
		out, ok, err := longest(func(i int) (string, bool) {
			if i < len(ends) {
				return summary[:ends[i]], true
			}
			return "", false
		}, setSummary)
		if err != nil || ok {
			return out, err
		}
		words := newCutter(summary)
		min := words.firstWeighing(c.rule.Length, minSummaryWeight)
		out, ok, err = longest(func(i int) (string, bool) {
			cut, ok := words.at(min + i)
			return withEllipsis(cut), ok
		}, setSummary)
		if err != nil || ok {
			return out, err
		}
		f.Summary = ""
		if out, ok, err := fit(f); err != nil || ok {
			return out, err
		}
	}

	if f.Title != "" {
		words := newCutter(f.Title)
		out, ok, err := longest(func(i int) (string, bool) {
			cut, ok := words.at(i)
			return withEllipsis(cut), ok
		}, setTitle)
		if err != nil || ok {
			return out, err
		}
		f.Title = ""
		if out, ok, err := fit(f); err != nil || ok {
			return out, err
		}
	}

	out, err := c.render(f)
	if err != nil {
		return "", fmt.Errorf("compose: template: %w", err)
	}
	return "", fmt.Errorf("%w: the link and the template's fixed text alone count %d of %d", ErrTooLong, c.rule.Length(out), c.rule.limit)
}

// prepare cleans the text fields and settles the hashtags.
func (c *Composer) prepare(f Fields) (Fields, error) {
	if !utf8.ValidString(f.URL) {
		return f, errors.New("compose: the link is not valid UTF-8")
	}
	if strings.ContainsFunc(f.URL, unicode.IsSpace) {
		return f, fmt.Errorf("compose: the link %q contains white space", f.URL)
	}
	f.Title = cleanText(f.Title)
	f.Summary = cleanText(f.Summary)
	f.Feed = cleanText(f.Feed)
	f.Author = cleanText(f.Author)

	var tags []string
	if len(f.Hashtags) > 0 {
		for _, t := range f.Hashtags {
			t = cleanText(t)
			if t == "" {
				continue
			}
			if !strings.HasPrefix(t, "#") {
				t = "#" + t
			}
			if err := checkHashtag(t); err != nil {
				return f, fmt.Errorf("compose: %w", err)
			}
			tags = append(tags, t)
		}
	} else {
		for _, cat := range f.Categories {
			if tag, ok := c.hashtags[categoryKey(cat)]; ok {
				tags = append(tags, tag)
			}
		}
	}
	f.Hashtags = dedupeFold(tags)
	return f, nil
}

// render executes the template and tidies the result.
func (c *Composer) render(f Fields) (string, error) {
	var b strings.Builder
	if err := c.tmpl.Execute(&b, f); err != nil {
		return "", err
	}
	return tidy(b.String()), nil
}

// longestFittingForward finds the longest fitting candidate among candidates
// ordered from the shortest, the way a long summary is cut: it probes 0, 1,
// 3, 7, … until a candidate does not fit or runs out, then bisects, so the
// work grows with the length of what fits, not of what is cut away. The
// weighted length of a cut grows with the cut, so the search is exact except
// where a cut falls inside a link, which the final check still covers.
func longestFittingForward(try func(i int) (out string, fits, exists bool, err error)) (string, bool, error) {
	out, fits, exists, err := try(0)
	if err != nil || !exists || !fits {
		return "", false, err
	}
	good, bad := 0, -1 // bad < 0: no upper bound yet
	for step := 1; bad < 0; step *= 2 {
		i := good + step
		o, f, e, err := try(i)
		if err != nil {
			return "", false, err
		}
		if e && f {
			good, out = i, o
			continue
		}
		bad = i
	}
	for bad-good > 1 {
		mid := good + (bad-good)/2
		o, f, e, err := try(mid)
		if err != nil {
			return "", false, err
		}
		if e && f {
			good, out = mid, o
		} else {
			bad = mid
		}
	}
	return out, true, nil
}

// cleanText makes a field safe and tidy to post: valid UTF-8, NFC, no
// control or invalid characters, white space folded to single spaces. No-break
// spaces are kept as they are: they must not become places to cut.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case isBreakingSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), r == '\uFEFF', r == '\uFFFE', r == '\uFFFF':
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimFunc(norm.NFC.String(b.String()), unicode.IsSpace)
}

// isBreakingSpace is white space where a line may break: not the no-break
// spaces U+00A0, U+2007, U+202F.
func isBreakingSpace(r rune) bool {
	return unicode.IsSpace(r) && r != '\u00A0' && r != '\u2007' && r != '\u202F'
}

// tidy folds the white space a template leaves when a field is empty: spaces
// at the ends of lines, runs of spaces, more than one blank line, a dangling
// separator such as " —" at the end of a line, and space at either end.
func tidy(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	blank := false
	for rest := s; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line = foldSpaces(line)
		for {
			trimmed := line
			for _, sep := range danglingAtLineEnd {
				trimmed = strings.TrimSuffix(trimmed, sep)
			}
			if trimmed == line {
				break
			}
			line = strings.TrimRight(trimmed, " ")
		}
		if line == "" {
			blank = true
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(line)
	}
	return b.String()
}

// danglingAtLineEnd are separators that mean nothing at the end of a line.
var danglingAtLineEnd = []string{" —", " –", " -", " |", " ·", " •", " :"}

// foldSpaces trims a line and folds its runs of spaces and tabs to one space.
func foldSpaces(line string) string {
	line = strings.Trim(line, " \t\r")
	if !strings.Contains(line, "  ") && !strings.ContainsAny(line, "\t\r") {
		return line
	}
	var b strings.Builder
	b.Grow(len(line))
	space := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == ' ' || c == '\t' || c == '\r' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}
