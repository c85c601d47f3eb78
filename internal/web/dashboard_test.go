package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/publish/local"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/prometheus/client_golang/prometheus"
)

const (
	editorToken = "token-of-mira-5a1d0c7e9b"
	editorName  = "mira"
)

type fakeFeeds []store.Feed

func (f fakeFeeds) Feeds() []store.Feed { return f }

// dash is a dashboard over a real store and dispatcher.
type dash struct {
	t   *testing.T
	srv *httptest.Server
	s   *Server
	st  store.Store
	d   *outbox.Dispatcher
}

func newDash(t *testing.T, o Options, reader ...readFunc) *dash {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	read := readFunc(func(ctx context.Context, u string) (*news.Article, string, error) {
		if strings.Contains(u, "broken") {
			return nil, "", news.Invalid("https://news.example.org/broken: the page has no title or text to post")
		}
		now := time.Now()
		return &news.Article{GUID: u, URL: u, Key: strings.TrimPrefix(u, "https://"), Title: "Clinic opens in Eastfield", Seen: now, Published: now},
			"Clinic opens in Eastfield\n\nThe walk-in clinic on Mill Road opened on Monday.\n\n" + u, nil
	})
	if len(reader) > 0 {
		read = reader[0]
	}
	d := outbox.New(st, []outbox.Publisher{local.New("x")}, outbox.Options{MaxAge: 24 * time.Hour,
		Destinations: map[string]outbox.Destination{"x": {Network: "x", DailyCap: 50,
			Cost: &outbox.Cost{Post: 0.015, LinkPost: 0.2, MonthlyBudget: 100}}},
		Log: slog.New(slog.DiscardHandler), Articles: articlesOf(read)})
	o.Store, o.Editor, o.Status = st, d, d.Status
	o.Log = slog.New(slog.DiscardHandler)
	s := New(o)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &dash{t: t, srv: srv, s: s, st: st, d: d}
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func (d *dash) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: d.t, base: d.srv.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type answer struct {
	code int
	body string
	resp *http.Response
}

func (b *browser) do(req *http.Request) answer {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfMeta.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return answer{resp.StatusCode, string(body), resp}
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

func (b *browser) get(path string) answer {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.base+path, nil)
	return b.do(req)
}

// post sends a form; the session's CSRF token is added unless the form
// sets "csrf" itself.
func (b *browser) post(path string, form url.Values, header ...string) answer {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok && b.csrf != "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func (b *browser) signIn(token string) answer {
	b.t.Helper()
	a := b.post("/signin", url.Values{"token": {token}, "next": {"/"}})
	if a.code == http.StatusSeeOther {
		b.get("/") // for the CSRF token
	}
	return a
}

func sessionCookieOf(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	return nil
}

func (d *dash) addPost(text string, status news.Status, edit func(p *news.Post)) *news.Post {
	d.t.Helper()
	now := time.Now()
	p := &news.Post{Destination: "x", Text: text, Status: news.StatusQueued, SortAt: now, NotBefore: now, CreatedAt: now, HasLink: strings.Contains(text, "http")}
	if status == news.StatusPending {
		p.Status = news.StatusPending
	}
	if err := d.st.AddPost(context.Background(), p); err != nil {
		d.t.Fatal(err)
	}
	if status != p.Status || edit != nil {
		var err error
		p, err = d.st.Transition(context.Background(), p.ID, []news.Status{p.Status}, status, "test", "test", now, func(p *news.Post) {
			if status == news.StatusPublished {
				p.PublishedAt = now
			}
			if edit != nil {
				edit(p)
			}
		})
		if err != nil {
			d.t.Fatal(err)
		}
	}
	return p
}

func (d *dash) post(id int64) *news.Post {
	d.t.Helper()
	p, err := d.st.Post(context.Background(), id)
	if err != nil {
		d.t.Fatal(err)
	}
	return p
}

func (d *dash) audit() []store.AuditEntry {
	d.t.Helper()
	log, err := d.st.AuditLog(context.Background(), 100)
	if err != nil {
		d.t.Fatal(err)
	}
	return log
}

func hasAudit(log []store.AuditEntry, actor, action string) bool {
	for _, e := range log {
		if e.Actor == actor && e.Action == action {
			return true
		}
	}
	return false
}

func TestSignIn(t *testing.T) {
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}})
	b := d.browser()

	a := b.get("/queue")
	if a.code != http.StatusSeeOther || a.resp.Header.Get("Location") != "/signin?next=%2Fqueue" {
		t.Fatalf("signed out: %d to %q, want a redirect to sign in", a.code, a.resp.Header.Get("Location"))
	}
	if a := b.get("/signin?next=%2Fqueue"); a.code != 200 || !strings.Contains(a.body, `<input type="password" id="token" name="token"`) ||
		strings.Contains(a.body, "published") {
		t.Fatalf("sign-in page: %d\n%s", a.code, a.body)
	}

	a = b.post("/signin", url.Values{"token": {editorToken}, "next": {"/queue"}})
	c := sessionCookieOf(a.resp)
	if a.code != http.StatusSeeOther || a.resp.Header.Get("Location") != "/queue" || c == nil {
		t.Fatalf("good token: %d to %q, cookie %v", a.code, a.resp.Header.Get("Location"), c)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure || len(c.Value) < 43 || c.MaxAge != int(sessionLifetime.Seconds()) {
		t.Errorf("session cookie over plain HTTP: %+v", c)
	}
	if a := b.get("/queue"); a.code != 200 || !strings.Contains(a.body, "Signed in as <strong>mira</strong>") {
		t.Fatalf("signed in: %d", a.code)
	}
	if !hasAudit(d.audit(), editorName, "sign in") {
		t.Errorf("sign-in not in the audit log: %+v", d.audit())
	}

	// Over TLS the cookie is Secure.
	req := httptest.NewRequest("POST", "https://herald.example/signin", strings.NewReader("token="+editorToken))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	d.s.ServeHTTP(rec, req)
	if c := sessionCookieOf(rec.Result()); rec.Code != http.StatusSeeOther || c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("sign-in over TLS: %d, cookie %+v", rec.Code, c)
	}

	// Sign out ends the session.
	a = b.post("/signout", nil)
	if c := sessionCookieOf(a.resp); a.code != http.StatusSeeOther || c == nil || c.MaxAge >= 0 {
		t.Errorf("sign out: %d, cookie %+v", a.code, c)
	}
	if !hasAudit(d.audit(), editorName, "sign out") {
		t.Errorf("sign-out not in the audit log")
	}
	if a := b.get("/queue"); a.code != http.StatusSeeOther {
		t.Errorf("after sign-out: %d, want a redirect to sign in", a.code)
	}
}

