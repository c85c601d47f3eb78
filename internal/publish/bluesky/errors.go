package bluesky

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish"
)

const (
	// defaultRateWait is used when a 429 names no reset: Bluesky's shortest
	// window is five minutes.
	defaultRateWait = 5 * time.Minute
	pastResetWait   = 5 * time.Second
	maxReason       = 300
)

// The reasons that start every failure meaning Bluesky does not accept the
// credentials, so that a pause they caused can be told apart from others
// once only its reason is kept.
const (
	loginRefused   = "Bluesky refused the handle or app password"
	sessionRefused = "Bluesky refused the session even after a new login"
)

// CredentialsRefused reports whether reason, a PublishError's Reason or a
// destination's pause reason, says that Bluesky refused the credentials:
// a pause that working credentials lift, unlike one for a suspended
// account.
func CredentialsRefused(reason string) bool {
	return strings.HasPrefix(reason, loginRefused) || strings.HasPrefix(reason, sessionRefused)
}

// prefix is the credentials' variables' prefix, for messages.
func (p *Publisher) prefix() string {
	if p.vars == "" {
		return "HERALD_BLUESKY"
	}
	return p.vars
}

// answer is an XRPC error answer: {"error": "Name", "message": "..."}.
type answer struct {
	status  int
	header  http.Header
	name    string
	message string
}

func answerOf(resp *http.Response, body []byte) answer {
	a := answer{status: resp.StatusCode, header: resp.Header}
	var e struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil {
		a.name, a.message = strings.TrimSpace(e.Error), strings.TrimSpace(e.Message)
	}
	return a
}

// tokenRefused reports an answer that refuses the token itself (expired,
// revoked, unknown): a new one may succeed.
func (a answer) tokenRefused() bool {
	if a.status != http.StatusBadRequest && a.status != http.StatusUnauthorized {
		return false
	}
	switch a.name {
	case "ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing":
		return true
	}
	return false
}

func (a answer) said() string {
	switch {
	case a.name != "" && a.message != "":
		return "; Bluesky said: " + a.name + ": " + a.message
	case a.name != "" || a.message != "":
		return "; Bluesky said: " + a.name + a.message
	}
	return ""
}

// classify turns an error answer to an authenticated call into what the
// dispatcher should do.
func (p *Publisher) classify(a answer) error {
	switch {
	case a.status == http.StatusTooManyRequests:
		return p.rateLimited(a)
	case a.tokenRefused() || a.status == http.StatusUnauthorized:
		return p.failure(news.Permanent, a.status, sessionRefused+": check the handle and app password"+a.said(), nil)
	case a.name == "AccountTakedown" || a.name == "AccountDeactivated" || a.status == http.StatusForbidden:
		return p.failure(news.Permanent, a.status, "Bluesky refused the account"+a.said(), nil)
	case a.status == http.StatusBadRequest || a.status == http.StatusRequestEntityTooLarge || a.status == http.StatusUnprocessableEntity:
		return p.failure(news.Rejected, a.status, fmt.Sprintf("Bluesky rejected this post (%d)%s", a.status, a.said()), nil)
	case a.status >= 500 || a.status == http.StatusRequestTimeout:
		return p.failure(news.Transient, a.status, fmt.Sprintf("Bluesky is unavailable (%d %s)%s", a.status, http.StatusText(a.status), a.said()), nil)
	case a.status >= 300 && a.status < 400:
		return p.failure(news.Permanent, a.status, fmt.Sprintf("the Bluesky service answered with a redirect (%d): check its address (%s_SERVICE)", a.status, p.prefix()), nil)
	}
	return p.failure(news.Permanent, a.status, fmt.Sprintf("Bluesky answered %d %s%s", a.status, http.StatusText(a.status), a.said()), nil)
}

// classifyLogin classifies a refused createSession.
func (p *Publisher) classifyLogin(a answer) error {
	switch {
	case a.status == http.StatusTooManyRequests:
		return p.rateLimited(a)
	case a.name == "AuthFactorTokenRequired":
		return p.failure(news.Permanent, a.status, "Bluesky asks for a sign-in code: use an app password (Settings → Privacy and security → App passwords), which needs none"+a.said(), nil)
	case a.status == http.StatusUnauthorized || a.name == "AuthenticationRequired":
		return p.failure(news.Permanent, a.status, fmt.Sprintf("%s: check them (%s_HANDLE, %[2]s_APP_PASSWORD)", loginRefused, p.prefix())+a.said(), nil)
	}
	return p.classify(a)
}

// rateLimited waits until ratelimit-reset (Unix seconds), else
// Retry-After, else Bluesky's shortest window.
func (p *Publisher) rateLimited(a answer) error {
	now := p.now()
	until := now.Add(defaultRateWait)
	if v, err := strconv.ParseInt(strings.TrimSpace(a.header.Get("RateLimit-Reset")), 10, 64); err == nil && v > 0 {
		until = time.Unix(v, 0)
		if !until.After(now) {
			until = now.Add(pastResetWait)
		}
	} else if v, err := strconv.Atoi(strings.TrimSpace(a.header.Get("Retry-After"))); err == nil && v >= 0 {
		until = now.Add(time.Duration(v) * time.Second)
	}
	which := ""
	if pol := a.header.Get("RateLimit-Policy"); pol != "" {
		which = " (policy " + pol + ")"
	}
	e := p.failure(news.RateLimited, a.status, fmt.Sprintf("Bluesky rate limit reached%s; posting resumes at %s", which, until.UTC().Format(time.RFC3339)), nil)
	e.Until = until
	return e
}

// unreachable classifies a failure to get an answer at all.
func (p *Publisher) unreachable(err error) *news.PublishError {
	return p.failure(news.Transient, 0, publish.Unreachable("Bluesky", err), err)
}

// failure builds a PublishError whose reason is one line of plain words
// without the app password or a token in it.
func (p *Publisher) failure(kind news.FailureKind, status int, reason string, err error) *news.PublishError {
	reason = p.redact(reason)
	reason = strings.Join(strings.FieldsFunc(reason, unicode.IsSpace), " ")
	if r := []rune(reason); len(r) > maxReason {
		reason = string(r[:maxReason-1]) + "…"
	}
	if err != nil && p.redact(err.Error()) != err.Error() {
		err = errors.New(p.redact(err.Error()))
	}
	return &news.PublishError{Kind: kind, Status: status, Reason: reason, Err: err}
}

func (p *Publisher) redact(s string) string {
	secrets := []string{p.password}
	if sess := p.current(); sess != nil {
		secrets = append(secrets, sess.Access, sess.Refresh)
	}
	for _, c := range secrets {
		if len(c) >= 6 {
			s = strings.ReplaceAll(s, c, "[redacted]")
		}
	}
	return s
}
