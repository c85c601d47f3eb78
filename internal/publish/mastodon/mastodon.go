// Package mastodon publishes posts to a Mastodon account through its
// server's REST API: POST /api/v1/statuses with the post's language and the
// destination's visibility, and an Idempotency-Key that stays the same for
// every try of one post, so a retry after a lost answer never makes a second
// status. It reads the server's length rule from /api/v2/instance. Every
// answer becomes a news.Published or a *news.PublishError whose Kind tells
// the dispatcher what to do.
package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/language"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish"
)

// Visibilities a destination may post with.
const (
	Public   = "public"
	Unlisted = "unlisted"
	Private  = "private"
)

// Mastodon's defaults for a server that does not announce its own.
const (
	DefaultMaxCharacters = 500
	DefaultURLCharacters = 23
)

const (
	defaultTimeout = 30 * time.Second
	maxAnswer      = 1 << 20
	// defaultRateWait is Mastodon's posting window, for a 429 that names
	// no reset.
	defaultRateWait = 5 * time.Minute
	pastResetWait   = 5 * time.Second
	maxReason       = 300
)

// Options configure a Publisher.
type Options struct {
	// Name is the destination's name, what Name returns and part of every
	// Idempotency-Key; "mastodon" when empty.
	Name string
	// Credentials is the prefix of the variables the server, token and
	// visibility come from, named in errors so that an operator with
	// several accounts knows which to fix; "HERALD_MASTODON" when empty.
	Credentials string
	// Server is the Mastodon server's address (HERALD_MASTODON_SERVER),
	// such as https://mastodon.social.
	Server string
	// Token is the account's access token (HERALD_MASTODON_TOKEN), with
	// the scopes write:statuses and write:media.
	Token string
	// Visibility is Public (the default when empty), Unlisted or Private.
	Visibility string
	// HTTPClient carries the calls; nil means a client with a 30-second
	// timeout.
	HTTPClient *http.Client
	// Clock reads rate-limit resets; nil means time.Now.
	Clock func() time.Time
}

// Limits are the server's length rule for a status.
type Limits struct {
	// MaxCharacters is the most characters a status may have.
	MaxCharacters int
	// URLCharacters is what every link counts, whatever its length.
	URLCharacters int
}

// Publisher posts to one Mastodon account. It is safe for concurrent use.
type Publisher struct {
	name, server, token, visibility string
	vars                            string // the credentials' prefix, for messages
	client                          *http.Client
	now                             func() time.Time

	mu      sync.Mutex
	limits  *Limits
	account string
}

// New checks the options and returns a Publisher. It makes no call.
func New(o Options) (*Publisher, error) {
	vars := o.Credentials
	if vars == "" {
		vars = "HERALD_MASTODON"
	}
	server := strings.TrimRight(strings.TrimSpace(o.Server), "/")
	u, err := url.Parse(server)
	if server == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("mastodon: the server (%s_SERVER) must be an http or https address such as https://mastodon.social, with no user, query or fragment", vars)
	}
	if strings.TrimSpace(o.Token) == "" {
		return nil, fmt.Errorf("mastodon: the access token is not set (%s_TOKEN)", vars)
	}
	vis := o.Visibility
	switch vis {
	case "":
		vis = Public
	case Public, Unlisted, Private:
	default:
		return nil, fmt.Errorf("mastodon: visibility %q: use %s, %s or %s (%s_VISIBILITY)", o.Visibility, Public, Unlisted, Private, vars)
	}
	name := o.Name
	if name == "" {
		name = "mastodon"
	}
	client := publish.Client(o.HTTPClient, defaultTimeout)
	now := o.Clock
	if now == nil {
		now = time.Now
	}
	return &Publisher{name: name, vars: vars, server: server, token: o.Token, visibility: vis, client: client, now: now}, nil
}

// Name is the destination's name.
func (p *Publisher) Name() string { return p.name }

