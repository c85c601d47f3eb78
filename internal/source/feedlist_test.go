package source

import (
	"strings"
	"testing"
)

func TestReadFeedList(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		err      string
	}{
		{"lines", "# our feeds\nhttps://a.example/feed\n\n  https://b.example/rss  # sport\nhttps://a.example/feed\n",
			[]string{"https://a.example/feed", "https://b.example/rss"}, ""},
		{"fragment kept", "https://a.example/feed#top\n", []string{"https://a.example/feed#top"}, ""},
		{"bad line", "https://a.example/feed\nnot a url\n", nil, `line 2: "not a url" is not an http(s) URL`},
		{"opml", `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline text="News"><outline type="rss" text="A" xmlUrl="https://a.example/feed"/>
<outline type="rss" text="B" xmlUrl="https://b.example/atom.xml"/></outline></body></opml>`,
			[]string{"https://a.example/feed", "https://b.example/atom.xml"}, ""},
		{"not opml", `<html><body></body></html>`, nil, "neither a list of URLs nor OPML"},
		{"broken opml", `<opml><body><outline xmlUrl="https://a.example/feed">`, nil, "OPML:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadFeedList(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
