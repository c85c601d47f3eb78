package x

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/news"
)

// TestClassify feeds answers as X sends them (status and body) to the
// classifier.
func TestClassify(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		kind   news.FailureKind // 0 means news.ErrDuplicate
		reason string           // a part the reason must hold
	}{
		{"v2 duplicate", 403, `{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}`, 0, ""},
		{"v1.1 duplicate", 403, `{"errors":[{"code":187,"message":"Status is a duplicate."}]}`, 0, ""},
		{"v2 unauthorized", 401, `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`, news.Permanent, "HERALD_X_ACCESS_SECRET"},
		{"v1.1 expired token", 401, `{"errors":[{"code":89,"message":"Invalid or expired token."}]}`, news.Permanent, "Invalid or expired token."},
		{"v1.1 bad authentication data on 400", 400, `{"errors":[{"code":215,"message":"Bad Authentication data."}]}`, news.Permanent, "X rejected the credentials (400)"},
		{"credits", 402, `{"account_id":1,"title":"CreditsDepleted","detail":"Your enrolled account [1] does not have any credits to fulfill this request.","type":"https://api.twitter.com/2/problems/credits"}`, news.Permanent, "out of API credits (402)"},
		{"credits with another body", 402, `{"detail":"credits depleted","status":402,"title":"Payment Required","type":"https://api.x.com/2/problems/credits-depleted"}`, news.Permanent, "credits depleted"},
		{"app without write permission", 403, `{"detail":"Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.","type":"https://api.twitter.com/2/problems/oauth1-permissions","title":"Forbidden","status":403}`, news.Permanent, "oauth1 app permissions"},
		{"client not enrolled", 403, `{"client_id":"123","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.","registration_url":"https://developer.twitter.com/","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}`, news.Permanent, "attached to a Project"},
		{"bare 403", 403, ``, news.Permanent, "forbidden"},
		{"v2 too long on 400", 400, `{"detail":"Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.","type":"about:blank","title":"Bad Request","status":400}`, news.Rejected, "too long"},
		{"v2 too long on 403", 403, `{"detail":"Your Tweet text is too long.","type":"about:blank","title":"Forbidden","status":403}`, news.Rejected, "too long"},
		{"v1.1 too long", 403, `{"errors":[{"code":186,"message":"Tweet needs to be a bit shorter."}]}`, news.Rejected, "shorter"},
		{"invalid request", 400, `{"errors":[{"parameters":{"reply.in_reply_to_tweet_id":["1"]},"message":"The reply.in_reply_to_tweet_id field is invalid"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}`, news.Rejected, "in_reply_to_tweet_id field is invalid"},
		{"unprocessable", 422, `{"title":"Unprocessable Entity","detail":"Unprocessable Entity","type":"about:blank","status":422}`, news.Rejected, "(422)"},
		{"v1.1 daily limit", 403, `{"errors":[{"code":185,"message":"User is over daily status update limit."}]}`, news.RateLimited, "rate limit"},
		{"v1.1 rate limit", 429, `{"errors":[{"code":88,"message":"Rate limit exceeded"}]}`, news.RateLimited, "rate limit"},
		{"not found", 404, `{"errors":[{"message":"Sorry, that page does not exist","code":34}]}`, news.Permanent, "Sorry, that page does not exist"},
		{"request timeout", 408, ``, news.Transient, "(408"},
		{"server error with HTML", 500, `<html><body>Internal error</body></html>`, news.Transient, "500 Internal Server Error"},
		{"over capacity", 503, `{"errors":[{"message":"Over capacity","code":130}]}`, news.Transient, "Over capacity"},
		{"gateway timeout", 504, `{"title":"Gateway Timeout","detail":"Gateway Timeout","type":"about:blank","status":504}`, news.Transient, "Gateway Timeout"},
	}
	p := &Publisher{now: time.Now, rate: unknownRate(), secrets: []string{"consumer-key-x", "consumer-secret-x", "access-token-x", "access-secret-x"}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tc.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(tc.body))}
			err := p.classify(answerOf(resp, []byte(tc.body)))
			if tc.kind == 0 {
				if !errors.Is(err, news.ErrDuplicate) {
					t.Fatalf("got %v, want news.ErrDuplicate", err)
				}
				return
			}
			var pe *news.PublishError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v", err)
			}
			if pe.Kind != tc.kind || pe.Status != tc.status || !strings.Contains(pe.Reason, tc.reason) {
				t.Fatalf("got %s %d %q, want %s %d with %q", pe.Kind, pe.Status, pe.Reason, tc.kind, tc.status, tc.reason)
			}
			if tc.kind == news.RateLimited && pe.Until.IsZero() {
				t.Fatal("rate limited without Until")
			}
		})
	}
}

func TestReasonIsOneShortLine(t *testing.T) {
	p := &Publisher{now: time.Now, rate: unknownRate(), secrets: []string{"abcdefgh-secret"}}
	body := `{"detail":"first line\nsecond line\twith abcdefgh-secret ` + strings.Repeat("very long ", 100) + `"}`
	err := p.classify(answerOf(&http.Response{StatusCode: 403, Header: http.Header{}}, []byte(body)))
	var pe *news.PublishError
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	if strings.ContainsAny(pe.Reason, "\n\t") || utf8.RuneCountInString(pe.Reason) > maxReason ||
		strings.Contains(pe.Reason, "abcdefgh-secret") || !strings.Contains(pe.Reason, "first line second line with [redacted]") {
		t.Fatalf("reason %q", pe.Reason)
	}
}
