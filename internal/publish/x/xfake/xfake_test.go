package xfake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var nonces atomic.Int64

// do sends a correctly signed request straight to the handler.
func do(s *Server, method, target, contentType, body string) *httptest.ResponseRecorder {
	var form url.Values
	if contentType == "application/x-www-form-urlencoded" {
		form, _ = url.ParseQuery(body)
	}
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	sg := goodSigning("nonce-" + strconv.FormatInt(nonces.Add(1), 10))
	sg.timestamp = s.now()
	r.Header.Set("Authorization", sg.authorization(method, target, form))
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func postV2(s *Server, text string) *httptest.ResponseRecorder {
	b, _ := json.Marshal(map[string]string{"text": text})
	return do(s, "POST", "http://fake.test/2/tweets", "application/json", string(b))
}

func postV11(s *Server, text string) *httptest.ResponseRecorder {
	return do(s, "POST", "http://fake.test/1.1/statuses/update.json", "application/x-www-form-urlencoded",
		url.Values{"status": {text}}.Encode())
}

func checkRateHeaders(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	for _, h := range []string{"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} {
		if _, err := strconv.ParseInt(w.Header().Get(h), 10, 64); err != nil {
			t.Errorf("%s = %q, want a number", h, w.Header().Get(h))
		}
	}
}

func TestCreateV2(t *testing.T) {
	s := newTestServer(Options{})
	w := postV2(s, "Council approves the new bridge https://news.example/bridge")
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	checkRateHeaders(t, w)
	var got struct {
		Data struct{ ID, Text string } `json:"data"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	posts := s.Posts()
	if len(posts) != 1 || posts[0].ID != got.Data.ID || posts[0].Text != got.Data.Text || posts[0].API != APIv2 || !posts[0].Time.Equal(testNow) {
		t.Fatalf("answer %+v, posts %+v", got, posts)
	}
	if _, err := strconv.ParseUint(got.Data.ID, 10, 64); err != nil || len(got.Data.ID) < 18 {
		t.Fatalf("id %q is not a snowflake", got.Data.ID)
	}

	dup := postV2(s, "Council approves the new bridge https://news.example/bridge")
	wantDup := `{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}`
	if dup.Code != http.StatusForbidden || dup.Body.String() != wantDup {
		t.Fatalf("duplicate: %d %s", dup.Code, dup.Body)
	}
	checkRateHeaders(t, dup)
	if got := remaining(t, dup); got != defaultLimit-2 {
		t.Fatalf("remaining %d after two calls", got)
	}
}

func remaining(t *testing.T, w *httptest.ResponseRecorder) int {
	t.Helper()
	n, err := strconv.Atoi(w.Header().Get("x-rate-limit-remaining"))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreateV2Refusals(t *testing.T) {
	long := strings.Repeat("word ", 57) // 285 characters
	link := "https://news.example/" + strings.Repeat("a", 200)
	cases := []struct {
		name        string
		contentType string
		body        string
		status      int
		contains    string
	}{
		{"too long", "application/json", `{"text":"` + long + `"}`, 400, "Your Tweet text is too long"},
		{"empty", "application/json", `{"text":"  "}`, 400, "Invalid Request"},
		{"no text", "application/json", `{}`, 400, "Invalid Request"},
		{"not JSON", "application/json", `text=hello`, 400, "not valid JSON"},
		{"form instead of JSON", "application/x-www-form-urlencoded", `text=hello`, 400, "application/json"},
		{"long link counts 23", "application/json", `{"text":"` + strings.Repeat("b", 250) + " " + link + `"}`, 201, `"data"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(Options{})
			w := do(s, "POST", "http://fake.test/2/tweets", tc.contentType, tc.body)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.contains) {
				t.Fatalf("got %d %s, want %d with %q", w.Code, w.Body, tc.status, tc.contains)
			}
			if tc.status != 201 && len(s.Posts()) != 0 {
				t.Fatal("a refused post was stored")
			}
		})
	}
}