func TestSignInFailuresAreLimited(t *testing.T) {
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}})
	b := d.browser()
	for i := range maxFailuresFromAddr {
		a := b.post("/signin", url.Values{"token": {fmt.Sprintf("guess-%d-5a1d0c7e9b", i)}})
		if a.code != http.StatusUnauthorized || sessionCookieOf(a.resp) != nil || !strings.Contains(a.body, "That token is not right") {
			t.Fatalf("bad token %d: %d, cookie %v", i, a.code, sessionCookieOf(a.resp))
		}
	}
	a := b.post("/signin", url.Values{"token": {"guess-again-5a1d0c7e9b"}})
	if a.code != http.StatusTooManyRequests || sessionCookieOf(a.resp) != nil || a.resp.Header.Get("Retry-After") == "" {
		t.Errorf("after %d failures: %d", maxFailuresFromAddr, a.code)
	}
	// The guesser is slowed down, not the editors: the right token still
	// signs in from that address, and works on the API.
	if a := b.post("/signin", url.Values{"token": {editorToken}}); a.code != http.StatusSeeOther || sessionCookieOf(a.resp) == nil {
		t.Errorf("good token from a throttled address: %d", a.code)
	}
	if code, _ := do(t, "GET", d.srv.URL+"/api/v1/posts", editorToken, ""); code != http.StatusOK {
		t.Errorf("API from a throttled address: %d", code)
	}
}

