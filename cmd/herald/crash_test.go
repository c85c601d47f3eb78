package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildHerald compiles the herald binary, once per test run, for tests
// that need a real process.
func buildHerald(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the herald binary; skipped with -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "herald-test-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "herald")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Stderr = os.Stderr
		buildErr = cmd.Run()
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binPath
}

// TestSIGHUPReloadsFeeds: a feed added to HERALD_FEEDS_FILE is polled after
// SIGHUP, without a restart.
func TestSIGHUPReloadsFeeds(t *testing.T) {
	bin := buildHerald(t)
	a, b := newNewsroom(t), newNewsroom(t)
	list := filepath.Join(t.TempDir(), "feeds.txt")
	if err := os.WriteFile(list, []byte("# our feeds\n"+a.srv.URL+"/feed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	cmd := exec.Command(bin, "run")
	cmd.Env = []string{"HERALD_FEEDS_FILE=" + list, "HERALD_DATABASE=" + filepath.Join(t.TempDir(), "h.db"),
		"HERALD_POLL_INTERVAL=1s", "HERALD_LISTEN=127.0.0.1:0"}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	waitFor(t, "the first feed", 15*time.Second, func() bool { return a.requests.Load() >= 1 })
	if err := os.WriteFile(list, []byte(a.srv.URL+"/feed\n"+b.srv.URL+"/feed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b.requests.Load() != 0 {
		t.Fatal("the second feed was read before the reload")
	}
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the added feed after SIGHUP", 15*time.Second, func() bool { return b.requests.Load() >= 1 })
	// The line comes once the list is set, which may be after the poller,
	// woken by it, has read the new feed.
	waitFor(t, "the reload's log line", 5*time.Second, func() bool { return strings.Contains(log.String(), "feed list reloaded") })
}

// TestCrashMidPublish: herald is killed with SIGKILL while X holds its call.
// X accepted the post; the restarted herald takes the post again once the
// claim's lease expires, X answers "duplicate", and the post ends published
// exactly once.
func TestCrashMidPublish(t *testing.T) {
	bin := buildHerald(t)
	room := newNewsroom(t)
	fx, xsrv := fakeX(t)
	db := filepath.Join(t.TempDir(), "herald.db")
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HERALD_FEEDS=" + room.srv.URL + "/feed",
		"HERALD_DATABASE=" + db,
		"HERALD_POLL_INTERVAL=1s", "HERALD_LISTEN=127.0.0.1:0", "HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_SHUTDOWN_TIMEOUT=3s",
		"HERALD_X_API_URL=" + xsrv.URL,
		"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + cs,
		"HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as,
	}
	start := func() (*exec.Cmd, *syncBuffer) {
		log := &syncBuffer{}
		cmd := exec.Command(bin, "run")
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, log
	}

	release := fx.Block()
	first, log1 := start()
	waitFor(t, "the first fetch", 15*time.Second, func() bool { return room.requests.Load() >= 1 })
	room.add("storm", "Storm warning for the valley tonight", time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := fx.WaitInFlight(ctx, 1); err != nil {
		t.Fatalf("no call reached X: %v\n%s", err, log1)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	release() // X finishes the call it was holding: the post exists on X.
	waitFor(t, "X to store the held post", 5*time.Second, func() bool { return len(fx.Posts()) == 1 })

	second, log2 := start()
	stopped := false
	defer func() {
		if !stopped {
			second.Process.Kill()
			second.Wait()
		}
	}()
	// The lease (publish timeout 5s + 5s) expires, the post is sent again,
	// and X's duplicate answer settles it.
	waitFor(t, "the post to be sent again", 30*time.Second, func() bool { return fx.Calls() >= 2 })
	time.Sleep(500 * time.Millisecond)
	if n := len(fx.Posts()); n != 1 {
		t.Errorf("%d posts on X, want exactly 1\n%s", n, log2)
	}
	if fx.Calls() != 2 {
		t.Errorf("%d calls to X, want 2 (the crashed one and the duplicate)\n%s", fx.Calls(), log2)
	}
	waitFor(t, "herald to record the post as published", 10*time.Second, func() bool {
		return strings.Contains(log2.String(), "post was already published (duplicate answer)")
	})
	// A clean stop: SIGTERM, exit 0 within the shutdown timeout.
	if err := second.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- second.Wait() }()
	stopped = true
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, log2)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("herald did not exit within 10s of SIGTERM")
	}
}
