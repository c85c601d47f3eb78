// Package xfake is a fake X API for herald's tests. It answers the calls
// herald makes (create a post through v2 or v1.1, delete one, ask who the
// account is)
// the way X does: it verifies every OAuth 1.0a signature itself, refuses
// stale timestamps and reused nonces, refuses duplicate posts, sends X's
// rate-limit headers and X's error bodies. Tests can queue scripted answers,
// hold create calls in flight, and read back what was posted.
package xfake

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The APIs a post can arrive through, as recorded in Post.API.
const (
	APIv2  = "v2"
	APIv11 = "v1.1"
)

const (
	window       = 15 * time.Minute
	day          = 24 * time.Hour
	defaultLimit = 10000
	maxPostChars = 280
	// twitterEpoch is where X's snowflake ids count milliseconds from.
	twitterEpoch = 1288834974657
	maxJSONBody  = 1 << 20
)

// Options configure the fake account.
type Options struct {
	ConsumerKey    string
	ConsumerSecret string
	AccessToken    string
	AccessSecret   string
	// Username is the account's handle; empty means "herald".
	Username string
	// Clock is the fake's time, for timestamps, ids and rate windows; nil
	// means time.Now.
	Clock func() time.Time
	// Limit is how many calls each endpoint takes per 15-minute window
	// before answering 429 as X does; 0 means 10000, which tests meet only
	// when they mean to.
	Limit int
	// UserDailyLimit, when above 0, is how many posts the account may make
	// in 24 hours: create answers then carry X's x-user-limit-24hour-*
	// headers, and a post over the limit gets X's 429.
	UserDailyLimit int
}

// Post is a post the fake accepted.
type Post struct {
	ID   string    `json:"id"`
	Text string    `json:"text"`
	API  string    `json:"api"`
	Time time.Time `json:"time"`
	// Deleted is when the post was deleted (zero while it stands).
	Deleted time.Time `json:"deleted,omitzero"`
}

// Server is the fake X. It is an http.Handler, safe for concurrent use;
// serve it with httptest.NewServer or from cmd/fakex.
type Server struct {
	opts Options
	now  func() time.Time

	closeOnce sync.Once
	closed    chan struct{}

	mu           sync.Mutex
	posts        []Post
	texts        map[string]bool
	calls        int
	script       []Response
	nonces       map[string]int64
	windows      map[string]*quota
	day          quota
	lastID       int64
	authFailures []string
	delay        time.Duration
	gate         chan struct{} // non-nil while create calls are held
	inFlight     int
	changed      chan struct{} // closed and replaced when inFlight changes
	deleteScript []Response
	deleted      []string
	deleteCalls  int
}

type quota struct {
	start time.Time
	used  int
}

// New returns a fake X account with the given credentials.
func New(o Options) *Server {
	if o.Username == "" {
		o.Username = "herald"
	}
	if o.Limit <= 0 {
		o.Limit = defaultLimit
	}
	now := o.Clock
	if now == nil {
		now = time.Now
	}
	return &Server{
		opts:    o,
		now:     now,
		closed:  make(chan struct{}),
		texts:   map[string]bool{},
		nonces:  map[string]int64{},
		windows: map[string]*quota{},
		changed: make(chan struct{}),
	}
}

// Posts returns the posts accepted so far, oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

// Calls returns how many create-post requests arrived, accepted or not.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// AuthFailures returns why each refused request failed authentication, in
// order ("oauth: signature does not match", "oauth: nonce … was already used").
func (s *Server) AuthFailures() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.authFailures...)
}

// Push queues scripted answers for the next authenticated create calls, one
// answer per call, in order. A scripted call stores no post.
func (s *Server) Push(r ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, r...)
}

// SetDelay makes every create call wait d before it is answered.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Block holds every create call, once received and authenticated, until
// release is called. Released calls go on as X would, storing their post
// even if the client has gone away meanwhile — which is what a crash test
// needs: the post exists at X though herald never heard the answer.
// release may be called more than once. Calling Block again while blocked
// shares the same hold. Release (or Close) before closing the HTTP server:
// httptest waits for held handlers.
func (s *Server) Block() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate == nil {
		s.gate = make(chan struct{})
	}
	gate := s.gate
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			if s.gate == gate {
				s.gate = nil
			}
			s.mu.Unlock()
			close(gate)
		})
	}
}