// Rotating addresses does not escape the limit: past the total of wrong
// tokens in a minute, a wrong one from a new address is throttled too, and
// the throttling shows in the metrics; a valid token still works.
func TestSignInFailuresAreLimitedInTotal(t *testing.T) {
	reg := prometheus.NewRegistry()
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}, Registry: reg})
	from := func(addr, token string) int {
		req := httptest.NewRequest("GET", "/api/v1/posts", nil)
		req.RemoteAddr = addr + ":40000"
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		d.s.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range maxFailuresTotal {
		if code := from(fmt.Sprintf("198.51.%d.%d", i/200, i%200+1), "guess-0123456789"); code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d from a new address: %d", i, code)
		}
	}
	if code := from("203.0.113.77", "guess-0123456789"); code != http.StatusTooManyRequests {
		t.Errorf("a wrong token past the total, from a new address: %d", code)
	}
	if code := from("203.0.113.78", editorToken); code != http.StatusOK {
		t.Errorf("a valid token during the flood: %d", code)
	}
	if got := counter(t, reg, "herald_signin_failures_total", "throttled", "total"); got != 1 {
		t.Errorf("throttled failures counted %v, want 1", got)
	}
}

func TestActionsNeedSessionAndCSRF(t *testing.T) {
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}})
	p := d.addPost("Council delays vote on the new bus depot https://news.example.org/depot", news.StatusPending, nil)
	path := fmt.Sprintf("/posts/%d/approve", p.ID)

	anon := d.browser()
	if a := anon.post(path, url.Values{"csrf": {"anything"}}); a.code != http.StatusForbidden {
		t.Errorf("no session: %d", a.code)
	}
	b := d.browser()
	b.signIn(editorToken)
	if b.csrf == "" {
		t.Fatal("no CSRF token on the page")
	}
	for name, form := range map[string]url.Values{
		"missing": {"csrf": nil},
		"empty":   {"csrf": {""}},
		"wrong":   {"csrf": {strings.Repeat("A", len(b.csrf))}},
	} {
		if a := b.post(path, form); a.code != http.StatusForbidden {
			t.Errorf("%s CSRF token: %d", name, a.code)
		}
	}
	// Another site's form is refused even with the token.
	if a := b.post(path, nil, "Sec-Fetch-Site", "cross-site"); a.code != http.StatusForbidden {
		t.Errorf("cross-site form: %d", a.code)
	}
	if got := d.post(p.ID).Status; got != news.StatusPending {
		t.Fatalf("refused requests changed the post: %s", got)
	}
	if hasAudit(d.audit(), editorName, "approve") {
		t.Fatal("refused requests were audited as approvals")
	}

	a := b.post(path, url.Values{"return": {"/pending"}})
	if a.code != http.StatusSeeOther || a.resp.Header.Get("Location") != "/pending" {
		t.Fatalf("good CSRF token: %d to %q", a.code, a.resp.Header.Get("Location"))
	}
	if got := d.post(p.ID).Status; got != news.StatusQueued {
		t.Errorf("approved post is %s", got)
	}
	if !hasAudit(d.audit(), editorName, "approve") {
		t.Errorf("approval not audited under the editor's name: %+v", d.audit())
	}
	if a := b.get("/queue"); !strings.Contains(a.body, fmt.Sprintf("Post #%d approved", p.ID)) {
		t.Errorf("no message after the redirect")
	}
	// An open redirect is not possible through "return".
	q := d.addPost("Road closed for the marathon", news.StatusQueued, nil)
	if a := b.post(fmt.Sprintf("/posts/%d/cancel", q.ID), url.Values{"return": {"//evil.example/"}}); a.resp.Header.Get("Location") != "/queue" {
		t.Errorf("return to another site: %q", a.resp.Header.Get("Location"))
	}
}

func TestReadOnlyDashboard(t *testing.T) {
	d := newDash(t, Options{})
	p := d.addPost("Library extends its opening hours", news.StatusPending, nil)
	d.addPost("Storm warning for the valley https://news.example.org/storm", news.StatusPublished, nil)
	b := d.browser()
	for _, path := range []string{"/", "/queue", "/pending", "/failed", "/feeds", "/status", "/audit"} {
		a := b.get(path)
		if a.code != 200 {
			t.Errorf("%s: %d", path, a.code)
		}
		if strings.Contains(a.body, `method="post"`) || strings.Contains(a.body, "csrf") || sessionCookieOf(a.resp) != nil {
			t.Errorf("%s shows actions or makes a session in read-only mode", path)
		}
	}
	if a := b.get("/compose"); a.code != http.StatusForbidden {
		t.Errorf("compose in read-only mode: %d", a.code)
	}
	for _, path := range []string{fmt.Sprintf("/posts/%d/approve", p.ID), "/pause", "/posts", "/signin"} {
		if a := b.post(path, url.Values{"csrf": {"x"}, "text": {"hi"}, "token": {"x"}}); a.code != http.StatusForbidden {
			t.Errorf("POST %s in read-only mode: %d", path, a.code)
		}
	}
	if got := d.post(p.ID).Status; got != news.StatusPending {
		t.Errorf("read-only POST changed the post: %s", got)
	}
	if paused, _ := d.d.Paused(context.Background()); paused {
		t.Error("read-only POST paused herald")
	}
}

