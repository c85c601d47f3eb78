package fetch

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Sentinels for errors.Is on an *Error returned by Fetch.
var (
	// ErrTooLarge: the body is over MaxBody. It is never silently truncated.
	ErrTooLarge = errors.New("response body too large")
	// ErrTooManyRedirects: more than MaxRedirects redirects, or a loop.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrBlocked: a request or redirect to an origin other than the trusted
	// one resolved to a private address.
	ErrBlocked = errors.New("private address refused")
	// ErrHTTPStatus: an answer other than 2xx or 304; Error.Status says which.
	ErrHTTPStatus = errors.New("unexpected HTTP status")
	// ErrTimeout: the connection, the answer or the body took too long.
	ErrTimeout = errors.New("timed out")
	// ErrNotHTTP: not an http or https URL with a host, or a redirect to one.
	ErrNotHTTP = errors.New("not an http or https URL")
)

// Error is what Fetch returns on failure.
type Error struct {
	// URL is the URL that was requested (before any redirect).
	URL string
	// Status is the HTTP status for ErrHTTPStatus, 0 otherwise.
	Status int
	// RetryAfter is the server's Retry-After on a 429 or 503, 0 if none.
	RetryAfter time.Duration
	Err        error
}

// Error gives one line naming the URL (password hidden) and what went wrong.
func (e *Error) Error() string {
	u := e.URL
	if p, err := url.Parse(e.URL); err == nil {
		u = redact(p)
	}
	return "fetch " + u + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// reason is an error with a plain message that matches a sentinel and,
// through errors.Is/As, the underlying cause.
type reason struct {
	msg  string
	errs []error
}

func because(sentinel, cause error, format string, args ...any) *reason {
	r := &reason{msg: fmt.Sprintf(format, args...)}
	for _, err := range []error{sentinel, cause} {
		if err != nil {
			r.errs = append(r.errs, err)
		}
	}
	return r
}

func (r *reason) Error() string   { return r.msg }
func (r *reason) Unwrap() []error { return r.errs }
