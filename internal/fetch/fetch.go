// Package fetch is herald's one HTTP fetcher for everything outbound except
// the X API: feeds, article pages and editor-submitted links. It enforces an
// overall timeout that covers the body, a body cap, at most a few redirects,
// conditional GET from a stored ETag/Last-Modified, a clear User-Agent, the
// HTTP(S)_PROXY/NO_PROXY environment, and the private-address guard for
// every origin other than the one the operator wrote.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults used when an Options field is left zero.
const (
	DefaultTimeout        = 30 * time.Second
	DefaultConnectTimeout = 10 * time.Second
	DefaultMaxBody        = 10 << 20
	DefaultMaxRedirects   = 5
	DefaultAccept         = "application/rss+xml, application/atom+xml, application/feed+json, application/json, " +
		"application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)

// Options configures a Fetcher. The zero value is usable.
type Options struct {
	// UserAgent replaces the default "herald/<Version> (+https://github.com/heraldhq/herald)".
	UserAgent string
	// Version goes into the default User-Agent; "dev" when empty.
	Version string
	// Timeout bounds the whole request, body included, so a body that
	// trickles forever is cut off. Default 30s.
	Timeout time.Duration
	// ConnectTimeout bounds DNS, TCP connect and TLS handshake. Default 10s.
	ConnectTimeout time.Duration
	// MaxBody is the largest decoded body accepted. Default 10 MiB.
	MaxBody int64
	// MaxRedirects is how many redirects are followed. Default 5; a negative
	// value follows none.
	MaxRedirects int
	// AllowPrivate lets every request reach private addresses
	// (HERALD_ALLOW_PRIVATE_URLS).
	AllowPrivate bool
	// Resolver resolves host names for every request; nil means
	// net.DefaultResolver. Tests point it at a local DNS server.
	Resolver *net.Resolver
	// Proxy picks the proxy for a request; nil means http.ProxyFromEnvironment.
	Proxy func(*http.Request) (*url.URL, error)
	// Now is the clock used to turn a Retry-After date into a duration;
	// nil means time.Now.
	Now func() time.Time
	// Hosts maps "host:port" to the address that serves it, such as
	// "127.0.0.1:8080": requests to that host and port are dialled there,
	// with no DNS and no proxy, and the private-address guard lets them
	// through, as the operator set them. herald demo serves its newsroom
	// this way under a real-looking name.
	Hosts map[string]string
}

// Fetcher fetches URLs. It is safe for concurrent use; create one and share
// it, so connections are kept alive and reused across polls.
type Fetcher struct {
	userAgent    string
	timeout      time.Duration
	maxBody      int64
	maxRedirects int
	now          func() time.Time

	client *http.Client
	// open dials the trusted origin (and everything when AllowPrivate is
	// set); guarded checks every address it dials. They never share
	// connections.
	open    *http.Transport
	guarded http.RoundTripper
}

// New returns a Fetcher configured by o.
func New(o Options) *Fetcher {
	if o.Version == "" {
		o.Version = "dev"
	}
	if o.UserAgent == "" {
		o.UserAgent = "herald/" + o.Version + " (+https://github.com/heraldhq/herald)"
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	switch {
	case o.MaxRedirects == 0:
		o.MaxRedirects = DefaultMaxRedirects
	case o.MaxRedirects < 0:
		o.MaxRedirects = 0
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.Proxy == nil {
		o.Proxy = http.ProxyFromEnvironment
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if len(o.Hosts) > 0 {
		hosts := make(map[string]string, len(o.Hosts))
		for k, v := range o.Hosts {
			hosts[strings.ToLower(k)] = v
		}
		o.Hosts = hosts
	}
	o.Proxy = bypassHosts(o.Hosts, o.Proxy)

	f := &Fetcher{
		userAgent:    o.UserAgent,
		timeout:      o.Timeout,
		maxBody:      o.MaxBody,
		maxRedirects: o.MaxRedirects,
		now:          o.Now,
	}
	dialer := &net.Dialer{Timeout: o.ConnectTimeout, KeepAlive: 30 * time.Second, Resolver: o.Resolver}
	f.open = newTransport(o, o.Proxy, dialer.DialContext)
	if o.AllowPrivate {
		f.guarded = f.open
	} else {
		f.guarded = newGuardedTransport(o)
	}
	// No Client.Timeout: Fetch puts the deadline on the context so that it
	// also covers reading the body.
	f.client = &http.Client{Transport: &byOrigin{open: f.open, guarded: f.guarded}, CheckRedirect: f.checkRedirect}
	return f
}

// newTransport builds a transport tuned for polling a couple of thousand
// feeds: plenty of idle connections overall, a few per host because one
// newsroom often serves many section feeds from one host, and HTTP/2 kept
// even though the dialer is custom.
func newTransport(o Options, proxy func(*http.Request) (*url.URL, error), dial func(context.Context, string, string) (net.Conn, error)) *http.Transport {
	return &http.Transport{
		Proxy:                 proxy,
		DialContext:           withHosts(o, dial),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   o.ConnectTimeout,
		ExpectContinueTimeout: time.Second,
	}
}

func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if err := checkURL(req.URL); err != nil {
		return because(ErrNotHTTP, nil, "redirected to %s, which is not an http or https URL", redact(req.URL))
	}
	if len(via) > f.maxRedirects {
		return because(ErrTooManyRedirects, nil, "too many redirects: gave up after %d", f.maxRedirects)
	}
	return nil
}

// CloseIdleConnections closes the kept-alive connections, for shutdown.
func (f *Fetcher) CloseIdleConnections() {
	f.client.CloseIdleConnections()
}

// Request is one GET.
type Request struct {
	URL string
	// ETag and LastModified come from the previous Response for this URL and
	// are sent as If-None-Match and If-Modified-Since.
	ETag         string
	LastModified string
	// Trusted is a URL the operator wrote: the feed's URL, for the feed and
	// for the article pages it links to. The first request and each
	// redirect go to an origin (scheme, host and port); only this URL's
	// origin may be on any address. Every other origin is refused when its
	// host resolves to a private, loopback, link-local or otherwise internal
	// address, unless Options.AllowPrivate is set. Empty trusts nothing, as
	// for a URL an editor pastes.
	Trusted string
	// Accept replaces DefaultAccept.
	Accept string
}

// Response is a successful (2xx) or not-modified (304) answer.
type Response struct {
	// URL is the final URL, after redirects.
	URL        string
	StatusCode int
	// NotModified reports a 304; Body is then empty and ETag/LastModified
	// fall back to the request's values when the server does not repeat
	// them, so callers can store them unconditionally.
	NotModified bool
	// Body is the decoded body (gzip already undone), never over MaxBody.
	Body         []byte
	ContentType  string
	ETag         string
	LastModified string
	// MaxAge is Cache-Control max-age, 0 if absent.
	MaxAge time.Duration
	// Header is the answer's header, for what the fields above leave out
	// (a feed's Link: rel="hub").
	Header http.Header
}

// errOurTimeout marks the deadline Fetch sets itself, to tell it apart from
// the caller's own deadline or cancellation.
var errOurTimeout = errors.New("fetch timeout")

// Fetch performs r. Any failure is an *Error; use errors.Is with the Err*
// sentinels to branch on the kind.
func (f *Fetcher) Fetch(ctx context.Context, r Request) (*Response, error) {
	u, err := url.Parse(r.URL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &Error{URL: r.URL, Err: because(ErrNotHTTP, err, "not a valid URL: %v", err)}
	}
	if err := checkURL(u); err != nil {
		return nil, &Error{URL: r.URL, Err: err}
	}

	ctx, cancel := context.WithTimeoutCause(ctx, f.timeout, errOurTimeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{URL: r.URL, Err: because(ErrNotHTTP, err, "not a valid URL")}
	}
	req.Header.Set("User-Agent", f.userAgent)
	if r.Accept != "" {
		req.Header.Set("Accept", r.Accept)
	} else {
		req.Header.Set("Accept", DefaultAccept)
	}
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	// Accept-Encoding is left to the transport, which then asks for gzip and
	// decodes it transparently; MaxBody applies to the decoded bytes, so a
	// gzip bomb is caught too.

	var trusted *origin
	if r.Trusted != "" {
		if t, err := url.Parse(r.Trusted); err == nil && checkURL(t) == nil {
			o := originOf(t)
			trusted = &o
			req = req.WithContext(context.WithValue(ctx, trustedKey{}, o))
		}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		err = f.explain(ctx, err)
		if b := (*blockedError)(nil); trusted != nil && errors.As(err, &b) {
			err = because(ErrBlocked, b, "%v; only the feed URL's own origin, %s, is trusted", b, trusted)
		}
		return nil, &Error{URL: r.URL, Err: err}
	}
	defer resp.Body.Close()

	out := &Response{
		URL:          resp.Request.URL.String(),
		StatusCode:   resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		MaxAge:       maxAge(resp.Header),
		Header:       resp.Header,
	}

	switch {
	case resp.StatusCode == http.StatusNotModified:
		drain(resp.Body)
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = r.ETag
		}
		if out.LastModified == "" {
			out.LastModified = r.LastModified
		}
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		drain(resp.Body)
		e := &Error{URL: r.URL, Status: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), f.now())
		}
		msg := "the server answered " + statusText(resp)
		if out.URL != u.String() {
			msg += " at " + redact(resp.Request.URL)
		}
		if e.RetryAfter > 0 {
			msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
		}
		e.Err = because(ErrHTTPStatus, nil, "%s", msg)
		return nil, e
	}

	if resp.ContentLength > f.maxBody {
		return nil, &Error{URL: r.URL, Err: f.tooLarge()}
	}
	body, err := readBody(resp.Body, resp.ContentLength, f.maxBody)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, &Error{URL: r.URL, Err: f.tooLarge()}
		}
		return nil, &Error{URL: r.URL, Err: f.explain(ctx, err)}
	}
	out.Body = body
	return out, nil
}