func TestDemoActsWithoutSignIn(t *testing.T) {
	d := newDash(t, Options{OpenEditing: true})
	p := d.addPost("Harvest festival moves to the park", news.StatusPending, nil)
	path := fmt.Sprintf("/posts/%d/approve", p.ID)
	b := d.browser()
	if a := b.post(path, url.Values{"csrf": {"guess"}}); a.code != http.StatusForbidden {
		t.Errorf("demo action without a session: %d", a.code)
	}
	a := b.get("/pending")
	if c := sessionCookieOf(a.resp); c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Fatalf("the demo gave no session cookie: %+v", c)
	}
	if !strings.Contains(a.body, "Demo: anyone here can act") || !strings.Contains(a.body, `formaction="/posts/`) {
		t.Error("the demo's pending page has no actions")
	}
	if a := b.post(path, url.Values{"csrf": {"wrong"}}); a.code != http.StatusForbidden {
		t.Errorf("demo action with a bad CSRF token: %d", a.code)
	}
	if a := b.post(path, nil); a.code != http.StatusSeeOther {
		t.Fatalf("demo action: %d", a.code)
	}
	if got := d.post(p.ID).Status; got != news.StatusQueued || !hasAudit(d.audit(), demoActor, "approve") {
		t.Errorf("demo approval: %s, audit %+v", got, d.audit())
	}
}

// seed fills the store with a newsroom's day.
func (d *dash) seed() map[string]*news.Post {
	ps := map[string]*news.Post{}
	ps["published"] = d.addPost("Council approves <b>budget</b> for the new library\n\nWork starts in March. https://news.example.org/budget", news.StatusPublished,
		func(p *news.Post) { p.RemoteURL = "https://x.com/valleycourier/status/1861234567890" })
	ps["queued"] = d.addPost("Bridge repairs begin on Monday https://news.example.org/bridge", news.StatusQueued, nil)
	ps["later"] = d.addPost("Election night: live results from 9pm", news.StatusQueued, func(p *news.Post) { p.NotBefore = time.Now().Add(3 * time.Hour) })
	ps["pending"] = d.addPost("School meals to be free from September https://news.example.org/meals", news.StatusPending, nil)
	ps["failed"] = d.addPost("Festival returns to the riverside", news.StatusFailed, func(p *news.Post) {
		p.LastError, p.Attempts = "X refused the post: the text is too long", 1
	})
	return ps
}

// newsroomFeeds are two feeds, one of them failing.
func newsroomFeeds() fakeFeeds {
	return fakeFeeds{
		{URL: "https://news.example.org/feed/", Title: "Valley Courier", LastFetch: time.Now().Add(-time.Minute), LastSuccess: time.Now().Add(-time.Minute),
			LastStatus: "not-modified", NextFetch: time.Now().Add(time.Minute)},
		{URL: "https://sport.news.example.org/rss", Title: "Courier Sport", LastFetch: time.Now().Add(-2 * time.Minute), LastStatus: "error",
			LastError: "the server answered 503 Service Unavailable", Failures: 3, NextFetch: time.Now().Add(8 * time.Minute)},
	}
}

