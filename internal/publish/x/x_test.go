package x_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish/x"
	"github.com/heraldhq/herald/internal/publish/x/xfake"
)

// Recognisable credentials: no error string may ever hold any of them.
const (
	consumerKey    = "CKEY-herald-consumer-key-1234"
	consumerSecret = "CSEC-herald-consumer-secret-5678"
	accessToken    = "ATOK-herald-access-token-9012"
	accessSecret   = "ASEC-herald-access-secret-3456"
)

var secrets = []string{consumerKey, consumerSecret, accessToken, accessSecret}

var apis = []string{x.APIv2, x.APIv11}

// env is one publisher talking to one fake X.
type env struct {
	fake *xfake.Server
	srv  *httptest.Server
	pub  *x.Publisher
	hits *hits
}

// hits counts requests by path on their way to the fake.
type hits struct {
	mu sync.Mutex
	n  map[string]int
}

func (h *hits) get(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[path]
}

type setup struct {
	api      string
	fake     xfake.Options
	wrap     func(http.Handler) http.Handler // around the fake
	prefix   string                          // mount the fake under this path
	options  func(*x.Options)
	clientTO time.Duration
}

func newEnv(t *testing.T, st setup) *env {
	t.Helper()
	fo := st.fake
	fo.ConsumerKey, fo.ConsumerSecret, fo.AccessToken, fo.AccessSecret = consumerKey, consumerSecret, accessToken, accessSecret
	if fo.Username == "" {
		fo.Username = "heraldnews"
	}
	fake := xfake.New(fo)
	h := &hits{n: map[string]int{}}
	var handler http.Handler = fake
	if st.wrap != nil {
		handler = st.wrap(handler)
	}
	if st.prefix != "" {
		handler = http.StripPrefix(st.prefix, handler)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.n[strings.TrimPrefix(r.URL.Path, st.prefix)]++
		h.mu.Unlock()
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(fake.Close)
	o := x.Options{
		APIURL: srv.URL + st.prefix, API: st.api,
		ConsumerKey: consumerKey, ConsumerSecret: consumerSecret, AccessToken: accessToken, AccessSecret: accessSecret,
	}
	if st.clientTO > 0 {
		o.HTTPClient = &http.Client{Timeout: st.clientTO}
	}
	if st.options != nil {
		st.options(&o)
	}
	pub, err := x.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return &env{fake: fake, srv: srv, pub: pub, hits: h}
}

// publishError asserts err is a *news.PublishError of the kind and status,
// with no credential in it.
func publishError(t *testing.T, err error, kind news.FailureKind, status int) *news.PublishError {
	t.Helper()
	noSecrets(t, err)
	var pe *news.PublishError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v (%T), want a *news.PublishError", err, err)
	}
	if pe.Kind != kind || pe.Status != status {
		t.Fatalf("got %s HTTP %d (%q), want %s HTTP %d", pe.Kind, pe.Status, pe.Reason, kind, status)
	}
	if strings.ContainsAny(pe.Reason, "\r\n") || pe.Reason == "" {
		t.Fatalf("reason %q is not one line of words", pe.Reason)
	}
	return pe
}

// noSecrets checks every text err shows: its message, its formatted forms
// and every error in its chain.
func noSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	texts := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err)}
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		texts = append(texts, e.Error())
	}
	var pe *news.PublishError
	if errors.As(err, &pe) {
		texts = append(texts, pe.Reason)
		if pe.Err != nil {
			texts = append(texts, pe.Err.Error())
		}
	}
	for _, s := range texts {
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Fatalf("error text holds a credential: %q", s)
			}
		}
	}
}

