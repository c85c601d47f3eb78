package outbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/compose"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// three are the destinations of the tests below: an X account, a Bluesky
// account and a Mastodon account, with their networks' rules.
func three() (x, bsky, masto *script, rules map[string]Destination) {
	x, bsky, masto = &script{name: "x"}, &script{name: "bluesky"}, &script{name: "mastodon"}
	rules = map[string]Destination{
		"x":        {Network: "x", Text: compose.X()},
		"bluesky":  {Network: "bluesky", Text: compose.Bluesky()},
		"mastodon": {Network: "mastodon", Text: compose.Mastodon(500, 23)},
	}
	return
}

func TestCreateForEveryDestination(t *testing.T) {
	x, bsky, masto, rules := three()
	read := &articles{}
	d, st, _ := setup(t, Options{MaxAge: 24 * time.Hour, Destinations: rules, Articles: read}, x, bsky, masto)
	ctx := context.Background()

	posts, err := d.Create(ctx, "ana", Draft{URL: "https://news.example.org/a/"})
	if err != nil || len(posts) != 3 || read.reads != 1 {
		t.Fatalf("from a URL: %d posts, %d reads, %v", len(posts), read.reads, err)
	}
	for _, p := range posts {
		if want := "A (for " + p.Destination + ") https://news.example.org/a/"; p.Text != want || p.ArticleID == 0 {
			t.Errorf("post for %s: %q, want its own text %q", p.Destination, p.Text, want)
		}
	}
	d.Step(ctx)
	for _, s := range []*script{x, bsky, masto} {
		if len(s.sent) != 1 {
			t.Errorf("%s got %d posts", s.name, len(s.sent))
		}
	}

	// Once posted everywhere, the article is a conflict; named, so is one
	// destination that has it, and nothing is made for the others.
	if _, err := d.Create(ctx, "ana", Draft{URL: "https://news.example.org/a/"}); !errors.Is(err, news.ErrConflict) {
		t.Errorf("posted everywhere: %v, want a conflict", err)
	}
	b, err := d.Create(ctx, "ana", Draft{URL: "https://news.example.org/b/", Destinations: []string{"x"}})
	if err != nil || len(b) != 1 || b[0].Destination != "x" {
		t.Fatalf("to x alone: %+v %v", b, err)
	}
	_, err = d.Create(ctx, "ana", Draft{URL: "https://news.example.org/b/", Destinations: []string{"bluesky", "x"}})
	if r, ok := news.Refusal(err); !ok || !errors.Is(err, news.ErrConflict) || r.Message != "herald has already posted or queued this article for x" {
		t.Errorf("naming a destination that has it: %v", err)
	}
	if got, _ := st.Posts(ctx, store.PostFilter{ArticleID: b[0].ArticleID}); len(got) != 1 {
		t.Errorf("a refused create made posts: %+v", got)
	}
	// Unnamed, the destinations that lack it get it.
	rest, err := d.Create(ctx, "ana", Draft{URL: "https://news.example.org/b/"})
	if err != nil || len(rest) != 2 || rest[0].Destination != "bluesky" || rest[1].Destination != "mastodon" {
		t.Errorf("to the rest: %+v %v", rest, err)
	}

	// An editor's own text is held to each destination's rule, and a
	// refusal names the destination; nothing is made.
	long := strings.Repeat("word ", 61) + "https://news.example.org/c/" // 332 characters, 305 as X counts
	_, err = d.Create(ctx, "ana", Draft{URL: "https://news.example.org/c/", Text: long})
	if r, ok := news.Refusal(err); !ok || r.Message != "for x: the text is 328 characters as X counts them; the limit is 280: shorten it by 48" {
		t.Errorf("too long for X: %v", err)
	}
	_, err = d.Create(ctx, "ana", Draft{URL: "https://news.example.org/c/", Text: long, Destinations: []string{"bluesky", "mastodon"}})
	if r, ok := news.Refusal(err); !ok || r.Message != "for bluesky: the text is 332 characters as Bluesky counts them; the limit is 300: shorten it by 32" {
		t.Errorf("too long for Bluesky: %v", err)
	}
	m, err := d.Create(ctx, "ana", Draft{URL: "https://news.example.org/c/", Text: long, Destinations: []string{"mastodon"}})
	if err != nil || len(m) != 1 || m[0].Text != long {
		t.Errorf("fits Mastodon: %+v %v", m, err)
	}
	// Texts for single destinations replace the common one.
	own, err := d.Create(ctx, "ana", Draft{Text: "for all", Texts: map[string]string{"bluesky": "for Bluesky"}})
	if err != nil || len(own) != 3 || own[1].Text != "for Bluesky" || own[0].Text != "for all" {
		t.Errorf("own texts: %+v %v", own, err)
	}
	if _, err := d.Create(ctx, "ana", Draft{Text: "x", Texts: map[string]string{"bluesky": "b"}, Destinations: []string{"x"}}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a text for a destination not posted to: %v", err)
	}
}

