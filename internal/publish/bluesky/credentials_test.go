package bluesky_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish/bluesky"
)

// A refused app password names the variables of the destination's own
// credentials prefix, and is told apart from other pauses.
func TestCredentialsRefusedNamesThePrefix(t *testing.T) {
	e := newEnv(t)
	p := e.publisher(t, func(o *bluesky.Options) {
		o.Name, o.Credentials, o.AppPassword = "bluesky-es", "HERALD_BLUESKY_ES", "wrong-pass-word"
	})
	err := p.Check(context.Background())
	pe := publishError(t, err, news.Permanent)
	if !strings.Contains(pe.Reason, "HERALD_BLUESKY_ES_HANDLE, HERALD_BLUESKY_ES_APP_PASSWORD") || !bluesky.CredentialsRefused(pe.Reason) {
		t.Errorf("reason %q", pe.Reason)
	}
	if bluesky.CredentialsRefused("Bluesky refused the account; Bluesky said: AccountTakedown") {
		t.Error("a suspended account counts as refused credentials")
	}
	if _, err := bluesky.New(bluesky.Options{Handle: "h", Credentials: "HERALD_BLUESKY_ES"}); err == nil ||
		!strings.Contains(err.Error(), "HERALD_BLUESKY_ES_APP_PASSWORD") {
		t.Errorf("no app password: %v", err)
	}
}
