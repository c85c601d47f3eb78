package x

import (
	"errors"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/news"
)

// Two X accounts are two destinations: each has the name it is given, and
// names its own credential variables.
func TestNameAndCredentials(t *testing.T) {
	p, err := New(Options{Name: "x-arabic", Credentials: "HERALD_X_AR", ConsumerKey: "k", ConsumerSecret: "s", AccessToken: "t", AccessSecret: "a"})
	if err != nil || p.Name() != "x-arabic" {
		t.Fatalf("New: %v, name %q", err, p.Name())
	}
	var pe *news.PublishError
	if err := p.classify(answer{status: 401}); !errors.As(err, &pe) || !CredentialsRefused(pe.Reason) ||
		!strings.Contains(pe.Reason, "check HERALD_X_AR_CONSUMER_KEY, HERALD_X_AR_CONSUMER_SECRET, HERALD_X_AR_ACCESS_TOKEN and HERALD_X_AR_ACCESS_SECRET") {
		t.Errorf("401: %v", err)
	}
	if _, err := New(Options{Credentials: "HERALD_X_AR", ConsumerKey: "k"}); err == nil || !strings.Contains(err.Error(), "HERALD_X_AR_CONSUMER_SECRET") {
		t.Errorf("a missing credential: %v", err)
	}
	if p, _ := New(Options{ConsumerKey: "k", ConsumerSecret: "s", AccessToken: "t", AccessSecret: "a"}); p.Name() != "x" {
		t.Errorf("the default name is %q", p.Name())
	}
}