// InFlight returns how many create calls Block is holding now.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// WaitInFlight waits until Block holds at least n create calls.
func (s *Server) WaitInFlight(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		held, changed := s.inFlight, s.changed
		s.mu.Unlock()
		if held >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close lets every held or delayed call go on and stops holding new ones.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// hold applies Block and SetDelay to a create call.
func (s *Server) hold() {
	s.mu.Lock()
	gate, delay := s.gate, s.delay
	select {
	case <-s.closed:
		gate, delay = nil, 0
	default:
	}
	if gate != nil {
		s.inFlight++
		s.notifyLocked()
	}
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-s.closed:
		}
		s.mu.Lock()
		s.inFlight--
		s.notifyLocked()
		s.mu.Unlock()
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-s.closed:
		}
		t.Stop()
	}
}

// ServeHTTP answers X's API paths that herald uses, and 404 for the rest.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/2/tweets":
		s.create(w, r, APIv2)
	case r.Method == http.MethodPost && r.URL.Path == "/1.1/statuses/update.json":
		s.create(w, r, APIv11)
	case r.Method == http.MethodGet && r.URL.Path == "/2/users/me":
		s.whoami(w, r, APIv2)
	case r.Method == http.MethodGet && r.URL.Path == "/1.1/account/verify_credentials.json":
		s.whoami(w, r, APIv11)
	default:
		if api, id, ok := deletePath(r); ok {
			s.destroy(w, r, api, id)
			return
		}
		h := http.Header{}
		s.rateHeaders(h, "unknown", false)
		write(w, http.StatusNotFound, h, notFoundBody)
	}
}

// authenticated checks the signature and answers 401 as X does when it is
// wrong.
func (s *Server) authenticated(w http.ResponseWriter, r *http.Request, api, key string) bool {
	err := s.authenticate(r)
	if err == nil {
		return true
	}
	s.mu.Lock()
	s.authFailures = append(s.authFailures, err.Error())
	s.mu.Unlock()
	h := http.Header{}
	s.rateHeaders(h, key, false)
	body := unauthorizedV2
	if api == APIv11 {
		body = unauthorizedV11
	}
	write(w, http.StatusUnauthorized, h, body)
	return false
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, api string) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	key := r.Method + " " + r.URL.Path
	if !s.authenticated(w, r, api, key) {
		return
	}
	text, bad := readText(r, api)
	s.hold()

	h := http.Header{}
	if resp, ok := s.nextScripted(); ok {
		s.rateHeaders(h, key, true)
		status, body := resp.Status, resp.Body
		if api == APIv11 {
			if resp.StatusV11 != 0 {
				status = resp.StatusV11
			}
			if resp.BodyV11 != "" {
				body = resp.BodyV11
			}
		}
		for k, vs := range resp.Header {
			h.Del(k)
			for _, v := range vs {
				h.Add(k, v)
			}
		}
		write(w, status, h, body)
		return
	}
	if !s.rateHeaders(h, key, true) {
		write(w, http.StatusTooManyRequests, h, pick(api, tooManyV2, tooManyV11))
		return
	}
	switch {
	case bad != "":
		if api == APIv11 {
			write(w, http.StatusBadRequest, h, v11Error(170, bad))
		} else {
			write(w, http.StatusBadRequest, h, invalidRequest(bad))
		}
		return
	case weightedLength(text) > maxPostChars:
		if api == APIv11 {
			write(w, http.StatusForbidden, h, tooLongV11)
		} else {
			write(w, http.StatusBadRequest, h, problemJSON("Bad Request", TooLongDetail, http.StatusBadRequest))
		}
		return
	}

	s.mu.Lock()
	dayOK := s.dayHeadersLocked(h)
	if !dayOK {
		s.mu.Unlock()
		write(w, http.StatusTooManyRequests, h, pick(api, tooManyV2, tooManyV11))
		return
	}
	if s.texts[text] {
		s.mu.Unlock()
		if api == APIv11 {
			write(w, http.StatusForbidden, h, duplicateV11)
		} else {
			write(w, http.StatusForbidden, h, problemJSON("Forbidden", DuplicateDetail, http.StatusForbidden))
		}
		return
	}
	now := s.now()
	p := Post{ID: s.nextIDLocked(now), Text: text, API: api, Time: now}
	s.posts = append(s.posts, p)
	s.texts[text] = true
	if s.opts.UserDailyLimit > 0 {
		s.day.used++
		s.dayHeadersLocked(h)
	}
	s.mu.Unlock()

	if api == APIv11 {
		writeJSON(w, http.StatusOK, h, s.tweetV11(p))
		return
	}
	writeJSON(w, http.StatusCreated, h, map[string]any{
		"data": map[string]any{"id": p.ID, "text": p.Text, "edit_history_tweet_ids": []string{p.ID}},
	})
}