// Limits returns the server's length rule, read from GET /api/v2/instance
// (configuration.statuses.max_characters and characters_reserved_per_url)
// on the first call and kept. A server that does not say gets Mastodon's
// defaults, 500 and 23. When the server cannot be asked, Limits returns the
// defaults with the error, and asks again next time.
func (p *Publisher) Limits(ctx context.Context) (Limits, error) {
	p.mu.Lock()
	if l := p.limits; l != nil {
		p.mu.Unlock()
		return *l, nil
	}
	p.mu.Unlock()
	l := Limits{DefaultMaxCharacters, DefaultURLCharacters}
	resp, data, err := p.do(ctx, http.MethodGet, "/api/v2/instance", nil, "")
	if err != nil {
		return l, err
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		var inst struct {
			Configuration struct {
				Statuses struct {
					MaxCharacters int `json:"max_characters"`
					URLCharacters int `json:"characters_reserved_per_url"`
				} `json:"statuses"`
			} `json:"configuration"`
		}
		if err := json.Unmarshal(data, &inst); err != nil {
			return l, p.failure(news.Transient, resp.StatusCode, "the server's /api/v2/instance is not JSON", err)
		}
		if n := inst.Configuration.Statuses.MaxCharacters; n > 0 {
			l.MaxCharacters = n
		}
		if n := inst.Configuration.Statuses.URLCharacters; n > 0 {
			l.URLCharacters = n
		}
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		// An older server, or another kind: Mastodon's defaults.
	default:
		return l, p.classify(answerOf(resp, data))
	}
	p.mu.Lock()
	p.limits = &l
	p.mu.Unlock()
	return l, nil
}

// status is the part of Mastodon's Status entity herald reads.
type status struct {
	ID  string `json:"id"`
	URL string `json:"url"`
	URI string `json:"uri"`
}

// Publish posts m.Text as a status with m.Lang as its language and the
// destination's visibility. Its Idempotency-Key is made of the destination's
// name and m.PostID, so every try of one post carries the same key and
// Mastodon answers a retry with the status the first try made (it keeps
// keys for an hour). Mastodon makes the link card itself from the page's
// og: tags. Failures are *news.PublishError.
func (p *Publisher) Publish(ctx context.Context, m news.Message) (news.Published, error) {
	if strings.TrimSpace(m.Text) == "" {
		return news.Published{}, p.failure(news.Rejected, 0, "the post is empty", nil)
	}
	body := map[string]string{"status": m.Text, "visibility": p.visibility}
	if lang := langCode(m.Lang); lang != "" {
		body["language"] = lang
	}
	resp, data, err := p.do(ctx, http.MethodPost, "/api/v1/statuses", body, p.idempotencyKey(m.PostID))
	if err != nil {
		return news.Published{}, err
	}
	if resp.StatusCode/100 != 2 {
		return news.Published{}, p.classify(answerOf(resp, data))
	}
	var st status
	if err := json.Unmarshal(data, &st); err != nil || st.ID == "" {
		// Safe to retry: the same Idempotency-Key gets the same status.
		return news.Published{}, p.failure(news.Transient, resp.StatusCode, "Mastodon answered without the status's id", err)
	}
	u := st.URL
	if u == "" {
		u = st.URI
	}
	return news.Published{RemoteID: st.ID, URL: u}, nil
}

// idempotencyKey is the same for every try of one post to this destination
// and differs between destinations, so two accounts on one server never
// share keys. A post without an id gets none.
func (p *Publisher) idempotencyKey(postID int64) string {
	if postID == 0 {
		return ""
	}
	return "herald-" + p.name + "-" + strconv.FormatInt(postID, 10)
}

