package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// The guard keeps URLs that do not come from the operator away from the
// operator's own network: a hostile feed or a careless paste must not make
// herald read, and then post, an internal page or a cloud metadata document.
// The operator's feed URL is trusted as written, and nothing else is: a
// request or redirect to any other origin (scheme, host and port) is
// checked where the address is final, after DNS resolution, so a
// public-looking name that resolves to 10.0.0.1 is caught, and so is a
// feed's link to another port of its own host, or a trusted page that
// redirects to 169.254.169.254.

// origin is what a URL is trusted by: its scheme, host and port, the port
// spelled out.
type origin struct{ scheme, host, port string }

func originOf(u *url.URL) origin {
	o := origin{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname()), port: u.Port()}
	if o.port == "" {
		switch o.scheme {
		case "http":
			o.port = "80"
		case "https":
			o.port = "443"
		}
	}
	return o
}

func (o origin) String() string {
	return o.scheme + "://" + net.JoinHostPort(o.host, o.port)
}

// trustedKey carries the origin a request trusts in its context, which
// every redirect of the request shares.
type trustedKey struct{}

// byOrigin decides for each request and each redirect on its own: the
// trusted origin goes through the open transport, anything else through
// the guard.
type byOrigin struct {
	open    http.RoundTripper
	guarded http.RoundTripper
}

func (t *byOrigin) RoundTrip(req *http.Request) (*http.Response, error) {
	if o, ok := req.Context().Value(trustedKey{}).(origin); ok && o == originOf(req.URL) {
		return t.open.RoundTrip(req)
	}
	return t.guarded.RoundTrip(req)
}

// CloseIdleConnections reaches both transports.
func (t *byOrigin) CloseIdleConnections() {
	type closer interface{ CloseIdleConnections() }
	for _, rt := range []http.RoundTripper{t.open, t.guarded} {
		if c, ok := rt.(closer); ok {
			c.CloseIdleConnections()
		}
	}
}

// guardedTransport sends guarded requests. Without a proxy it dials through
// the checking dialer. With one, the dialer would only ever see the proxy's
// address (often private, and trusted: the operator configured it), so the
// target host is resolved and checked before the request is handed to a
// second transport that may dial only proxies.
type guardedTransport struct {
	guard   *guard
	proxy   func(*http.Request) (*url.URL, error)
	direct  *http.Transport
	proxied *http.Transport
}

func newGuardedTransport(o Options) *guardedTransport {
	g := &guard{
		resolver:       o.Resolver,
		connectTimeout: o.ConnectTimeout,
		dialer:         &net.Dialer{KeepAlive: 30 * time.Second},
	}
	toProxy := &net.Dialer{Timeout: o.ConnectTimeout, KeepAlive: 30 * time.Second, Resolver: o.Resolver}
	return &guardedTransport{
		guard:   g,
		proxy:   o.Proxy,
		direct:  newTransport(o, nil, g.dialContext),
		proxied: newTransport(o, proxyFromContext, toProxy.DialContext),
	}
}

type proxyKey struct{}

// proxyFromContext hands the proxied transport the proxy that RoundTrip
// chose, so the two cannot disagree: a request reaching that transport
// without a proxy is refused rather than dialled directly and unchecked.
func proxyFromContext(req *http.Request) (*url.URL, error) {
	if u, ok := req.Context().Value(proxyKey{}).(*url.URL); ok && u != nil {
		return u, nil
	}
	return nil, errors.New("guarded request reached the proxy transport without a proxy")
}

