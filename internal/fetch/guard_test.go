package fetch_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/fetch"
)

// testHosts is the DNS seen by the guard tests. Every server in them runs on
// 127.0.0.1; names that point elsewhere must never be dialled.
var testHosts = map[string][]string{
	"news.herald.test":     {"203.0.113.10"}, // public (documentation range), reached only through the fake proxy
	"loopback.herald.test": {"127.0.0.1"},
	"intranet.herald.test": {"10.0.0.1"},
	"metadata.herald.test": {"169.254.169.254"},
	"ula.herald.test":      {"fd00::1"},
	"mixed.herald.test":    {"203.0.113.10", "10.0.0.2"},
	"mapped.herald.test":   {"::ffff:127.0.0.1"},
	"cgnat.herald.test":    {"100.100.100.200"},
}

func TestFetchGuardRefusesPrivate(t *testing.T) {
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "internal page")
	})
	port := srv.port()
	f := newFetcher(t, fetch.Options{Resolver: newResolver(t, testHosts)})

	tests := []struct {
		url      string
		wantAddr string
	}{
		{"http://127.0.0.1:" + port + "/admin", "127.0.0.1"},
		{"http://localhost:" + port + "/admin", "localhost at "},
		{"http://loopback.herald.test:" + port + "/admin", "loopback.herald.test at 127.0.0.1"},
		{"http://mapped.herald.test:" + port + "/admin", "mapped.herald.test at 127.0.0.1"},
		{"http://[::ffff:127.0.0.1]:" + port + "/admin", "127.0.0.1"},
		{"http://0.0.0.0:" + port + "/admin", "0.0.0.0"},
		{"http://[::1]:" + port + "/admin", "::1"},
		{"http://intranet.herald.test/wiki", "intranet.herald.test at 10.0.0.1"},
		{"http://10.1.2.3/wiki", "10.1.2.3"},
		{"http://metadata.herald.test/latest/meta-data/", "metadata.herald.test at 169.254.169.254"},
		{"http://169.254.169.254/latest/meta-data/", "169.254.169.254"},
		{"http://ula.herald.test/", "ula.herald.test at fd00::1"},
		{"http://mixed.herald.test/", "mixed.herald.test at 10.0.0.2"},
		{"http://cgnat.herald.test/", "cgnat.herald.test at 100.100.100.200"},
		{"https://[fe80::1%25eth0]/", "fe80::1%eth0"},
		{"http://224.0.0.1/", "224.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := get(t, f, fetch.Request{URL: tt.url})
			fetchErr(t, err, fetch.ErrBlocked, tt.url)
			msg := err.Error()
			if !strings.Contains(msg, tt.wantAddr) || !strings.Contains(msg, "HERALD_ALLOW_PRIVATE_URLS") {
				t.Errorf("message %q should name %q and HERALD_ALLOW_PRIVATE_URLS", msg, tt.wantAddr)
			}
		})
	}
	if n := srv.conns.Load(); n != 0 {
		t.Errorf("the server accepted %d connections; the guard must refuse before dialling", n)
	}
}

func TestFetchGuardAllowsOperatorAndAllowPrivate(t *testing.T) {
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "newsroom feed")
	})
	port := srv.port()
	resolver := newResolver(t, testHosts)
	tests := []struct {
		name         string
		allowPrivate bool
		guarded      bool
		url          string
	}{
		{name: "operator feed on 127.0.0.1", url: "http://127.0.0.1:" + port + "/feed"},
		{name: "operator feed on an internal name", url: "http://loopback.herald.test:" + port + "/feed"},
		{name: "AllowPrivate, address", allowPrivate: true, guarded: true, url: "http://127.0.0.1:" + port + "/feed"},
		{name: "AllowPrivate, name", allowPrivate: true, guarded: true, url: "http://loopback.herald.test:" + port + "/feed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFetcher(t, fetch.Options{Resolver: resolver, AllowPrivate: tt.allowPrivate})
			r := fetch.Request{URL: tt.url}
			if !tt.guarded {
				r.Trusted = tt.url // the operator's feed
			}
			resp, err := get(t, f, r)
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != "newsroom feed" {
				t.Errorf("body = %q", resp.Body)
			}
		})
	}
}