func TestCreateFollowsRouting(t *testing.T) {
	x, bsky, masto, rules := three()
	read := &articles{accept: func(a *news.Article, dest string) bool { return dest != "mastodon" }}
	d, _, _ := setup(t, Options{MaxAge: 24 * time.Hour, Destinations: rules, Articles: read}, x, bsky, masto)
	ctx := context.Background()
	posts, err := d.Create(ctx, "ana", Draft{URL: "https://news.example.org/a/"})
	if err != nil || len(posts) != 2 || posts[0].Destination != "x" || posts[1].Destination != "bluesky" {
		t.Fatalf("unnamed: %+v %v", posts, err)
	}
	// Named, a destination gets it whatever its routing.
	posts, err = d.Create(ctx, "ana", Draft{URL: "https://news.example.org/a/", Destinations: []string{"mastodon"}})
	if err != nil || len(posts) != 1 {
		t.Fatalf("named: %+v %v", posts, err)
	}
	// A free text goes everywhere.
	if posts, err = d.Create(ctx, "ana", Draft{Text: "Roads close at six"}); err != nil || len(posts) != 3 {
		t.Fatalf("free text: %+v %v", posts, err)
	}
	read.accept = func(*news.Article, string) bool { return false }
	if _, err := d.Create(ctx, "ana", Draft{URL: "https://news.example.org/z/"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("an article no destination takes: %v", err)
	}
}

func TestWriteMeasuresEachDestination(t *testing.T) {
	x, bsky, masto, rules := three()
	d, _, _ := setup(t, Options{Destinations: rules, Articles: &articles{}}, x, bsky, masto)
	text := strings.Repeat("é", 290) + " https://news.example.org/a-rather-long-address-for-an-article/"
	_, ws, err := d.Write(context.Background(), Draft{Text: text})
	if err != nil || len(ws) != 3 {
		t.Fatalf("%+v %v", ws, err)
	}
	want := map[string]Written{
		"x":        {Network: "x", Length: 314, Limit: 280, Valid: false},
		"bluesky":  {Network: "bluesky", Length: 353, Limit: 300, Valid: false},
		"mastodon": {Network: "mastodon", Length: 314, Limit: 500, Valid: true},
	}
	for _, w := range ws {
		wn := want[w.Destination]
		if w.Network != wn.Network || w.Length != wn.Length || w.Limit != wn.Limit || w.Valid != wn.Valid || w.Text != text ||
			(w.Valid != (w.Problem == "")) {
			t.Errorf("%s: %+v, want %+v", w.Destination, w, wn)
		}
	}
}

func TestEditHeldToItsNetwork(t *testing.T) {
	x, bsky, masto, rules := three()
	d, st, _ := setup(t, Options{Destinations: rules}, x, bsky, masto)
	ctx := context.Background()
	p := queue(t, st, "bluesky", "short", t0)
	long := strings.Repeat("a", 301)
	if _, err := d.Edit(ctx, p.ID, "ana", Change{Text: &long}); err == nil ||
		err.Error() != "the text is 301 characters as Bluesky counts them; the limit is 300: shorten it by 1" {
		t.Errorf("a Bluesky post over 300: %v", err)
	}
	m := queue(t, st, "mastodon", "short", t0)
	if _, err := d.Edit(ctx, m.ID, "ana", Change{Text: &long}); err != nil {
		t.Errorf("a Mastodon post of 301: %v", err)
	}
}

// Each destination keeps its own spacing, cap and quiet hours: x's
// spacing holds x alone.
func TestRulesPerDestination(t *testing.T) {
	x, bsky, masto, rules := three()
	r := rules["x"]
	r.MinInterval = time.Hour
	rules["x"] = r
	r = rules["mastodon"]
	r.DailyCap = 1
	rules["mastodon"] = r
	d, st, _ := setup(t, Options{MaxAge: 24 * time.Hour, Destinations: rules}, x, bsky, masto)
	for i := range 3 {
		for _, dest := range []string{"x", "bluesky", "mastodon"} {
			queue(t, st, dest, fmt.Sprint(dest, " ", i), t0)
		}
	}
	ctx := context.Background()
	d.Step(ctx)
	if len(x.sent) != 1 || len(bsky.sent) != 3 || len(masto.sent) != 1 {
		t.Errorf("sent x %d, bluesky %d, mastodon %d; want 1, 3, 1", len(x.sent), len(bsky.sent), len(masto.sent))
	}
	ds, err := d.Status(ctx)
	if err != nil || len(ds) != 3 || ds[0].MinInterval != time.Hour || ds[2].DailyCap != 1 || ds[2].PostsLeftToday != 0 ||
		ds[1].PostsLeftToday != -1 || ds[1].Network != "bluesky" {
		t.Errorf("status: %+v %v", ds, err)
	}
	// The rules change when the destinations file is read again.
	r.DailyCap = 0
	rules["mastodon"] = r
	d.SetDestinations(rules)
	d.Step(ctx)
	if len(masto.sent) != 3 {
		t.Errorf("after the cap was lifted, mastodon got %d", len(masto.sent))
	}
}

// blocking is a publisher whose calls wait until released.
type blocking struct {
	script
	release chan struct{}
}

func (b *blocking) Publish(ctx context.Context, m news.Message) (news.Published, error) {
	select {
	case <-b.release:
	case <-ctx.Done():
		return news.Published{}, &news.PublishError{Kind: news.Transient, Reason: "timed out"}
	}
	return b.script.Publish(ctx, m)
}

// A destination whose network is slow to answer holds up no other.
func TestSlowDestinationHoldsUpNoOther(t *testing.T) {
	x, bsky, _, rules := three()
	slow := &blocking{script: script{name: "mastodon"}, release: make(chan struct{})}
	d, st, c := setup(t, Options{MaxAge: 24 * time.Hour, Destinations: rules}, x, bsky)
	slow.clock = c
	d = New(st, []Publisher{x, bsky, slow}, d.o)
	queue(t, st, "mastodon", "slow one", t0)
	for i := range 3 {
		queue(t, st, "x", fmt.Sprint("x ", i), t0)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		x.mu.Lock()
		n := len(x.sent)
		x.mu.Unlock()
		if n == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("x sent %d while mastodon hung", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	queue(t, st, "bluesky", "after", t0)
	d.Kick()
	for deadline = time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		bsky.mu.Lock()
		n := len(bsky.sent)
		bsky.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a post queued later for bluesky waited for mastodon")
		}
	}
	close(slow.release)
	cancel()
	<-done
	if got, _ := st.Posts(context.Background(), store.PostFilter{Destination: "mastodon"}); got[0].Status != news.StatusPublished {
		t.Errorf("the slow post: %s", got[0].Status)
	}
}

func TestLinkIn(t *testing.T) {
	key, _ := news.URLKey("https://news.example.org/2026/11/clinic/")
	for text, want := range map[string]string{
		"Clinic opens\n\nhttps://news.example.org/2026/11/clinic/":                                  "https://news.example.org/2026/11/clinic/",
		"Clinic https://news.example.org/2026/11/clinic/?utm_source=bsky&utm_medium=social #Health": "https://news.example.org/2026/11/clinic/?utm_source=bsky&utm_medium=social",
		"Clinic (https://www.news.example.org/2026/11/clinic/).":                                    "https://www.news.example.org/2026/11/clinic/",
		"See http://example.com/other/ and https://news.example.org/2026/11/clinic/":                "https://news.example.org/2026/11/clinic/",
		"Clinic opens, no link":                 "",
		"https://news.example.org/2026/11/":     "",
		"httpx https://news.example.org/other/": "",
	} {
		if got := LinkIn(text, key); got != want {
			t.Errorf("LinkIn(%q) = %q, want %q", text, got, want)
		}
	}
}
