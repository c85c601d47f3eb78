package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
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
	// fail, when set, answers for a text before answers do.
	fail  func(text string) error
	sent  []string
	msgs  []news.Message
	calls int
	times []time.Time
	clock *clock
}

func (s *script) Name() string { return s.name }

func (s *script) Publish(ctx context.Context, m news.Message) (news.Published, error) {
	text := m.Text
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	defer s.mu.Unlock()
	s.calls++
	s.times = append(s.times, s.clock.Now())
	if s.fail != nil {
		if err := s.fail(text); err != nil {
			return news.Published{}, err
		}
	}
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

// xRules gives the destination x the rules r.
func xRules(r Destination) map[string]Destination {
	if r.Network == "" {
		r.Network = "x"
	}
	return map[string]Destination{"x": r}
}

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
	d, st, c := setup(t, Options{Destinations: xRules(Destination{MinInterval: 2 * time.Minute}), MaxAge: 24 * time.Hour}, x)
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
	d, st, c := setup(t, Options{Destinations: xRules(Destination{DailyCap: 2}), MaxAge: 48 * time.Hour}, x)
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

func TestTransientFailureProbesTheDestination(t *testing.T) {
	unavailable := &news.PublishError{Kind: news.Transient, Status: 503, Reason: "Service Unavailable"}
	x := &script{name: "x", answers: []error{unavailable, unavailable}}
	d, st, c := setup(t, Options{MaxAge: time.Hour}, x)
	p := queue(t, st, "x", "story", t0)
	ctx := context.Background()
	d.Step(ctx)
	got := status(t, st, p.ID)
	probe := t0.Add(2500 * time.Millisecond) // 5s, halved by a jitter of 0
	if got.Status != news.StatusQueued || got.Attempts != 1 || !got.NotBefore.Equal(probe.Add(time.Millisecond)) ||
		got.LastError != "x has been down since 2026-11-02T09:00:00Z: Service Unavailable" {
		t.Fatalf("after the first failure: %+v", got)
	}
	ds, _ := d.Status(ctx)
	if !ds[0].DownSince.Equal(t0) || !ds[0].NextProbe.Equal(probe) || ds[0].DownReason != "Service Unavailable" {
		t.Fatalf("status while down: %+v", ds[0])
	}
	d.Step(ctx) // nothing before the probe
	if x.calls != 1 {
		t.Fatalf("%d calls before the probe", x.calls)
	}
	c.Advance(2500*time.Millisecond + time.Millisecond)
	d.Step(ctx) // the probe fails: this try does not count
	if got = status(t, st, p.ID); got.Attempts != 1 {
		t.Errorf("a failed probe spent a try: %d", got.Attempts)
	}
	c.Advance(time.Minute)
	d.Step(ctx)
	got = status(t, st, p.ID)
	if got.Status != news.StatusPublished || x.calls != 3 || len(x.sent) != 1 {
		t.Errorf("status %s after %d calls, %d sent", got.Status, x.calls, len(x.sent))
	}
	if ds, _ := d.Status(ctx); !ds[0].DownSince.IsZero() || !ds[0].NextProbe.IsZero() {
		t.Errorf("still down after a success: %+v", ds[0])
	}
}

// An outage longer than every post's tries loses nothing: the destination is
// probed with one post at a time, backing off, and the posts that wait spend
// no tries; once it answers, all go out, in order, spaced.
func TestOutageSpendsNoTries(t *testing.T) {
	down := true
	x := &script{name: "x", fail: func(string) error {
		if down {
			return &news.PublishError{Kind: news.Transient, Status: 503, Reason: "Service Unavailable"}
		}
		return nil
	}}
	d, st, c := setup(t, Options{MaxAttempts: 3, MaxAge: 24 * time.Hour, Destinations: xRules(Destination{MinInterval: 10 * time.Second})}, x)
	ctx := context.Background()
	var posts []*news.Post
	for i := range 5 {
		posts = append(posts, queue(t, st, "x", fmt.Sprintf("story %d", i), t0.Add(time.Duration(i)*time.Second)))
	}
	for c.Now().Before(t0.Add(time.Hour)) {
		d.Step(ctx)
		c.Advance(time.Second)
	}
	if x.calls > 70 { // a probe every one to two minutes, after the first few
		t.Errorf("%d calls in an hour's outage: hammered, not probed", x.calls)
	}
	calls := x.calls
	down = false
	for range 600 {
		d.Step(ctx)
		c.Advance(time.Second)
	}
	for _, p := range posts {
		if got := status(t, st, p.ID); got.Status != news.StatusPublished || got.Attempts > 2 {
			t.Errorf("post %d: %s after %d attempts", p.ID, got.Status, got.Attempts)
		}
	}
	if len(x.sent) != 5 {
		t.Errorf("sent %q", x.sent)
	}
	for i := 1; i < len(x.times); i++ {
		if i > calls && x.times[i].Sub(x.times[i-1]) < 10*time.Second {
			t.Errorf("burst after the outage: sends at %v and %v", x.times[i-1], x.times[i])
		}
	}
}

// A post that fails while its network is up is the post's problem: it
// spends its tries and fails, and does not hold up the others for ever.
func TestPostThatAloneFailsGivesUp(t *testing.T) {
	x := &script{name: "x", fail: func(text string) error {
		if text == "poison" {
			return &news.PublishError{Kind: news.Transient, Status: 500, Reason: "Internal Server Error"}
		}
		return nil
	}}
	d, st, c := setup(t, Options{MaxAttempts: 3, MaxAge: 24 * time.Hour}, x)
	ctx := context.Background()
	poison := queue(t, st, "x", "poison", t0)
	for i := range 6 {
		queue(t, st, "x", fmt.Sprintf("story %d", i), t0.Add(time.Duration(i+1)*time.Minute))
	}
	for range 2000 {
		d.Step(ctx)
		c.Advance(time.Second)
	}
	if got := status(t, st, poison.ID); got.Status != news.StatusFailed || got.Attempts != 3 {
		t.Errorf("poison post: %s after %d attempts", got.Status, got.Attempts)
	}
	if len(x.sent) != 6 {
		t.Errorf("the others: sent %q", x.sent)
	}
}

func TestProbeBackoff(t *testing.T) {
	d := New(nil, nil, Options{Jitter: func() float64 { return 0.999 }})
	prev := time.Duration(0)
	for n := 1; n <= 12; n++ {
		b := d.ProbeBackoff(n)
		if b < prev || b > MaxProbeInterval {
			t.Errorf("ProbeBackoff(%d) = %s", n, b)
		}
		prev = b
	}
	if b := d.ProbeBackoff(1); b > 5*time.Second {
		t.Errorf("first probe after %s, want within a few seconds", b)
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
	if err := d.ResumeDestination(context.Background(), "x", "ana"); err != nil {
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
	if err := d.PauseAll(context.Background(), "ana"); err != nil {
		t.Fatal(err)
	}
	d.Step(context.Background())
	if x.calls != 0 {
		t.Fatal("an automatic post was sent while paused")
	}
	// An editor's own post still goes.
	if _, err := d.Create(context.Background(), "ana", Draft{Text: "By hand"}); err != nil {
		t.Fatal(err)
	}
	d.Step(context.Background())
	if fmt.Sprint(x.sent) != "[By hand]" {
		t.Fatalf("while paused, sent %q; want the editor's post alone", x.sent)
	}
	// Another replica on the same database sees the pause too.
	other := New(st, []Publisher{x}, Options{Clock: d.o.Clock, Log: d.o.Log})
	if paused, _ := other.Paused(context.Background()); !paused {
		t.Error("the pause is not shared through the database")
	}
	if err := d.ResumeAll(context.Background(), "ana"); err != nil {
		t.Fatal(err)
	}
	d.Step(context.Background())
	if x.calls != 2 {
		t.Error("not sent after resume")
	}
	log, _ := st.AuditLog(context.Background(), 10)
	if len(log) != 3 || log[0].Action != "resume" || log[2].Action != "pause" || log[2].Actor != "ana" {
		t.Errorf("audit log: %+v", log)
	}
}

func TestLeaseExpiredPostIsSentAgain(t *testing.T) {
	x := &script{name: "x", answers: []error{fmt.Errorf("%w", news.ErrDuplicate)}}
	d, st, c := setup(t, Options{MaxAge: time.Hour, Lease: time.Minute}, x)
	p := queue(t, st, "x", "story", t0)
	// A dispatcher that died holding the post.
	if _, err := st.ClaimPost(context.Background(), "x", t0, Limits{Lease: time.Minute}.Rules()); err != nil {
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
	if _, err := st.ClaimPost(context.Background(), "x", c.Now(), Limits{Lease: time.Minute}.Rules()); !errors.Is(err, errNotFound) {
		t.Errorf("post claimable after publish: %v", err)
	}
}

func TestDailyCapWakesWhenTheWindowRolls(t *testing.T) {
	x := &script{name: "x"}
	d, st, c := setup(t, Options{Destinations: xRules(Destination{DailyCap: 2}), MaxAge: 72 * time.Hour}, x)
	queue(t, st, "x", "a", t0)
	d.Step(context.Background())
	c.Advance(time.Hour)
	queue(t, st, "x", "b", t0)
	queue(t, st, "x", "c", t0)
	next := d.Step(context.Background())
	if len(x.sent) != 2 {
		t.Fatalf("sent %q", x.sent)
	}
	if want := t0.Add(24 * time.Hour); !next.Equal(want) {
		t.Errorf("next = %v, want %v (when the first post leaves the 24-hour window)", next, want)
	}
}

func TestBudget(t *testing.T) {
	x := &script{name: "x"}
	// $0.50 a month: two posts with links ($0.20 each), then one without
	// ($0.015) still fits, another with a link does not.
	d, st, c := setup(t, Options{MaxAge: 90 * 24 * time.Hour, Destinations: xRules(Destination{Cost: &Cost{Post: 0.015, LinkPost: 0.20, MonthlyBudget: 0.50}})}, x)
	add := func(text string, link bool) *news.Post {
		p := &news.Post{Destination: "x", Text: text, Status: news.StatusQueued, SortAt: c.Now(), NotBefore: c.Now(), CreatedAt: c.Now(), HasLink: link}
		if err := st.AddPost(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	add("link 1", true)
	add("link 2", true)
	third := add("link 3", true)
	d.Step(context.Background())
	if len(x.sent) != 2 {
		t.Fatalf("sent %q within a $0.50 budget", x.sent)
	}
	got := status(t, st, third.ID)
	if got.Status != news.StatusQueued || !strings.Contains(got.LastError, "monthly budget of $0.50") ||
		!got.NotBefore.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("third post: %+v", got)
	}
	add("no link", false)
	d.Step(context.Background())
	if len(x.sent) != 3 || x.sent[2] != "no link" {
		t.Fatalf("a cheaper post that fits was not sent: %q", x.sent)
	}
	// Next month the budget is fresh.
	c.Advance(30 * 24 * time.Hour)
	d.Step(context.Background())
	if len(x.sent) != 4 || x.sent[3] != "link 3" {
		t.Errorf("next month sent %q", x.sent)
	}
	st2, _ := d.Status(context.Background())
	if st2[0].SpentThisMonth != 0.20 || st2[0].BudgetLeft != 0.30 {
		t.Errorf("status: %+v", st2[0])
	}
}

func TestQuietHours(t *testing.T) {
	x := &script{name: "x"}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// t0 is 09:00 UTC = 10:00 in Berlin: quiet from 09:30 to 12:00 there.
	q := &QuietHours{From: 9*time.Hour + 30*time.Minute, To: 12 * time.Hour, Location: berlin}
	d, st, c := setup(t, Options{Destinations: xRules(Destination{Quiet: q}), MaxAge: 24 * time.Hour}, x)
	queue(t, st, "x", "automatic", t0)
	editor := queue(t, st, "x", "editor's", t0)
	if _, err := st.Transition(context.Background(), editor.ID, []news.Status{news.StatusQueued}, news.StatusQueued, "", "", t0,
		func(p *news.Post) { p.Priority = news.PriorityEditor }); err != nil {
		t.Fatal(err)
	}
	next := d.Step(context.Background())
	if fmt.Sprint(x.sent) != "[editor's]" {
		t.Fatalf("during quiet hours sent %q", x.sent)
	}
	if want := time.Date(2026, 11, 2, 11, 0, 0, 0, time.UTC); !next.Equal(want) {
		t.Errorf("next = %v, want the end of quiet hours %v", next, want)
	}
	c.Advance(2 * time.Hour)
	d.Step(context.Background())
	if len(x.sent) != 2 {
		t.Errorf("after quiet hours sent %q", x.sent)
	}
}

func TestQuietHoursAcrossMidnight(t *testing.T) {
	q := &QuietHours{From: 23 * time.Hour, To: 6 * time.Hour}
	for _, tc := range []struct {
		at    string
		quiet bool
		until string
	}{
		{"2026-11-02T22:59:00Z", false, ""},
		{"2026-11-02T23:00:00Z", true, "2026-11-03T06:00:00Z"},
		{"2026-11-03T02:00:00Z", true, "2026-11-03T06:00:00Z"},
		{"2026-11-03T06:00:00Z", false, ""},
	} {
		at, _ := time.Parse(time.RFC3339, tc.at)
		quiet, until := q.Active(at)
		if quiet != tc.quiet || (tc.quiet && until.Format(time.RFC3339) != tc.until) {
			t.Errorf("%s: quiet=%v until %v; want %v %s", tc.at, quiet, until, tc.quiet, tc.until)
		}
	}
}

func TestPriorityAndOrder(t *testing.T) {
	x := &script{name: "x"}
	d, st, _ := setup(t, Options{MaxAge: 24 * time.Hour}, x)
	ctx := context.Background()
	mk := func(text string, prio int, at time.Time) {
		p := &news.Post{Destination: "x", Text: text, Status: news.StatusQueued, Priority: prio, SortAt: at, NotBefore: t0, CreatedAt: t0}
		if err := st.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	mk("newer story", news.PriorityNormal, t0.Add(-time.Minute))
	mk("older story", news.PriorityNormal, t0.Add(-time.Hour))
	mk("breaking", 50, t0)
	mk("editor", news.PriorityEditor, t0)
	d.Step(ctx)
	if fmt.Sprint(x.sent) != "[editor breaking older story newer story]" {
		t.Errorf("order %q", x.sent)
	}
}

func TestStaleWhileCapped(t *testing.T) {
	x := &script{name: "x"}
	d, st, c := setup(t, Options{Destinations: xRules(Destination{DailyCap: 1}), MaxAge: 6 * time.Hour}, x)
	queue(t, st, "x", "first", t0)
	waiting := queue(t, st, "x", "second", t0)
	d.Step(context.Background())
	c.Advance(7 * time.Hour)
	d.Step(context.Background())
	got := status(t, st, waiting.ID)
	if got.Status != news.StatusSkipped || !strings.Contains(got.LastError, "stale") {
		t.Errorf("post that waited past HERALD_MAX_AGE: %s %q", got.Status, got.LastError)
	}
	h, _ := st.History(context.Background(), waiting.ID)
	if last := h[len(h)-1]; last.To != news.StatusSkipped || last.Reason == "" {
		t.Errorf("skip not recorded with a reason: %+v", last)
	}
}
