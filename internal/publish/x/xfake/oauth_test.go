package xfake

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	testConsumerKey    = "fake-consumer-key"
	testConsumerSecret = "fake-consumer-secret"
	testAccessToken    = "fake-access-token"
	testAccessSecret   = "fake-access-secret"
)

var testNow = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

func newTestServer(o Options) *Server {
	if o.ConsumerKey == "" {
		o.ConsumerKey, o.ConsumerSecret = testConsumerKey, testConsumerSecret
		o.AccessToken, o.AccessSecret = testAccessToken, testAccessSecret
	}
	if o.Clock == nil {
		o.Clock = func() time.Time { return testNow }
	}
	return New(o)
}

// signing is everything that goes into a hand-made signature. The tests sign
// with this small signer of their own, written separately from the fake's
// verifier, so that each can catch the other's mistakes.
type signing struct {
	consumerKey, consumerSecret string
	token, tokenSecret          string
	nonce                       string
	timestamp                   time.Time
	method                      string // default HMAC-SHA1
	version                     string // default 1.0; "-" leaves it out
}

func goodSigning(nonce string) signing {
	return signing{
		consumerKey: testConsumerKey, consumerSecret: testConsumerSecret,
		token: testAccessToken, tokenSecret: testAccessSecret,
		nonce: nonce, timestamp: testNow,
	}
}

func enc(s string) string {
	// url.QueryEscape is form encoding; RFC 3986 wants %20 for space and
	// leaves '~' alone.
	return strings.ReplaceAll(strings.ReplaceAll(url.QueryEscape(s), "+", "%20"), "%7E", "~")
}

// authorization returns the Authorization header for a request to rawURL
// (scheme, host, path and query as the server will see them) with the given
// form body parameters.
func (sg signing) authorization(method, rawURL string, form url.Values) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	if sg.method == "" {
		sg.method = "HMAC-SHA1"
	}
	oauth := map[string]string{
		"oauth_consumer_key":     sg.consumerKey,
		"oauth_token":            sg.token,
		"oauth_nonce":            sg.nonce,
		"oauth_timestamp":        strconv.FormatInt(sg.timestamp.Unix(), 10),
		"oauth_signature_method": sg.method,
		"oauth_version":          "1.0",
	}
	if sg.version == "-" {
		delete(oauth, "oauth_version")
	} else if sg.version != "" {
		oauth["oauth_version"] = sg.version
	}
	var pairs []string
	for k, vs := range u.Query() {
		for _, v := range vs {
			pairs = append(pairs, enc(k)+"="+enc(v))
		}
	}
	for k, vs := range form {
		for _, v := range vs {
			pairs = append(pairs, enc(k)+"="+enc(v))
		}
	}
	for k, v := range oauth {
		pairs = append(pairs, enc(k)+"="+enc(v))
	}
	sort.Strings(pairs)
	baseURI := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.EscapedPath()
	base := strings.Join([]string{method, enc(baseURI), enc(strings.Join(pairs, "&"))}, "&")
	mac := hmac.New(sha1.New, []byte(enc(sg.consumerSecret)+"&"+enc(sg.tokenSecret)))
	mac.Write([]byte(base))
	oauth["oauth_signature"] = base64.StdEncoding.EncodeToString(mac.Sum(nil))
	var parts []string
	for k, v := range oauth {
		parts = append(parts, fmt.Sprintf(`%s="%s"`, enc(k), enc(v)))
	}
	sort.Strings(parts)
	return "OAuth " + strings.Join(parts, ", ")
}

