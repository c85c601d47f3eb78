package ingest

import (
	"regexp"
	"slices"
	"strings"

	"github.com/heraldhq/herald/internal/news"
)

// Route is which articles a destination takes: from one of Feeds, in one
// of Categories, in one of Languages. An empty list takes every article.
type Route struct {
	// Feeds are feed URLs, matched as URL keys (scheme, "www." and a
	// trailing slash aside).
	Feeds []string
	// Categories match without regard to case.
	Categories []string
	// Languages are BCP 47 tags; "en" takes "en", "en-US" and "en-GB",
	// "pt-BR" takes "pt-BR" alone. An article whose language is unknown
	// goes to no destination that lists languages.
	Languages []string
	// Include and Exclude, when set, match an article's title, a category
	// or its URL: only articles Include matches are taken, and none that
	// Exclude matches.
	Include, Exclude *regexp.Regexp
}

// Accepts reports whether the route takes a.
func (r Route) Accepts(a *news.Article) bool {
	return r.feed(a.FeedURL) && r.category(a.Categories) && r.language(a.Lang) &&
		(r.Include == nil || matches(r.Include, a)) && (r.Exclude == nil || !matches(r.Exclude, a))
}

// matches reports whether re matches the article's title, a category or
// its URL.
func matches(re *regexp.Regexp, a *news.Article) bool {
	return re.MatchString(a.Title) || slices.ContainsFunc(a.Categories, re.MatchString) || re.MatchString(a.URL)
}

func (r Route) feed(feedURL string) bool {
	if len(r.Feeds) == 0 {
		return true
	}
	if feedURL == "" {
		return false
	}
	key, err := news.URLKey(feedURL)
	for _, f := range r.Feeds {
		if f == feedURL {
			return true
		}
		if k, err2 := news.URLKey(f); err == nil && err2 == nil && k == key {
			return true
		}
	}
	return false
}

func (r Route) category(cats []string) bool {
	if len(r.Categories) == 0 {
		return true
	}
	for _, c := range cats {
		for _, want := range r.Categories {
			if strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(want)) {
				return true
			}
		}
	}
	return false
}

func (r Route) language(lang string) bool {
	if len(r.Languages) == 0 {
		return true
	}
	for _, want := range r.Languages {
		if len(lang) >= len(want) && strings.EqualFold(lang[:len(want)], want) &&
			(len(lang) == len(want) || lang[len(want)] == '-') {
			return true
		}
	}
	return false
}