// TestFetchGuardFollowsRedirects checks that a guarded request that starts
// on a public host and is redirected inside is refused, whether the redirect
// is dialled directly or would go through the proxy. news.herald.test is
// "public" but unreachable, so a fake forward proxy on 127.0.0.1 serves it.
func TestFetchGuardFollowsRedirects(t *testing.T) {
	secret := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "internal page")
	})
	proxy := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		if to := r.URL.Query().Get("to"); to != "" {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		io.WriteString(w, "via proxy to "+r.URL.Host)
	})
	proxyURL, _ := url.Parse(proxy.URL)
	resolver := newResolver(t, testHosts)

	targets := []string{
		"http://127.0.0.1:" + secret.port() + "/admin",
		"http://localhost:" + secret.port() + "/admin",
		"http://loopback.herald.test:" + secret.port() + "/admin",
		"http://intranet.herald.test/wiki",
		"http://169.254.169.254/latest/meta-data/",
	}
	modes := []struct {
		name  string
		proxy func(*http.Request) (*url.URL, error)
	}{
		{
			// Like NO_PROXY for everything but the public host: the redirect
			// goes to the checking dialer.
			name: "redirect dialled directly",
			proxy: func(r *http.Request) (*url.URL, error) {
				if r.URL.Hostname() == "news.herald.test" {
					return proxyURL, nil
				}
				return nil, nil
			},
		},
		{
			// The proxy would reach the target for us, so the target must be
			// checked before the request is handed to it.
			name:  "redirect through the proxy",
			proxy: http.ProxyURL(proxyURL),
		},
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			f := newFetcher(t, fetch.Options{Resolver: resolver, Proxy: mode.proxy})

			// The public host itself is fine.
			resp, err := get(t, f, fetch.Request{URL: "http://news.herald.test/story"})
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != "via proxy to news.herald.test" {
				t.Fatalf("body = %q", resp.Body)
			}

			for _, target := range targets {
				t.Run(target, func(t *testing.T) {
					before := proxy.requests.Load()
					u := "http://news.herald.test/story?to=" + url.QueryEscape(target)
					_, err := get(t, f, fetch.Request{URL: u})
					fetchErr(t, err, fetch.ErrBlocked, u)
					if n := proxy.requests.Load() - before; n != 1 {
						t.Errorf("the proxy served %d requests, want only the first", n)
					}
				})
			}
		})
	}
	if n := secret.conns.Load(); n != 0 {
		t.Errorf("the internal server accepted %d connections", n)
	}
}

func TestFetchGuardThroughProxy(t *testing.T) {
	proxy := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "via proxy to "+r.URL.Host)
	})
	proxyURL, _ := url.Parse(proxy.URL)
	resolver := newResolver(t, testHosts)
	tests := []struct {
		name    string
		url     string
		guarded bool
		wantErr error
	}{
		{name: "guarded, public", url: "http://news.herald.test/story", guarded: true},
		{name: "guarded, private name", url: "http://intranet.herald.test/wiki", guarded: true, wantErr: fetch.ErrBlocked},
		{name: "guarded, loopback address", url: "http://127.0.0.1:8080/", guarded: true, wantErr: fetch.ErrBlocked},
		{name: "guarded, mixed name", url: "https://mixed.herald.test/", guarded: true, wantErr: fetch.ErrBlocked},
		{name: "operator feed on a private name", url: "http://intranet.herald.test/feed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFetcher(t, fetch.Options{Resolver: resolver, Proxy: http.ProxyURL(proxyURL)})
			before := proxy.conns.Load()
			r := fetch.Request{URL: tt.url}
			if !tt.guarded {
				r.Trusted = tt.url // the operator's feed
			}
			resp, err := get(t, f, r)
			if tt.wantErr != nil {
				fetchErr(t, err, tt.wantErr, tt.url)
				if n := proxy.conns.Load() - before; n != 0 {
					t.Errorf("the proxy got %d connections for a refused request", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(tt.url)
			if want := "via proxy to " + u.Host; string(resp.Body) != want {
				t.Errorf("body = %q, want %q", resp.Body, want)
			}
		})
	}
}
