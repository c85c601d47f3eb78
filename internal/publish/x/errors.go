package x

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish"
)

// X's v1.1 error codes that change what herald does. v2 answers carry them
// too in their "errors" list on some paths.
const (
	codeBadAuth        = 32  // Could not authenticate you.
	codeRateLimit      = 88  // Rate limit exceeded
	codeBadToken       = 89  // Invalid or expired token.
	codeDailyLimit     = 185 // User is over daily status update limit.
	codeTooLong        = 186 // Tweet needs to be a bit shorter.
	codeDuplicate      = 187 // Status is a duplicate.
	codeBadAuthData    = 215 // Bad Authentication data.
	duplicateDetailKey = "duplicate content"
	tooLongKey         = "too long"
	maxReason          = 300
)

// credentialsRefused starts the reason of every failure that means X does
// not accept the credentials, so that a pause it caused can be told apart
// from others (out of credits, forbidden) once only its reason is kept.
const credentialsRefused = "X rejected the credentials"

// CredentialsRefused reports whether reason, a PublishError's Reason or a
// destination's pause reason, says that X refused the credentials: a pause
// that working credentials lift, unlike one for a lack of credits or a
// forbidden action, which proving the credentials does not disprove.
func CredentialsRefused(reason string) bool {
	return strings.HasPrefix(reason, credentialsRefused)
}

// answer is an X error answer reduced to what classification needs.
type answer struct {
	status  int
	header  http.Header
	message string // X's own words: detail, title and error messages
	codes   []int  // v1.1-style error codes
}

// problem reads both shapes of X's error bodies: v2's problem+json
// {"title","detail","type","status"} (sometimes with an "errors" list) and
// v1.1's {"errors":[{"code","message"}]}.
type problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Errors []struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
	} `json:"errors"`
}

func answerOf(resp *http.Response, body []byte) answer {
	a := answer{status: resp.StatusCode, header: resp.Header}
	var pb problem
	if json.Unmarshal(body, &pb) != nil {
		return a
	}
	var parts []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		for _, p := range parts {
			if strings.EqualFold(p, s) {
				return
			}
		}
		parts = append(parts, s)
	}
	// A bare status name ("Forbidden") says less than the detail, so the
	// title comes only when there is nothing else.
	add(pb.Detail)
	for _, e := range pb.Errors {
		add(e.Message)
		if e.Code != 0 {
			a.codes = append(a.codes, e.Code)
		}
	}
	if len(parts) == 0 {
		add(pb.Title)
	}
	a.message = strings.Join(parts, "; ")
	return a
}

func (a answer) has(codes ...int) bool {
	for _, c := range a.codes {
		for _, want := range codes {
			if c == want {
				return true
			}
		}
	}
	return false
}

func (a answer) says(words string) bool {
	return strings.Contains(strings.ToLower(a.message), words)
}

// classify turns an error answer into what the dispatcher should do.
func (p *Publisher) classify(a answer) error {
	said, xsaid := "", ""
	if a.message != "" {
		said, xsaid = ": "+a.message, "; X said: "+a.message
	}
	switch {
	case a.has(codeDuplicate) || (a.status == http.StatusForbidden && a.says(duplicateDetailKey)):
		return fmt.Errorf("x: %w", news.ErrDuplicate)

	case a.status == http.StatusTooManyRequests || a.has(codeRateLimit, codeDailyLimit):
		until, which := p.rateLimitedUntil(a.header)
		reason := fmt.Sprintf("X rate limit reached (%d)%s; posting resumes at %s", a.status, which, until.UTC().Format(time.RFC3339))
		e := p.failure(news.RateLimited, a.status, reason, nil)
		e.Until = until
		return e

	case a.status == http.StatusUnauthorized || a.has(codeBadAuth, codeBadToken, codeBadAuthData):
		return p.failure(news.Permanent, a.status, fmt.Sprintf(
			credentialsRefused+" (%d): check %[3]s_CONSUMER_KEY, %[3]s_CONSUMER_SECRET, %[3]s_ACCESS_TOKEN and %[3]s_ACCESS_SECRET%[2]s",
			a.status, xsaid, p.prefix()), nil)

	case a.status == http.StatusPaymentRequired:
		return p.failure(news.Permanent, a.status,
			"the X account is out of API credits (402): add credits in the X developer console, then resume posting"+xsaid, nil)

	case a.has(codeTooLong) || (a.status == http.StatusForbidden && a.says(tooLongKey)):
		// X has answered an over-long post with 403 as well as 400; either
		// way it is this post that is wrong, not the account.
		return p.failure(news.Rejected, a.status, fmt.Sprintf("X rejected this post (%d)%s", a.status, orDefault(said, ": the text is too long")), nil)

	case a.status == http.StatusForbidden:
		return p.failure(news.Permanent, a.status, fmt.Sprintf("X refused the request (403)%s", orDefault(said, ": forbidden")), nil)

	case a.status == http.StatusBadRequest || a.status == http.StatusUnprocessableEntity:
		return p.failure(news.Rejected, a.status, fmt.Sprintf("X rejected this post (%d)%s", a.status, said), nil)

	case a.status >= 500 || a.status == http.StatusRequestTimeout:
		return p.failure(news.Transient, a.status, fmt.Sprintf("X is unavailable (%d %s)%s", a.status, http.StatusText(a.status), said), nil)

	case a.status >= 300 && a.status < 400:
		return p.failure(news.Permanent, a.status, fmt.Sprintf(
			"X's API answered with a redirect (%d): check %s_API_URL", a.status, p.prefix()), nil)
	}
	return p.failure(news.Permanent, a.status, fmt.Sprintf("X answered %d %s%s", a.status, http.StatusText(a.status), said), nil)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// unreachable classifies a failure to get an answer at all: the network,
// a timeout, or the caller giving up. All of them are worth another try.
func (p *Publisher) unreachable(err error) *news.PublishError {
	return p.failure(news.Transient, 0, publish.Unreachable("X", err), err)
}

// failure builds a PublishError whose reason is one line of plain words
// that never holds a credential, whatever X or the network said.
func (p *Publisher) failure(kind news.FailureKind, status int, reason string, err error) *news.PublishError {
	return &news.PublishError{Kind: kind, Status: status, Reason: p.clean(reason), Err: p.redactErr(err)}
}

func (p *Publisher) clean(s string) string {
	s = p.redact(s)
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	if r := []rune(s); len(r) > maxReason {
		s = string(r[:maxReason-1]) + "…"
	}
	return s
}

// minSecret is the shortest credential worth redacting: shorter ones would
// blank out ordinary words (and no real X credential is that short).
const minSecret = 6

func (p *Publisher) redact(s string) string {
	for _, c := range p.secrets {
		if len(c) >= minSecret {
			s = strings.ReplaceAll(s, c, "[redacted]")
		}
	}
	return s
}

// redactErr keeps err for errors.Is and errors.As but makes sure its text
// holds no credential.
func (p *Publisher) redactErr(err error) error {
	if err == nil {
		return nil
	}
	if msg := err.Error(); p.redact(msg) != msg {
		return &redactedError{msg: p.redact(msg), err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Unwrap is left out on purpose: walking the chain would reach the text
// with the credential in it. Is and As still see the causes.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

func (e *redactedError) As(target any) bool { return errors.As(e.err, target) }
