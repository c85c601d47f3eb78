package outbox

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish/local"
	"github.com/heraldhq/herald/internal/publish/x"
	"github.com/heraldhq/herald/internal/publish/x/xfake"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
)

// withX sets up a dispatcher posting to a fake X through the real X
// publisher, and to the local timeline beside it.
func withX(t *testing.T, o Options) (*Dispatcher, store.Store, *xfake.Server, *clock) {
	t.Helper()
	fx := xfake.New(xfake.Options{ConsumerKey: "ck", ConsumerSecret: "cs", AccessToken: "at", AccessSecret: "as", Username: "courier"})
	srv := httptest.NewServer(fx)
	t.Cleanup(srv.Close)
	c := &clock{now: time.Now().Truncate(time.Second)}
	pub, err := x.New(x.Options{APIURL: srv.URL, ConsumerKey: "ck", ConsumerSecret: "cs", AccessToken: "at", AccessSecret: "as", Clock: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o.Clock = c.Now
	o.Jitter = func() float64 { return 0 }
	o.Log = slog.New(slog.DiscardHandler)
	if o.MaxAge == 0 {
		o.MaxAge = 24 * time.Hour
	}
	return New(st, []Publisher{pub, local.New("local")}, o), st, fx, c
}

func TestXTwoUnavailableThenSuccess(t *testing.T) {
	d, st, fx, c := withX(t, Options{})
	p := queue(t, st, "x", "Council approves budget https://news.example/budget", c.Now())
	fx.Push(xfake.Unavailable(), xfake.Unavailable())
	for range 5 {
		d.Step(context.Background())
		c.Advance(10 * time.Second)
	}
	if got := status(t, st, p.ID); got.Status != news.StatusPublished || got.RemoteID == "" ||
		got.RemoteURL != "https://x.com/courier/status/"+got.RemoteID {
		t.Errorf("post: %+v", got)
	}
	if fx.Calls() != 3 || len(fx.Posts()) != 1 {
		t.Errorf("%d calls, %d posts; want 3 and 1", fx.Calls(), len(fx.Posts()))
	}
}

func TestXRateLimitWaitsForReset(t *testing.T) {
	d, st, fx, c := withX(t, Options{})
	reset := c.Now().Add(6 * time.Second)
	p := queue(t, st, "x", "Bridge repairs begin", c.Now())
	fx.Push(xfake.RateLimited(reset))
	next := d.Step(context.Background())
	if !next.Equal(reset) {
		t.Errorf("next = %v, want the reset %v", next, reset)
	}
	for range 5 {
		c.Advance(time.Second)
		d.Step(context.Background())
	}
	if fx.Calls() != 1 {
		t.Fatalf("%d calls before the reset, want 1", fx.Calls())
	}
	c.Advance(time.Second)
	d.Step(context.Background())
	if got := status(t, st, p.ID); got.Status != news.StatusPublished || fx.Calls() != 2 {
		t.Errorf("after the reset: %s, %d calls", got.Status, fx.Calls())
	}
}

func TestXDuplicate(t *testing.T) {
	d, st, fx, c := withX(t, Options{})
	p := queue(t, st, "x", "Harvest festival returns", c.Now())
	fx.Push(xfake.Forbidden(xfake.DuplicateDetail))
	d.Step(context.Background())
	d.Step(context.Background())
	if got := status(t, st, p.ID); got.Status != news.StatusPublished || fx.Calls() != 1 {
		t.Errorf("duplicate: %s after %d calls", got.Status, fx.Calls())
	}
}

func TestXRefusalPausesOnlyX(t *testing.T) {
	for name, answer := range map[string]xfake.Response{"401": xfake.Unauthorized(), "402": xfake.PaymentRequired()} {
		t.Run(name, func(t *testing.T) {
			d, st, fx, c := withX(t, Options{})
			p := queue(t, st, "x", "Storm warning", c.Now())
			queue(t, st, "x", "Second story", c.Now())
			elsewhere := queue(t, st, "local", "Storm warning", c.Now())
			fx.Push(answer)
			for range 5 {
				d.Step(context.Background())
				c.Advance(time.Minute)
			}
			if fx.Calls() != 1 {
				t.Errorf("%d calls, want 1", fx.Calls())
			}
			dst, _ := st.Destination(context.Background(), "x")
			if !dst.Paused || dst.PauseReason == "" {
				t.Errorf("X not paused: %+v", dst)
			}
			if got := status(t, st, p.ID); got.Status != news.StatusQueued || got.LastError == "" {
				t.Errorf("refused post: %s %q", got.Status, got.LastError)
			}
			if got := status(t, st, elsewhere.ID); got.Status != news.StatusPublished {
				t.Errorf("the other destination stopped too: %s", got.Status)
			}
			sts, _ := d.Status(context.Background())
			if !sts[0].Paused || sts[0].RateLimitRemaining < 0 {
				t.Errorf("status: %+v", sts[0])
			}
		})
	}
}

// BenchmarkDispatch sends 1,000 queued posts to the fake X with no spacing,
// through the real X publisher (OAuth signing included) and SQLite store.
func BenchmarkDispatch(b *testing.B) {
	const n = 1000
	fx := xfake.New(xfake.Options{ConsumerKey: "ck", ConsumerSecret: "cs", AccessToken: "at", AccessSecret: "as", Limit: 1 << 30})
	srv := httptest.NewServer(fx)
	defer srv.Close()
	pub, err := x.New(x.Options{APIURL: srv.URL, ConsumerKey: "ck", ConsumerSecret: "cs", AccessToken: "at", AccessSecret: "as"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var posts int
	for b.Loop() {
		b.StopTimer()
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "h.db"))
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		for i := range n {
			p := &news.Post{Destination: "x", Text: "Story " + time.Duration(i).String() + " " + now.String(), Status: news.StatusQueued,
				SortAt: now, NotBefore: now, CreatedAt: now}
			if err := st.AddPost(context.Background(), p); err != nil {
				b.Fatal(err)
			}
		}
		d := New(st, []Publisher{pub}, Options{MaxAge: time.Hour, Log: slog.New(slog.DiscardHandler)})
		b.StartTimer()
		d.Step(context.Background())
		b.StopTimer()
		u, _ := st.Published(context.Background(), "x", time.Time{})
		if u.Count != n {
			b.Fatalf("published %d of %d", u.Count, n)
		}
		posts += n
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(posts)/b.Elapsed().Seconds(), "posts/s")
}
