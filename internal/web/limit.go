package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// failureLimit counts failed sign-ins and bad tokens per client address,
// so that guessing a token is slow.
type failureLimit struct {
	mu   sync.Mutex
	seen map[string][]time.Time
}

const (
	failureWindow = time.Minute
	maxFailures   = 10
)

func (l *failureLimit) add(ip string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = make(map[string][]time.Time)
	}
	l.seen[ip] = append(recent(l.seen[ip], now), now)
	if len(l.seen) > 10000 { // a flood of addresses: forget the quiet ones
		for k, v := range l.seen {
			if len(recent(v, now)) == 0 {
				delete(l.seen, k)
			}
		}
	}
}

func (l *failureLimit) blocked(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := recent(l.seen[ip], now)
	if len(r) == 0 {
		delete(l.seen, ip)
		return false
	}
	l.seen[ip] = r
	return len(r) >= maxFailures
}

func recent(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > failureWindow {
		i++
	}
	return ts[i:]
}

// clientIP is the address a request came from (herald does not trust
// forwarding headers, which anyone can set).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