// readText returns the post's text, or why the request is malformed.
func readText(r *http.Request, api string) (text, bad string) {
	if api == APIv11 {
		if err := r.ParseForm(); err != nil {
			return "", "Missing required parameter: status."
		}
		status := r.Form.Get("status")
		if strings.TrimSpace(status) == "" {
			return "", "Missing required parameter: status."
		}
		return status, ""
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return "", "Content-Type must be application/json"
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody))
	if err != nil {
		return "", "the request body could not be read"
	}
	var req struct {
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(data, &req); err != nil {
		return "", "the request body is not valid JSON"
	}
	if req.Text == nil || strings.TrimSpace(*req.Text) == "" {
		return "", "$.text: a post must have text or media"
	}
	return *req.Text, ""
}

var linkRE = regexp.MustCompile(`https?://\S+`)

// weightedLength approximates X's count: every link counts 23, everything
// else one per character. It errs on the lenient side (X weighs CJK and
// emoji double), so the fake never refuses a post X would take.
func weightedLength(text string) int {
	links := linkRE.FindAllString(text, -1)
	rest := linkRE.ReplaceAllString(text, "")
	return utf8.RuneCountInString(rest) + 23*len(links)
}

func (s *Server) whoami(w http.ResponseWriter, r *http.Request, api string) {
	key := r.Method + " " + r.URL.Path
	if !s.authenticated(w, r, api, key) {
		return
	}
	h := http.Header{}
	if !s.rateHeaders(h, key, true) {
		write(w, http.StatusTooManyRequests, h, pick(api, tooManyV2, tooManyV11))
		return
	}
	if api == APIv11 {
		writeJSON(w, http.StatusOK, h, s.userV11())
		return
	}
	writeJSON(w, http.StatusOK, h, map[string]any{
		"data": map[string]any{"id": accountID, "name": s.opts.Username, "username": s.opts.Username},
	})
}

func (s *Server) userV11() map[string]any {
	id, _ := strconv.ParseInt(accountID, 10, 64)
	return map[string]any{"id": id, "id_str": accountID, "name": s.opts.Username, "screen_name": s.opts.Username}
}

func (s *Server) tweetV11(p Post) map[string]any {
	id, _ := strconv.ParseInt(p.ID, 10, 64)
	return map[string]any{
		"created_at": p.Time.UTC().Format(time.RubyDate),
		"id":         id,
		"id_str":     p.ID,
		"text":       p.Text,
		"truncated":  false,
		"user":       s.userV11(),
	}
}

func (s *Server) nextScripted() (Response, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.script) == 0 {
		return Response{}, false
	}
	r := s.script[0]
	s.script = s.script[1:]
	return r, true
}

// nextIDLocked makes a snowflake id like X's: milliseconds since X's epoch
// above a sequence, always increasing even on a frozen clock.
func (s *Server) nextIDLocked(now time.Time) string {
	id := (now.UnixMilli() - twitterEpoch) << 22
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return strconv.FormatInt(id, 10)
}

// rateHeaders sets X's x-rate-limit-* headers for the endpoint key and, if
// spend, counts the call. It reports false when the window is used up.
func (s *Server) rateHeaders(h http.Header, key string, spend bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	q := s.windows[key]
	if q == nil || !now.Before(q.start.Add(window)) {
		q = &quota{start: now}
		s.windows[key] = q
	}
	ok := true
	if spend {
		if q.used >= s.opts.Limit {
			ok = false
		} else {
			q.used++
		}
	}
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(s.opts.Limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(s.opts.Limit-q.used))
	h.Set("X-Rate-Limit-Reset", strconv.FormatInt(q.start.Add(window).Unix(), 10))
	return ok
}

// dayHeadersLocked sets the x-user-limit-24hour-* headers when a daily limit
// is configured, and reports whether another post fits in the day.
func (s *Server) dayHeadersLocked(h http.Header) bool {
	limit := s.opts.UserDailyLimit
	if limit <= 0 {
		return true
	}
	now := s.now()
	if s.day.start.IsZero() || !now.Before(s.day.start.Add(day)) {
		s.day = quota{start: now}
	}
	h.Set("X-User-Limit-24hour-Limit", strconv.Itoa(limit))
	h.Set("X-User-Limit-24hour-Remaining", strconv.Itoa(max(limit-s.day.used, 0)))
	h.Set("X-User-Limit-24hour-Reset", strconv.FormatInt(s.day.start.Add(day).Unix(), 10))
	return s.day.used < limit
}

func pick(api, v2, v11 string) string {
	if api == APIv11 {
		return v11
	}
	return v2
}

func write(w http.ResponseWriter, status int, h http.Header, body string) {
	for k, vs := range h {
		w.Header()[http.CanonicalHeaderKey(k)] = vs
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func writeJSON(w http.ResponseWriter, status int, h http.Header, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		write(w, http.StatusInternalServerError, h, problemJSON("Internal Server Error", err.Error(), http.StatusInternalServerError))
		return
	}
	write(w, status, h, string(b))
}
