package source

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/store/postgres"
	"github.com/heraldhq/herald/internal/store/postgres/pgtest"
	"github.com/heraldhq/herald/internal/store/sqlstore"
)

// logBuffer is a log both a poller and the test use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// replica is a poller as a herald process on the shared database has it:
// its own store handle, fetcher (with its own User-Agent) and name.
func replica(t *testing.T, dbURL, owner string, lease time.Duration, log *logBuffer) (*Poller, *sqlstore.DB) {
	t.Helper()
	st, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &Poller{
		Store: st, Handler: &countingHandler{}, Interval: time.Hour, Workers: 1, Owner: owner,
		Lease: lease, SaveEvery: 50 * time.Millisecond,
		Fetcher: fetch.New(fetch.Options{Timeout: 10 * time.Second, UserAgent: owner}),
		Log:     slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}, st
}

const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>`

// A slow feed is fetched by one replica at a time, however long the fetch
// takes and however busy the replica is: its lease is renewed on its own
// while its only worker is stuck on the slow feed and its queue is full.
func TestLeasesHoldWhileBusy(t *testing.T) {
	dbURL := pgtest.Schema(t)
	const lease = testLease
	var inFlight, most, slowGets atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			slowGets.Add(1)
			select { // three leases long
			case <-time.After(3 * lease):
			case <-r.Context().Done():
			}
		}
		w.Write([]byte(rss))
	}))
	defer srv.Close()
	urls := []string{srv.URL + "/slow"}
	for i := range 20 {
		urls = append(urls, fmt.Sprintf("%s/fast/%d", srv.URL, i))
	}
	var log logBuffer
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, owner := range []string{"replica-a", "replica-b"} {
		p, _ := replica(t, dbURL, owner, lease, &log)
		p.Interval = 50 * time.Millisecond // every feed is due again at once
		if err := p.SetFeeds(ctx, urls); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() { p.Run(ctx) })
	}
	time.Sleep(5 * lease)
	cancel()
	wg.Wait()
	if m := most.Load(); m != 1 {
		t.Errorf("the slow feed was fetched by %d replicas at once", m)
	}
	if slowGets.Load() == 0 {
		t.Error("the slow feed was never fetched")
	}
	if strings.Contains(log.String(), "lease lost") {
		t.Errorf("a lease was lost:\n%s", log.String())
	}
}

// A replica whose lease was taken (its lease expired as far as the other
// can tell) cannot overwrite the state the new holder saved: its late
// write changes nothing, it says so, and it learns the stored state.
func TestLateReplicaCannotOverwrite(t *testing.T) {
	dbURL := pgtest.Schema(t)
	const lease = testLease
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua := r.Header.Get("User-Agent")
		if ua == "replica-a" {
			arrived <- struct{}{}
			<-release
		}
		w.Header().Set("ETag", `"`+ua+`"`)
		w.Write([]byte(rss))
	}))
	defer srv.Close()
	defer close(release)
	var log logBuffer
	a, st := replica(t, dbURL, "replica-a", lease, &log)
	b, _ := replica(t, dbURL, "replica-b", lease, &log)
	// b's clock is an hour ahead: to b, a's lease ran out long ago.
	b.Clock = func() time.Time { return time.Now().Add(time.Hour) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, p := range []*Poller{a, b} {
		if err := p.SetFeeds(ctx, []string{srv.URL + "/feed"}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { a.Run(ctx) })
	<-arrived
	time.Sleep(2 * lease)
	f, err := st.Feed(ctx, a.Feeds()[0].ID)
	if err != nil || f.LeaseOwner != "replica-a" || !f.LeaseUntil.After(time.Now()) {
		t.Fatalf("a's lease was not renewed while it fetched (now %v): %+v %v\n%s", time.Now(), f, err, log.String())
	}

	// b takes over (trying again when it meets the row at the moment a's
	// renewal holds it: rows being written are passed over, not waited for).
	for range 20 {
		if b.PollAll(ctx); !b.Feeds()[0].LastFetch.IsZero() {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	f, _ = st.Feed(ctx, f.ID)
	if f.ETag != `"replica-b"` || f.LeaseOwner != "" {
		t.Fatalf("b did not take the expired lease and save: %+v\n%s", f, log.String())
	}

	release <- struct{}{}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(log.String(), "lease lost") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(log.String(), `msg="feed lease lost to another replica: this fetch's outcome is dropped"`) ||
		!strings.Contains(log.String(), "owner=replica-a") {
		t.Fatalf("a's late write was not reported:\n%s", log.String())
	}
	if f, _ = st.Feed(ctx, f.ID); f.ETag != `"replica-b"` {
		t.Errorf("a late replica overwrote the holder's state: %+v", f)
	}
	// a reads the stored state again rather than keep its own.
	for a.Feeds()[0].ETag != `"replica-b"` && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := a.Feeds()[0]; got.ETag != `"replica-b"` {
		t.Errorf("a kept the outcome it could not save: %+v", got)
	}
}
