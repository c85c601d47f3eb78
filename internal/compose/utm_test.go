package compose

import (
	"testing"

	"github.com/heraldhq/herald/internal/news"
)

func TestWithUTM(t *testing.T) {
	for _, tc := range []struct{ link, utm, want string }{
		{"https://news.example/a/", "utm_source=x&utm_medium=social", "https://news.example/a/?utm_source=x&utm_medium=social"},
		{"https://news.example/a/?id=7", "utm_source=bsky", "https://news.example/a/?id=7&utm_source=bsky"},
		{"https://news.example/a/?utm_source=rss&id=7", "utm_source=mastodon", "https://news.example/a/?id=7&utm_source=mastodon"},
		{"https://news.example/a/", "", "https://news.example/a/"},
		{"https://news.example/a/", "utm_campaign=a b", "https://news.example/a/?utm_campaign=a+b"},
	} {
		got := WithUTM(tc.link, tc.utm)
		if got != tc.want {
			t.Errorf("WithUTM(%q, %q) = %q, want %q", tc.link, tc.utm, got, tc.want)
		}
		// The article's key, which deduplicates, is the same with them.
		k1, _ := news.URLKey(tc.link)
		k2, _ := news.URLKey(got)
		if k1 != k2 {
			t.Errorf("%q: the key changed from %q to %q", tc.link, k1, k2)
		}
	}
}