func TestCreateV11(t *testing.T) {
	s := newTestServer(Options{Username: "dailynews"})
	w := postV11(s, "Storm warning for the coast")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	checkRateHeaders(t, w)
	var tw struct {
		ID        int64  `json:"id"`
		IDStr     string `json:"id_str"`
		Text      string `json:"text"`
		CreatedAt string `json:"created_at"`
		User      struct {
			ScreenName string `json:"screen_name"`
		} `json:"user"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &tw); err != nil {
		t.Fatal(err)
	}
	if strconv.FormatInt(tw.ID, 10) != tw.IDStr || tw.Text != "Storm warning for the coast" || tw.User.ScreenName != "dailynews" {
		t.Fatalf("tweet %+v", tw)
	}
	if _, err := time.Parse(time.RubyDate, tw.CreatedAt); err != nil {
		t.Fatalf("created_at %q: %v", tw.CreatedAt, err)
	}
	if p := s.Posts(); len(p) != 1 || p[0].API != APIv11 || p[0].ID != tw.IDStr {
		t.Fatalf("posts %+v", p)
	}

	// A text posted through v2 is a duplicate on v1.1 too.
	if w := postV2(s, "Ferry service resumes"); w.Code != 201 {
		t.Fatal(w.Body)
	}
	for _, text := range []string{"Storm warning for the coast", "Ferry service resumes"} {
		dup := postV11(s, text)
		if dup.Code != http.StatusForbidden || dup.Body.String() != `{"errors":[{"code":187,"message":"Status is a duplicate."}]}` {
			t.Fatalf("duplicate: %d %s", dup.Code, dup.Body)
		}
	}
	long := postV11(s, strings.Repeat("x", 281))
	if long.Code != http.StatusForbidden || !strings.Contains(long.Body.String(), `"code":186`) {
		t.Fatalf("too long: %d %s", long.Code, long.Body)
	}
	empty := postV11(s, "")
	if empty.Code != http.StatusBadRequest || !strings.Contains(empty.Body.String(), `"code":170`) {
		t.Fatalf("empty: %d %s", empty.Code, empty.Body)
	}
	if got := s.Calls(); got != 6 {
		t.Fatalf("Calls() = %d, want 6", got)
	}
}

func TestWhoAmI(t *testing.T) {
	s := newTestServer(Options{Username: "cityhall"})
	w := do(s, "GET", "http://fake.test/2/users/me", "", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"username":"cityhall"`) {
		t.Fatalf("users/me: %d %s", w.Code, w.Body)
	}
	checkRateHeaders(t, w)
	w = do(s, "GET", "http://fake.test/1.1/account/verify_credentials.json?include_email=false", "", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"screen_name":"cityhall"`) {
		t.Fatalf("verify_credentials: %d %s", w.Code, w.Body)
	}
	if s.Calls() != 0 {
		t.Fatal("look-ups counted as create calls")
	}
}

func TestUnauthenticatedAnswersAsX(t *testing.T) {
	s := newTestServer(Options{})
	for _, tc := range []struct{ method, target, body string }{
		{"POST", "http://fake.test/2/tweets", unauthorizedV2},
		{"GET", "http://fake.test/2/users/me", unauthorizedV2},
		{"POST", "http://fake.test/1.1/statuses/update.json", unauthorizedV11},
		{"GET", "http://fake.test/1.1/account/verify_credentials.json", unauthorizedV11},
	} {
		r := httptest.NewRequest(tc.method, tc.target, strings.NewReader(`{"text":"hi"}`))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 401 || w.Body.String() != tc.body {
			t.Errorf("%s %s: %d %s", tc.method, tc.target, w.Code, w.Body)
		}
		checkRateHeaders(t, w)
	}
	if len(s.Posts()) != 0 || s.Calls() != 2 {
		t.Fatalf("posts %v, calls %d", s.Posts(), s.Calls())
	}
}

func TestUnknownPath(t *testing.T) {
	s := newTestServer(Options{})
	for _, target := range []string{"http://fake.test/2/nothing", "http://fake.test/1.1/statuses/destroy.json"} {
		w := do(s, "POST", target, "application/json", "{}")
		if w.Code != 404 || w.Body.String() != notFoundBody {
			t.Fatalf("%s: %d %s", target, w.Code, w.Body)
		}
		checkRateHeaders(t, w)
	}
	if w := do(s, "GET", "http://fake.test/2/tweets", "", ""); w.Code != 404 {
		t.Fatalf("GET /2/tweets: %d", w.Code)
	}
}

func TestScriptedAnswers(t *testing.T) {
	s := newTestServer(Options{})
	reset := testNow.Add(90 * time.Second)
	s.Push(Unavailable(), RateLimited(reset), Unauthorized(), PaymentRequired(), Forbidden("Forbidden by policy"), TooLong())
	want := []struct {
		status int
		body   string
	}{
		{503, `"title":"Service Unavailable"`},
		{429, `"title":"Too Many Requests"`},
		{401, unauthorizedV2},
		{402, `"title":"CreditsDepleted"`},
		{403, `"detail":"Forbidden by policy"`},
		{400, TooLongDetail},
		{201, `"data"`},
	}
	for i, wnt := range want {
		w := postV2(s, fmt.Sprintf("post %d", i))
		if w.Code != wnt.status || !strings.Contains(w.Body.String(), wnt.body) {
			t.Fatalf("call %d: %d %s, want %d with %s", i, w.Code, w.Body, wnt.status, wnt.body)
		}
		checkRateHeaders(t, w)
		if wnt.status == 429 {
			if w.Header().Get("x-rate-limit-remaining") != "0" || w.Header().Get("x-rate-limit-reset") != strconv.FormatInt(reset.Unix(), 10) {
				t.Fatalf("429 headers %v", w.Header())
			}
		}
	}
	if p := s.Posts(); len(p) != 1 || p[0].Text != "post 6" {
		t.Fatalf("scripted calls stored posts: %+v", p)
	}
	if s.Calls() != 7 {
		t.Fatalf("Calls() = %d", s.Calls())
	}

	// v1.1 gets v1.1 bodies.
	s.Push(Unavailable(), Forbidden(DuplicateDetail), TooLong())
	for _, wnt := range []struct {
		status int
		body   string
	}{{503, `"code":130`}, {403, `"code":187`}, {403, `"code":186`}} {
		w := postV11(s, "v1.1 scripted")
		if w.Code != wnt.status || !strings.Contains(w.Body.String(), wnt.body) {
			t.Fatalf("v1.1: %d %s, want %d with %s", w.Code, w.Body, wnt.status, wnt.body)
		}
	}
}

func TestRateLimitEnforced(t *testing.T) {
	now := testNow
	var mu sync.Mutex
	s := newTestServer(Options{Limit: 2, Clock: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	for i := range 2 {
		if w := postV2(s, fmt.Sprint("post ", i)); w.Code != 201 {
			t.Fatalf("post %d: %d", i, w.Code)
		}
	}
	w := postV2(s, "one too many")
	if w.Code != 429 || w.Header().Get("x-rate-limit-remaining") != "0" ||
		w.Header().Get("x-rate-limit-reset") != strconv.FormatInt(testNow.Add(15*time.Minute).Unix(), 10) {
		t.Fatalf("third post: %d %v", w.Code, w.Header())
	}
	mu.Lock()
	now = now.Add(15 * time.Minute)
	mu.Unlock()
	if w := postV2(s, "after the window"); w.Code != 201 || w.Header().Get("x-rate-limit-remaining") != "1" {
		t.Fatalf("after reset: %d %v", w.Code, w.Header())
	}
}

func TestUserDailyLimit(t *testing.T) {
	s := newTestServer(Options{UserDailyLimit: 2})
	w := postV2(s, "one")
	if w.Code != 201 || w.Header().Get("x-user-limit-24hour-remaining") != "1" {
		t.Fatalf("first: %d %v", w.Code, w.Header())
	}
	w = postV2(s, "two")
	reset := strconv.FormatInt(testNow.Add(24*time.Hour).Unix(), 10)
	if w.Code != 201 || w.Header().Get("x-user-limit-24hour-remaining") != "0" || w.Header().Get("x-user-limit-24hour-reset") != reset {
		t.Fatalf("second: %d %v", w.Code, w.Header())
	}
	w = postV2(s, "three")
	if w.Code != 429 || w.Header().Get("x-user-limit-24hour-remaining") != "0" {
		t.Fatalf("third: %d %v", w.Code, w.Header())
	}
	if len(s.Posts()) != 2 {
		t.Fatal("a post over the daily limit was stored")
	}
}

func TestBlockHoldsCreateCalls(t *testing.T) {
	s := newTestServer(Options{Clock: time.Now})
	srv := httptest.NewServer(s)
	defer srv.Close()
	defer s.Close()
	release := s.Block()
	defer release()

	// One call whose client gives up while it is held: X still makes the post.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 2)
	go func() {
		done <- realPost(ctx, srv.URL, "held and abandoned")
	}()
	go func() {
		done <- realPost(context.Background(), srv.URL, "held and answered")
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := s.WaitInFlight(wctx, 2); err != nil {
		t.Fatalf("calls never held: %v", err)
	}
	if s.Calls() != 2 || len(s.Posts()) != 0 {
		t.Fatalf("calls %d, posts %d while held", s.Calls(), len(s.Posts()))
	}
	cancel()
	if got := <-done; got != 0 {
		t.Fatalf("abandoned call answered %d", got)
	}
	release()
	if got := <-done; got != 201 {
		t.Fatalf("held call answered %d", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(s.Posts()) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(s.Posts()); n != 2 || s.InFlight() != 0 {
		t.Fatalf("%d posts, %d in flight after release", n, s.InFlight())
	}
	// Not blocked any more.
	if got := realPost(context.Background(), srv.URL, "free"); got != 201 {
		t.Fatalf("after release: %d", got)
	}
}

func TestCloseLetsHeldCallsGo(t *testing.T) {
	s := newTestServer(Options{Clock: time.Now})
	srv := httptest.NewServer(s)
	defer srv.Close()
	s.Block()
	s.SetDelay(time.Hour)
	done := make(chan int, 1)
	go func() { done <- realPost(context.Background(), srv.URL, "held") }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.WaitInFlight(ctx, 1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	select {
	case got := <-done:
		if got != 201 {
			t.Fatalf("answered %d", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not let the held call go")
	}
}

// realPost posts through a real HTTP connection, signed by the test signer;
// it returns the status, or 0 when no answer came.
func realPost(ctx context.Context, base, text string) int {
	b, _ := json.Marshal(map[string]string{"text": text})
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/2/tweets", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	sg := goodSigning("real-" + strconv.FormatInt(nonces.Add(1), 10))
	sg.timestamp = time.Now()
	req.Header.Set("Authorization", sg.authorization("POST", base+"/2/tweets", nil))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestConcurrentPosts(t *testing.T) {
	s := newTestServer(Options{})
	var wg sync.WaitGroup
	codes := make([]int, 40)
	for i := range codes {
		wg.Go(func() {
			// Every text twice: exactly one of each pair gets in.
			codes[i] = postV2(s, fmt.Sprint("story ", i/2)).Code
		})
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		if c == 201 {
			created++
		} else if c != 403 {
			t.Fatalf("unexpected status %d", c)
		}
	}
	posts := s.Posts()
	ids := map[string]bool{}
	for _, p := range posts {
		ids[p.ID] = true
	}
	if created != 20 || len(posts) != 20 || len(ids) != 20 || s.Calls() != 40 {
		t.Fatalf("created %d, posts %d, distinct ids %d, calls %d", created, len(posts), len(ids), s.Calls())
	}
}
