package xfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file verifies OAuth 1.0a HMAC-SHA1 signatures the way X does, written
// from RFC 5849 and on purpose sharing no code with the signer herald uses,
// so that a fault in one is not mirrored in the other.

// maxSkew is how far a request's timestamp may be from the fake's clock.
const maxSkew = 5 * time.Minute

// maxFormBody caps the form body read for the signature.
const maxFormBody = 1 << 20

// authError says why a request was not authenticated.
type authError struct{ why string }

func (e *authError) Error() string { return "oauth: " + e.why }

func authErrorf(format string, args ...any) error {
	return &authError{why: fmt.Sprintf(format, args...)}
}

// parseAuthorization reads the parameters of an "OAuth" Authorization header
// (RFC 5849 section 3.5.1): comma-separated name="value" pairs, both
// percent-encoded.
func parseAuthorization(h string) (map[string]string, error) {
	const scheme = "oauth "
	if len(h) < len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		if h == "" {
			return nil, authErrorf("no Authorization header")
		}
		return nil, authErrorf("the Authorization header is not OAuth")
	}
	params := map[string]string{}
	for part := range strings.SplitSeq(h[len(scheme):], ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			return nil, authErrorf("malformed Authorization parameter")
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' {
			return nil, authErrorf("unquoted Authorization parameter %q", name)
		}
		n, err1 := percentDecode(name)
		v, err2 := percentDecode(value[1 : len(value)-1])
		if err1 != nil || err2 != nil {
			return nil, authErrorf("badly encoded Authorization parameter %q", name)
		}
		if _, dup := params[n]; dup {
			return nil, authErrorf("repeated Authorization parameter %q", n)
		}
		params[n] = v
	}
	return params, nil
}

// percentDecode undoes RFC 3986 percent-encoding; unlike form decoding it
// leaves '+' alone.
func percentDecode(s string) (string, error) {
	return url.PathUnescape(s)
}