func TestEveryPageRenders(t *testing.T) {
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}, Title: "Valley Courier", Feeds: newsroomFeeds()})
	d.seed()
	b := d.browser()
	b.signIn(editorToken)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/", []string{"Valley Courier", "Council approves &lt;b&gt;budget&lt;/b&gt; for the new library<br><br>",
			`<a href="https://news.example.org/budget" rel="noopener nofollow">https://news.example.org/budget</a>`,
			`href="https://x.com/valleycourier/status/1861234567890"`, "View on X", "Bridge repairs begin", "49 left of 50",
			"X refused the post: the text is too long", "1 published", `aria-current="page">Timeline`}},
		{"/queue", []string{"Bridge repairs begin", "Election night", "<strong>next</strong>", "in 2 hours",
			`<textarea id="text-`, `data-counter="count-`, `<span class="n">54</span> / <span class="limit">280</span>`,
			"Post now", "Raise priority", "Skip", `type="datetime-local"`, "1 post to look at</a>"}},
		{"/pending", []string{"School meals to be free", "Approve", "Reject"}},
		{"/failed", []string{"Why it failed:</strong> X refused the post: the text is too long", "Retry", "Cancel", "after 1 attempt"}},
		{"/compose", []string{`<input type="url" id="url" name="url"`, `<textarea id="compose-text" name="text"`, "Post now", "Schedule"}},
		{"/compose?url=https%3A%2F%2Fnews.example.org%2Fclinic", []string{"Clinic opens in Eastfield\n\nThe walk-in clinic", `name="url" value="https://news.example.org/clinic"`,
			"herald read"}},
		{"/feeds", []string{"Valley Courier", "https://sport.news.example.org/rss", "failed 3 times in a row", "the server answered 503"}},
		{"/status", []string{"Running", "Pause auto-posting", "$0.20 spent", "49 left of the daily cap of 50"}},
		{"/audit", []string{"sign in", editorName}},
	} {
		a := b.get(tc.path)
		if a.code != 200 {
			t.Errorf("%s: %d", tc.path, a.code)
			continue
		}
		for _, want := range tc.want {
			if !strings.Contains(a.body, want) {
				t.Errorf("%s lacks %q", tc.path, want)
			}
		}
		for _, landmark := range []string{`<main id="main"`, `<nav aria-label="Dashboard">`, `<a class="skip" href="#main">`, `<html lang="en">`} {
			if !strings.Contains(a.body, landmark) {
				t.Errorf("%s lacks %s", tc.path, landmark)
			}
		}
		if csp := a.resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || a.resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", tc.path, a.resp.Header)
		}
	}
	if a := b.get("/compose?url=https%3A%2F%2Fnews.example.org%2Fbroken"); a.code != http.StatusUnprocessableEntity || !strings.Contains(a.body, "the page has no title or text") {
		t.Errorf("compose from a broken page: %d", a.code)
	}
	for _, path := range []string{"/static/herald.css", "/static/herald.js"} {
		if a := b.get(path); a.code != 200 || len(a.body) < 500 {
			t.Errorf("%s: %d", path, a.code)
		}
	}
}

