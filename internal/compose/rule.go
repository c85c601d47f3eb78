package compose

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/heraldhq/herald/internal/xtext"
)

// Networks whose rules compose knows.
const (
	NetworkX        = "x"
	NetworkBluesky  = "bluesky"
	NetworkMastodon = "mastodon"
)

// Bluesky's limits on a post's text (app.bsky.feed.post: maxGraphemes and
// maxLength, the latter in UTF-8 bytes).
const (
	BlueskyMaxGraphemes = 300
	BlueskyMaxBytes     = 3000
)

// Mastodon's defaults, for a server whose /api/v2/instance does not say.
const (
	MastodonDefaultMaxCharacters = 500
	MastodonDefaultURLCharacters = 23
)

// Rule is how one network measures a post and how much it takes. The zero
// Rule is not usable; make one with X, XLimit, Bluesky or Mastodon.
type Rule struct {
	network  string
	limit    int
	maxBytes int // 0: no byte limit
	urlChars int // Mastodon: what each link counts
	length   func(r Rule, text string) int
}

// X is X's rule: twitter-text v3 weighted length (links 23, emoji and CJK
// 2), at most 280.
func X() Rule { return XLimit(xtext.MaxWeightedLength) }

// XLimit is X's way of counting with another limit, for tests and for
// accounts with longer posts.
func XLimit(limit int) Rule {
	return Rule{network: NetworkX, limit: limit, length: func(_ Rule, s string) int { return xtext.WeightedLength(s) }}
}

// Bluesky is Bluesky's rule: at most 300 grapheme clusters and 3,000 UTF-8
// bytes. A link counts in full, as it is shown.
func Bluesky() Rule {
	return Rule{network: NetworkBluesky, limit: BlueskyMaxGraphemes, maxBytes: BlueskyMaxBytes,
		length: func(_ Rule, s string) int { return uniseg.GraphemeClusterCount(s) }}
}

// Mastodon is a Mastodon server's rule, from its /api/v2/instance
// (configuration.statuses.max_characters and characters_reserved_per_url):
// characters are Unicode code points and every http(s) link counts
// urlChars whatever its length. Zero or negative values mean Mastodon's
// defaults, 500 and 23.
//
// Mastodon's server counts grapheme clusters where its web composer counts
// code points; a text has never fewer code points than clusters, so a post
// that fits this rule fits both.
func Mastodon(maxChars, urlChars int) Rule {
	if maxChars <= 0 {
		maxChars = MastodonDefaultMaxCharacters
	}
	if urlChars <= 0 {
		urlChars = MastodonDefaultURLCharacters
	}
	return Rule{network: NetworkMastodon, limit: maxChars, urlChars: urlChars, length: mastodonLength}
}

func mastodonLength(r Rule, s string) int {
	n := utf8.RuneCountInString(s)
	for _, l := range xtext.Links(s) {
		if hasScheme(l.URL) {
			n += r.urlChars - (l.End - l.Start)
		}
	}
	return n
}

// hasScheme reports a link written with its http:// or https://, the only
// kind Mastodon shortens (it does not count bare domains as links).
func hasScheme(link string) bool {
	for _, p := range []string{"http://", "https://"} {
		if len(link) >= len(p) && strings.EqualFold(link[:len(p)], p) {
			return true
		}
	}
	return false
}

// Network names the network the rule is for: NetworkX, NetworkBluesky or
// NetworkMastodon.
func (r Rule) Network() string { return r.network }

// Limit is the most Length may count.
func (r Rule) Limit() int { return r.limit }

// MaxBytes is the most UTF-8 bytes a post may have, 0 when only Length
// limits it.
func (r Rule) MaxBytes() int { return r.maxBytes }

// Length counts text as the network does: X's weighted length, Bluesky's
// grapheme clusters, Mastodon's characters.
func (r Rule) Length(text string) int { return r.length(r, text) }

// Fits reports whether the network takes text as long as it is.
func (r Rule) Fits(text string) bool {
	if r.maxBytes > 0 && len(text) > r.maxBytes {
		return false
	}
	return r.Length(text) <= r.limit
}

func (r Rule) String() string {
	if r.maxBytes > 0 {
		return fmt.Sprintf("%s (%d, %d bytes)", r.network, r.limit, r.maxBytes)
	}
	return fmt.Sprintf("%s (%d)", r.network, r.limit)
}

func (r Rule) valid() error {
	if r.length == nil {
		return fmt.Errorf("compose: no rule: use compose.X, compose.Bluesky or compose.Mastodon")
	}
	if r.limit <= 0 {
		return fmt.Errorf("compose: limit %d: must be positive", r.limit)
	}
	return nil
}
