package news

import "testing"

func TestCleanURLAndKey(t *testing.T) {
	for _, tc := range []struct{ in, clean, key string }{
		{"HTTPS://WWW.Example.ORG:443/a/?utm_source=rss&id=2#top", "https://www.example.org/a/?id=2", "example.org/a?id=2"},
		{"https://example.org/search? a b", "https://example.org/search?%20a%20b", "example.org/search?+a+b="},
		{"https://example.org/x?q=<b>", "https://example.org/x?q=%3Cb%3E", "example.org/x?q=%3Cb%3E"},
		{"https://example.org/a b/", "https://example.org/a%20b/", "example.org/a%20b"},
	} {
		clean, err := CleanURL(tc.in)
		if err != nil || clean != tc.clean {
			t.Errorf("CleanURL(%q) = %q, %v; want %q", tc.in, clean, err, tc.clean)
		}
		key, err := URLKey(tc.in)
		if err != nil || key != tc.key {
			t.Errorf("URLKey(%q) = %q, %v; want %q", tc.in, key, err, tc.key)
		}
	}
}
