// Package publish holds what herald's publishers share: the HTTP client
// they call their network's API with, and the plain words for a call that
// got no answer. Each network is a package below it (x, bluesky, mastodon,
// local); the outbox declares what it needs of them.
package publish

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Client returns the client a publisher calls its network's API with: a
// copy of hc (or a client with timeout) that never follows a redirect. An
// API never redirects a call, and following one would send the
// credentials, or the signed request, somewhere else.
func Client(hc *http.Client, timeout time.Duration) *http.Client {
	if hc == nil {
		hc = &http.Client{Timeout: timeout}
	}
	c := *hc
	c.CheckRedirect = NoRedirects
	return &c
}

// NoRedirects stops a client at a redirect, for Client and for clients
// built around a transport of their own.
func NoRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Unreachable says in plain words why a call to network got no answer at
// all: the caller gave up, it took too long, or the network could not be
// reached. All of them are worth another try.
func Unreachable(network string, err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "the call to " + network + " was canceled before it answered"
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return network + " did not answer in time"
	}
	return "could not reach " + network + ": " + err.Error()
}
