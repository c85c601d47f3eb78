package ingest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/source/feed"
	"github.com/heraldhq/herald/internal/xtext"
)

// corpusFeed is one feed of testdata/corpus and the URL it was fetched from.
type corpusFeed struct {
	file, url   string
	postOffsite bool
}

// readCorpus reads testdata/corpus/feeds.txt: the feeds, and the pages served for
// articles whose feed entry says too little.
func readCorpus(t testing.TB) ([]corpusFeed, pages) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "corpus", "feeds.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var feeds []corpusFeed
	served := pages{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) < 3 {
			t.Fatalf("feeds.txt: bad line %q", sc.Text())
		}
		switch fields[0] {
		case "feed":
			cf := corpusFeed{file: fields[1], url: fields[2]}
			for _, opt := range fields[3:] {
				cf.postOffsite = cf.postOffsite || opt == "offsite=post"
			}
			feeds = append(feeds, cf)
		case "page":
			served[fields[1]] = filepath.Join("corpus", fields[2])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return feeds, served
}

// corpusExclude is the HERALD_EXCLUDE the corpus is read with.
var corpusExclude = regexp.MustCompile(`(?i)^(horoscope|horóscopo)\b`)

// TestCorpusPosts runs the corpus — feeds in the shapes and languages herald meets
// (FeedBurner RSS and Atom, Media RSS groups, JSON Feed, ad networks' and sponsored items,
// datelines, bylines and notes in ten languages, deks without a full stop) — through the
// whole writing path, and compares every post, with its state and the reason for it, with
// testdata/corpus/posts.golden. Each post there was read by an editor's eye: run go test
// -update to rewrite it, and read the difference before committing it.
func TestCorpusPosts(t *testing.T) {
	feeds, served := readCorpus(t)
	var got strings.Builder
	for _, cf := range feeds {
		in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Pages: served,
			Targets: []Target{{Name: "x", Compose: xWriter(t)}}, Exclude: corpusExclude, PostOffsite: cf.postOffsite}
		st := setup(t, in)
		in.Intake.MaxAge = 1 << 62
		body, err := os.ReadFile(filepath.Join("testdata", "corpus", cf.file))
		if err != nil {
			t.Fatal(err)
		}
		p, err := feed.Parse(body, "", cf.url)
		if err != nil {
			t.Fatalf("%s: %v", cf.file, err)
		}
		f, _ := st.EnsureFeed(context.Background(), cf.url)
		if err := in.HandleFeed(context.Background(), f, p); err != nil {
			t.Fatal(err)
		}
		ps := posts(t, st)
		if len(ps) != len(p.Items) {
			t.Errorf("%s: %d items, %d posts", cf.file, len(p.Items), len(ps))
		}
		for _, post := range ps {
			res := xtext.Parse(post.Text)
			if !res.Valid {
				t.Errorf("%s: post is not valid for X (%d): %q", cf.file, res.WeightedLength, post.Text)
			}
			if strings.Contains(post.Text, "feedproxy.google.com") || strings.Contains(post.Text, "feeds.feedburner.com") {
				t.Errorf("%s: post links to a FeedBurner redirect: %q", cf.file, post.Text)
			}
			head := fmt.Sprintf("== %s · %s", cf.file, post.Status)
			if post.LastError != "" {
				head += " · " + post.LastError
			}
			fmt.Fprintf(&got, "%s · %d/280\n%s\n\n", head, res.WeightedLength, post.Text)
		}
	}
	golden := filepath.Join("testdata", "corpus", "posts.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got.String() != string(want) {
		t.Errorf("posts differ from %s:\n--- got\n%s\n--- want\n%s", golden, got.String(), want)
	}
}

// A FeedBurner copy of a site's feed posts nothing the site's own feed posted: both key
// on the article's own address.
func TestFeedBurnerCopyIsNotPostedTwice(t *testing.T) {
	in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Intake: outbox.Intake{MaxAge: 1 << 62}}
	st := setup(t, in)
	in.Intake.MaxAge = 1 << 62
	ctx := context.Background()
	own := `<?xml version="1.0"?><rss version="2.0"><channel><title>The Harbour Herald</title><link>https://www.harbourherald.example/</link>
<item><title>Council votes to close the Old Harbour bridge to trucks</title>
<link>https://www.harbourherald.example/2026/11/01/council-votes-to-close-old-harbour-bridge/?utm_source=rss</link>
<guid isPermaLink="false">own-48211</guid><description>The city council voted on Sunday to close the bridge to trucks.</description></item>
</channel></rss>`
	p, err := feed.Parse([]byte(own), "", "https://www.harbourherald.example/feed/")
	if err != nil {
		t.Fatal(err)
	}
	f1, _ := st.EnsureFeed(ctx, "https://www.harbourherald.example/feed/")
	if err := in.HandleFeed(ctx, f1, p); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("testdata", "corpus", "en-feedburner.xml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err = feed.Parse(body, "", "http://feeds.feedburner.com/harbourherald")
	if err != nil {
		t.Fatal(err)
	}
	in.Pages = pages{"http://feedproxy.google.com/~r/harbourherald/~3/SGFyYm91cg/": "corpus/pages/harbour-master.html"}
	f2, _ := st.EnsureFeed(ctx, "http://feeds.feedburner.com/harbourherald")
	if err := in.HandleFeed(ctx, f2, p); err != nil {
		t.Fatal(err)
	}
	ps := posts(t, st)
	bridge := 0
	for _, post := range ps {
		if strings.Contains(post.Text, "council-votes-to-close-old-harbour-bridge") {
			bridge++
		}
	}
	if bridge != 1 || len(ps) != 4 {
		t.Errorf("%d posts of the bridge story (want 1), %d posts in all (want 4)", bridge, len(ps))
	}
	for _, post := range ps {
		if post.Status != news.StatusQueued {
			t.Errorf("post %d is %s: %s", post.ID, post.Status, post.LastError)
		}
	}
}

// BenchmarkWriteCorpus is BenchmarkWrite over the corpus: every language and shape, from a
// feed's entry to the post's text and its state, without the pages.
func BenchmarkWriteCorpus(b *testing.B) {
	feeds, _ := readCorpus(b)
	type parsed struct {
		p   *feed.Parsed
		own site
	}
	var all []parsed
	for _, cf := range feeds {
		body, err := os.ReadFile(filepath.Join("testdata", "corpus", cf.file))
		if err != nil {
			b.Fatal(err)
		}
		p, err := feed.Parse(body, "", cf.url)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, parsed{p, siteOf(cf.url, p)})
	}
	in := &Ingester{Targets: []Target{{Name: "x", Compose: xWriter(b)}}, Exclude: corpusExclude}
	f := &storeFeed
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, fp := range all {
			for _, it := range fp.p.Items {
				a, err := in.article(f, it, now)
				if err != nil {
					b.Fatal(err)
				}
				in.summarize(context.Background(), f, a, it)
				if _, err := in.Compose(a, "x"); err != nil {
					b.Fatal(err)
				}
				verdict(in, a, it, fp.own, now)
				n++
			}
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
}
