package fetch_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/fetch"
)

// A hub's subscribe request: a form POST with herald's User-Agent; a 2xx
// answer is a Response with its header.
func TestPostForm(t *testing.T) {
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" ||
			!strings.HasPrefix(r.Header.Get("User-Agent"), "herald/") {
			http.Error(w, "bad request line", http.StatusBadRequest)
			return
		}
		if err := r.ParseForm(); err != nil || r.PostForm.Get("hub.mode") != "subscribe" || r.PostForm.Get("hub.topic") != "https://news.example/feed" {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		w.Header().Set("X-Hub", "fake")
		w.WriteHeader(http.StatusAccepted)
	})
	f := newFetcher(t, fetch.Options{AllowPrivate: true})
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {"https://news.example/feed"}}
	resp, err := f.PostForm(context.Background(), srv.URL+"/hub", form)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusAccepted || resp.Header.Get("X-Hub") != "fake" {
		t.Errorf("response %d %v", resp.StatusCode, resp.Header)
	}
}

// A refusal says why, in the hub's own words when it gives them as plain
// text, cleaned and cut; an HTML error page is not repeated.
func TestPostFormRefusal(t *testing.T) {
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/plain":
			http.Error(w, "Invalid topic: only feeds on news.example\x1b[31m may subscribe\nsecond line", http.StatusBadRequest)
		case "/long":
			http.Error(w, strings.Repeat("é", 300), http.StatusForbidden)
		default:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "<html><body><h1>Oops</h1></body></html>")
		}
	})
	f := newFetcher(t, fetch.Options{AllowPrivate: true})
	for _, tc := range []struct{ path, want string }{
		{"/plain", "the server answered 400 Bad Request: Invalid topic: only feeds on news.example[31m may subscribe"},
		{"/long", "the server answered 403 Forbidden: " + strings.Repeat("é", 200) + "…"},
		{"/html", "the server answered 500 Internal Server Error"},
	} {
		_, err := f.PostForm(context.Background(), srv.URL+tc.path, url.Values{"hub.mode": {"subscribe"}})
		var fe *fetch.Error
		if !errors.As(err, &fe) || !errors.Is(err, fetch.ErrHTTPStatus) {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if got := fe.Err.Error(); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.path, got, tc.want)
		}
	}
}

// A hub is named by a feed: on a private address it is refused before
// herald connects, unless HERALD_ALLOW_PRIVATE_URLS.
func TestPostFormGuarded(t *testing.T) {
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) })
	f := newFetcher(t, fetch.Options{})
	_, err := f.PostForm(context.Background(), srv.URL+"/hub", url.Values{"hub.mode": {"subscribe"}})
	if !errors.Is(err, fetch.ErrBlocked) {
		t.Fatalf("err = %v, want ErrBlocked", err)
	}
	if n := srv.conns.Load(); n != 0 {
		t.Errorf("%d connections to a private address", n)
	}
	if _, err := f.PostForm(context.Background(), "ftp://hub.example/", nil); !errors.Is(err, fetch.ErrNotHTTP) {
		t.Errorf("ftp URL: %v", err)
	}
}