// checkURL accepts absolute http and https URLs with a host.
func checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return because(ErrNotHTTP, nil, "not an http or https URL (no scheme)")
		}
		return because(ErrNotHTTP, nil, "not an http or https URL (scheme %q)", u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return because(ErrNotHTTP, nil, "the URL has no host")
	}
	return nil
}

func (f *Fetcher) tooLarge() error {
	return because(ErrTooLarge, nil, "the response body is larger than the %s limit", byteSize(f.maxBody))
}

// explain turns a transport or body-read error into one carrying the right
// sentinel and a plain message.
func (f *Fetcher) explain(ctx context.Context, err error) error {
	// Our own errors, returned from CheckRedirect or the guard, already say
	// everything; drop the *url.Error wrapper that repeats method and URL.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var b *blockedError
	if errors.As(err, &b) {
		return b
	}
	var rs *reason
	if errors.As(err, &rs) {
		return rs
	}
	if ctx.Err() != nil {
		cause := context.Cause(ctx)
		switch {
		case errors.Is(cause, errOurTimeout):
			return because(ErrTimeout, context.DeadlineExceeded, "timed out after %s", f.timeout)
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			return because(ErrTimeout, cause, "timed out: the caller's deadline passed")
		default:
			return because(nil, cause, "canceled")
		}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return because(ErrTimeout, err, "timed out: %v", err)
	}
	return err
}