func TestNewChecksOptions(t *testing.T) {
	full := x.Options{ConsumerKey: "a-key", ConsumerSecret: "a-secret", AccessToken: "a-token", AccessSecret: "a-token-secret"}
	cases := []struct {
		name string
		edit func(*x.Options)
		want string
	}{
		{"no consumer key", func(o *x.Options) { o.ConsumerKey = "" }, "HERALD_X_CONSUMER_KEY"},
		{"no consumer secret", func(o *x.Options) { o.ConsumerSecret = " " }, "HERALD_X_CONSUMER_SECRET"},
		{"no access token", func(o *x.Options) { o.AccessToken = "" }, "HERALD_X_ACCESS_TOKEN"},
		{"no access secret", func(o *x.Options) { o.AccessSecret = "" }, "HERALD_X_ACCESS_SECRET"},
		{"unknown API", func(o *x.Options) { o.API = "v3" }, "HERALD_X_API "},
		{"URL without scheme", func(o *x.Options) { o.APIURL = "api.x.com" }, "HERALD_X_API_URL"},
		{"ftp URL", func(o *x.Options) { o.APIURL = "ftp://api.x.com" }, "HERALD_X_API_URL"},
		{"URL with a password", func(o *x.Options) { o.APIURL = "https://u:hunter2@api.x.com" }, "HERALD_X_API_URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := full
			tc.edit(&o)
			_, err := x.New(o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error naming %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error repeats a password: %v", err)
			}
		})
	}
	for _, api := range []string{"", x.APIv2, x.APIv11} {
		o := full
		o.API = api
		p, err := x.New(o)
		if err != nil || p.Name() != "x" {
			t.Fatalf("API %q: %v", api, err)
		}
	}
}

