package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish/x"
	"github.com/heraldhq/herald/internal/publish/x/xfake"
)

func TestFakexServesAndControls(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-consumer-key", "ck-fakex", "-consumer-secret", "cs-fakex",
			"-access-token", "at-fakex", "-access-secret", "as-fakex", "-username", "fakexdesk"}, w)
		w.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSpace(line)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line %q is not the URL", line)
	}

	pub, err := x.New(x.Options{APIURL: base, ConsumerKey: "ck-fakex", ConsumerSecret: "cs-fakex", AccessToken: "at-fakex", AccessSecret: "as-fakex"})
	if err != nil {
		t.Fatal(err)
	}
	control := func(method, path, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}

	// Block, post, see the call in flight, release.
	if r := control("POST", "/_fake/block", ""); r.StatusCode != http.StatusNoContent {
		t.Fatalf("block: %d", r.StatusCode)
	}
	result := make(chan error, 1)
	go func() {
		_, err := pub.Publish(context.Background(), news.Message{Text: "Held across the process boundary"})
		result <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var calls struct {
			Calls    int `json:"calls"`
			InFlight int `json:"in_flight"`
		}
		json.NewDecoder(control("GET", "/_fake/calls", "").Body).Decode(&calls)
		if calls.InFlight == 1 && calls.Calls == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("call never held: %+v", calls)
		}
		time.Sleep(10 * time.Millisecond)
	}
	control("POST", "/_fake/release", "")
	if err := <-result; err != nil {
		t.Fatal(err)
	}
	var posts []xfake.Post
	if err := json.NewDecoder(control("GET", "/_fake/posts", "").Body).Decode(&posts); err != nil {
		t.Fatal(err)
	}
	if len(posts) != 1 || posts[0].Text != "Held across the process boundary" || posts[0].API != "v2" {
		t.Fatalf("posts %+v", posts)
	}

	// A scripted answer.
	b, _ := json.Marshal(xfake.Unavailable())
	if r := control("POST", "/_fake/push", string(b)); r.StatusCode != http.StatusNoContent {
		t.Fatalf("push: %d", r.StatusCode)
	}
	_, err = pub.Publish(context.Background(), news.Message{Text: "Second story"})
	var pe *news.PublishError
	if !errors.As(err, &pe) || pe.Kind != news.Transient || pe.Status != 503 {
		t.Fatalf("scripted 503: %v", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("fakex did not stop")
	}
}

func TestFakexNeedsCredentials(t *testing.T) {
	err := run(context.Background(), []string{"-consumer-key", "only-this"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-consumer-secret") {
		t.Fatalf("got %v", err)
	}
}