// TestSignatureBaseKnownAnswer checks the verifier against the worked
// example in X's (then Twitter's) "Creating a signature" documentation.
func TestSignatureBaseKnownAnswer(t *testing.T) {
	body := "status=" + url.QueryEscape("Hello Ladies + Gentlemen, a signed OAuth request!")
	r := httptest.NewRequest("POST", "https://api.twitter.com/1/statuses/update.json?include_entities=true", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Set("Authorization", `OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", `+
		`oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", `+
		`oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D", oauth_signature_method="HMAC-SHA1", `+
		`oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"`)

	params, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	form, err := formParams(r)
	if err != nil {
		t.Fatal(err)
	}
	wantBase := "POST&https%3A%2F%2Fapi.twitter.com%2F1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
	if got := signatureBase(r, params, form); got != wantBase {
		t.Fatalf("signature base:\n got %s\nwant %s", got, wantBase)
	}

	s := New(Options{
		ConsumerKey: "xvz1evFS4wEEPTGEFPHBog", ConsumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
		AccessToken: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", AccessSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
		Clock: func() time.Time { return time.Unix(1318622958, 0) },
	})
	if err := s.authenticate(r); err != nil {
		t.Fatalf("the documented request was refused: %v", err)
	}
	// The body must still be there for the handler.
	if err := r.ParseForm(); err != nil || r.PostForm.Get("status") != "Hello Ladies + Gentlemen, a signed OAuth request!" {
		t.Fatalf("form body lost after verification: %v %q", err, r.PostForm.Get("status"))
	}
}

func TestAuthenticate(t *testing.T) {
	const target = "http://fake.test/1.1/statuses/update.json?trim_user=true"
	form := url.Values{"status": {"Hello, world & all ~ 100% of you"}}

	type request struct {
		sg     signing
		header func(string) string // rewrites the signed header
		body   string              // sent instead of the signed form
		target string              // sent instead of the signed target
		host   string
		proto  string
	}
	cases := []struct {
		name    string
		req     request
		wantErr string // "" means accepted
	}{
		{name: "correct signature", req: request{sg: goodSigning("n1")}},
		{name: "oauth_version left out", req: request{sg: func() signing { s := goodSigning("n1"); s.version = "-"; return s }()}},
		{name: "timestamp 4 minutes old", req: request{sg: func() signing { s := goodSigning("n1"); s.timestamp = testNow.Add(-4 * time.Minute); return s }()}},
		{name: "no header", req: request{sg: goodSigning("n1"), header: func(string) string { return "" }}, wantErr: "no Authorization header"},
		{name: "bearer instead of OAuth", req: request{sg: goodSigning("n1"), header: func(string) string { return "Bearer abc" }}, wantErr: "not OAuth"},
		{name: "unquoted value", req: request{sg: goodSigning("n1"), header: func(h string) string { return strings.Replace(h, `oauth_nonce="n1"`, `oauth_nonce=n1`, 1) }}, wantErr: "unquoted"},
		{name: "pair without equals", req: request{sg: goodSigning("n1"), header: func(h string) string { return h + ", junk" }}, wantErr: "malformed"},
		{name: "missing nonce", req: request{sg: goodSigning("n1"), header: func(h string) string { return strings.Replace(h, `oauth_nonce="n1", `, ``, 1) }}, wantErr: "missing oauth_nonce"},
		{name: "wrong consumer key", req: request{sg: func() signing { s := goodSigning("n1"); s.consumerKey = "other-key"; return s }()}, wantErr: "unknown consumer key"},
		{name: "wrong access token", req: request{sg: func() signing { s := goodSigning("n1"); s.token = "other-token"; return s }()}, wantErr: "unknown access token"},
		{name: "wrong consumer secret", req: request{sg: func() signing { s := goodSigning("n1"); s.consumerSecret = "guess"; return s }()}, wantErr: "signature does not match"},
		{name: "wrong token secret", req: request{sg: func() signing { s := goodSigning("n1"); s.tokenSecret = "guess"; return s }()}, wantErr: "signature does not match"},
		{name: "tampered signature", req: request{sg: goodSigning("n1"), header: func(h string) string {
			i := strings.Index(h, `oauth_signature="`) + len(`oauth_signature="`)
			c := "A"
			if h[i] == 'A' {
				c = "B"
			}
			return h[:i] + c + h[i+1:]
		}}, wantErr: "signature does not match"},
		{name: "signature not base64", req: request{sg: goodSigning("n1"), header: func(h string) string {
			i := strings.Index(h, `oauth_signature="`) + len(`oauth_signature="`)
			return h[:i] + "%21%21" + h[i:]
		}}, wantErr: "not base64"},
		{name: "form body changed after signing", req: request{sg: goodSigning("n1"), body: "status=Goodbye"}, wantErr: "signature does not match"},
		{name: "query changed after signing", req: request{sg: goodSigning("n1"), target: "http://fake.test/1.1/statuses/update.json?trim_user=false"}, wantErr: "signature does not match"},
		{name: "signed for another host", req: request{sg: goodSigning("n1"), host: "api.twitter.com"}, wantErr: "signature does not match"},
		{name: "signed for http, received over https", req: request{sg: goodSigning("n1"), proto: "https"}, wantErr: "signature does not match"},
		{name: "stale timestamp", req: request{sg: func() signing { s := goodSigning("n1"); s.timestamp = testNow.Add(-6 * time.Minute); return s }()}, wantErr: "timestamp"},
		{name: "timestamp from the future", req: request{sg: func() signing { s := goodSigning("n1"); s.timestamp = testNow.Add(6 * time.Minute); return s }()}, wantErr: "timestamp"},
		{name: "HMAC-SHA256", req: request{sg: func() signing { s := goodSigning("n1"); s.method = "HMAC-SHA256"; return s }()}, wantErr: "not HMAC-SHA1"},
		{name: "PLAINTEXT", req: request{sg: func() signing { s := goodSigning("n1"); s.method = "PLAINTEXT"; return s }()}, wantErr: "not HMAC-SHA1"},
		{name: "version 2.0", req: request{sg: func() signing { s := goodSigning("n1"); s.version = "2.0"; return s }()}, wantErr: "oauth_version"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(Options{})
			h := tc.req.sg.authorization("POST", target, form)
			if tc.req.header != nil {
				h = tc.req.header(h)
			}
			body := form.Encode()
			if tc.req.body != "" {
				body = tc.req.body
			}
			tgt := target
			if tc.req.target != "" {
				tgt = tc.req.target
			}
			r := httptest.NewRequest("POST", tgt, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if h != "" {
				r.Header.Set("Authorization", h)
			}
			if tc.req.host != "" {
				r.Host = tc.req.host
			}
			if tc.req.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tc.req.proto)
			}
			err := s.authenticate(r)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want an error about %q", err, tc.wantErr)
			}
		})
	}
}

