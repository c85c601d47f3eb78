package mastodon_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish/mastodon"
	"github.com/heraldhq/herald/internal/publish/mastodon/mastofake"
)

// A refused token names the variable of the destination's own credentials
// prefix, and is told apart from other pauses.
func TestCredentialsRefusedNamesThePrefix(t *testing.T) {
	e := newEnv(t, mastofake.Options{})
	p := e.publisher(t, func(o *mastodon.Options) { o.Credentials, o.Token = "HERALD_MASTODON_AR", "not-the-token-0123" })
	err := p.Check(context.Background())
	pe := publishError(t, err, news.Permanent)
	if !strings.Contains(pe.Reason, "check HERALD_MASTODON_AR_TOKEN") || !mastodon.CredentialsRefused(pe.Reason) {
		t.Errorf("reason %q", pe.Reason)
	}
	if mastodon.CredentialsRefused("Mastodon refused the request (403): the token needs the scope write:statuses") {
		t.Error("a 403 counts as a refused token")
	}
	if _, err := mastodon.New(mastodon.Options{Server: "mastodon.social", Credentials: "HERALD_MASTODON_AR", Token: "t"}); err == nil ||
		!strings.Contains(err.Error(), "HERALD_MASTODON_AR_SERVER") {
		t.Errorf("a bad server: %v", err)
	}
}