func TestEditorActions(t *testing.T) {
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}})
	ps := d.seed()
	b := d.browser()
	b.signIn(editorToken)
	id := func(k string) int64 { return ps[k].ID }
	act := func(path string, form url.Values) answer {
		t.Helper()
		return b.post(path, form)
	}

	// Edit: the browser's CRLF line breaks are stored as LF.
	a := act(fmt.Sprintf("/posts/%d/edit", id("queued")), url.Values{"text": {"Bridge repairs begin on Monday\r\n\r\nhttps://news.example.org/bridge"}, "return": {"/queue"}})
	if p := d.post(id("queued")); a.code != http.StatusSeeOther || p.Text != "Bridge repairs begin on Monday\n\nhttps://news.example.org/bridge" {
		t.Errorf("edit: %d %q", a.code, p.Text)
	}
	// A text over X's limit comes back with the editor's words and why.
	long := strings.Repeat("Long words ", 30)
	a = act(fmt.Sprintf("/posts/%d/edit", id("queued")), url.Values{"text": {long}, "return": {"/queue"}})
	if a.code != http.StatusUnprocessableEntity || !strings.Contains(a.body, "the limit is 280") || !strings.Contains(a.body, long) || !strings.Contains(a.body, `aria-invalid="true"`) {
		t.Errorf("over the limit: %d", a.code)
	}
	if p := d.post(id("queued")); strings.Contains(p.Text, "Long words") {
		t.Error("an over-limit text was saved")
	}
	// Reschedule, in the browser's time zone (UTC+1: offset -60).
	a = act(fmt.Sprintf("/posts/%d/edit", id("queued")), url.Values{"at": {"2031-03-04T09:30"}, "tz": {"-60"}})
	if p := d.post(id("queued")); a.code != http.StatusSeeOther || !p.NotBefore.Equal(time.Date(2031, 3, 4, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("reschedule: %d %v", a.code, p.NotBefore)
	}
	// Raise priority: ahead of every other post.
	act(fmt.Sprintf("/posts/%d/raise", id("later")), nil)
	if p := d.post(id("later")); p.Priority <= d.post(id("queued")).Priority {
		t.Errorf("raise: priority %d", p.Priority)
	}
	// Post now, with the editor's changed text.
	act(fmt.Sprintf("/posts/%d/publish", id("later")), url.Values{"text": {"Election night: results live from 9pm"}})
	if p := d.post(id("later")); p.Text != "Election night: results live from 9pm" || p.NotBefore.After(time.Now()) {
		t.Errorf("post now: %q at %v", p.Text, p.NotBefore)
	}
	// Skip.
	act(fmt.Sprintf("/posts/%d/cancel", id("queued")), nil)
	if p := d.post(id("queued")); p.Status != news.StatusCanceled {
		t.Errorf("skip: %s", p.Status)
	}
	// Reject and approve.
	act(fmt.Sprintf("/posts/%d/reject", id("pending")), nil)
	if p := d.post(id("pending")); p.Status != news.StatusCanceled {
		t.Errorf("reject: %s", p.Status)
	}
	if a := act(fmt.Sprintf("/posts/%d/approve", id("pending")), nil); a.code != http.StatusSeeOther {
		t.Errorf("approve a rejected post: %d", a.code)
	}
	if a, want := b.get("/queue"), fmt.Sprintf("Post #%d is canceled: only pending posts can be approved.", id("pending")); !strings.Contains(a.body, want) {
		t.Error("no message for an action the post's state forbids")
	}
	// Approve with a new time: the post waits for it.
	later := d.addPost("Planning meeting on the Mill Road flats https://news.example.org/flats", news.StatusPending, nil)
	act(fmt.Sprintf("/posts/%d/approve", later.ID), url.Values{"text": {later.Text}, "at": {"2031-01-02T18:00"}, "tz": {"0"}, "return": {"/pending"}})
	if p := d.post(later.ID); p.Status != news.StatusQueued || !p.NotBefore.Equal(time.Date(2031, 1, 2, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("approve at a time: %s at %v", p.Status, p.NotBefore)
	}
	// Retry a failed post with a shorter text.
	act(fmt.Sprintf("/posts/%d/retry", id("failed")), url.Values{"text": {"Festival returns"}})
	if p := d.post(id("failed")); p.Status != news.StatusQueued || p.Text != "Festival returns" {
		t.Errorf("retry: %s %q", p.Status, p.Text)
	}
	if a := act("/posts/999999/approve", nil); a.code != http.StatusSeeOther {
		t.Errorf("missing post: %d", a.code)
	}
	if a := act(fmt.Sprintf("/posts/%d/explode", id("failed")), nil); a.code != http.StatusNotFound {
		t.Errorf("unknown action: %d", a.code)
	}

	// Compose: free text now, from a URL at a time, and mistakes.
	a = act("/posts", url.Values{"text": {"Our phone lines are down this morning; email the newsroom."}, "when": {"now"}})
	if a.code != http.StatusSeeOther || a.resp.Header.Get("Location") != "/queue" {
		t.Errorf("compose free text: %d", a.code)
	}
	a = act("/posts", url.Values{"url": {"https://news.example.org/clinic"}, "text": {"Clinic opens https://news.example.org/clinic"},
		"when": {"at"}, "at": {"2031-05-01T07:00"}, "tz": {""}})
	if a.code != http.StatusSeeOther {
		t.Errorf("compose from URL: %d %s", a.code, a.body)
	}
	posts, _ := d.st.Posts(context.Background(), store.PostFilter{Statuses: []news.Status{news.StatusQueued}})
	var free, fromURL *news.Post
	for _, p := range posts {
		switch {
		case strings.HasPrefix(p.Text, "Our phone lines"):
			free = p
		case strings.HasPrefix(p.Text, "Clinic opens"):
			fromURL = p
		}
	}
	if free == nil || free.CreatedBy != editorName || free.ArticleID != 0 {
		t.Errorf("free text post: %+v", free)
	}
	if fromURL == nil || fromURL.ArticleID == 0 || !fromURL.HasLink || !fromURL.NotBefore.Equal(time.Date(2031, 5, 1, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("post from URL: %+v", fromURL)
	}
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"text": {long}, "when": {"now"}}, "the limit is 280"},
		{url.Values{"text": {"  "}, "when": {"now"}}, "The text is empty"},
		{url.Values{"text": {"Later"}, "when": {"at"}}, "Choose the date and time"},
		{url.Values{"text": {"Later"}, "when": {"at"}, "at": {"tomorrow"}}, "is not a date and time"},
		{url.Values{"url": {"https://news.example.org/clinic"}, "text": {"Again https://news.example.org/clinic"}, "when": {"now"}}, "already posted or queued"},
		{url.Values{"url": {"javascript:alert(1)"}, "text": {"x"}, "when": {"now"}}, "is not a web address"},
		{url.Values{"text": {"hi"}, "destination": {"mastodon"}}, "no destination"},
	} {
		a := act("/posts", tc.form)
		if a.code != http.StatusUnprocessableEntity || !strings.Contains(a.body, tc.want) {
			t.Errorf("compose %v: %d, want 422 with %q", tc.form, a.code, tc.want)
		}
	}

	// Pause and resume, for everything and for one destination.
	act("/pause", nil)
	if paused, _ := d.d.Paused(context.Background()); !paused {
		t.Error("pause did not pause")
	}
	if a := b.get("/status"); !strings.Contains(a.body, "Resume auto-posting") || !strings.Contains(a.body, "Auto-posting is paused") {
		t.Error("status page does not show the pause")
	}
	act("/resume", nil)
	if paused, _ := d.d.Paused(context.Background()); paused {
		t.Error("resume did not resume")
	}
	dst, _ := d.st.Destination(context.Background(), "x")
	dst.Paused, dst.PauseReason = true, "X refused the credentials (401): check HERALD_X_ACCESS_TOKEN"
	d.st.SaveDestination(context.Background(), dst)
	if a := b.get("/status"); !strings.Contains(a.body, "check HERALD_X_ACCESS_TOKEN") || !strings.Contains(a.body, `action="/destinations/x/resume"`) {
		t.Error("status page does not show the paused destination with a resume button")
	}
	act("/destinations/x/resume", nil)
	if dst, _ := d.st.Destination(context.Background(), "x"); dst.Paused {
		t.Error("the destination is still paused")
	}
	log := d.audit()
	for _, action := range []string{"edit", "publish now", "cancel", "reject", "retry", "create", "pause", "resume", "resume destination"} {
		if !hasAudit(log, editorName, action) {
			t.Errorf("%q not audited under %s", action, editorName)
		}
	}
}