// percentEncode is RFC 5849 section 3.6: everything but ALPHA, DIGIT, '-',
// '.', '_' and '~' is encoded as %XX with upper-case hex.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// formParams returns the body's parameters when the body is a form (section
// 3.4.1.3.1), and puts the body back for the handler.
func formParams(r *http.Request) (url.Values, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" || r.Body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxFormBody+1))
	if err != nil {
		return nil, fmt.Errorf("read form body: %w", err)
	}
	if len(data) > maxFormBody {
		return nil, errors.New("form body too large")
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	v, err := url.ParseQuery(string(data))
	if err != nil {
		return nil, authErrorf("malformed form body")
	}
	return v, nil
}

// baseStringURI is section 3.4.1.2 applied to the request as the server
// received it. Behind httptest the scheme is http unless a proxy says
// otherwise in X-Forwarded-Proto; the host is the Host header; the path is
// the request target's, so a test may mount the fake under a prefix with
// http.StripPrefix and still verify what the client signed.
func baseStringURI(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = strings.ToLower(strings.TrimSpace(strings.Split(p, ",")[0]))
	}
	host := strings.ToLower(r.Host)
	if h, port, err := net.SplitHostPort(host); err == nil &&
		((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) {
		if strings.Contains(h, ":") {
			h = "[" + h + "]"
		}
		host = h
	}
	path := r.URL.EscapedPath()
	if r.RequestURI != "" {
		if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
			path = u.EscapedPath()
		}
	}
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// signatureBase is section 3.4.1: method, base string URI and the normalised
// parameters (query, form body and oauth_* except the signature; section
// 3.4.1.3), each percent-encoded and joined with '&'.
func signatureBase(r *http.Request, oauth map[string]string, form url.Values) string {
	type pair struct{ k, v string }
	var pairs []pair
	addValues := func(vs url.Values) {
		for k, list := range vs {
			for _, v := range list {
				pairs = append(pairs, pair{percentEncode(k), percentEncode(v)})
			}
		}
	}
	query := r.URL.RawQuery
	if r.RequestURI != "" {
		if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
			query = u.RawQuery
		}
	}
	q, _ := url.ParseQuery(query)
	addValues(q)
	addValues(form)
	for k, v := range oauth {
		if k == "oauth_signature" || k == "realm" {
			continue
		}
		pairs = append(pairs, pair{percentEncode(k), percentEncode(v)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	norm := make([]string, len(pairs))
	for i, p := range pairs {
		norm[i] = p.k + "=" + p.v
	}
	return strings.ToUpper(r.Method) + "&" + percentEncode(baseStringURI(r)) + "&" + percentEncode(strings.Join(norm, "&"))
}

// hmacSHA1 is section 3.4.2: the key is the encoded consumer secret and
// token secret joined by '&'.
func hmacSHA1(base, consumerSecret, tokenSecret string) []byte {
	mac := hmac.New(sha1.New, []byte(percentEncode(consumerSecret)+"&"+percentEncode(tokenSecret)))
	mac.Write([]byte(base))
	return mac.Sum(nil)
}

// authenticate checks r's OAuth 1.0a signature against the fake's
// credentials and clock, and remembers its nonce. A failure is an
// *authError saying what was wrong.
func (s *Server) authenticate(r *http.Request) error {
	p, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	for _, name := range []string{"oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp", "oauth_nonce", "oauth_signature"} {
		if p[name] == "" {
			return authErrorf("missing %s", name)
		}
	}
	if v, ok := p["oauth_version"]; ok && v != "1.0" {
		return authErrorf("oauth_version %q is not 1.0", v)
	}
	if p["oauth_signature_method"] != "HMAC-SHA1" {
		return authErrorf("signature method %q is not HMAC-SHA1", p["oauth_signature_method"])
	}
	if subtle.ConstantTimeCompare([]byte(p["oauth_consumer_key"]), []byte(s.opts.ConsumerKey)) != 1 {
		return authErrorf("unknown consumer key")
	}
	if subtle.ConstantTimeCompare([]byte(p["oauth_token"]), []byte(s.opts.AccessToken)) != 1 {
		return authErrorf("unknown access token")
	}
	ts, err := strconv.ParseInt(p["oauth_timestamp"], 10, 64)
	if err != nil {
		return authErrorf("oauth_timestamp %q is not a number", p["oauth_timestamp"])
	}
	now := s.now()
	if d := now.Sub(time.Unix(ts, 0)); d > maxSkew || d < -maxSkew {
		return authErrorf("timestamp is %s away from the server's clock", d.Round(time.Second))
	}
	form, err := formParams(r)
	if err != nil {
		return err
	}
	got, err := base64.StdEncoding.DecodeString(p["oauth_signature"])
	if err != nil {
		return authErrorf("oauth_signature is not base64")
	}
	want := hmacSHA1(signatureBase(r, p, form), s.opts.ConsumerSecret, s.opts.AccessSecret)
	if !hmac.Equal(got, want) {
		return authErrorf("signature does not match")
	}
	// Only a verified request spends its nonce: otherwise anyone could
	// burn the nonces of requests still on their way.
	if !s.spendNonce(p["oauth_nonce"], p["oauth_timestamp"], ts, now) {
		return authErrorf("nonce %q was already used", p["oauth_nonce"])
	}
	return nil
}

// spendNonce records a nonce (with its timestamp, per section 3.3) and
// reports whether it was new. Nonces older than the allowed skew are
// forgotten, since their requests fail the timestamp check anyway.
func (s *Server) spendNonce(nonce, tsText string, ts int64, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := tsText + " " + nonce
	if _, seen := s.nonces[key]; seen {
		return false
	}
	s.nonces[key] = ts
	if len(s.nonces) > 4096 {
		oldest := now.Add(-maxSkew - time.Minute).Unix()
		for k, t := range s.nonces {
			if t < oldest {
				delete(s.nonces, k)
			}
		}
	}
	return true
}
