package x

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/dghubble/go-twitter/twitter"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish"
)

// publishV11 posts through go-twitter's statuses/update.json.
func (p *Publisher) publishV11(ctx context.Context, text string) (news.Published, error) {
	client, rt, cancel := p.v11Client(ctx)
	defer cancel()
	tweet, resp, err := client.Statuses.Update(text, nil)
	if resp == nil {
		return news.Published{}, p.unreachable(orNoAnswer(err))
	}
	p.observe(resp.Header)
	if resp.StatusCode/100 != 2 {
		return news.Published{}, p.classify(rt.answer(resp, err))
	}
	if err != nil || tweet == nil || tweet.IDStr == "" {
		// As for v2: a retry of a post that was made is answered as a
		// duplicate, so retrying is safe.
		return news.Published{}, p.failure(news.Transient, resp.StatusCode,
			fmt.Sprintf("X answered %d but the answer holds no post id", resp.StatusCode), err)
	}
	name := ""
	if tweet.User != nil {
		name = tweet.User.ScreenName
	}
	return news.Published{RemoteID: tweet.IDStr, URL: p.postURL(ctx, tweet.IDStr, name)}, nil
}

// verifyV11 asks account/verify_credentials.json who the credentials belong to.
func (p *Publisher) verifyV11(ctx context.Context) (string, error) {
	client, rt, cancel := p.v11Client(ctx)
	defer cancel()
	user, resp, err := client.Accounts.VerifyCredentials(nil)
	if resp == nil {
		return "", p.unreachable(orNoAnswer(err))
	}
	if resp.StatusCode/100 != 2 {
		return "", p.classify(rt.answer(resp, err))
	}
	if err != nil || user == nil || user.ScreenName == "" {
		return "", p.failure(news.Transient, resp.StatusCode, "X's answer to verify_credentials holds no screen name", err)
	}
	return user.ScreenName, nil
}

func orNoAnswer(err error) error {
	if err == nil {
		return errors.New("no answer")
	}
	return err
}

// v11Client builds a go-twitter client for one call. go-twitter takes no
// context and its base URL is fixed, so the client's first transport moves
// each request to HERALD_X_API_URL under the call's context; only then does
// the OAuth transport sign it, so the signature covers the address X
// actually receives.
func (p *Publisher) v11Client(ctx context.Context) (*twitter.Client, *rewriteTransport, context.CancelFunc) {
	cancel := context.CancelFunc(func() {})
	if p.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, p.timeout)
	}
	rt := &rewriteTransport{ctx: ctx, to: p.base, next: p.signer}
	return twitter.NewClient(&http.Client{Transport: rt, CheckRedirect: publish.NoRedirects}), rt, cancel
}

// rewriteTransport sends go-twitter's requests to another base URL. It also
// keeps the body of an error answer, which go-twitter reads only in v1.1's
// shape, so that v2-style problem bodies (X sends them on v1.1 paths too,
// for example when credits run out) still reach the reason.
type rewriteTransport struct {
	ctx  context.Context
	to   *url.URL
	next http.RoundTripper

	errBody []byte // one call's client is used by one goroutine
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(t.ctx)
	r.URL.Scheme = t.to.Scheme
	r.URL.Host = t.to.Host
	r.URL.Path = t.to.Path + req.URL.Path
	r.URL.RawPath = ""
	r.Host = "" // sent from r.URL.Host, as signed
	resp, err := t.next.RoundTrip(r)
	if err != nil || resp.StatusCode/100 == 2 {
		return resp, err
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	t.errBody = data
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return resp, nil
}

// answer reads an error answer from the kept body, falling back on
// go-twitter's decoding of it.
func (t *rewriteTransport) answer(resp *http.Response, err error) answer {
	a := answerOf(resp, t.errBody)
	var apiErr twitter.APIError
	if a.message == "" && errors.As(err, &apiErr) {
		for _, d := range apiErr.Errors {
			a.codes = append(a.codes, d.Code)
			if a.message == "" {
				a.message = d.Message
			}
		}
	}
	return a
}