// readBody reads at most max bytes of body and fails with ErrTooLarge rather
// than truncate: a cut-off feed would parse as a feed missing its items.
func readBody(body io.Reader, contentLength, max int64) ([]byte, error) {
	if contentLength >= 0 {
		// The transport enforces Content-Length, so exactly this much comes.
		b := make([]byte, contentLength)
		if _, err := io.ReadFull(body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	b, err := io.ReadAll(io.LimitReader(body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, ErrTooLarge
	}
	return b, nil
}

// drain reads a little of a body we do not need so that the connection can
// go back to the pool; a large body is not worth it and just closes.
func drain(body io.Reader) {
	_, _ = io.CopyN(io.Discard, body, 16<<10)
}

func statusText(resp *http.Response) string {
	if t := http.StatusText(resp.StatusCode); t != "" {
		return strconv.Itoa(resp.StatusCode) + " " + t
	}
	return strconv.Itoa(resp.StatusCode)
}

// retryAfter parses Retry-After as delay-seconds or an HTTP-date; 0 when
// absent, malformed or in the past.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return seconds(n)
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d.Truncate(time.Second)
		}
	}
	return 0
}

// maxAge returns Cache-Control max-age; 0 when absent or malformed.
func maxAge(h http.Header) time.Duration {
	for _, line := range h.Values("Cache-Control") {
		for directive := range strings.SplitSeq(line, ",") {
			name, value, ok := strings.Cut(strings.TrimSpace(directive), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(name), "max-age") {
				continue
			}
			n, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(value), `"`), 10, 64)
			if err != nil {
				return 0
			}
			return seconds(n)
		}
	}
	return 0
}

// seconds converts a header's seconds to a duration, treating anything above
// 2^31 as 2^31 (RFC 9111 §1.2.2) so that it cannot overflow.
func seconds(n int64) time.Duration {
	const limit = 1 << 31
	switch {
	case n <= 0:
		return 0
	case n > limit:
		n = limit
	}
	return time.Duration(n) * time.Second
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// redact hides a password in a URL before it goes into a message.
func redact(u *url.URL) string {
	return u.Redacted()
}
