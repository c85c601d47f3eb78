package bluesky_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish/bluesky"
	"github.com/heraldhq/herald/internal/publish/bluesky/bskyfake"
)

// The method sets the outbox and the check command will use.
var (
	_ interface {
		Name() string
		Publish(context.Context, news.Message) (news.Published, error)
		Delete(context.Context, string) error
		Check(context.Context) error
	} = (*bluesky.Publisher)(nil)
	_ bluesky.SessionStore = (*memStore)(nil)
)

const (
	handle   = "newsroom.example.org"
	password = "abcd-efgh-ijkl-mnop"
)

// memStore is a SessionStore in memory, shared by the publishers of a test
// the way the database is shared across restarts.
type memStore struct {
	mu    sync.Mutex
	data  map[string][]byte
	saves int
}

func (m *memStore) LoadSession(_ context.Context, dest string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.data[dest], nil
}

func (m *memStore) SaveSession(_ context.Context, dest string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.data == nil {
		m.data = map[string][]byte{}
	}
	m.data[dest] = bytes.Clone(data)
	m.saves++
	return nil
}

type env struct {
	fake   *bskyfake.Server
	srv    *httptest.Server
	store  *memStore
	images *httptest.Server
	photo  []byte
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{fake: bskyfake.New(bskyfake.Options{Handle: handle, Password: password}), store: &memStore{}}
	e.srv = httptest.NewServer(e.fake)
	t.Cleanup(e.srv.Close)
	e.images = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/photo.jpg" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(e.photoBytes(t))
	}))
	t.Cleanup(e.images.Close)
	return e
}

var (
	photoOnce sync.Once
	photo     []byte
)

// photoBytes is a 3000×2000 photo of several MB, mostly noise, which JPEG
// keeps large.
func (e *env) photoBytes(t *testing.T) []byte {
	photoOnce.Do(func() {
		m := image.NewYCbCr(image.Rect(0, 0, 3000, 2000), image.YCbCrSubsampleRatio420)
		rng := rand.New(rand.NewPCG(3, 4))
		for i := range m.Y {
			m.Y[i] = uint8(60 + rng.IntN(120))
		}
		for i := range m.Cb {
			m.Cb[i], m.Cr[i] = uint8(110+rng.IntN(30)), uint8(120+rng.IntN(30))
		}
		var buf bytes.Buffer
		jpeg.Encode(&buf, m, &jpeg.Options{Quality: 95})
		photo = buf.Bytes()
	})
	return photo
}

func (e *env) publisher(t *testing.T, edit ...func(*bluesky.Options)) *bluesky.Publisher {
	t.Helper()
	o := bluesky.Options{
		Service: e.srv.URL, Handle: handle, AppPassword: password, Sessions: e.store,
		Images: fetch.New(fetch.Options{AllowPrivate: true}),
	}
	for _, f := range edit {
		f(&o)
	}
	p, err := bluesky.New(o)
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
	for _, secret := range []string{password} {
		if strings.Contains(pe.Error(), secret) || (pe.Err != nil && strings.Contains(pe.Err.Error(), secret)) {
			t.Fatalf("the error holds a secret: %v", pe)
		}
	}
	return pe
}

const link = "https://example.com/ar/2026/05/ceasefire?utm_source=bluesky"