// Edit replaces the text and language of the status remoteID (PUT
// /api/v1/statuses/:id); Mastodon shows it as edited. A status that is gone
// is a Rejected failure.
func (p *Publisher) Edit(ctx context.Context, remoteID string, m news.Message) error {
	if !validID(remoteID) {
		return p.failure(news.Rejected, 0, fmt.Sprintf("%q is not a Mastodon status id", remoteID), nil)
	}
	body := map[string]string{"status": m.Text}
	if lang := langCode(m.Lang); lang != "" {
		body["language"] = lang
	}
	resp, data, err := p.do(ctx, http.MethodPut, "/api/v1/statuses/"+remoteID, body, "")
	if err != nil {
		return err
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return p.failure(news.Rejected, resp.StatusCode, "the status to edit no longer exists on Mastodon", nil)
	case resp.StatusCode/100 != 2:
		return p.classify(answerOf(resp, data))
	}
	return nil
}

// Delete deletes the status remoteID. A status that is already gone is not
// an error.
func (p *Publisher) Delete(ctx context.Context, remoteID string) error {
	if !validID(remoteID) {
		return p.failure(news.Rejected, 0, fmt.Sprintf("%q is not a Mastodon status id", remoteID), nil)
	}
	resp, data, err := p.do(ctx, http.MethodDelete, "/api/v1/statuses/"+remoteID, nil, "")
	if err != nil {
		return err
	}
	if resp.StatusCode/100 == 2 || resp.StatusCode == http.StatusNotFound {
		return nil
	}
	return p.classify(answerOf(resp, data))
}

// Check proves the token (GET /api/v1/accounts/verify_credentials) and
// reads the server's length rule. Its failures are *news.PublishError,
// classified as for Publish.
func (p *Publisher) Check(ctx context.Context) error {
	resp, data, err := p.do(ctx, http.MethodGet, "/api/v1/accounts/verify_credentials", nil, "")
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return p.classify(answerOf(resp, data))
	}
	var acct struct {
		Acct string `json:"acct"`
	}
	if err := json.Unmarshal(data, &acct); err != nil || acct.Acct == "" {
		return p.failure(news.Transient, resp.StatusCode, "Mastodon's verify_credentials names no account", err)
	}
	p.mu.Lock()
	p.account = acct.Acct
	p.mu.Unlock()
	_, err = p.Limits(ctx)
	return err
}

// Account is the account's name on its server, once Check has run.
func (p *Publisher) Account() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.account
}

func validID(id string) bool {
	return id != "" && strings.IndexFunc(id, func(r rune) bool { return !unicode.IsDigit(r) && !unicode.IsLetter(r) }) < 0
}

// langCode is the article's language as Mastodon takes it: the ISO 639
// code alone ("pt" for "pt-BR"), which every server knows; "" when unknown.
// (Mastodon ignores a language it does not know rather than refuse it.)
func langCode(lang string) string {
	lang = strings.TrimSpace(lang)
	if lang == "" {
		return ""
	}
	tag, err := language.Parse(lang)
	if err != nil {
		return ""
	}
	base, conf := tag.Base()
	if conf == language.No || base.String() == "und" {
		return ""
	}
	return base.String()
}

