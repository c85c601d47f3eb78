package fetch

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Hosts (Options.Hosts) are host:port pairs the operator serves at a known
// address: they are dialled there without DNS, past the guard and any proxy.

type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// withHosts dials the mapped hosts at their address and everything else
// through dial.
func withHosts(o Options, dial dialFunc) dialFunc {
	if len(o.Hosts) == 0 {
		return dial
	}
	direct := &net.Dialer{Timeout: o.ConnectTimeout}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if to, ok := o.Hosts[strings.ToLower(addr)]; ok {
			return direct.DialContext(ctx, network, to)
		}
		return dial(ctx, network, addr)
	}
}

// bypassHosts sends requests to mapped hosts without a proxy: the proxy
// would resolve the name itself, and it is not one the world knows.
func bypassHosts(hosts map[string]string, proxy func(*http.Request) (*url.URL, error)) func(*http.Request) (*url.URL, error) {
	if len(hosts) == 0 {
		return proxy
	}
	return func(req *http.Request) (*url.URL, error) {
		if _, ok := hosts[hostPort(req.URL)]; ok {
			return nil, nil
		}
		return proxy(req)
	}
}

// hostPort is the host:port a URL is dialled at, lower-cased.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return strings.ToLower(net.JoinHostPort(u.Hostname(), port))
}
