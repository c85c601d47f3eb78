package fetch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestHTTP2 checks that the custom dialer does not cost HTTP/2 (a transport
// with its own DialContext only speaks it when told to).
func TestHTTP2(t *testing.T) {
	var proto string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto = r.Proto
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()

	f := New(Options{Proxy: func(*http.Request) (*url.URL, error) { return nil, nil }})
	defer f.CloseIdleConnections()
	// Trust the test server's certificate; nothing else changes.
	f.open.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()

	if _, err := f.Fetch(context.Background(), Request{URL: srv.URL, Trusted: srv.URL}); err != nil {
		t.Fatal(err)
	}
	if proto != "HTTP/2.0" {
		t.Errorf("server saw %s, want HTTP/2.0", proto)
	}
}
