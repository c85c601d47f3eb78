package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestClientCommands drives a running herald through herald post, queue,
// pause and resume, as a script would.
func TestClientCommands(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const token = "editor-token-for-tests-0123"
	startHerald(t, []string{
		"HERALD_DATABASE=" + filepath.Join(t.TempDir(), "h.db"),
		"HERALD_LISTEN=" + addr,
		"HERALD_EDITOR_TOKENS=ana:" + token,
		"HERALD_MIN_POST_INTERVAL=1h",
	})
	client := []string{"HERALD_API_URL=http://" + addr, "HERALD_API_TOKEN=" + token}
	cli := func(env []string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, env, &out, &errb)
		return code, out.String(), errb.String()
	}
	waitFor(t, "herald to listen", 10*time.Second, func() bool {
		code, _, _ := cli(client, "queue")
		return code == 0
	})

	code, out, errs := cli(client, "post", "--text", "Roads closed on Friday for the half-marathon", "--at", "2030-05-01T07:00:00Z")
	if code != 0 || !strings.Contains(out, "Queued post") || !strings.Contains(out, "2030-05-01T07:00:00Z") {
		t.Errorf("post: %d %q %q", code, out, errs)
	}
	code, out, _ = cli(client, "queue")
	if code != 0 || !strings.Contains(out, "Roads closed on Friday") || !strings.Contains(out, "queued") {
		t.Errorf("queue: %d %q", code, out)
	}
	if code, out, _ = cli(client, "pause"); code != 0 || !strings.Contains(out, "paused") {
		t.Errorf("pause: %d %q", code, out)
	}
	if code, _, _ = cli(client, "resume"); code != 0 {
		t.Errorf("resume: %d", code)
	}
	// Exit codes scripts can use.
	if code, _, errs = cli(client, "post", "--text", strings.Repeat("long ", 80)); code != 2 || !strings.Contains(errs, "limit is 280") {
		t.Errorf("over the limit: %d %q", code, errs)
	}
	if code, _, errs = cli([]string{"HERALD_API_URL=http://" + addr, "HERALD_API_TOKEN=wrong-token-0123456789"}, "pause"); code != 3 || !strings.Contains(errs, "401") {
		t.Errorf("wrong token: %d %q", code, errs)
	}
	if code, _, errs = cli([]string{"HERALD_API_URL=http://127.0.0.1:1"}, "queue"); code != 1 || !strings.Contains(errs, "cannot reach herald") {
		t.Errorf("no herald: %d %q", code, errs)
	}
	if code, _, _ = cli(client, "post"); code != 2 {
		t.Errorf("post without arguments: %d", code)
	}
}

// TestApproval: with HERALD_APPROVAL a new article waits as pending until an
// editor approves it through the API; then it is posted.
func TestApproval(t *testing.T) {
	room := newNewsroom(t)
	fx, xsrv := fakeX(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const token = "editor-token-for-tests-0123"
	startHerald(t, []string{
		"HERALD_FEEDS=" + room.srv.URL + "/feed",
		"HERALD_DATABASE=" + filepath.Join(t.TempDir(), "h.db"),
		"HERALD_LISTEN=" + addr, "HERALD_POLL_INTERVAL=1s", "HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_APPROVAL=true", "HERALD_EDITOR_TOKENS=ana:" + token,
		"HERALD_X_API_URL=" + xsrv.URL,
		"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + cs,
		"HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as,
	})
	waitFor(t, "the first fetch", 15*time.Second, func() bool { return room.requests.Load() >= 1 })
	room.add("vote", "Council votes on the new bridge", time.Now())
	client := []string{"HERALD_API_URL=http://" + addr, "HERALD_API_TOKEN=" + token}
	var out, errb bytes.Buffer
	waitFor(t, "a pending post", 15*time.Second, func() bool {
		out.Reset()
		run(context.Background(), []string{"queue"}, client, &out, &errb)
		return strings.Contains(out.String(), "pending")
	})
	time.Sleep(1500 * time.Millisecond)
	if fx.Calls() != 0 {
		t.Fatal("a post went out without approval")
	}
	id := strings.Fields(strings.Split(out.String(), "\n")[1])[0]
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/posts/"+id+"/approve", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("approve: %v %v", resp, err)
	}
	resp.Body.Close()
	waitFor(t, "the approved post on X", 15*time.Second, func() bool { return len(fx.Posts()) == 1 })
}

// TestEditorURLOnPrivateAddress: a URL an editor submits that resolves to a
// private address is refused with 422 and a clear message, and herald makes
// no connection to it.
func TestEditorURLOnPrivateAddress(t *testing.T) {
	var hits atomic.Int64
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer internal.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const token = "editor-token-for-tests-0123"
	startHerald(t, []string{"HERALD_DATABASE=" + filepath.Join(t.TempDir(), "h.db"), "HERALD_LISTEN=" + addr,
		"HERALD_EDITOR_TOKENS=ana:" + token})
	client := []string{"HERALD_API_URL=http://" + addr, "HERALD_API_TOKEN=" + token}
	waitFor(t, "herald to listen", 10*time.Second, func() bool {
		var out, errb bytes.Buffer
		return run(context.Background(), []string{"queue"}, client, &out, &errb) == 0
	})
	// By name (localhost resolves to 127.0.0.1) and by address.
	for _, u := range []string{strings.Replace(internal.URL, "127.0.0.1", "localhost", 1) + "/admin", internal.URL + "/admin"} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"post", u}, client, &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), "422") || !strings.Contains(errb.String(), "HERALD_ALLOW_PRIVATE_URLS") {
			t.Errorf("%s: exit %d, %q", u, code, errb.String())
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("herald connected to the private address %d times", n)
	}
}
