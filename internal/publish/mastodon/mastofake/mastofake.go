// Package mastofake is a fake Mastodon server for herald's tests and demo.
// It answers the API calls herald makes (the instance's configuration, the
// token's account, posting, editing and deleting statuses) the way Mastodon
// does: it checks the bearer token, counts a status's length as Mastodon
// does (grapheme clusters, every link as characters_reserved_per_url),
// answers 422 with Mastodon's {"error": "..."} bodies, and honours
// Idempotency-Key: a second request with the same key gets the first one's
// status back and makes none. Tests read back the statuses, script answers
// and cut connections after a status is made.
package mastofake

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rivo/uniseg"
)

// Options configure the fake server and its one account.
type Options struct {
	// Token is the access token the account's requests must carry.
	Token string
	// Username is the account's; "herald" when empty.
	Username string
	// MaxCharacters and URLCharacters are what /api/v2/instance announces
	// and the length rule the server applies: 500 and 23 when zero.
	MaxCharacters, URLCharacters int
	// NoConfiguration makes /api/v2/instance leave out its configuration,
	// as old or other servers do; the rule stays the defaults.
	NoConfiguration bool
	// Limit is how many statuses may be posted per RateWindow (5 minutes)
	// before 429; 0 means 300, as Mastodon's default.
	Limit int
	// Clock is the fake's time; nil means time.Now.
	Clock func() time.Time
}

// RateWindow is the window of Options.Limit.
const RateWindow = 5 * time.Minute

// Status is a status the fake holds.
type Status struct {
	ID             string    `json:"id"`
	Text           string    `json:"text"`
	Language       string    `json:"language"`
	Visibility     string    `json:"visibility"`
	IdempotencyKey string    `json:"-"`
	CreatedAt      time.Time `json:"created_at"`
	EditedAt       time.Time `json:"-"`
}

// Response is a scripted answer to the next status-creating call.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Server is the fake Mastodon, an http.Handler safe for concurrent use.
type Server struct {
	opts Options
	now  func() time.Time

	mu       sync.Mutex
	statuses []Status
	byKey    map[string]string // Idempotency-Key → status id
	nextID   int64
	posts    int // create calls that reached the length check
	script   []Response
	cut      int
	window   time.Time
	used     int
}

// New returns a fake Mastodon server.
func New(o Options) *Server {
	if o.Username == "" {
		o.Username = "herald"
	}
	if o.MaxCharacters <= 0 {
		o.MaxCharacters = 500
	}
	if o.URLCharacters <= 0 {
		o.URLCharacters = 23
	}
	if o.Limit <= 0 {
		o.Limit = 300
	}
	now := o.Clock
	if now == nil {
		now = time.Now
	}
	return &Server{opts: o, now: now, byKey: map[string]string{}, nextID: 112233445566778899}
}

// Statuses returns the statuses the account holds, oldest first.
func (s *Server) Statuses() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Status(nil), s.statuses...)
}

// Push queues scripted answers for the next authenticated POST
// /api/v1/statuses calls, one each. A scripted call makes no status.
func (s *Server) Push(r ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, r...)
}

// CutNext makes the next n new statuses be made and then left unanswered,
// the connection closed, as when a network fails after Mastodon committed.
func (s *Server) CutNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cut += n
}

var statusPath = regexp.MustCompile(`^/api/v1/statuses/([0-9]+)$`)

// ServeHTTP answers Mastodon's paths that herald uses, and 404 for others.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/instance":
		s.instance(w, r)
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/accounts/verify_credentials":
		if s.authed(w, r) {
			writeJSON(w, http.StatusOK, nil, s.account(r))
		}
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses":
		if s.authed(w, r) {
			s.create(w, r)
		}
	case statusPath.MatchString(r.URL.Path) && (r.Method == http.MethodDelete || r.Method == http.MethodPut):
		if s.authed(w, r) {
			s.change(w, r, statusPath.FindStringSubmatch(r.URL.Path)[1])
		}
	default:
		writeError(w, http.StatusNotFound, nil, "Record not found")
	}
}

