package web

import (
	"context"
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
)

// TestComposeUnreachableURL: an address herald cannot reach is explained in
// plain words beside the address, not as the dialer's error under the
// heading of the post's text.
func TestComposeUnreachableURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/story"
	ln.Close()
	f := fetch.New(fetch.Options{AllowPrivate: true})
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}},
		func(ctx context.Context, u string) (*news.Article, string, error) {
			_, err := f.Fetch(ctx, fetch.Request{URL: u})
			return nil, "", err
		})
	b := d.browser()
	b.signIn(editorToken)
	a := b.get("/compose?url=" + closed)
	if a.code != 422 {
		t.Fatalf("status %d", a.code)
	}
	if strings.Contains(a.body, "dial tcp") || strings.Contains(a.body, "connect:") {
		t.Errorf("the page shows the dialer's error:\n%s", a.body)
	}
	section := regexp.MustCompile(`(?s)<section aria-labelledby="from-url-h".*?</section>`).FindString(a.body)
	want := "herald could not reach that address: the connection was refused"
	if !strings.Contains(section, want) || !strings.Contains(section, `aria-invalid="true"`) {
		t.Errorf("the article section lacks %q:\n%s", want, section)
	}
	if strings.Contains(a.body, `id="compose-error"`) {
		t.Error("the error is also shown under the post's text")
	}
}

// TestStatusHeadlineWithPausedDestination: the status page never says
// "Running" while a destination is paused.
func TestStatusHeadlineWithPausedDestination(t *testing.T) {
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}})
	b := d.browser()
	b.signIn(editorToken)
	if a := b.get("/status"); !strings.Contains(a.body, "Running: new articles are posted as they come.") {
		t.Fatal("status page does not say Running with nothing paused")
	}
	ctx := context.Background()
	dst, _ := d.st.Destination(ctx, "x")
	dst.Paused, dst.PauseReason = true, "X rejected the credentials (401): check HERALD_X_CONSUMER_KEY"
	d.st.SaveDestination(ctx, dst)
	a := b.get("/status")
	if strings.Contains(a.body, "Running") || !strings.Contains(a.body, `<p class="state bad" id="auto-state">Stopped for x: nothing is posted there until it is resumed`) {
		t.Errorf("status headline with x paused:\n%s", regexp.MustCompile(`(?s)<section aria-labelledby="auto-h".*?</section>`).FindString(a.body))
	}
}

// TestTimelineTimesAndLinks: a published post shows its time, not only
// "seconds ago", and LinkHref sends its link where a browser can go.
func TestTimelineTimesAndLinks(t *testing.T) {
	d := newDash(t, Options{LinkHref: func(u string) string {
		return strings.Replace(u, "https://news.example.org", "/demo/site", 1)
	}})
	p := d.addPost("Council approves budget https://news.example.org/budget", news.StatusPublished, nil)
	a := d.browser().get("/")
	stamp := p.PublishedAt.UTC().Format("2006-01-02 15:04 UTC")
	if !strings.Contains(a.body, `data-local>`+stamp+`</time> <span class="ago">(`) {
		t.Errorf("timeline lacks the absolute time %q:\n%s", stamp, a.body)
	}
	if !strings.Contains(a.body, `<a href="/demo/site/budget" rel="noopener nofollow">https://news.example.org/budget</a>`) {
		t.Errorf("the link does not go where LinkHref says:\n%s", a.body)
	}
}
