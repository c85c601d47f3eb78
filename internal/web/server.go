package web

import (
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/source/websub"
)

// ServerOptions bound what clients may hold of herald's HTTP server. Zero
// fields take the defaults below.
type ServerOptions struct {
	// ReadHeaderTimeout is how long a client has to send a request's
	// headers. Default 5s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included. It must
	// outlast the slowest handler, because net/http cancels a request's
	// context when it passes: a preview reads an article page, which the
	// fetcher allows 30 seconds. Default 60s.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end
	// of the answer. The dashboard has no long-lived responses (no server-
	// sent events: its counters are reloaded). Default 75s.
	WriteTimeout time.Duration
	// IdleTimeout is how long a kept-alive connection may wait for its next
	// request. Default 60s.
	IdleTimeout time.Duration
	// MaxHeaderBytes caps a request's headers. Default 64 KiB.
	MaxHeaderBytes int
	// MaxBodyBytes caps every request body, behind the tighter caps of the
	// API (64 KiB of JSON) and the dashboard's forms. Default 1 MiB.
	MaxBodyBytes int64
	// MaxConns caps open connections, so that a flood cannot use up the
	// process's file descriptors, which feeds and the database need too.
	// Default 256.
	MaxConns int
	// Log receives the server's own errors (bad TLS, panics), as warnings.
	Log *slog.Logger
}

// Defaults for ServerOptions.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultWriteTimeout      = 75 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultMaxBodyBytes      = 1 << 20
	DefaultMaxConns          = 256
)

// NewServer returns the http.Server that serves h, for herald run and
// herald demo alike. Beyond its timeouts it caps open connections: when a
// new one would pass MaxConns, the connection that has waited longest
// without a request in progress (still sending its headers, or idle
// between requests) is closed to make room. A slow-connection flood thus
// sheds its own oldest connections, and a probe of /healthz, which sends
// its request at once, still gets in. Only when every connection is busy
// with a request is the new one refused.
func NewServer(h http.Handler, o ServerOptions) *http.Server {
	if o.ReadHeaderTimeout <= 0 {
		o.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxConns <= 0 {
		o.MaxConns = DefaultMaxConns
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	limit := &connLimit{max: o.MaxConns, conns: make(map[net.Conn]connEntry)}
	return &http.Server{
		Handler:           limitBodies(h, o.MaxBodyBytes),
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    o.MaxHeaderBytes,
		ConnState:         limit.track,
		ErrorLog:          slog.NewLogLogger(o.Log.Handler(), slog.LevelWarn),
	}
}

// connLimit keeps the server's open connections at most max, closing the
// longest-waiting one that has no request in progress to make room.
type connLimit struct {
	max   int
	mu    sync.Mutex
	conns map[net.Conn]connEntry
}

type connEntry struct {
	busy  bool      // a request is being served
	since time.Time // when it last started waiting
}

func (l *connLimit) track(c net.Conn, state http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch state {
	case http.StateNew:
		if len(l.conns) >= l.max {
			victim := l.longestWaiting()
			if victim == nil {
				// Every connection is serving a request: refuse this one.
				c.Close()
				return
			}
			delete(l.conns, victim)
			victim.Close()
		}
		l.conns[c] = connEntry{since: time.Now()}
	case http.StateActive:
		if _, ok := l.conns[c]; ok {
			l.conns[c] = connEntry{busy: true}
		}
	case http.StateIdle:
		if _, ok := l.conns[c]; ok {
			l.conns[c] = connEntry{since: time.Now()}
		}
	case http.StateHijacked, http.StateClosed:
		delete(l.conns, c)
	}
}

func (l *connLimit) longestWaiting() net.Conn {
	var oldest net.Conn
	var since time.Time
	for c, e := range l.conns {
		if !e.busy && (oldest == nil || e.since.Before(since)) {
			oldest, since = c, e.since
		}
	}
	return oldest
}

// limitBodies caps every request's body at max, except a WebSub hub's
// delivery of a feed at a subscription's callback, which may be as large as
// a fetched feed (the callback caps it there).
func limitBodies(h http.Handler, most int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := most
		if strings.HasPrefix(r.URL.Path, websubPrefix) {
			limit = max(limit, fetch.DefaultMaxBody)
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		h.ServeHTTP(w, r)
	})
}

// websubPrefix is where hubs deliver (websub.CallbackPattern).
var websubPrefix = strings.TrimSuffix(websub.CallbackPattern, "{id}")