func TestCounterPreviewWithSession(t *testing.T) {
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}})
	b := d.browser()
	b.signIn(editorToken)
	preview := func(csrf string) answer {
		req, _ := http.NewRequest("POST", d.srv.URL+"/api/v1/preview", strings.NewReader(`{"text":"Hello https://news.example.org/a/long/path/counted/as/23"}`))
		req.Header.Set("Content-Type", "application/json")
		if csrf != "" {
			req.Header.Set(csrfHeader, csrf)
		}
		return b.do(req)
	}
	if a := preview(b.csrf); a.code != 200 || !strings.Contains(a.body, `"weighted_length":29`) {
		t.Errorf("preview with the session: %d %s", a.code, a.body)
	}
	if a := preview(""); a.code != http.StatusForbidden {
		t.Errorf("preview with the session but no CSRF token: %d %s", a.code, a.body)
	}
	// Bearer tokens work as before.
	if code, body := do(t, "POST", d.srv.URL+"/api/v1/preview", editorToken, `{"text":"hi"}`); code != 200 {
		t.Errorf("preview with a token: %d %s", code, body)
	}
}

func TestLinkify(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Plain <b>text</b> & more", "Plain &lt;b&gt;text&lt;/b&gt; &amp; more"},
		{"Line one\nLine two\r\n\r\nhttps://news.example.org/a?b=1&c=2.",
			`Line one<br>Line two<br><br><a href="https://news.example.org/a?b=1&amp;c=2" rel="noopener nofollow">https://news.example.org/a?b=1&amp;c=2</a>.`},
		{"Café → http://news.example.org/é \"quoted\"", `Café → <a href="http://news.example.org/é" rel="noopener nofollow">http://news.example.org/é</a> &#34;quoted&#34;`},
		{"bare news.example.org and javascript:alert(1)", "bare news.example.org and javascript:alert(1)"},
		{`x"https://news.example.org/"onmouseover="alert(1)`, `x&#34;<a href="https://news.example.org/" rel="noopener nofollow">https://news.example.org/</a>&#34;onmouseover=&#34;alert(1)`},
		{"🎉 https://a.example.org/x and https://b.example.org/y", `🎉 <a href="https://a.example.org/x" rel="noopener nofollow">https://a.example.org/x</a> and <a href="https://b.example.org/y" rel="noopener nofollow">https://b.example.org/y</a>`},
	} {
		if got := string(linkify(tc.in)); got != tc.want {
			t.Errorf("linkify(%q)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/queue": "/queue", "/signin?next=%2F": "/signin?next=%2F", "": "/", "//evil.example": "/", `/\evil.example`: "/",
		"https://evil.example/": "/", "queue": "/", "/a\r\nSet-Cookie: x": "/",
	} {
		if got := localPath(in, "/"); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// readFunc reads an editor's URL as a test has it: the article, and the
// text every destination gets for it.
type readFunc func(ctx context.Context, url string) (*news.Article, string, error)

// articlesOf is the outbox's Articles over a readFunc; every destination
// takes every article.
func articlesOf(read readFunc) outbox.Articles {
	return &testArticles{read: read, texts: map[string]string{}}
}

type testArticles struct {
	read  readFunc
	mu    sync.Mutex
	texts map[string]string // by article URL
}

func (a *testArticles) ReadURL(ctx context.Context, url string) (*news.Article, error) {
	art, text, err := a.read(ctx, url)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.texts[art.URL] = text
	return art, nil
}

func (a *testArticles) Compose(art *news.Article, dest string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.texts[art.URL], nil
}

func (a *testArticles) Accepts(*news.Article, string) bool { return true }

// A feed's title is a line on every page, however long the feed makes it.
func TestLongFeedTitleIsClipped(t *testing.T) {
	long := strings.Repeat("Breaking ", 120_000) // about 1 MB
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}, Feeds: fakeFeeds{{URL: "https://news.example.org/feed/", Title: long}}})
	b := d.browser()
	b.signIn(editorToken)
	for _, path := range []string{"/", "/feeds"} {
		a := b.get(path)
		if a.code != 200 || len(a.body) > 64<<10 || !strings.Contains(a.body, strings.Repeat("Breaking ", 16)+"Breaking…<") {
			t.Errorf("%s: %d, %d bytes", path, a.code, len(a.body))
		}
	}
}