func TestPublishPostWithFacetsAndCard(t *testing.T) {
	e := newEnv(t)
	p := e.publisher(t)
	text := "🇸🇾 وقف إطلاق النار صامد في إدلب 👨‍👩‍👧‍👦 #سوريا #Idlib.\n\n" + link
	start := time.Now()
	pub, err := p.Publish(context.Background(), news.Message{
		PostID: 7, Text: text, Lang: "ar", Link: link,
		Title: "وقف إطلاق النار صامد", Description: "The truce held overnight.", ImageURL: e.images.URL + "/photo.jpg",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("published with a thumbnail from a %d-byte photo in %v", len(e.photoBytes(t)), time.Since(start))
	posts := e.fake.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	got := posts[0]
	if pub.RemoteID != got.URI || pub.URL != "https://bsky.app/profile/"+handle+"/post/"+got.Rkey {
		t.Fatalf("published %+v, the PDS holds %s", pub, got.URI)
	}
	rec := got.Record
	if rec.Text != text || len(rec.Langs) != 1 || rec.Langs[0] != "ar" {
		t.Fatalf("record %+v", rec)
	}
	if _, err := time.Parse(time.RFC3339, rec.CreatedAt); err != nil {
		t.Fatalf("createdAt %q: %v", rec.CreatedAt, err)
	}
	// Bytes: 🇸🇾 is 8, each Arabic letter 2, the family 25.
	want := []struct {
		start, end int
		kind, val  string
	}{
		{87, 98, "tag", "سوريا"},
		{99, 105, "tag", "Idlib"},
		{108, 108 + len(link), "link", link},
	}
	if len(rec.Facets) != len(want) {
		t.Fatalf("facets %+v", rec.Facets)
	}
	for i, w := range want {
		f := rec.Facets[i]
		if f.Index.ByteStart != w.start || f.Index.ByteEnd != w.end {
			t.Errorf("facet %d covers [%d,%d) %q, want [%d,%d)", i, f.Index.ByteStart, f.Index.ByteEnd, text[f.Index.ByteStart:f.Index.ByteEnd], w.start, w.end)
		}
		ft := f.Features[0]
		if (w.kind == "tag" && (ft.Type != "app.bsky.richtext.facet#tag" || ft.Tag != w.val)) ||
			(w.kind == "link" && (ft.Type != "app.bsky.richtext.facet#link" || ft.URI != w.val)) {
			t.Errorf("facet %d is %+v, want %s %q", i, ft, w.kind, w.val)
		}
	}
	emb := rec.Embed
	if emb == nil || emb.Type != "app.bsky.embed.external" || *emb.External.URI != link ||
		*emb.External.Title != "وقف إطلاق النار صامد" || *emb.External.Description != "The truce held overnight." {
		t.Fatalf("embed %+v", emb)
	}
	th := emb.External.Thumb
	if th == nil {
		t.Fatal("the card has no thumbnail")
	}
	data, ok := e.fake.Blob(th.Ref.Link)
	if !ok || th.MimeType != "image/jpeg" || th.Size != len(data) || len(data) > 1_000_000 || len(data) < 50_000 {
		t.Fatalf("thumb %+v, %d bytes", th, len(data))
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != 2000 || cfg.Height != 1333 {
		t.Fatalf("thumb is %+v, %v", cfg, err)
	}
	t.Logf("thumbnail %d×%d, %d bytes", cfg.Width, cfg.Height, len(data))
}

func TestPublishCardWithoutImage(t *testing.T) {
	e := newEnv(t)
	p := e.publisher(t)
	for i, img := range []string{e.images.URL + "/missing.jpg", "", "ftp://example.com/x.jpg"} {
		text := "Ceasefire holds " + strings.Repeat("!", i) + "\n\n" + link
		if _, err := p.Publish(context.Background(), news.Message{PostID: int64(i + 1), Text: text, Link: link, Title: "Ceasefire", ImageURL: img}); err != nil {
			t.Fatalf("image %q: %v", img, err)
		}
		posts := e.fake.Posts()
		emb := posts[len(posts)-1].Record.Embed
		if emb == nil || emb.External.Thumb != nil || *emb.External.Title != "Ceasefire" || *emb.External.Description != "" {
			t.Fatalf("image %q: embed %+v", img, emb)
		}
	}
	if got := e.fake.Calls("com.atproto.repo.uploadBlob"); got != 0 {
		t.Fatalf("%d uploads", got)
	}
	// Without a link there is no card at all.
	if _, err := p.Publish(context.Background(), news.Message{PostID: 9, Text: "Editor's note"}); err != nil {
		t.Fatal(err)
	}
	if posts := e.fake.Posts(); posts[len(posts)-1].Record.Embed != nil || posts[len(posts)-1].Record.Langs != nil {
		t.Fatalf("a post without a link got %+v", posts[len(posts)-1].Record)
	}
}

func TestSessionSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.publisher(t).Publish(ctx, news.Message{PostID: 1, Text: "one"}); err != nil {
		t.Fatal(err)
	}
	// A new process: a new Publisher over the same store.
	second := e.publisher(t)
	if _, err := second.Publish(ctx, news.Message{PostID: 2, Text: "two"}); err != nil {
		t.Fatal(err)
	}
	if err := e.publisher(t).Check(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Logins(); n != 1 {
		t.Fatalf("%d logins, want 1", n)
	}
	if second.Account() != handle {
		t.Fatalf("account %q", second.Account())
	}
}

func TestExpiredAccessTokenIsRefreshed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.publisher(t)
	if err := p.Check(ctx); err != nil {
		t.Fatal(err)
	}
	e.fake.ExpireAccessTokens()
	if _, err := p.Publish(ctx, news.Message{PostID: 1, Text: "after two hours"}); err != nil {
		t.Fatal(err)
	}
	if l, r := e.fake.Logins(), e.fake.Refreshes(); l != 1 || r != 1 {
		t.Fatalf("%d logins and %d refreshes, want 1 and 1", l, r)
	}
	// The refreshed session was stored: a restart uses it as it is.
	if _, err := e.publisher(t).Publish(ctx, news.Message{PostID: 2, Text: "after a restart"}); err != nil {
		t.Fatal(err)
	}
	if l, r := e.fake.Logins(), e.fake.Refreshes(); l != 1 || r != 1 {
		t.Fatalf("after a restart: %d logins and %d refreshes, want 1 and 1", l, r)
	}
	// Refresh tokens are used once: a publisher still holding the old
	// session finds the new one in the store instead of logging in.
	e.fake.ExpireAccessTokens()
	if _, err := e.publisher(t).Publish(ctx, news.Message{PostID: 3, Text: "three"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Publish(ctx, news.Message{PostID: 4, Text: "four"}); err != nil {
		t.Fatal(err)
	}
	if l, r := e.fake.Logins(), e.fake.Refreshes(); l != 1 || r != 2 {
		t.Fatalf("two publishers: %d logins and %d refreshes, want 1 and 2", l, r)
	}
}

func TestExpiredRefreshTokenLogsInAgain(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.publisher(t)
	if err := p.Check(ctx); err != nil {
		t.Fatal(err)
	}
	e.fake.ExpireAccessTokens()
	e.fake.ExpireRefreshTokens()
	if _, err := p.Publish(ctx, news.Message{PostID: 1, Text: "after 90 days"}); err != nil {
		t.Fatal(err)
	}
	if l := e.fake.Logins(); l != 2 {
		t.Fatalf("%d logins, want 2", l)
	}
}

func TestLoginFailures(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bad := e.publisher(t, func(o *bluesky.Options) { o.AppPassword = "wrong-pass-word-here"; o.Sessions = nil })
	err := bad.Check(ctx)
	pe := publishError(t, err, news.Permanent)
	if pe.Status != http.StatusUnauthorized || !strings.Contains(pe.Reason, "app password") {
		t.Fatalf("%v", pe)
	}
	if _, err := bad.Publish(ctx, news.Message{PostID: 1, Text: "x"}); err == nil {
		t.Fatal("published with a wrong password")
	}
	// Bluesky's login limit: 30 in five minutes, failures included.
	for range bskyfake.LoginsPerWindow - 2 {
		bad.Check(ctx)
	}
	err = e.publisher(t).Check(ctx)
	pe = publishError(t, err, news.RateLimited)
	if pe.Until.Before(time.Now().Add(4*time.Minute)) || pe.Until.After(time.Now().Add(5*time.Minute+time.Second)) {
		t.Fatalf("until %v", pe.Until)
	}
}

func TestPublishFailures(t *testing.T) {
	e := newEnv(t)
	p := e.publisher(t)
	reset := time.Now().Add(42 * time.Minute).Truncate(time.Second)
	e.fake.Push(bskyfake.RateLimited(reset),
		bskyfake.Response{Status: 502, Body: `{"error":"UpstreamFailure","message":"Upstream Failure"}`},
		bskyfake.Response{Status: 400, Body: `{"error":"AccountTakedown","message":"Account has been taken down"}`})
	pe := publishError(t, publishOne(p, "a"), news.RateLimited)
	if !pe.Until.Equal(reset) {
		t.Fatalf("until %v, want %v", pe.Until, reset)
	}
	publishError(t, publishOne(p, "b"), news.Transient)
	publishError(t, publishOne(p, "c"), news.Permanent)

	// What the PDS refuses in the record itself concerns this post alone.
	pe = publishError(t, publishOne(p, strings.Repeat("é", 301)), news.Rejected)
	if !strings.Contains(pe.Reason, "300 graphemes") {
		t.Fatalf("%v", pe)
	}
	publishError(t, publishOne(p, " \n"), news.Rejected)
	if n := len(e.fake.Posts()); n != 0 {
		t.Fatalf("%d posts", n)
	}
	// Nothing answering is transient.
	down := e.publisher(t, func(o *bluesky.Options) { o.Service = "http://127.0.0.1:1"; o.Sessions = nil })
	publishError(t, publishOne(down, "d"), news.Transient)
}

func publishOne(p *bluesky.Publisher, text string) error {
	_, err := p.Publish(context.Background(), news.Message{PostID: 1, Text: text})
	return err
}

func TestLostAnswerIsNotPostedTwice(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.publisher(t)
	m := news.Message{PostID: 11, Text: "Ceasefire holds\n\n" + link, Link: link, Title: "Ceasefire"}
	e.fake.CutNext(1)
	_, err := p.Publish(ctx, m)
	publishError(t, err, news.Transient)
	if n := len(e.fake.Posts()); n != 1 {
		t.Fatalf("the PDS holds %d posts after the cut", n)
	}
	pub, err := p.Publish(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	posts := e.fake.Posts()
	if len(posts) != 1 || pub.RemoteID != posts[0].URI {
		t.Fatalf("%d posts; retry answered %+v", len(posts), pub)
	}
}

func TestDelete(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.publisher(t)
	pub, err := p.Publish(ctx, news.Message{PostID: 1, Text: "a correction will follow"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Delete(ctx, pub.RemoteID); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Posts()); n != 0 {
		t.Fatalf("%d posts left", n)
	}
	if err := p.Delete(ctx, pub.RemoteID); err != nil {
		t.Fatalf("deleting again: %v", err)
	}
	publishError(t, p.Delete(ctx, "https://bsky.app/profile/x/post/y"), news.Rejected)
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, o := range []bluesky.Options{
		{AppPassword: password},
		{Handle: handle},
		{Handle: handle, AppPassword: password, Service: "bsky.social"},
		{Handle: handle, AppPassword: password, Service: "https://user:pw@bsky.social"},
	} {
		if _, err := bluesky.New(o); err == nil {
			t.Errorf("New(%+v) took it", o)
		}
	}
}
