package web

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// serve starts NewServer on a loopback port and returns the highest number
// of connections the server held open at once.
func serve(t *testing.T, o ServerOptions) (addr string, peak func() int) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	srv := NewServer(mux, o)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	go srv.Serve(cl)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), cl.peak
}

// countingListener counts the server's open connections: accepted and not
// yet closed.
type countingListener struct {
	net.Listener
	mu         sync.Mutex
	open, high int
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.open++
	l.high = max(l.high, l.open)
	l.mu.Unlock()
	return &countedConn{Conn: c, l: l}, nil
}

func (l *countingListener) peak() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.high
}

type countedConn struct {
	net.Conn
	l    *countingListener
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.open--
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// slowClients opens n connections that send half a request's headers and
// then nothing, as a slow-connection flood does. They are closed when the
// test ends.
func slowClients(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, 0, n)
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for range n {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Fatalf("after %d connections: %v", len(conns), err)
		}
		conns = append(conns, c)
		if _, err := io.WriteString(c, "GET /api/v1/posts HTTP/1.1\r\nHost: herald\r\nX-Slow: "); err != nil {
			t.Fatal(err)
		}
	}
	return conns
}

func healthz(t *testing.T, addr string) {
	t.Helper()
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("/healthz during the flood: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Fatalf("/healthz: %d %q", resp.StatusCode, body)
	}
	t.Logf("/healthz answered in %s", time.Since(start).Round(time.Millisecond))
}

// 300 slow connections against a cap of 64: the server never holds more
// than the cap, sheds the oldest slow ones, and /healthz answers at once,
// long before the header timeout would have freed anything.
func TestSlowConnectionFloodKeepsHealthzAnswering(t *testing.T) {
	const maxConns = 64
	addr, peak := serve(t, ServerOptions{MaxConns: maxConns, ReadHeaderTimeout: time.Minute})
	conns := slowClients(t, addr, 300)
	healthz(t, addr)
	healthz(t, addr)
	if p := peak(); p > maxConns+1 {
		t.Errorf("the server held %d connections at once, cap %d", p, maxConns)
	}
	// The first slow connections were closed to make room.
	conns[0].SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := conns[0].Read(make([]byte, 1)); err != io.EOF && !isReset(err) {
		t.Errorf("the oldest slow connection: read %v, want it closed", err)
	}
}

// With no cap reached, the header timeout closes slow clients by itself.
func TestSlowClientsTimedOut(t *testing.T) {
	addr, _ := serve(t, ServerOptions{ReadHeaderTimeout: 200 * time.Millisecond})
	conns := slowClients(t, addr, 50)
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		r := bufio.NewReader(c)
		// net/http may answer 408 before closing.
		for {
			if _, err := r.ReadByte(); err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					t.Fatalf("slow connection %d still open after the header timeout", i)
				}
				break
			}
		}
	}
	healthz(t, addr)
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

func TestNewServerDefaults(t *testing.T) {
	srv := NewServer(http.NotFoundHandler(), ServerOptions{})
	if srv.ReadHeaderTimeout != DefaultReadHeaderTimeout || srv.ReadTimeout != DefaultReadTimeout ||
		srv.WriteTimeout != DefaultWriteTimeout || srv.IdleTimeout != DefaultIdleTimeout ||
		srv.MaxHeaderBytes != DefaultMaxHeaderBytes || srv.ConnState == nil || srv.ErrorLog == nil {
		t.Errorf("defaults not set: %+v", srv)
	}
	// The slowest handler, a preview reading a page for up to the fetcher's
	// 30 s, must finish before ReadTimeout cancels its context.
	if srv.ReadTimeout < 45*time.Second || srv.WriteTimeout < srv.ReadTimeout {
		t.Errorf("ReadTimeout %s, WriteTimeout %s: too short for a page preview", srv.ReadTimeout, srv.WriteTimeout)
	}
}

// Every body is capped, whatever the handler does with it.
func TestBodyCapped(t *testing.T) {
	read := make(chan int64, 1)
	srv := httptest.NewServer(NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		read <- n
	}), ServerOptions{MaxBodyBytes: 1 << 10}).Handler)
	defer srv.Close()
	resp, err := http.Post(srv.URL, "text/plain", strings.NewReader(strings.Repeat("x", 1<<20)))
	if err == nil {
		resp.Body.Close()
	}
	if n := <-read; n > 1<<10 {
		t.Errorf("the handler read %d bytes, cap 1 KiB", n)
	}
}

// A hub's delivery at a WebSub callback may be as large as a fetched feed,
// past the cap on every other body.
func TestWebSubDeliveriesMayBeLarge(t *testing.T) {
	read := make(chan int64, 1)
	srv := httptest.NewServer(NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		read <- n
	}), ServerOptions{}).Handler)
	defer srv.Close()
	body := strings.Repeat("x", 3<<20)
	for path, want := range map[string]int64{"/websub/abc": 3 << 20, "/api/v1/posts": DefaultMaxBodyBytes} {
		resp, err := http.Post(srv.URL+path, "application/rss+xml", strings.NewReader(body))
		if err == nil {
			resp.Body.Close()
		}
		if n := <-read; n != want {
			t.Errorf("%s: the handler read %d bytes, want %d", path, n, want)
		}
	}
}
