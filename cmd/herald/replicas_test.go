package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/publish/x/xfake"
	"github.com/heraldhq/herald/internal/store/postgres/pgtest"
)

// farmOfFeeds serves n small RSS feeds at /feed/{i}, each with its own
// items and ETag, and counts the fetches.
type farmOfFeeds struct {
	mu      sync.Mutex
	items   [][]string
	fetches atomic.Int64
	srv     *httptest.Server
}

func newFarm(t *testing.T, n int) *farmOfFeeds {
	f := &farmOfFeeds{items: make([][]string, n)}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

func (f *farmOfFeeds) urls() []string {
	out := make([]string, len(f.items))
	for i := range out {
		out[i] = fmt.Sprintf("%s/feed/%d", f.srv.URL, i)
	}
	return out
}

func (f *farmOfFeeds) add(i int, slug string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items[i] = append(f.items[i], fmt.Sprintf(`<item><title>Story %s</title><link>%s/story/%s/</link><guid>%s</guid><pubDate>%s</pubDate></item>`,
		slug, f.srv.URL, slug, slug, time.Now().UTC().Format(time.RFC1123Z)))
}

func (f *farmOfFeeds) serve(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/feed/"))
	if err != nil || i < 0 || i >= len(f.items) {
		http.NotFound(w, r)
		return
	}
	f.fetches.Add(1)
	f.mu.Lock()
	items := strings.Join(f.items[i], "")
	f.mu.Unlock()
	etag := fmt.Sprintf(`"%d-%d"`, i, len(items))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %d</title>%s</channel></rss>`, i, items)
}

type replica struct {
	cmd *exec.Cmd
	log *syncBuffer
}

// startReplicas starts n herald processes on one database.
func startReplicas(t *testing.T, n int, env []string) []*replica {
	bin := buildHerald(t)
	var out []*replica
	for range n {
		r := &replica{log: &syncBuffer{}}
		r.cmd = exec.Command(bin, "run")
		r.cmd.Env = env
		r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
		if err := r.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			r.cmd.Process.Signal(syscall.SIGTERM)
			r.cmd.Wait()
			if t.Failed() {
				t.Logf("replica log:\n%s", r.log)
			}
		})
		out = append(out, r)
	}
	return out
}

func replicaEnv(t *testing.T, database, feedsFile, xURL string, extra ...string) []string {
	return append([]string{
		"HERALD_DATABASE=" + database,
		"HERALD_FEEDS_FILE=" + feedsFile,
		"HERALD_POLL_INTERVAL=2s", "HERALD_LISTEN=127.0.0.1:0", "HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_SHUTDOWN_TIMEOUT=3s", "HERALD_LOG_LEVEL=warn",
		"HERALD_X_API_URL=" + xURL,
		"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + cs,
		"HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as,
	}, extra...)
}

func writeFeedsFile(t *testing.T, urls []string) string {
	p := filepath.Join(t.TempDir(), "feeds.txt")
	if err := os.WriteFile(p, []byte(strings.Join(urls, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkOnce fails when X holds a text twice.
func checkOnce(t *testing.T, fx *xfake.Server) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	for _, p := range fx.Posts() {
		if seen[p.Text] {
			t.Errorf("posted twice: %q", p.Text)
		}
		seen[p.Text] = true
	}
	return seen
}

// TestReplicas: three herald processes on one PostgreSQL share 200 feeds and
// one X account: every article is posted once, the daily cap holds across
// the three, and each feed is fetched about once per interval in all.
func TestReplicas(t *testing.T) {
	db := pgtest.Schema(t)
	farm := newFarm(t, 200)
	fx, xsrv := fakeX(t)
	const dailyCap = 50
	startReplicas(t, 3, replicaEnv(t, db, writeFeedsFile(t, farm.urls()), xsrv.URL, "HERALD_DAILY_CAP="+strconv.Itoa(dailyCap)))

	waitFor(t, "every feed read once", 30*time.Second, func() bool { return farm.fetches.Load() >= 200 })
	// Articles arrive throughout, in feeds all over the farm.
	for i := range 45 {
		farm.add((i*37)%200, fmt.Sprintf("a%d", i))
		time.Sleep(50 * time.Millisecond)
	}
	waitFor(t, "45 posts on X", 60*time.Second, func() bool { return len(fx.Posts()) >= 45 })
	seen := checkOnce(t, fx)
	for i := range 45 {
		if !seen[fmt.Sprintf("Story a%d\n\n%s/story/a%d/", i, farm.srv.URL, i)] {
			t.Errorf("article a%d was not posted as expected", i)
		}
	}

	// The cap: ten more articles, room for five.
	for i := range 10 {
		farm.add((i*53)%200, fmt.Sprintf("b%d", i))
	}
	waitFor(t, "the cap to be reached", 60*time.Second, func() bool { return len(fx.Posts()) >= dailyCap })
	// Fetches in steady state: 200 feeds every 2 s is 100 a second in all.
	before, start := farm.fetches.Load(), time.Now()
	time.Sleep(6 * time.Second)
	rate := float64(farm.fetches.Load()-before) / time.Since(start).Seconds()
	if n := len(fx.Posts()); n != dailyCap {
		t.Errorf("%d posts with a daily cap of %d across three replicas", n, dailyCap)
	}
	checkOnce(t, fx)
	if rate > 150 {
		t.Errorf("%.0f fetches a second by three replicas; one replica alone makes 100", rate)
	}
	t.Logf("steady state: %.0f fetches a second for 200 feeds polled every 2 s", rate)
}

// TestReplicaKilled: one replica dies with SIGKILL while X holds its call.
// The others take over its feeds and, once the claim's lease expires, its
// post: X's duplicate answer settles it, and nothing is lost or doubled.
func TestReplicaKilled(t *testing.T) {
	db := pgtest.Schema(t)
	farm := newFarm(t, 200)
	fx, xsrv := fakeX(t)
	env := replicaEnv(t, db, writeFeedsFile(t, farm.urls()), xsrv.URL)

	release := fx.Block()
	first := startReplicas(t, 1, env)[0]
	waitFor(t, "every feed read once", 30*time.Second, func() bool { return farm.fetches.Load() >= 200 })
	farm.add(7, "held")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := fx.WaitInFlight(ctx, 1); err != nil {
		t.Fatalf("no call reached X: %v\n%s", err, first.log)
	}
	startReplicas(t, 2, env)
	time.Sleep(time.Second)
	first.cmd.Process.Signal(syscall.SIGKILL)
	first.cmd.Wait()
	release()
	waitFor(t, "X to store the held post", 5*time.Second, func() bool { return len(fx.Posts()) == 1 })

	// The dead replica's feeds go on being read: new articles anywhere are posted.
	for i := range 20 {
		farm.add((i*41)%200, fmt.Sprintf("after%d", i))
	}
	waitFor(t, "the articles added after the kill", 60*time.Second, func() bool { return len(fx.Posts()) >= 21 })
	// The held post was sent again after its lease expired, and X said duplicate.
	waitFor(t, "the held post to be settled", 30*time.Second, func() bool { return fx.Calls() >= 22 })
	time.Sleep(2 * time.Second)
	checkOnce(t, fx)
	if n := len(fx.Posts()); n != 21 {
		t.Errorf("%d posts on X, want 21", n)
	}
}
