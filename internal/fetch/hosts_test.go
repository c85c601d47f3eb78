package fetch_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/heraldhq/herald/internal/fetch"
)

// TestHosts: a host:port in Options.Hosts is dialled at its address without
// DNS, past the guard and the proxy; the same name on another port is not.
func TestHosts(t *testing.T) {
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "served for "+r.Host)
	})
	addr := srv.Listener.Addr().String()
	proxied := 0
	f := newFetcher(t, fetch.Options{
		// No DNS answers for the name: a lookup would fail the test.
		Resolver: newResolver(t, map[string][]string{}),
		Hosts:    map[string]string{"News.Example.com:" + srv.port(): addr},
		Proxy: func(*http.Request) (*url.URL, error) {
			proxied++
			return nil, nil
		},
	})
	for _, trusted := range []string{"http://news.example.com:" + srv.port() + "/feed/", ""} {
		guarded := trusted == ""
		resp, err := get(t, f, fetch.Request{URL: "http://news.example.com:" + srv.port() + "/story/", Trusted: trusted})
		if err != nil {
			t.Fatalf("guarded=%v: %v", guarded, err)
		}
		if got := string(resp.Body); got != "served for news.example.com:"+srv.port() {
			t.Errorf("guarded=%v: body %q", guarded, got)
		}
	}
	if proxied != 0 {
		t.Errorf("the proxy was asked %d times about a mapped host", proxied)
	}
	// Another port of the same name is not mapped: it goes to DNS, which
	// knows no such name.
	_, err := get(t, f, fetch.Request{URL: "http://news.example.com:1/"})
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		t.Errorf("unmapped port: %v, want a DNS error", err)
	}
}

// TestDescribe: fetch failures in the words an editor reads.
func TestDescribe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	notFound := startServer(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	f := newFetcher(t, fetch.Options{Resolver: newResolver(t, map[string][]string{}), AllowPrivate: true})
	for _, tt := range []struct{ url, want string }{
		{"http://" + closed + "/", "herald could not reach that address: the connection was refused (nothing is listening there)"},
		{notFound.URL + "/gone", "the site answered 404 Not Found"},
		{"http://nowhere.herald.test/", `herald could not find that site: there is no host named "nowhere.herald.test"`},
		{"ftp://example.com/", `not an http or https URL (scheme "ftp")`},
	} {
		_, err := f.Fetch(context.Background(), fetch.Request{URL: tt.url})
		if got := fetch.Describe(err); got != tt.want {
			t.Errorf("%s: Describe = %q, want %q (error: %v)", tt.url, got, tt.want, err)
		}
	}
	guarded := newFetcher(t, fetch.Options{})
	_, err = guarded.Fetch(context.Background(), fetch.Request{URL: "http://" + closed + "/"})
	if got := fetch.Describe(err); !strings.Contains(got, "loopback") || !strings.Contains(got, "HERALD_ALLOW_PRIVATE_URLS") {
		t.Errorf("private address: %q", got)
	}
	if got := fetch.Describe(&net.OpError{Op: "dial", Err: syscall.ECONNRESET}); !strings.Contains(got, "cut off") {
		t.Errorf("reset: %q", got)
	}
}
