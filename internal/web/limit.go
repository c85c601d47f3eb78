package web

import (
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Failed sign-ins slow down the guesser, not the editors. A valid token
// always works, whatever came before it from the same address. Wrong ones
// are counted in the database, so every replica sees the same counts, per
// address and in total: past either limit in a minute, a wrong token is
// answered 429 after a pause, so rotating addresses does not escape the
// limit and a flood cannot make herald write without bound.
const (
	failureWindow       = time.Minute
	maxFailuresFromAddr = 10
	maxFailuresTotal    = 100
	// failurePause is how long a throttled wrong token waits for its answer.
	failurePause = time.Second
)

// signInGuard throttles wrong tokens and says so in the log and metrics.
type signInGuard struct {
	failures *prometheus.CounterVec
	// lastLog is when the last "throttled" line was logged (Unix seconds),
	// so that a flood makes one line a minute.
	lastLog atomic.Int64
}

func newSignInGuard(reg *prometheus.Registry) *signInGuard {
	g := &signInGuard{failures: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "herald_signin_failures_total",
		Help: "Wrong or missing editor tokens, by whether they were throttled (address: too many from one address; total: too many from all).",
	}, []string{"throttled"})}
	for _, v := range []string{"no", "address", "total"} {
		g.failures.WithLabelValues(v)
	}
	if reg != nil {
		reg.MustRegister(g.failures)
	}
	return g
}

// wrongToken records a wrong or missing token from the request's address
// and reports whether the guesser is throttled, after pausing if so.
func (s *Server) wrongToken(r *http.Request, where string) (throttled bool) {
	ctx, ip, now := r.Context(), clientIP(r), s.o.Clock()
	from, total, err := s.o.Store.SignInFailures(ctx, ip, now.Add(-failureWindow))
	why := "no"
	switch {
	case err != nil:
		s.o.Log.Error("counting failed sign-ins failed", "err", err)
		why = "total" // fail closed: a wrong token is refused either way
	case from >= maxFailuresFromAddr:
		why = "address"
	case total >= maxFailuresTotal:
		why = "total"
	}
	s.guard.failures.WithLabelValues(why).Inc()
	if why == "no" {
		if err := s.o.Store.AddSignInFailure(ctx, ip, now, time.Hour); err != nil {
			s.o.Log.Error("recording a failed sign-in failed", "err", err)
		}
		s.o.Log.Warn("refused a wrong or missing editor token", "remote", ip, "where", where, "path", r.URL.Path)
		return false
	}
	if last := s.guard.lastLog.Load(); now.Unix()-last >= int64(failureWindow/time.Second) && s.guard.lastLog.CompareAndSwap(last, now.Unix()) {
		s.o.Log.Warn("too many wrong editor tokens: they are throttled; valid tokens still work",
			"remote", ip, "limit", why, "from_address", from, "total", total, "window", failureWindow.String())
	}
	t := time.NewTimer(failurePause)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	return true
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
