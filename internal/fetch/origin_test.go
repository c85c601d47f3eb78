package fetch_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/fetch"
)

// The operator's feed URL is trusted as written and nothing else is: every
// other origin (scheme, host and port), on the first request or on any
// redirect, is checked after DNS resolution.
func TestOnlyTheOperatorsOriginIsTrusted(t *testing.T) {
	// secret stands for an internal service on the same machine as the
	// feed: another port of the feed's own address.
	secret := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "internal page")
	})
	// news is the operator's feed server, on loopback.
	news := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		if to := r.URL.Query().Get("to"); to != "" {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		io.WriteString(w, "newsroom "+r.URL.Path)
	})
	resolver := newResolver(t, testHosts)
	feedURL := news.URL + "/feed"
	secretURL := "http://127.0.0.1:" + secret.port() + "/admin"
	via := func(to string) string { return news.URL + "/story?to=" + url.QueryEscape(to) }

	tests := []struct {
		name    string
		url     string
		trusted string
		want    string // body; "" means refused with ErrBlocked
	}{
		{name: "the feed URL itself", url: feedURL, trusted: feedURL, want: "newsroom /feed"},
		{name: "a page on the feed's origin", url: news.URL + "/2026/story/", trusted: feedURL, want: "newsroom /2026/story/"},
		{name: "a same-origin redirect", url: via("/moved"), trusted: feedURL, want: "newsroom /moved"},
		{name: "the feed redirecting to another port", url: via(secretURL), trusted: feedURL},
		{name: "the feed redirecting to localhost", url: via("http://localhost:" + secret.port() + "/"), trusted: feedURL},
		{name: "the feed redirecting to [::1]", url: via("http://[::1]:" + secret.port() + "/"), trusted: feedURL},
		{name: "the feed redirecting to the metadata service", url: via("http://169.254.169.254/latest/meta-data/"), trusted: feedURL},
		{name: "the feed redirecting to a name resolving to a private address", url: via("http://intranet.herald.test/wiki"), trusted: feedURL},
		{name: "the feed redirecting to its own host over https", url: via(strings.Replace(news.URL, "http:", "https:", 1) + "/feed"), trusted: feedURL},
		{name: "a link to another port of the feed's host", url: secretURL, trusted: feedURL},
		{name: "a same-origin link redirecting to another origin", url: via(secretURL), trusted: news.URL + "/feed"},
		{name: "an editor's URL", url: feedURL, trusted: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFetcher(t, fetch.Options{Resolver: resolver})
			resp, err := get(t, f, fetch.Request{URL: tt.url, Trusted: tt.trusted})
			if tt.want != "" {
				if err != nil {
					t.Fatal(err)
				}
				if string(resp.Body) != tt.want {
					t.Errorf("body %q, want %q", resp.Body, tt.want)
				}
				return
			}
			fetchErr(t, err, fetch.ErrBlocked, tt.url)
			if msg := err.Error(); tt.trusted != "" && !strings.Contains(msg, "only the feed URL's own origin, "+news.URL+", is trusted") {
				t.Errorf("message %q does not say what is trusted", msg)
			}
		})
	}
	if n := secret.conns.Load(); n != 0 {
		t.Errorf("the internal server accepted %d connections", n)
	}

	// HERALD_ALLOW_PRIVATE_URLS=true lets all of them through.
	f := newFetcher(t, fetch.Options{Resolver: resolver, AllowPrivate: true})
	for _, u := range []string{via(secretURL), secretURL} {
		resp, err := get(t, f, fetch.Request{URL: u, Trusted: feedURL})
		if err != nil {
			t.Fatalf("AllowPrivate, %s: %v", u, err)
		}
		if string(resp.Body) != "internal page" {
			t.Errorf("AllowPrivate, %s: body %q", u, resp.Body)
		}
	}
}

// A feed the operator names by a host name that resolves to loopback is
// trusted; its redirect to another name resolving to loopback is not. The
// resolver stands in for DNS.
func TestTrustedNameRedirectingToPrivateName(t *testing.T) {
	secret := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "internal page")
	})
	news := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://mapped.herald.test:"+secret.port()+"/admin", http.StatusMovedPermanently)
	})
	f := newFetcher(t, fetch.Options{Resolver: newResolver(t, testHosts)})
	feedURL := "http://loopback.herald.test:" + news.port() + "/feed"
	_, err := get(t, f, fetch.Request{URL: feedURL, Trusted: feedURL})
	fetchErr(t, err, fetch.ErrBlocked, feedURL)
	if !strings.Contains(err.Error(), "mapped.herald.test at 127.0.0.1") {
		t.Errorf("message %q should name the refused host and address", err)
	}
	if news.requests.Load() != 1 || secret.conns.Load() != 0 {
		t.Errorf("feed served %d requests (want 1), internal server accepted %d connections (want 0)",
			news.requests.Load(), secret.conns.Load())
	}
}