func (s *Server) instance(w http.ResponseWriter, r *http.Request) {
	v := map[string]any{
		"domain": r.Host, "title": "Fake Mastodon", "version": "4.5.0", "source_url": "https://github.com/mastodon/mastodon",
	}
	if !s.opts.NoConfiguration {
		v["configuration"] = map[string]any{
			"urls":     map[string]any{"streaming": "wss://" + r.Host},
			"accounts": map[string]any{"max_featured_tags": 10, "max_pinned_statuses": 5},
			"statuses": map[string]any{
				"max_characters": s.opts.MaxCharacters, "max_media_attachments": 4,
				"characters_reserved_per_url": s.opts.URLCharacters,
			},
		}
	}
	writeJSON(w, http.StatusOK, nil, v)
}

func (s *Server) authed(w http.ResponseWriter, r *http.Request) bool {
	v := r.Header.Get("Authorization")
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") && strings.TrimSpace(v[7:]) == s.opts.Token && s.opts.Token != "" {
		return true
	}
	writeError(w, http.StatusUnauthorized, nil, "The access token is invalid")
	return false
}

func (s *Server) account(r *http.Request) map[string]any {
	return map[string]any{"id": "109876543210", "username": s.opts.Username, "acct": s.opts.Username,
		"url": "http://" + r.Host + "/@" + s.opts.Username}
}

type statusParams struct {
	Status     string `json:"status"`
	Language   string `json:"language"`
	Visibility string `json:"visibility"`
}

// readParams reads a status's parameters from JSON or a form, as Mastodon
// takes either.
func readParams(r *http.Request) (statusParams, bool) {
	var p statusParams
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" {
		data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		return p, err == nil && json.Unmarshal(data, &p) == nil
	}
	if err := r.ParseForm(); err != nil {
		return p, false
	}
	return statusParams{Status: r.PostForm.Get("status"), Language: r.PostForm.Get("language"), Visibility: r.PostForm.Get("visibility")}, true
}

var visibilities = map[string]bool{"public": true, "unlisted": true, "private": true, "direct": true}

// invalid returns Mastodon's 422 message for bad parameters, or "".
func (s *Server) invalid(p statusParams) string {
	switch {
	case strings.TrimSpace(p.Status) == "":
		return "Validation failed: Text can't be blank"
	case s.Length(p.Status) > s.opts.MaxCharacters:
		return "Validation failed: Text character limit of " + strconv.Itoa(s.opts.MaxCharacters) + " exceeded"
	case p.Visibility != "" && !visibilities[p.Visibility]:
		return "Validation failed: Visibility is not included in the list"
	}
	return ""
}

var linkRE = regexp.MustCompile(`(?i)https?://\S+`)

// Length counts text as Mastodon's server does: grapheme clusters, every
// http(s) link as URLCharacters whatever its length. (Mastodon's own link
// finder stops before trailing punctuation; this one does not, so the fake
// is never stricter than Mastodon.)
func (s *Server) Length(text string) int {
	links := linkRE.FindAllString(text, -1)
	return uniseg.GraphemeClusterCount(linkRE.ReplaceAllString(text, "")) + len(links)*s.opts.URLCharacters
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	p, ok := readParams(r)
	if !ok {
		writeError(w, http.StatusBadRequest, nil, "Encountered an error while parsing the request body")
		return
	}
	key := r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	if id, ok := s.byKey[key]; ok && key != "" {
		st, _ := s.findLocked(id)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, nil, s.render(r, st))
		return
	}
	var scripted *Response
	if len(s.script) > 0 {
		scripted = &s.script[0]
		s.script = s.script[1:]
	}
	s.mu.Unlock()
	if scripted != nil {
		write(w, scripted.Status, scripted.Header, scripted.Body)
		return
	}

	h, ok := s.spend()
	if !ok {
		writeError(w, http.StatusTooManyRequests, h, "Too many requests")
		return
	}
	if msg := s.invalid(p); msg != "" {
		writeError(w, http.StatusUnprocessableEntity, h, msg)
		return
	}
	vis := p.Visibility
	if vis == "" {
		vis = "public"
	}
	s.mu.Lock()
	s.nextID++
	st := Status{ID: strconv.FormatInt(s.nextID, 10), Text: p.Status, Language: p.Language, Visibility: vis, IdempotencyKey: key, CreatedAt: s.now().UTC()}
	s.statuses = append(s.statuses, st)
	if key != "" {
		s.byKey[key] = st.ID
	}
	cut := s.cut > 0
	if cut {
		s.cut--
	}
	s.mu.Unlock()
	if cut {
		hangUp(w)
		return
	}
	writeJSON(w, http.StatusOK, h, s.render(r, st))
}

