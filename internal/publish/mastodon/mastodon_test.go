package mastodon_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/compose"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish/mastodon"
	"github.com/heraldhq/herald/internal/publish/mastodon/mastofake"
)

const token = "tok-herald-mastodon-0123456789"

// The method sets the outbox and the check command will use.
var (
	_ interface {
		Name() string
		Publish(context.Context, news.Message) (news.Published, error)
		Delete(context.Context, string) error
		Check(context.Context) error
	} = (*mastodon.Publisher)(nil)
)

type env struct {
	fake *mastofake.Server
	srv  *httptest.Server
	keys []string
	mu   sync.Mutex
}

func newEnv(t *testing.T, o mastofake.Options) *env {
	t.Helper()
	o.Token = token
	e := &env{fake: mastofake.New(o)}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			e.mu.Lock()
			e.keys = append(e.keys, r.Header.Get("Idempotency-Key"))
			e.mu.Unlock()
		}
		e.fake.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) publisher(t *testing.T, edit ...func(*mastodon.Options)) *mastodon.Publisher {
	t.Helper()
	o := mastodon.Options{Server: e.srv.URL + "/", Token: token, Name: "mastodon-ar"}
	for _, f := range edit {
		f(&o)
	}
	p, err := mastodon.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func publishError(t *testing.T, err error, kind news.FailureKind) *news.PublishError {
	t.Helper()
	var pe *news.PublishError
	if !errors.As(err, &pe) || pe.Kind != kind {
		t.Fatalf("error %v: want a %s *news.PublishError", err, kind)
	}
	if strings.Contains(pe.Error(), token) {
		t.Fatalf("the error holds the token: %v", pe)
	}
	return pe
}

func TestPublish(t *testing.T) {
	e := newEnv(t, mastofake.Options{Username: "newsroom"})
	p := e.publisher(t, func(o *mastodon.Options) { o.Visibility = mastodon.Unlisted })
	pub, err := p.Publish(context.Background(), news.Message{PostID: 42, Text: "وقف إطلاق النار صامد\n\nhttps://example.com/ar/1", Lang: "ar-SY"})
	if err != nil {
		t.Fatal(err)
	}
	st := e.fake.Statuses()
	if len(st) != 1 {
		t.Fatalf("%d statuses", len(st))
	}
	s := st[0]
	if s.Text != "وقف إطلاق النار صامد\n\nhttps://example.com/ar/1" || s.Language != "ar" || s.Visibility != "unlisted" ||
		s.IdempotencyKey != "herald-mastodon-ar-42" {
		t.Fatalf("status %+v", s)
	}
	if pub.RemoteID != s.ID || pub.URL != e.srv.URL+"/@newsroom/"+s.ID {
		t.Fatalf("published %+v", pub)
	}
}

func TestLostAnswerIsNotPostedTwice(t *testing.T) {
	e := newEnv(t, mastofake.Options{})
	p := e.publisher(t)
	m := news.Message{PostID: 7, Text: "Ceasefire holds https://example.com/1"}
	e.fake.CutNext(1)
	_, err := p.Publish(context.Background(), m)
	publishError(t, err, news.Transient)
	// The retry, by a new process after a restart as well.
	pub, err := e.publisher(t).Publish(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	st := e.fake.Statuses()
	if len(st) != 1 || pub.RemoteID != st[0].ID {
		t.Fatalf("%d statuses, retry answered %+v", len(st), pub)
	}
	e.mu.Lock()
	keys := e.keys
	e.mu.Unlock()
	if len(keys) != 2 || keys[0] != keys[1] || keys[0] == "" {
		t.Fatalf("keys %q", keys)
	}
	// Another post gets another key, and another status.
	if _, err := p.Publish(context.Background(), news.Message{PostID: 8, Text: m.Text}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Statuses()); n != 2 {
		t.Fatalf("%d statuses", n)
	}
}

func TestLimits(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, mastofake.Options{MaxCharacters: 1000, URLCharacters: 30})
	l, err := e.publisher(t).Limits(ctx)
	if err != nil || l != (mastodon.Limits{MaxCharacters: 1000, URLCharacters: 30}) {
		t.Fatalf("%+v, %v", l, err)
	}
	e = newEnv(t, mastofake.Options{NoConfiguration: true})
	l, err = e.publisher(t).Limits(ctx)
	if err != nil || l != (mastodon.Limits{MaxCharacters: 500, URLCharacters: 23}) {
		t.Fatalf("without configuration: %+v, %v", l, err)
	}
	old := httptest.NewServer(http.NotFoundHandler())
	defer old.Close()
	p, _ := mastodon.New(mastodon.Options{Server: old.URL, Token: token})
	if l, err := p.Limits(ctx); err != nil || l.MaxCharacters != 500 {
		t.Fatalf("no /api/v2/instance: %+v, %v", l, err)
	}
	// Asked once, then kept.
	var calls atomic.Int32
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Write([]byte(`{"configuration":{"statuses":{"max_characters":5000}}}`))
	}))
	defer counting.Close()
	p, _ = mastodon.New(mastodon.Options{Server: counting.URL, Token: token})
	for range 3 {
		if l, err := p.Limits(ctx); err != nil || l.MaxCharacters != 5000 || l.URLCharacters != 23 {
			t.Fatalf("%+v, %v", l, err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d calls", n)
	}
}

// TestComposedTextFits composes for the server's rule and posts: a text
// at the limit by compose's count is within the server's.
func TestComposedTextFits(t *testing.T) {
	e := newEnv(t, mastofake.Options{MaxCharacters: 300, URLCharacters: 23})
	p := e.publisher(t)
	l, err := p.Limits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, err := compose.NewFor(compose.Mastodon(l.MaxCharacters, l.URLCharacters), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	link := "https://example.com/" + strings.Repeat("long-slug-", 20)
	text, err := c.Compose(compose.Fields{Title: "Ceasefire holds in Idlib 🇸🇾", Summary: strings.Repeat("Residents said the truce held overnight. ", 20), URL: link})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Length(text); n > 300 || n < 250 {
		t.Fatalf("the server counts %d: %q", n, text)
	}
	if _, err := p.Publish(context.Background(), news.Message{PostID: 1, Text: text, Link: link}); err != nil {
		t.Fatal(err)
	}
}

func TestFailures(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, mastofake.Options{MaxCharacters: 50})
	p := e.publisher(t)
	pe := publishError(t, publishOne(p, 1, strings.Repeat("a", 51)), news.Rejected)
	if pe.Status != 422 || !strings.Contains(pe.Reason, "Text character limit of 50 exceeded") {
		t.Fatalf("%v", pe)
	}
	reset := time.Now().Add(3 * time.Minute).Truncate(time.Millisecond)
	e.fake.Push(mastofake.RateLimited(reset),
		mastofake.Response{Status: 503, Body: `<html>Bad gateway</html>`},
		mastofake.Response{Status: 403, Body: `{"error":"This action is outside the authorized scopes"}`},
		mastofake.Response{Status: 422, Body: `{"error":"Validation failed: Text can't be blank"}`},
	)
	pe = publishError(t, publishOne(p, 2, "a"), news.RateLimited)
	if !pe.Until.Equal(reset) {
		t.Fatalf("until %v, want %v", pe.Until, reset)
	}
	publishError(t, publishOne(p, 3, "a"), news.Transient)
	pe = publishError(t, publishOne(p, 4, "a"), news.Permanent)
	if !strings.Contains(pe.Reason, "authorized scopes") {
		t.Fatalf("%v", pe)
	}
	publishError(t, publishOne(p, 5, "a"), news.Rejected)
	publishError(t, publishOne(p, 6, " "), news.Rejected)

	bad := e.publisher(t, func(o *mastodon.Options) { o.Token = "not-the-token" })
	publishError(t, publishOne(bad, 7, "a"), news.Permanent)
	publishError(t, bad.Check(ctx), news.Permanent)
	if n := len(e.fake.Statuses()); n != 0 {
		t.Fatalf("%d statuses", n)
	}
	down, _ := mastodon.New(mastodon.Options{Server: "http://127.0.0.1:1", Token: token})
	publishError(t, publishOne(down, 8, "a"), news.Transient)
}

func publishOne(p *mastodon.Publisher, id int64, text string) error {
	_, err := p.Publish(context.Background(), news.Message{PostID: id, Text: text})
	return err
}

func TestCheckEditDelete(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, mastofake.Options{Username: "newsroom"})
	p := e.publisher(t)
	if err := p.Check(ctx); err != nil || p.Account() != "newsroom" {
		t.Fatalf("%v, account %q", err, p.Account())
	}
	pub, err := p.Publish(ctx, news.Message{PostID: 1, Text: "Ceasefire holds"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Edit(ctx, pub.RemoteID, news.Message{Text: "Ceasefire holds, officials say", Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	if st := e.fake.Statuses(); st[0].Text != "Ceasefire holds, officials say" || st[0].EditedAt.IsZero() {
		t.Fatalf("%+v", st[0])
	}
	if err := p.Delete(ctx, pub.RemoteID); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Statuses()); n != 0 {
		t.Fatalf("%d statuses", n)
	}
	if err := p.Delete(ctx, pub.RemoteID); err != nil {
		t.Fatalf("deleting again: %v", err)
	}
	publishError(t, p.Edit(ctx, pub.RemoteID, news.Message{Text: "x"}), news.Rejected)
	publishError(t, p.Delete(ctx, "../admin"), news.Rejected)
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, o := range []mastodon.Options{
		{Token: token},
		{Server: "mastodon.social", Token: token},
		{Server: "https://mastodon.social"},
		{Server: "https://mastodon.social", Token: token, Visibility: "direct"},
	} {
		if _, err := mastodon.New(o); err == nil {
			t.Errorf("New(%+v) took it", o)
		}
	}
}
