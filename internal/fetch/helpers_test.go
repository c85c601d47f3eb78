package fetch_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
)

// server is an httptest server that counts the connections it accepts and
// the requests it serves, so tests can prove the guard refused before dialling.
type server struct {
	*httptest.Server
	conns    atomic.Int64
	requests atomic.Int64
}

func startServer(t testing.TB, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		h(w, r)
	}))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *server) port() string {
	return strconv.Itoa(s.Listener.Addr().(*net.TCPAddr).Port)
}

func noProxy(*http.Request) (*url.URL, error) { return nil, nil }

// newFetcher fills in what every test wants: no proxy from the environment
// and a timeout short enough that a hang fails the test quickly.
func newFetcher(t testing.TB, o fetch.Options) *fetch.Fetcher {
	t.Helper()
	if o.Proxy == nil {
		o.Proxy = noProxy
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	if o.ConnectTimeout == 0 {
		o.ConnectTimeout = 2 * time.Second
	}
	f := fetch.New(o)
	t.Cleanup(f.CloseIdleConnections)
	return f
}

// fetchErr checks that err is a one-line *fetch.Error matching want and
// naming the URL, and returns it.
func fetchErr(t *testing.T, err error, want error, rawURL string) *fetch.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("Fetch(%s) succeeded, want %v", rawURL, want)
	}
	if !errors.Is(err, want) {
		t.Fatalf("Fetch(%s) = %v, want errors.Is %v", rawURL, err, want)
	}
	var fe *fetch.Error
	if !errors.As(err, &fe) {
		t.Fatalf("Fetch(%s) = %T, want *fetch.Error", rawURL, err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error message has several lines: %q", msg)
	}
	if !strings.HasPrefix(msg, "fetch ") || !strings.Contains(msg, rawURL) {
		t.Errorf("error message %q does not name %s", msg, rawURL)
	}
	return fe
}

func get(t testing.TB, f *fetch.Fetcher, r fetch.Request) (*fetch.Response, error) {
	t.Helper()
	return f.Fetch(context.Background(), r)
}

// newResolver starts a DNS server on 127.0.0.1 that answers A and AAAA
// queries for hosts and NXDOMAIN for any other name, and returns a resolver
// that asks it alone. Names in /etc/hosts, such as localhost, still resolve
// from there.
func newResolver(t testing.TB, hosts map[string][]string) *net.Resolver {
	t.Helper()
	table := make(map[string][]netip.Addr)
	for name, addrs := range hosts {
		for _, a := range addrs {
			table[name] = append(table[name], netip.MustParseAddr(a))
		}
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if answer := answerDNS(buf[:n], table); answer != nil {
				_, _ = pc.WriteTo(answer, from)
			}
		}
	}()
	addr := pc.LocalAddr().String()
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", addr)
		},
	}
}

// answerDNS builds the reply to one query: the question echoed, then an
// answer per matching address. Just enough of RFC 1035 for Go's resolver.
func answerDNS(q []byte, table map[string][]netip.Addr) []byte {
	const (
		typeA    = 1
		typeAAAA = 28
	)
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:6]) != 1 {
		return nil
	}
	off := 12
	var labels []string
	for {
		if off >= len(q) {
			return nil
		}
		n := int(q[off])
		off++
		if n == 0 {
			break
		}
		if n&0xC0 != 0 || off+n > len(q) {
			return nil
		}
		labels = append(labels, string(q[off:off+n]))
		off += n
	}
	if off+4 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[off:])
	off += 4
	addrs, known := table[strings.ToLower(strings.Join(labels, "."))]

	var answers [][]byte
	for _, a := range addrs {
		switch {
		case qtype == typeA && a.Is4():
			b := a.As4()
			answers = append(answers, b[:])
		case qtype == typeAAAA && a.Is6():
			b := a.As16()
			answers = append(answers, b[:])
		}
	}
	rcode := byte(0)
	if !known {
		rcode = 3 // NXDOMAIN
	}
	out := []byte{q[0], q[1], 0x81, 0x80 | rcode, 0, 1, 0, byte(len(answers)), 0, 0, 0, 0}
	out = append(out, q[12:off]...)
	for _, rdata := range answers {
		out = append(out, 0xC0, 12) // the name: a pointer to the question's
		out = binary.BigEndian.AppendUint16(out, qtype)
		out = binary.BigEndian.AppendUint16(out, 1)  // class IN
		out = binary.BigEndian.AppendUint32(out, 60) // TTL
		out = binary.BigEndian.AppendUint16(out, uint16(len(rdata)))
		out = append(out, rdata...)
	}
	return out
}