// spend counts a post against the rate limit and sets Mastodon's
// X-RateLimit-* headers; false when the window is used up.
func (s *Server) spend() (http.Header, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.window.IsZero() || !now.Before(s.window.Add(RateWindow)) {
		s.window, s.used = now, 0
	}
	ok := s.used < s.opts.Limit
	if ok {
		s.used++
	}
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.opts.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(s.opts.Limit-s.used))
	h.Set("X-RateLimit-Reset", s.window.Add(RateWindow).UTC().Format("2006-01-02T15:04:05.000000Z"))
	return h, ok
}

// RateLimited is Mastodon's answer when a limit is used up until reset.
func RateLimited(reset time.Time) Response {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "300")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", reset.UTC().Format("2006-01-02T15:04:05.000000Z"))
	return Response{Status: http.StatusTooManyRequests, Header: h, Body: `{"error":"Too many requests"}`}
}

func (s *Server) change(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	st, i := s.findLocked(id)
	s.mu.Unlock()
	if i < 0 {
		writeError(w, http.StatusNotFound, nil, "Record not found")
		return
	}
	if r.Method == http.MethodDelete {
		s.mu.Lock()
		if _, i := s.findLocked(id); i >= 0 {
			s.statuses = append(s.statuses[:i], s.statuses[i+1:]...)
		}
		s.mu.Unlock()
		v := s.render(r, st)
		v["text"] = st.Text // as Mastodon does, for "delete and redraft"
		writeJSON(w, http.StatusOK, nil, v)
		return
	}
	p, ok := readParams(r)
	if !ok {
		writeError(w, http.StatusBadRequest, nil, "Encountered an error while parsing the request body")
		return
	}
	if msg := s.invalid(p); msg != "" {
		writeError(w, http.StatusUnprocessableEntity, nil, msg)
		return
	}
	s.mu.Lock()
	if _, i := s.findLocked(id); i >= 0 {
		s.statuses[i].Text = p.Status
		if p.Language != "" {
			s.statuses[i].Language = p.Language
		}
		s.statuses[i].EditedAt = s.now().UTC()
		st = s.statuses[i]
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, nil, s.render(r, st))
}

func (s *Server) findLocked(id string) (Status, int) {
	for i, st := range s.statuses {
		if st.ID == id {
			return st, i
		}
	}
	return Status{}, -1
}

func (s *Server) render(r *http.Request, st Status) map[string]any {
	base := "http://" + r.Host
	v := map[string]any{
		"id": st.ID, "created_at": st.CreatedAt.Format(time.RFC3339Nano), "visibility": st.Visibility,
		"language": nilIfEmpty(st.Language), "uri": base + "/users/" + s.opts.Username + "/statuses/" + st.ID,
		"url": base + "/@" + s.opts.Username + "/" + st.ID, "content": "<p>" + htmlEscape(st.Text) + "</p>",
		"account": s.account(r), "edited_at": nil,
	}
	if !st.EditedAt.IsZero() {
		v["edited_at"] = st.EditedAt.Format(time.RFC3339Nano)
	}
	return v
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "<br />").Replace(s)
}

func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func writeError(w http.ResponseWriter, status int, h http.Header, msg string) {
	b, _ := json.Marshal(map[string]string{"error": msg})
	write(w, status, h, string(b))
}

func writeJSON(w http.ResponseWriter, status int, h http.Header, v any) {
	b, _ := json.Marshal(v)
	write(w, status, h, string(b))
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
