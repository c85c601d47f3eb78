package x

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateState is what X last said about the account's limits on posting, read
// from the headers of the latest create-post answer. Counts are -1 and times
// zero until X has sent the matching header.
type RateState struct {
	// Seen is when the answer these come from arrived; zero before any.
	Seen time.Time
	// Limit, Remaining and Reset are the create endpoint's window
	// (x-rate-limit-limit, -remaining, -reset).
	Limit     int
	Remaining int
	Reset     time.Time
	// UserDay* are the account's 24-hour limit (x-user-limit-24hour-*).
	UserDayLimit     int
	UserDayRemaining int
	UserDayReset     time.Time
	// AppDay* are the app's 24-hour limit (x-app-limit-24hour-*).
	AppDayLimit     int
	AppDayRemaining int
	AppDayReset     time.Time
}

func unknownRate() RateState {
	return RateState{Limit: -1, Remaining: -1, UserDayLimit: -1, UserDayRemaining: -1, AppDayLimit: -1, AppDayRemaining: -1}
}

// Limits returns the rate-limit state X last reported, for metrics.
func (p *Publisher) Limits() RateState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate
}

// observe records the rate-limit headers of a create-post answer, success or
// not. The 24-hour values are kept until X sends new ones, so that a later
// 429 that names only the short window still waits for the day's reset.
func (p *Publisher) observe(h http.Header) {
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := false
	set := func(limit, remaining *int, reset *time.Time, prefix string) {
		if v, ok := intHeader(h, prefix+"-limit"); ok {
			*limit, seen = v, true
		}
		if v, ok := intHeader(h, prefix+"-remaining"); ok {
			*remaining, seen = v, true
		}
		if v, ok := epochHeader(h, prefix+"-reset"); ok {
			*reset, seen = v, true
		}
	}
	set(&p.rate.Limit, &p.rate.Remaining, &p.rate.Reset, "x-rate-limit")
	set(&p.rate.UserDayLimit, &p.rate.UserDayRemaining, &p.rate.UserDayReset, "x-user-limit-24hour")
	set(&p.rate.AppDayLimit, &p.rate.AppDayRemaining, &p.rate.AppDayReset, "x-app-limit-24hour")
	if seen {
		p.rate.Seen = p.now()
	}
}

// rateLimitedUntil says when posting may resume after a rate-limit answer
// whose headers have been observed: at x-rate-limit-reset, else Retry-After,
// else a whole window from now; and never before a used-up 24-hour limit
// resets. which names the 24-hour limit that decided, for the reason.
func (p *Publisher) rateLimitedUntil(h http.Header) (until time.Time, which string) {
	now := p.now()
	reset, hasReset := epochHeader(h, "x-rate-limit-reset")
	if t, ok := retryAfter(h, now); hasReset && reset.After(now) {
		until = reset
	} else if ok {
		until = t
	} else if hasReset {
		// The window has already reset, or the clocks disagree by a little:
		// try again shortly rather than sit out a whole window.
		until = now.Add(pastResetWait)
	} else {
		until = now.Add(defaultRateWait)
	}
	st := p.Limits()
	if st.UserDayRemaining == 0 && st.UserDayReset.After(until) {
		until, which = st.UserDayReset, "; the account's 24-hour post limit is used up"
	}
	if st.AppDayRemaining == 0 && st.AppDayReset.After(until) {
		until, which = st.AppDayReset, "; the app's 24-hour post limit is used up"
	}
	return until, which
}

func intHeader(h http.Header, name string) (int, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// epochHeader reads a header holding Unix seconds, as X's reset headers do.
func epochHeader(h http.Header, name string) (time.Time, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// retryAfter reads Retry-After as seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Time, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return time.Time{}, false
		}
		return now.Add(time.Duration(n) * time.Second), true
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t, true
	}
	return time.Time{}, false
}

// RateRemaining is what X last said of the create endpoint's window: how
// many calls remain and when it resets. known is false before any answer.
func (p *Publisher) RateRemaining() (remaining int, reset time.Time, known bool) {
	r := p.Limits()
	if r.Seen.IsZero() || r.Remaining < 0 {
		return -1, time.Time{}, false
	}
	return r.Remaining, r.Reset, true
}