// do sends one API request with the token, JSON body (when not nil) and
// Idempotency-Key (when not empty), and reads the answer. Its error is
// already classified.
func (p *Publisher) do(ctx context.Context, method, path string, body any, key string) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, nil, p.failure(news.Rejected, 0, "the post cannot be sent to Mastodon as JSON", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.server+path, rd)
	if err != nil {
		return nil, nil, p.failure(news.Permanent, 0, "cannot build a request from the Mastodon server's address", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+p.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, nil, p.unreachable(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil && resp.StatusCode/100 == 2 {
		return nil, nil, p.failure(news.Transient, resp.StatusCode, "Mastodon's answer was cut off", err)
	}
	return resp, data, nil
}

// answer is an error answer: Mastodon's {"error": "..."}.
type answer struct {
	status  int
	header  http.Header
	message string
}

func answerOf(resp *http.Response, body []byte) answer {
	a := answer{status: resp.StatusCode, header: resp.Header}
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) == nil {
		a.message = strings.TrimSpace(e.Error)
		if d := strings.TrimSpace(e.Description); d != "" && d != a.message {
			a.message += ": " + d
		}
	}
	return a
}

// tokenRefused starts the reason of the failure that means Mastodon does
// not accept the token, so that a pause it caused can be told apart from
// others once only its reason is kept.
const tokenRefused = "Mastodon refused the access token"

// CredentialsRefused reports whether reason, a PublishError's Reason or a
// destination's pause reason, says that Mastodon refused the token: a
// pause that a working token lifts, unlike one for a suspended account.
func CredentialsRefused(reason string) bool { return strings.HasPrefix(reason, tokenRefused) }

// prefix is the credentials' variables' prefix, for messages.
func (p *Publisher) prefix() string {
	if p.vars == "" {
		return "HERALD_MASTODON"
	}
	return p.vars
}

// classify turns an error answer into what the dispatcher should do.
func (p *Publisher) classify(a answer) error {
	said := ""
	if a.message != "" {
		said = "; Mastodon said: " + a.message
	}
	switch {
	case a.status == http.StatusTooManyRequests:
		until := p.now().Add(defaultRateWait)
		if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(a.header.Get("X-RateLimit-Reset"))); err == nil {
			until = t
			if !until.After(p.now()) {
				until = p.now().Add(pastResetWait)
			}
		} else if n, err := strconv.Atoi(strings.TrimSpace(a.header.Get("Retry-After"))); err == nil && n >= 0 {
			until = p.now().Add(time.Duration(n) * time.Second)
		}
		e := p.failure(news.RateLimited, a.status, "Mastodon rate limit reached; posting resumes at "+until.UTC().Format(time.RFC3339), nil)
		e.Until = until
		return e
	case a.status == http.StatusUnauthorized:
		return p.failure(news.Permanent, a.status, tokenRefused+" (401): check "+p.prefix()+"_TOKEN"+said, nil)
	case a.status == http.StatusForbidden:
		return p.failure(news.Permanent, a.status, "Mastodon refused the request (403): the token needs the scope write:statuses, or the account is suspended"+said, nil)
	case a.status == http.StatusUnprocessableEntity || a.status == http.StatusBadRequest:
		return p.failure(news.Rejected, a.status, fmt.Sprintf("Mastodon rejected this post (%d)%s", a.status, said), nil)
	case a.status >= 500 || a.status == http.StatusRequestTimeout:
		return p.failure(news.Transient, a.status, fmt.Sprintf("Mastodon is unavailable (%d %s)%s", a.status, http.StatusText(a.status), said), nil)
	case a.status == http.StatusNotFound:
		return p.failure(news.Permanent, a.status, "the Mastodon server has no such API (404): check "+p.prefix()+"_SERVER"+said, nil)
	case a.status >= 300 && a.status < 400:
		return p.failure(news.Permanent, a.status, fmt.Sprintf("the Mastodon server answered with a redirect (%d): check %s_SERVER", a.status, p.prefix()), nil)
	}
	return p.failure(news.Permanent, a.status, fmt.Sprintf("Mastodon answered %d %s%s", a.status, http.StatusText(a.status), said), nil)
}

func (p *Publisher) unreachable(err error) *news.PublishError {
	return p.failure(news.Transient, 0, publish.Unreachable("Mastodon", err), err)
}

// failure builds a PublishError whose reason is one line of plain words
// without the token in it.
func (p *Publisher) failure(kind news.FailureKind, status int, reason string, err error) *news.PublishError {
	if len(p.token) >= 6 {
		reason = strings.ReplaceAll(reason, p.token, "[redacted]")
		if err != nil && strings.Contains(err.Error(), p.token) {
			err = errors.New(strings.ReplaceAll(err.Error(), p.token, "[redacted]"))
		}
	}
	reason = strings.Join(strings.FieldsFunc(reason, unicode.IsSpace), " ")
	if r := []rune(reason); len(r) > maxReason {
		reason = string(r[:maxReason-1]) + "…"
	}
	return &news.PublishError{Kind: kind, Status: status, Reason: reason, Err: err}
}