func TestReusedNonceIsRefused(t *testing.T) {
	s := newTestServer(Options{})
	send := func(sg signing, text string) *httptest.ResponseRecorder {
		form := url.Values{"status": {text}}
		r := httptest.NewRequest("POST", "http://fake.test/1.1/statuses/update.json", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Authorization", sg.authorization("POST", "http://fake.test/1.1/statuses/update.json", form))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	if w := send(goodSigning("once"), "first"); w.Code != http.StatusOK {
		t.Fatalf("first request: %d %s", w.Code, w.Body)
	}
	// A replay of the same nonce and timestamp, even of a validly signed
	// request, is refused.
	w := send(goodSigning("once"), "second")
	if w.Code != http.StatusUnauthorized || w.Body.String() != unauthorizedV11 {
		t.Fatalf("replayed nonce: %d %s", w.Code, w.Body)
	}
	if f := s.AuthFailures(); len(f) != 1 || !strings.Contains(f[0], "already used") {
		t.Fatalf("auth failures = %q", f)
	}
	// The same nonce with another timestamp is another request (RFC 5849 3.3).
	later := goodSigning("once")
	later.timestamp = testNow.Add(time.Second)
	if w := send(later, "third"); w.Code != http.StatusOK {
		t.Fatalf("same nonce, new timestamp: %d %s", w.Code, w.Body)
	}
	// A refused request does not spend its nonce.
	bad := goodSigning("fresh")
	bad.consumerSecret = "guess"
	if w := send(bad, "fourth"); w.Code != http.StatusUnauthorized {
		t.Fatalf("bad signature: %d", w.Code)
	}
	if w := send(goodSigning("fresh"), "fourth"); w.Code != http.StatusOK {
		t.Fatalf("nonce of a refused request: %d %s", w.Code, w.Body)
	}
	if got := len(s.Posts()); got != 3 {
		t.Fatalf("%d posts stored, want 3", got)
	}
}