func (t *guardedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	proxy, err := t.proxy(req)
	if err != nil {
		closeBody(req)
		return nil, fmt.Errorf("choosing a proxy: %w", err)
	}
	if proxy == nil {
		return t.direct.RoundTrip(req)
	}
	if _, err := t.guard.resolve(req.Context(), req.URL.Hostname()); err != nil {
		closeBody(req)
		return nil, err
	}
	return t.proxied.RoundTrip(req.WithContext(context.WithValue(req.Context(), proxyKey{}, proxy)))
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach both
// transports.
func (t *guardedTransport) CloseIdleConnections() {
	t.direct.CloseIdleConnections()
	t.proxied.CloseIdleConnections()
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

type guard struct {
	resolver       *net.Resolver
	connectTimeout time.Duration
	dialer         *net.Dialer // no Timeout of its own: dialContext shares connectTimeout out
}

// dialContext resolves host, refuses it if any of its addresses is
// internal, and then dials only the addresses it checked, so the name is
// not resolved a second time (and perhaps differently) behind its back.
func (g *guard) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, g.connectTimeout)
	defer cancel()
	ips, err := g.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var first error
	for i, ip := range ips {
		if network == "tcp4" && !ip.Is4() || network == "tcp6" && !ip.Is6() {
			continue
		}
		// Like net.Dialer, give each address its share of the time left so
		// that one black-holed address does not use it all.
		actx, acancel := context.WithDeadline(ctx, shareOfDeadline(ctx, len(ips)-i))
		c, err := g.dialer.DialContext(actx, network, net.JoinHostPort(ip.String(), port))
		acancel()
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	if first == nil {
		first = &net.DNSError{Err: "no " + network + " address", Name: host, IsNotFound: true}
	}
	return nil, first
}

func shareOfDeadline(ctx context.Context, addrsLeft int) time.Time {
	now := time.Now()
	deadline, ok := ctx.Deadline()
	if !ok {
		return now.Add(DefaultConnectTimeout)
	}
	left := deadline.Sub(now)
	share := left / time.Duration(addrsLeft)
	if share < 2*time.Second {
		share = min(2*time.Second, left)
	}
	return now.Add(share)
}

// resolve returns host's addresses, or a *blockedError if any of them is
// internal: a name that mixes public and private addresses is refused.
func (g *guard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = g.resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
	}
	for i, ip := range ips {
		ip = ip.Unmap()
		ips[i] = ip
		if kind := internalKind(ip); kind != "" {
			return nil, &blockedError{host: host, addr: ip, kind: kind}
		}
	}
	if len(ips) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return ips, nil
}

// blockedError names the host and address refused and how to allow it.
type blockedError struct {
	host string
	addr netip.Addr
	kind string // with its article: "a loopback"
}

func (e *blockedError) Error() string {
	where := e.addr.String()
	if e.host != where {
		where = e.host + " at " + where
	}
	return "refused to connect to " + where + ": it is " + e.kind +
		" address (set HERALD_ALLOW_PRIVATE_URLS=true to allow private addresses)"
}

func (e *blockedError) Unwrap() error { return ErrBlocked }

// reserved lists internal ranges that netip has no predicate for.
var reserved = []struct {
	prefix netip.Prefix
	kind   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "a reserved"},              // "this network"; Linux routes it to the host
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT"}, // also some clouds' metadata (100.100.100.200)
	{netip.MustParsePrefix("192.0.0.0/24"), "a reserved"},           // IETF protocol assignments
	{netip.MustParsePrefix("198.18.0.0/15"), "a reserved"},          // benchmarking
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved"},            // includes broadcast
	{netip.MustParsePrefix("fec0::/10"), "a site-local"},            // deprecated, still routed inside some networks
}

// internalKind says what kind of internal address ip is, with its article,
// or "" for a public address.
func internalKind(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "an invalid"
	case ip.IsUnspecified():
		return "an unspecified"
	case ip.IsLoopback():
		return "a loopback"
	case ip.IsPrivate() && ip.Is4():
		return "a private"
	case ip.IsPrivate():
		return "a unique-local"
	case ip.IsLinkLocalUnicast():
		return "a link-local"
	case ip.IsMulticast():
		return "a multicast"
	}
	bare := ip.WithZone("")
	for _, r := range reserved {
		if r.prefix.Contains(bare) {
			return r.kind
		}
	}
	if v4, ok := embeddedIPv4(bare); ok {
		return internalKind(v4)
	}
	return ""
}

var (
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour  = netip.MustParsePrefix("2002::/16")
	v4Compat   = netip.MustParsePrefix("::/96")
)

// embeddedIPv4 extracts the IPv4 address that NAT64, 6to4 and the old
// IPv4-compatible form carry, since those reach the IPv4 address.
func embeddedIPv4(ip netip.Addr) (netip.Addr, bool) {
	if !ip.Is6() {
		return netip.Addr{}, false
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip), nat64Local.Contains(ip), v4Compat.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}
