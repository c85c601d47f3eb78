// Package x publishes posts to X. API v2 (POST /2/tweets, signed OAuth 1.0a
// user context) is the default; the older v1.1 statuses/update stays
// available through go-twitter for enterprise access and compatible servers.
// Every answer X gives becomes either a news.Published or an error the
// dispatcher can act on: news.ErrDuplicate, or a *news.PublishError whose
// Kind says whether to retry, wait out a rate limit, pause the destination or
// fail this one post.
package x

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish"
)

// APIs herald can post through.
const (
	APIv2  = "v2"
	APIv11 = "v1.1"
)

// DefaultAPIURL is where X's API lives unless HERALD_X_API_URL says otherwise.
const DefaultAPIURL = "https://api.x.com"

const (
	defaultTimeout = 30 * time.Second
	// usernameTimeout bounds the one-off username look-up made after a
	// successful post, so a slow answer there never delays the post's result
	// for long: the post is already made.
	usernameTimeout = 10 * time.Second
	// maxBody caps what is read of any answer; X's are a few hundred bytes.
	maxBody = 1 << 20
	// defaultRateWait is X's rate-limit window, used when a 429 names no reset.
	defaultRateWait = 15 * time.Minute
	pastResetWait   = 5 * time.Second
)

// Options configure a Publisher. The credentials are the four values of an
// X app's OAuth 1.0a user context (HERALD_X_CONSUMER_KEY and friends).
type Options struct {
	// Name is the destination's name, what Name returns; "x" when empty.
	// Two accounts are two destinations with two names.
	Name string
	// Credentials is the prefix of the variables the credentials come
	// from, named in errors so that an operator with several accounts
	// knows which to fix; "HERALD_X" when empty.
	Credentials string

	// APIURL is HERALD_X_API_URL; empty means DefaultAPIURL. It may carry a
	// path prefix, which is kept in front of every API path.
	APIURL string
	// API is HERALD_X_API: APIv2 (the default when empty) or APIv11.
	API string

	ConsumerKey    string
	ConsumerSecret string
	AccessToken    string
	AccessSecret   string

	// HTTPClient is the base client; its Transport carries the requests and
	// its Timeout bounds each call. The OAuth signing wraps its Transport.
	// Nil means a client with a 30-second timeout.
	HTTPClient *http.Client
	// Clock tells the time when reading rate-limit headers; nil means time.Now.
	Clock func() time.Time
}

// Publisher posts to one X account. It is safe for concurrent use.
type Publisher struct {
	api     string
	baseURL string // APIURL without a trailing slash
	base    *url.URL
	// signer is the OAuth 1.0a transport over the base client's transport.
	signer  http.RoundTripper
	client  *http.Client // signer plus the base client's timeout, for v2
	timeout time.Duration
	now     func() time.Time
	secrets []string
	name    string
	vars    string // the credentials' prefix, for messages

	mu       sync.Mutex
	username string
	rate     RateState
}

// New checks the options and returns a Publisher. It names the HERALD_X_*
// variable at fault when a credential is missing or a value is not valid.
func New(o Options) (*Publisher, error) {
	vars := o.Credentials
	if vars == "" {
		vars = "HERALD_X"
	}
	for _, c := range []struct{ name, value string }{
		{vars + "_CONSUMER_KEY", o.ConsumerKey},
		{vars + "_CONSUMER_SECRET", o.ConsumerSecret},
		{vars + "_ACCESS_TOKEN", o.AccessToken},
		{vars + "_ACCESS_SECRET", o.AccessSecret},
	} {
		if strings.TrimSpace(c.value) == "" {
			return nil, fmt.Errorf("x: %s is not set", c.name)
		}
	}
	api := o.API
	if api == "" {
		api = APIv2
	}
	if api != APIv2 && api != APIv11 {
		return nil, fmt.Errorf("x: %s_API is %q; use %q or %q", vars, o.API, APIv2, APIv11)
	}
	raw := o.APIURL
	if raw == "" {
		raw = DefaultAPIURL
	}
	raw = strings.TrimRight(raw, "/")
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" ||
		base.User != nil || base.RawQuery != "" || base.Fragment != "" {
		// The value is not repeated: a mistyped URL may hold a password.
		return nil, fmt.Errorf("x: %s_API_URL must be an http or https address such as %s, with no user, query or fragment", vars, DefaultAPIURL)
	}

	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultTimeout}
	}
	// oauth1 takes the base transport from the client stored in the context.
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, hc)
	signer := oauth1.NewConfig(o.ConsumerKey, o.ConsumerSecret).
		Client(ctx, oauth1.NewToken(o.AccessToken, o.AccessSecret)).Transport

	now := o.Clock
	if now == nil {
		now = time.Now
	}
	name := o.Name
	if name == "" {
		name = "x"
	}
	return &Publisher{
		name:    name,
		vars:    vars,
		api:     api,
		baseURL: raw,
		base:    base,
		signer:  signer,
		client:  &http.Client{Transport: signer, Timeout: hc.Timeout, CheckRedirect: publish.NoRedirects},
		timeout: hc.Timeout,
		now:     now,
		secrets: []string{o.ConsumerKey, o.ConsumerSecret, o.AccessToken, o.AccessSecret},
		rate:    unknownRate(),
	}, nil
}

// Name is the destination's name ("x" unless Options.Name says otherwise).
func (p *Publisher) Name() string { return p.name }

// Publish posts m.Text to the account; X makes the link card itself from
// the page's og: tags, and finds the language itself, so the rest of m is
// not sent. On success it returns the post's id and address. Failures are
// news.ErrDuplicate (wrapped) when X already holds the same text, or a
// *news.PublishError.
func (p *Publisher) Publish(ctx context.Context, m news.Message) (news.Published, error) {
	if p.api == APIv11 {
		return p.publishV11(ctx, m.Text)
	}
	return p.publishV2(ctx, m.Text)
}

// Verify checks the credentials with X and returns the account's username
// (without the @). Its failures are *news.PublishError, classified as for
// Publish.
func (p *Publisher) Verify(ctx context.Context) (string, error) {
	var (
		name string
		err  error
	)
	if p.api == APIv11 {
		name, err = p.verifyV11(ctx)
	} else {
		name, err = p.verifyV2(ctx)
	}
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	p.username = name
	p.mu.Unlock()
	return name, nil
}

func (p *Publisher) endpoint(path string) string { return p.baseURL + path }

// postURL returns the public address of post id. known is the author's
// username when the answer carried it. Otherwise the username is looked up
// once and remembered; if that fails, X's author-less form is used, which
// works as well for readers.
func (p *Publisher) postURL(ctx context.Context, id, known string) string {
	p.mu.Lock()
	if known != "" {
		p.username = known
	}
	name := p.username
	p.mu.Unlock()
	if name == "" {
		lctx, cancel := context.WithTimeout(ctx, usernameTimeout)
		n, err := p.Verify(lctx)
		cancel()
		if err == nil {
			name = n
		}
	}
	if name == "" {
		return "https://x.com/i/status/" + url.PathEscape(id)
	}
	return "https://x.com/" + url.PathEscape(name) + "/status/" + url.PathEscape(id)
}

// prefix is the credentials' variables' prefix, for messages.
func (p *Publisher) prefix() string {
	if p.vars == "" {
		return "HERALD_X"
	}
	return p.vars
}
