package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// script is a publisher whose answers a test sets in advance.
type script struct {
	name    string
	mu      sync.Mutex
	answers []error
	sent    []string
	calls   int
	times   []time.Time
	clock   *clock
}

func (s *script) Name() string { return s.name }

func (s *script) Publish(ctx context.Context, text string) (news.Published, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.times = append(s.times, s.clock.Now())
	if len(s.answers) > 0 {
		err := s.answers[0]
		s.answers = s.answers[1:]
		if err != nil {
			return news.Published{}, err
		}
	}
	s.sent = append(s.sent, text)
	return news.Published{RemoteID: fmt.Sprint(len(s.sent)), URL: "https://x.com/news/status/" + fmt.Sprint(len(s.sent))}, nil
}

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func setup(t *testing.T, o Options, pubs ...*script) (*Dispatcher, store.Store, *clock) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{now: t0}
	o.Clock = c.Now
	o.Jitter = func() float64 { return 0 }
	o.Log = slog.New(slog.DiscardHandler)
	var ps []Publisher
	for _, p := range pubs {
		p.clock = c
		ps = append(ps, p)
	}
	return New(st, ps, o), st, c
}

func queue(t *testing.T, st store.Store, dest, text string, at time.Time) *news.Post {
	t.Helper()
	p := &news.Post{Destination: dest, Text: text, Status: news.StatusQueued, SortAt: at, NotBefore: at, CreatedAt: at}
	if err := st.AddPost(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func status(t *testing.T, st store.Store, id int64) *news.Post {
	t.Helper()
	p, err := st.Post(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSpacing(t *testing.T) {
	x := &script{name: "x"}
	d, st, c := setup(t, Options{MinInterval: 2 * time.Minute, MaxAge: 24 * time.Hour}, x)
	for i := range 3 {
		queue(t, st, "x", fmt.Sprint("story ", i), t0.Add(time.Duration(i)*time.Second))
	}
	ctx := context.Background()
	next := d.Step(ctx)
	if len(x.sent) != 1 || x.sent[0] != "story 0" {
		t.Fatalf("first step sent %q", x.sent)
	}
	if !next.Equal(t0.Add(2 * time.Minute)) {
		t.Errorf("next = %v, want %v", next, t0.Add(2*time.Minute))
	}
	c.Advance(time.Minute)
	d.Step(ctx)
	if len(x.sent) != 1 {
		t.Fatalf("sent before the interval: %q", x.sent)
	}
	c.Advance(time.Minute)
	d.Step(ctx)
	c.Advance(2 * time.Minute)
	d.Step(ctx)
	if fmt.Sprint(x.sent) != "[story 0 story 1 story 2]" {
		t.Errorf("sent %q", x.sent)
	}
	for i := 1; i < len(x.times); i++ {
		if gap := x.times[i].Sub(x.times[i-1]); gap < 2*time.Minute {
			t.Errorf("gap %d = %s, under the minimum interval", i, gap)
		}
	}
}

func TestDailyCap(t *testing.T) {
	x := &script{name: "x"}
	d, st, c := setup(t, Options{DailyCap: 2, MaxAge: 48 * time.Hour}, x)
	for i := range 3 {
		queue(t, st, "x", fmt.Sprint("story ", i), t0)
	}
	d.Step(context.Background())
	if len(x.sent) != 2 {
		t.Fatalf("sent %d with a cap of 2", len(x.sent))
	}
	c.Advance(23 * time.Hour)
	d.Step(context.Background())
	if len(x.sent) != 2 {
		t.Fatalf("cap broken within 24 hours: %d", len(x.sent))
	}
	c.Advance(time.Hour + time.Second)
	d.Step(context.Background())
	if len(x.sent) != 3 {
		t.Errorf("not sent once the window moved on: %d", len(x.sent))
	}
}

func TestTransientRetry(t *testing.T) {
	unavailable := &news.PublishError{Kind: news.Transient, Status: 503, Reason: "Service Unavailable"}
	x := &script{name: "x", answers: []error{unavailable, unavailable}}
	d, st, c := setup(t, Options{MaxAge: time.Hour}, x)
	p := queue(t, st, "x", "story", t0)
	ctx := context.Background()
	d.Step(ctx)
	got := status(t, st, p.ID)
	if got.Status != news.StatusQueued || got.LastError != "Service Unavailable" || !got.NotBefore.Equal(t0.Add(time.Second)) {
		t.Fatalf("after first failure: %+v", got)
	}
	c.Advance(time.Second)
	d.Step(ctx)
	c.Advance(2 * time.Second)
	d.Step(ctx)
	got = status(t, st, p.ID)
	if got.Status != news.StatusPublished || x.calls != 3 || len(x.sent) != 1 {
		t.Errorf("status %s after %d calls, %d sent", got.Status, x.calls, len(x.sent))
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	fail := &news.PublishError{Kind: news.Transient, Reason: "connection refused"}
	x := &script{name: "x", answers: []error{fail, fail, fail}}
	d, st, c := setup(t, Options{MaxAttempts: 3, MaxAge: 24 * time.Hour}, x)
	p := queue(t, st, "x", "story", t0)
	for range 10 {
		d.Step(context.Background())
		c.Advance(time.Hour)
	}
	got := status(t, st, p.ID)
	if got.Status != news.StatusFailed || x.calls != 3 {
		t.Errorf("status %s after %d calls", got.Status, x.calls)
	}
}

func TestDuplicateIsPublished(t *testing.T) {
	x := &script{name: "x", answers: []error{fmt.Errorf("x: %w", news.ErrDuplicate)}}
	d, st, _ := setup(t, Options{MaxAge: time.Hour}, x)
	p := queue(t, st, "x", "story", t0)
	d.Step(context.Background())
	d.Step(context.Background())
	if got := status(t, st, p.ID); got.Status != news.StatusPublished || x.calls != 1 {
		t.Errorf("status %s after %d calls", got.Status, x.calls)
	}
}

func TestRateLimitWaitsForReset(t *testing.T) {
	reset := t0.Add(6 * time.Second)
	x := &script{name: "x", answers: []error{&news.PublishError{Kind: news.RateLimited, Status: 429, Until: reset, Reason: "Too Many Requests"}}}
	d, st, c := setup(t, Options{MaxAge: time.Hour}, x)
	p := queue(t, st, "x", "story", t0)
	next := d.Step(context.Background())
	if !next.Equal(reset) {
		t.Errorf("next = %v, want the reset %v", next, reset)
	}
	c.Advance(5 * time.Second)
	d.Step(context.Background())
	if x.calls != 1 {
		t.Fatalf("called before the reset: %d calls", x.calls)
	}
	c.Advance(time.Second)
	d.Step(context.Background())
	got := status(t, st, p.ID)
	if got.Status != news.StatusPublished || x.calls != 2 || got.Attempts != 1 {
		t.Errorf("status %s, %d calls, %d attempts", got.Status, x.calls, got.Attempts)
	}
}

func TestPermanentPausesOnlyThatDestination(t *testing.T) {
	x := &script{name: "x", answers: []error{&news.PublishError{Kind: news.Permanent, Status: 401, Reason: "X rejected the credentials"}}}
	other := &script{name: "local"}
	d, st, c := setup(t, Options{MaxAge: time.Hour}, x, other)
	p := queue(t, st, "x", "story", t0)
	queue(t, st, "x", "second", t0)
	queue(t, st, "local", "elsewhere", t0)
	for range 5 {
		d.Step(context.Background())
		c.Advance(time.Minute)
	}
	if x.calls != 1 {
		t.Errorf("%d calls to a destination with bad credentials, want 1", x.calls)
	}
	if len(other.sent) != 1 {
		t.Errorf("other destination stopped too: %q", other.sent)
	}
	dst, _ := st.Destination(context.Background(), "x")
	if !dst.Paused || dst.PauseReason != "X rejected the credentials" {
		t.Errorf("destination: %+v", dst)
	}
	if got := status(t, st, p.ID); got.Status != news.StatusQueued || got.LastError == "" {
		t.Errorf("post after pause: %+v", got)
	}
	if err := d.ResumeDestination(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	d.Step(context.Background())
	if len(x.sent) != 2 {
		t.Errorf("after resume sent %q", x.sent)
	}
}

func TestRejectedFailsThePostOnly(t *testing.T) {
	x := &script{name: "x", answers: []error{&news.PublishError{Kind: news.Rejected, Status: 400, Reason: "text too long"}}}
	d, st, _ := setup(t, Options{MaxAge: time.Hour}, x)
	bad := queue(t, st, "x", "too long", t0)
	good := queue(t, st, "x", "fine", t0)
	d.Step(context.Background())
	if got := status(t, st, bad.ID); got.Status != news.StatusFailed || got.LastError != "text too long" {
		t.Errorf("rejected post: %+v", got)
	}
	if got := status(t, st, good.ID); got.Status != news.StatusPublished {
		t.Errorf("next post: %s", got.Status)
	}
}

func TestStaleSkipped(t *testing.T) {
	x := &script{name: "x"}
	d, st, _ := setup(t, Options{MaxAge: time.Hour}, x)
	old := queue(t, st, "x", "old", t0.Add(-2*time.Hour))
	editor := queue(t, st, "x", "editor's", t0.Add(-2*time.Hour))
	editor.Priority = news.PriorityEditor
	if _, err := st.Transition(context.Background(), editor.ID, []news.Status{news.StatusQueued}, news.StatusQueued, "", "", t0,
		func(p *news.Post) { p.Priority = news.PriorityEditor }); err != nil {
		t.Fatal(err)
	}
	d.Step(context.Background())
	if got := status(t, st, old.ID); got.Status != news.StatusSkipped {
		t.Errorf("stale post: %s", got.Status)
	}
	if got := status(t, st, editor.ID); got.Status != news.StatusPublished {
		t.Errorf("editor's post: %s", got.Status)
	}
	if fmt.Sprint(x.sent) != "[editor's]" {
		t.Errorf("sent %q", x.sent)
	}
}

func TestPauseAll(t *testing.T) {
	x := &script{name: "x"}
	d, st, _ := setup(t, Options{MaxAge: time.Hour}, x)
	queue(t, st, "x", "story", t0)
	d.Pause()
	d.Step(context.Background())
	if x.calls != 0 {
		t.Fatal("sent while paused")
	}
	d.Resume()
	d.Step(context.Background())
	if x.calls != 1 {
		t.Error("not sent after resume")
	}
}

func TestBackoff(t *testing.T) {
	d := New(nil, nil, Options{Jitter: func() float64 { return 0.999 }})
	prev := time.Duration(0)
	for a := 1; a <= 12; a++ {
		b := d.Backoff(a)
		if b < prev || b > 10*time.Minute {
			t.Errorf("Backoff(%d) = %s", a, b)
		}
		prev = b
	}
	if b := d.Backoff(1); b > 2*time.Second {
		t.Errorf("first retry after %s, want within a few seconds", b)
	}
}

func TestLeaseExpiredPostIsSentAgain(t *testing.T) {
	x := &script{name: "x", answers: []error{fmt.Errorf("%w", news.ErrDuplicate)}}
	d, st, c := setup(t, Options{MaxAge: time.Hour, Lease: time.Minute}, x)
	p := queue(t, st, "x", "story", t0)
	// A dispatcher that died holding the post.
	if _, err := st.ClaimPost(context.Background(), "x", t0, time.Minute); err != nil {
		t.Fatal(err)
	}
	d.Step(context.Background())
	if x.calls != 0 {
		t.Fatal("sent while another holds the lease")
	}
	c.Advance(61 * time.Second)
	d.Step(context.Background())
	got := status(t, st, p.ID)
	if got.Status != news.StatusPublished || x.calls != 1 {
		t.Errorf("after lease expiry: %s, %d calls", got.Status, x.calls)
	}
	var errNotFound = news.ErrNotFound
	if _, err := st.ClaimPost(context.Background(), "x", c.Now(), time.Minute); !errors.Is(err, errNotFound) {
		t.Errorf("post claimable after publish: %v", err)
	}
}
