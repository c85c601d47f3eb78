package fetch

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode"
)

// PostForm sends form to rawURL as application/x-www-form-urlencoded: a
// WebSub hub's subscribe and unsubscribe requests. The URL comes from a
// feed, not from the operator, so the request and every redirect go through
// the private-address guard (unless Options.AllowPrivate), with Fetch's
// timeouts, User-Agent and body cap. An answer other than 2xx is an *Error
// with ErrHTTPStatus whose message carries the start of a plain-text answer,
// where hubs say why they refuse.
func (f *Fetcher) PostForm(ctx context.Context, rawURL string, form url.Values) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &Error{URL: rawURL, Err: because(ErrNotHTTP, err, "not a valid URL: %v", err)}
	}
	if err := checkURL(u); err != nil {
		return nil, &Error{URL: rawURL, Err: err}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, f.timeout, errOurTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &Error{URL: rawURL, Err: because(ErrNotHTTP, err, "not a valid URL")}
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := f.client.Do(req) // no trusted origin: every address is checked
	if err != nil {
		return nil, &Error{URL: rawURL, Err: f.explain(ctx, err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &Error{URL: rawURL, Status: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), f.now())
		}
		msg := "the server answered " + statusText(resp)
		if why := plainReason(resp); why != "" {
			msg += ": " + why
		}
		e.Err = because(ErrHTTPStatus, nil, "%s", msg)
		return nil, e
	}
	if resp.ContentLength > f.maxBody {
		return nil, &Error{URL: rawURL, Err: f.tooLarge()}
	}
	body, err := readBody(resp.Body, resp.ContentLength, f.maxBody)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, &Error{URL: rawURL, Err: f.tooLarge()}
		}
		return nil, &Error{URL: rawURL, Err: f.explain(ctx, err)}
	}
	return &Response{
		URL:         resp.Request.URL.String(),
		StatusCode:  resp.StatusCode,
		Body:        body,
		ContentType: resp.Header.Get("Content-Type"),
		Header:      resp.Header,
	}, nil
}

// plainReason returns the first line of a short plain-text answer, cleaned
// of control characters and cut to 200 characters; "" for anything else (an
// HTML error page says nothing worth repeating).
func plainReason(resp *http.Response) string {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "text/plain" {
		drain(resp.Body)
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	line = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, strings.TrimSpace(line))
	if r := []rune(line); len(r) > 200 {
		line = string(r[:200]) + "…"
	}
	return line
}