func TestPublishV2(t *testing.T) {
	e := newEnv(t, setup{api: x.APIv2})
	ctx := context.Background()
	text := "Council approves the new bridge https://news.example/bridge?utm=x"
	got, err := e.pub.Publish(ctx, news.Message{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	posts := e.fake.Posts()
	if len(posts) != 1 || posts[0].Text != text || posts[0].API != xfake.APIv2 {
		t.Fatalf("fake holds %+v", posts)
	}
	// The fake stores a post only after verifying its signature.
	if f := e.fake.AuthFailures(); len(f) != 0 {
		t.Fatalf("auth failures: %q", f)
	}
	want := news.Published{RemoteID: posts[0].ID, URL: "https://x.com/heraldnews/status/" + posts[0].ID}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}

	// The username is looked up once.
	if _, err := e.pub.Publish(ctx, news.Message{Text: "Second story"}); err != nil {
		t.Fatal(err)
	}
	if n := e.hits.get("/2/users/me"); n != 1 {
		t.Fatalf("users/me called %d times, want 1", n)
	}
	if n := e.fake.Calls(); n != 2 {
		t.Fatalf("%d create calls, want 2", n)
	}
}

func TestPublishV2WithoutUsername(t *testing.T) {
	e := newEnv(t, setup{api: x.APIv2, wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/2/users/me" {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}})
	got, err := e.pub.Publish(context.Background(), news.Message{Text: "Roads closed for the marathon"})
	if err != nil {
		t.Fatalf("a failed username look-up failed the post: %v", err)
	}
	id := e.fake.Posts()[0].ID
	if got.RemoteID != id || got.URL != "https://x.com/i/status/"+id {
		t.Fatalf("got %+v", got)
	}
}

func TestPublishV11(t *testing.T) {
	// Mounted under a prefix: the rewrite keeps it, and the fake verifies
	// the signature over the rewritten address.
	e := newEnv(t, setup{api: x.APIv11, prefix: "/xapi", fake: xfake.Options{Username: "citydesk"}})
	text := "Storm warning: ferries cancelled, 100% of routes & more ~ https://news.example/storm"
	got, err := e.pub.Publish(context.Background(), news.Message{Text: text})
	if err != nil {
		t.Fatalf("%v (fake says %q)", err, e.fake.AuthFailures())
	}
	posts := e.fake.Posts()
	if len(posts) != 1 || posts[0].Text != text || posts[0].API != xfake.APIv11 {
		t.Fatalf("fake holds %+v", posts)
	}
	want := news.Published{RemoteID: posts[0].ID, URL: "https://x.com/citydesk/status/" + posts[0].ID}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if n := e.hits.get("/1.1/statuses/update.json"); n != 1 {
		t.Fatalf("update.json reached %d times", n)
	}
	if n := e.hits.get("/1.1/account/verify_credentials.json"); n != 0 {
		t.Fatal("the screen name in the answer should spare a look-up")
	}
}

func TestPublishFailures(t *testing.T) {
	for _, api := range apis {
		t.Run(api, func(t *testing.T) {
			t.Run("wrong consumer secret", func(t *testing.T) {
				e := newEnv(t, setup{api: api, options: func(o *x.Options) { o.ConsumerSecret = "CSEC-wrong-consumer-secret" }})
				_, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"})
				pe := publishError(t, err, news.Permanent, 401)
				if !strings.Contains(pe.Reason, "X rejected the credentials (401)") || !strings.Contains(pe.Reason, "HERALD_X_CONSUMER_KEY") {
					t.Fatalf("reason %q", pe.Reason)
				}
				if len(e.fake.Posts()) != 0 || e.fake.Calls() != 1 {
					t.Fatalf("posts %d, calls %d", len(e.fake.Posts()), e.fake.Calls())
				}
				if f := e.fake.AuthFailures(); len(f) != 1 || !strings.Contains(f[0], "signature does not match") {
					t.Fatalf("fake's auth failures %q", f)
				}
				if strings.Contains(pe.Reason, "CSEC-wrong") {
					t.Fatal("reason holds the wrong secret")
				}
			})
			t.Run("duplicate", func(t *testing.T) {
				e := newEnv(t, setup{api: api})
				if _, err := e.pub.Publish(context.Background(), news.Message{Text: "Same story"}); err != nil {
					t.Fatal(err)
				}
				_, err := e.pub.Publish(context.Background(), news.Message{Text: "Same story"})
				if !errors.Is(err, news.ErrDuplicate) {
					t.Fatalf("got %v, want news.ErrDuplicate", err)
				}
				var pe *news.PublishError
				if errors.As(err, &pe) {
					t.Fatal("a duplicate is not a failure")
				}
			})
			t.Run("unavailable", func(t *testing.T) {
				e := newEnv(t, setup{api: api})
				e.fake.Push(xfake.Unavailable())
				_, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"})
				pe := publishError(t, err, news.Transient, 503)
				if !strings.Contains(pe.Reason, "unavailable") {
					t.Fatalf("reason %q", pe.Reason)
				}
				// And the retry goes through.
				if _, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"}); err != nil {
					t.Fatal(err)
				}
			})
			t.Run("rate limited", func(t *testing.T) {
				now := time.Now()
				reset := now.Add(6 * time.Second)
				e := newEnv(t, setup{api: api, options: func(o *x.Options) { o.Clock = func() time.Time { return now } }})
				e.fake.Push(xfake.RateLimited(reset))
				_, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"})
				pe := publishError(t, err, news.RateLimited, 429)
				if !pe.Until.Equal(time.Unix(reset.Unix(), 0)) {
					t.Fatalf("Until = %v, want %v", pe.Until, reset.Truncate(time.Second))
				}
				if !strings.Contains(pe.Reason, "rate limit") {
					t.Fatalf("reason %q", pe.Reason)
				}
			})
			t.Run("out of credits", func(t *testing.T) {
				e := newEnv(t, setup{api: api})
				e.fake.Push(xfake.PaymentRequired())
				_, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"})
				pe := publishError(t, err, news.Permanent, 402)
				if !strings.Contains(pe.Reason, "out of API credits") || !strings.Contains(pe.Reason, "does not have any credits") {
					t.Fatalf("reason %q", pe.Reason)
				}
			})
			t.Run("too long", func(t *testing.T) {
				e := newEnv(t, setup{api: api})
				_, err := e.pub.Publish(context.Background(), news.Message{Text: strings.Repeat("long words ", 30)})
				status := 400
				if api == x.APIv11 {
					status = 403 // v1.1 answers code 186 with 403
				}
				pe := publishError(t, err, news.Rejected, status)
				if !strings.Contains(strings.ToLower(pe.Reason), "too long") && !strings.Contains(pe.Reason, "shorter") {
					t.Fatalf("reason %q", pe.Reason)
				}
			})
			t.Run("forbidden", func(t *testing.T) {
				e := newEnv(t, setup{api: api})
				detail := "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint."
				e.fake.Push(xfake.Forbidden(detail))
				_, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"})
				pe := publishError(t, err, news.Permanent, 403)
				if !strings.Contains(pe.Reason, detail) {
					t.Fatalf("reason %q lacks X's detail", pe.Reason)
				}
			})
			t.Run("server error", func(t *testing.T) {
				e := newEnv(t, setup{api: api})
				e.fake.Push(xfake.ServerError(http.StatusBadGateway))
				_, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"})
				publishError(t, err, news.Transient, 502)
			})
			t.Run("scripted 401", func(t *testing.T) {
				e := newEnv(t, setup{api: api})
				e.fake.Push(xfake.Unauthorized())
				_, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"})
				publishError(t, err, news.Permanent, 401)
			})
		})
	}
}

func TestRateLimitWaitsForTheDailyReset(t *testing.T) {
	for _, api := range apis {
		t.Run(api, func(t *testing.T) {
			now := time.Now()
			e := newEnv(t, setup{api: api, options: func(o *x.Options) { o.Clock = func() time.Time { return now } }})
			windowReset, dayReset := now.Add(6*time.Second), now.Add(5*time.Hour)
			e.fake.Push(xfake.DailyLimitReached(windowReset, dayReset))
			_, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"})
			pe := publishError(t, err, news.RateLimited, 429)
			if !pe.Until.Equal(time.Unix(dayReset.Unix(), 0)) {
				t.Fatalf("Until = %v, want the 24-hour reset %v", pe.Until, dayReset)
			}
			if !strings.Contains(pe.Reason, "24-hour") {
				t.Fatalf("reason %q", pe.Reason)
			}
		})
	}
}

func TestRateLimitRemembersADailyLimitSeenOnSuccess(t *testing.T) {
	now := time.Now()
	e := newEnv(t, setup{
		api:     x.APIv2,
		fake:    xfake.Options{UserDailyLimit: 1, Clock: func() time.Time { return now }},
		options: func(o *x.Options) { o.Clock = func() time.Time { return now } },
	})
	if _, err := e.pub.Publish(context.Background(), news.Message{Text: "The day's only post"}); err != nil {
		t.Fatal(err)
	}
	st := e.pub.Limits()
	dayReset := time.Unix(now.Add(24*time.Hour).Unix(), 0)
	if st.UserDayLimit != 1 || st.UserDayRemaining != 0 || !st.UserDayReset.Equal(dayReset) {
		t.Fatalf("limits %+v", st)
	}
	// The next 429 names only the 15-minute window; the remembered day wins.
	e.fake.Push(xfake.RateLimited(now.Add(6 * time.Second)))
	_, err := e.pub.Publish(context.Background(), news.Message{Text: "One more"})
	pe := publishError(t, err, news.RateLimited, 429)
	if !pe.Until.Equal(dayReset) {
		t.Fatalf("Until = %v, want %v", pe.Until, dayReset)
	}
}

func TestRateLimitWithoutReset(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header http.Header
		want   time.Time
	}{
		{"retry-after seconds", http.Header{"Retry-After": {"120"}}, now.Add(2 * time.Minute)},
		{"retry-after date", http.Header{"Retry-After": {now.Add(time.Hour).Format(http.TimeFormat)}}, now.Add(time.Hour)},
		{"reset already past", http.Header{"X-Rate-Limit-Reset": {strconv.FormatInt(now.Add(-time.Minute).Unix(), 10)}, "Retry-After": {"30"}}, now.Add(30 * time.Second)},
		{"reset already past, no Retry-After", http.Header{"X-Rate-Limit-Reset": {strconv.FormatInt(now.Add(-time.Second).Unix(), 10)}}, now.Add(5 * time.Second)},
		{"nothing", http.Header{}, now.Add(15 * time.Minute)},
		{"garbage", http.Header{"X-Rate-Limit-Reset": {"soon"}, "Retry-After": {"later"}}, now.Add(15 * time.Minute)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header()[k] = v
				}
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`))
			}))
			defer srv.Close()
			p, err := x.New(x.Options{APIURL: srv.URL, ConsumerKey: consumerKey, ConsumerSecret: consumerSecret,
				AccessToken: accessToken, AccessSecret: accessSecret, Clock: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Publish(context.Background(), news.Message{Text: "A story"})
			pe := publishError(t, err, news.RateLimited, 429)
			if !pe.Until.Equal(tc.want) {
				t.Fatalf("Until = %v, want %v", pe.Until, tc.want)
			}
		})
	}
}

func TestNetworkFailuresAreTransient(t *testing.T) {
	for _, api := range apis {
		t.Run(api, func(t *testing.T) {
			t.Run("connection refused", func(t *testing.T) {
				srv := httptest.NewServer(http.NotFoundHandler())
				url := srv.URL
				srv.Close()
				p, err := x.New(x.Options{APIURL: url, API: api, ConsumerKey: consumerKey, ConsumerSecret: consumerSecret, AccessToken: accessToken, AccessSecret: accessSecret})
				if err != nil {
					t.Fatal(err)
				}
				_, err = p.Publish(context.Background(), news.Message{Text: "A story"})
				pe := publishError(t, err, news.Transient, 0)
				if !strings.Contains(pe.Reason, "could not reach X") {
					t.Fatalf("reason %q", pe.Reason)
				}
			})
			t.Run("timeout", func(t *testing.T) {
				e := newEnv(t, setup{api: api, clientTO: 200 * time.Millisecond})
				e.fake.SetDelay(5 * time.Second)
				_, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"})
				pe := publishError(t, err, news.Transient, 0)
				if !strings.Contains(pe.Reason, "did not answer in time") {
					t.Fatalf("reason %q", pe.Reason)
				}
			})
			t.Run("canceled", func(t *testing.T) {
				e := newEnv(t, setup{api: api})
				release := e.fake.Block()
				defer release()
				ctx, cancel := context.WithCancel(context.Background())
				go func() {
					wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer wcancel()
					e.fake.WaitInFlight(wctx, 1)
					cancel()
				}()
				_, err := e.pub.Publish(ctx, news.Message{Text: "A story"})
				publishError(t, err, news.Transient, 0)
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("%v does not wrap context.Canceled", err)
				}
			})
		})
	}
}

func TestVerify(t *testing.T) {
	for _, api := range apis {
		t.Run(api, func(t *testing.T) {
			e := newEnv(t, setup{api: api, fake: xfake.Options{Username: "morningpost"}})
			name, err := e.pub.Verify(context.Background())
			if err != nil || name != "morningpost" {
				t.Fatalf("Verify = %q, %v", name, err)
			}
			// Publish then needs no look-up of its own.
			if _, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"}); err != nil {
				t.Fatal(err)
			}
			if api == x.APIv2 && e.hits.get("/2/users/me") != 1 {
				t.Fatalf("users/me called %d times", e.hits.get("/2/users/me"))
			}

			bad := newEnv(t, setup{api: api, options: func(o *x.Options) { o.AccessSecret = "ASEC-not-the-right-one" }})
			_, err = bad.pub.Verify(context.Background())
			publishError(t, err, news.Permanent, 401)
		})
	}
}

func TestLimitsReportsHeaders(t *testing.T) {
	e := newEnv(t, setup{api: x.APIv2, fake: xfake.Options{Limit: 50}})
	if st := e.pub.Limits(); st.Remaining != -1 || st.UserDayRemaining != -1 || !st.Seen.IsZero() {
		t.Fatalf("before any post: %+v", st)
	}
	for i := range 3 {
		if _, err := e.pub.Publish(context.Background(), news.Message{Text: fmt.Sprint("story ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	st := e.pub.Limits()
	if st.Limit != 50 || st.Remaining != 47 || st.Reset.IsZero() || st.Seen.IsZero() || st.UserDayRemaining != -1 {
		t.Fatalf("limits %+v", st)
	}
}

// TestErrorsNeverHoldSecrets walks every way a publish can fail, for both
// APIs, against a server that does its worst: it echoes the Authorization
// header and the credentials in its error bodies.
func TestErrorsNeverHoldSecrets(t *testing.T) {
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			all := strings.Join(secrets, " ")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"title":%q,"detail":%q,"errors":[{"message":%q,"code":1}]}`, all, auth, "secret "+consumerSecret)
		}
	}
	statuses := []int{400, 401, 402, 403, 404, 409, 422, 429, 500, 503, 301}
	for _, api := range apis {
		for _, status := range statuses {
			t.Run(fmt.Sprint(api, " ", status), func(t *testing.T) {
				srv := httptest.NewServer(echo(status))
				defer srv.Close()
				p, err := x.New(x.Options{APIURL: srv.URL, API: api, ConsumerKey: consumerKey, ConsumerSecret: consumerSecret, AccessToken: accessToken, AccessSecret: accessSecret})
				if err != nil {
					t.Fatal(err)
				}
				_, err = p.Publish(context.Background(), news.Message{Text: "A story"})
				if err == nil {
					t.Fatal("no error")
				}
				noSecrets(t, err)
				_, err = p.Verify(context.Background())
				noSecrets(t, err)
			})
		}
		t.Run(api+" unreachable", func(t *testing.T) {
			srv := httptest.NewServer(http.NotFoundHandler())
			srv.Close()
			p, _ := x.New(x.Options{APIURL: srv.URL, API: api, ConsumerKey: consumerKey, ConsumerSecret: consumerSecret, AccessToken: accessToken, AccessSecret: accessSecret})
			_, err := p.Publish(context.Background(), news.Message{Text: "A story"})
			noSecrets(t, err)
		})
		t.Run(api+" fake X", func(t *testing.T) {
			e := newEnv(t, setup{api: api})
			for _, r := range []xfake.Response{xfake.Unauthorized(), xfake.PaymentRequired(), xfake.Unavailable(), xfake.RateLimited(time.Now().Add(time.Minute)), xfake.Forbidden("no"), xfake.TooLong()} {
				e.fake.Push(r)
				_, err := e.pub.Publish(context.Background(), news.Message{Text: "A story"})
				if err == nil {
					t.Fatal("no error")
				}
				noSecrets(t, err)
			}
		})
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	for _, api := range apis {
		t.Run(api, func(t *testing.T) {
			var followed bool
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/elsewhere" {
					followed = true
				}
				http.Redirect(w, r, "/elsewhere", http.StatusMovedPermanently)
			}))
			defer srv.Close()
			p, _ := x.New(x.Options{APIURL: srv.URL, API: api, ConsumerKey: consumerKey, ConsumerSecret: consumerSecret, AccessToken: accessToken, AccessSecret: accessSecret})
			_, err := p.Publish(context.Background(), news.Message{Text: "A story"})
			pe := publishError(t, err, news.Permanent, 301)
			if followed || !strings.Contains(pe.Reason, "HERALD_X_API_URL") {
				t.Fatalf("followed %v, reason %q", followed, pe.Reason)
			}
		})
	}
}

func TestConcurrentPublish(t *testing.T) {
	for _, api := range apis {
		t.Run(api, func(t *testing.T) {
			e := newEnv(t, setup{api: api})
			var wg sync.WaitGroup
			errs := make([]error, 20)
			for i := range errs {
				wg.Go(func() {
					_, errs[i] = e.pub.Publish(context.Background(), news.Message{Text: fmt.Sprint("story number ", i)})
				})
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := len(e.fake.Posts()); n != 20 {
				t.Fatalf("%d posts", n)
			}
		})
	}
}