// counter reads one labelled counter from a registry.
func counter(t *testing.T, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("no %s{%s=%q}", name, label, value)
	return 0
}

// Behind a load balancer, a session made by one replica is known to
// another: both read it from the database.
func TestSessionsAreSharedByReplicas(t *testing.T) {
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}})
	b := d.browser()
	if a := b.signIn(editorToken); a.code != http.StatusSeeOther {
		t.Fatalf("sign in: %d", a.code)
	}
	other := httptest.NewServer(New(Options{Store: d.st, Editor: d.d, Status: d.d.Status,
		Tokens: map[string]string{editorToken: editorName}, Log: slog.New(slog.DiscardHandler)}))
	defer other.Close()
	u, _ := url.Parse(d.srv.URL)
	req, _ := http.NewRequest("GET", other.URL+"/queue", nil)
	for _, c := range b.c.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the other replica answered %d, want the page", resp.StatusCode)
	}
}

// The timeline pages back through every published post.
func TestTimelinePages(t *testing.T) {
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}})
	for i := range timelinePage + 7 {
		d.addPost(fmt.Sprintf("Published story number %03d", i), news.StatusPublished, nil)
	}
	b := d.browser()
	b.signIn(editorToken)
	a := b.get("/")
	older := regexp.MustCompile(`href="(/\?older=[0-9-]+)" rel="next"`).FindStringSubmatch(a.body)
	if older == nil || strings.Count(a.body, "Published story number") != timelinePage {
		t.Fatalf("first page: %d posts, older link %v", strings.Count(a.body, "Published story number"), older)
	}
	a = b.get(older[1])
	if n := strings.Count(a.body, "Published story number"); n != 7 || strings.Contains(a.body, `rel="next"`) {
		t.Errorf("second page: %d posts", n)
	}
	if !strings.Contains(a.body, "Published story number 000") {
		t.Error("the oldest post is not on the last page")
	}
}
