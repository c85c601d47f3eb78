package publish

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A publisher's client stops at a redirect: the credentials it carries
// must not follow it elsewhere.
func TestClientFollowsNoRedirect(t *testing.T) {
	elsewhere := 0
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere++ }))
	defer other.Close()
	api := httptest.NewServer(http.RedirectHandler(other.URL, http.StatusTemporaryRedirect))
	defer api.Close()
	resp, err := Client(nil, time.Second).Get(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || elsewhere != 0 {
		t.Errorf("answer %d, %d calls elsewhere", resp.StatusCode, elsewhere)
	}
}

func TestUnreachable(t *testing.T) {
	for err, want := range map[error]string{
		context.Canceled: "the call to Mastodon was canceled before it answered",
		fmt.Errorf("x: %w", context.DeadlineExceeded): "Mastodon did not answer in time",
		errors.New("dial tcp: connection refused"):    "could not reach Mastodon: dial tcp: connection refused",
	} {
		if got := Unreachable("Mastodon", err); got != want {
			t.Errorf("%v: %q, want %q", err, got, want)
		}
	}
}
