package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/xtext"
)

func (s *Server) routesAPI() {
	s.mux.Handle("POST /api/v1/preview", s.reader(http.HandlerFunc(s.apiPreview)))
	s.mux.Handle("GET /api/v1/posts", s.reader(http.HandlerFunc(s.apiPosts)))
	s.mux.Handle("GET /api/v1/queue", s.reader(http.HandlerFunc(s.apiQueue)))
	s.mux.Handle("GET /api/v1/status", s.reader(http.HandlerFunc(s.apiStatus)))
	s.mux.Handle("GET /api/v1/posts/{id}", s.reader(http.HandlerFunc(s.apiPost)))
	s.mux.Handle("GET /api/v1/feeds", s.reader(http.HandlerFunc(s.apiFeeds)))
	s.mux.Handle("GET /api/v1/audit", s.reader(http.HandlerFunc(s.apiAudit)))
	s.mux.Handle("POST /api/v1/posts", s.writer(s.apiCreate))
	s.mux.Handle("PATCH /api/v1/posts/{id}", s.writer(s.apiEdit))
	s.mux.Handle("POST /api/v1/posts/{id}/{action}", s.writer(s.apiAction))
	s.mux.Handle("POST /api/v1/pause", s.writer(s.apiPause))
	s.mux.Handle("POST /api/v1/resume", s.writer(s.apiResume))
	s.mux.Handle("POST /api/v1/destinations/{name}/resume", s.writer(s.apiResumeDestination))
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
}

// editor returns the name of the editor whose bearer token the request
// carries, or "" when it carries none or a wrong one.
func (s *Server) editor(r *http.Request) string {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return s.editorFor(token)
}

// sessionReader looks at a request with a dashboard session cookie and no
// bearer token: the dashboard reads through the API (its live counter calls
// the preview), with its CSRF token on anything but GET. ok when it may
// read; tried when the request came from the dashboard at all.
func (s *Server) sessionReader(r *http.Request) (ok, tried bool) {
	if r.Header.Get("Authorization") != "" {
		return false, false
	}
	if c, err := r.Cookie(sessionCookie); err != nil || c.Value == "" {
		return false, false
	}
	v, live := s.currentSession(r)
	return live && (r.Method == http.MethodGet || validCSRF(v.CSRF, r.Header.Get(csrfHeader))), true
}

// reader lets a request through when no editor tokens are configured (the
// API is then read-only), or when it carries a valid token.
func (s *Server) reader(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(s.o.Tokens) > 0 {
			switch ok, tried := s.sessionReader(r); {
			case ok:
			case tried:
				writeError(w, http.StatusForbidden, "the dashboard session has ended: reload the page")
				return
			case !s.authenticate(w, r):
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// writer lets a request through with the name of the editor acting: the
// token's name, or "demo" in the demo. Without tokens the API is read-only.
func (s *Server) writer(h func(w http.ResponseWriter, r *http.Request, actor string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case s.o.Editor == nil:
			writeError(w, http.StatusNotImplemented, "editing is not available")
		case len(s.o.Tokens) > 0:
			if s.authenticate(w, r) {
				h(w, r, s.editor(r))
			}
		case s.o.OpenEditing:
			h(w, r, "demo")
		default:
			writeError(w, http.StatusForbidden, "herald is read-only: set HERALD_EDITOR_TOKENS to let editors act")
		}
	})
}

// authenticate checks the bearer token, and answers 401 when it is missing
// or wrong (429 once wrong tokens are throttled). A valid token always
// passes.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) bool {
	if s.editor(r) != "" {
		return true
	}
	if s.wrongToken(r, "api") {
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusTooManyRequests, "too many failed attempts; wait a minute")
		return false
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="herald"`)
	writeError(w, http.StatusUnauthorized, "a valid editor token is required (Authorization: Bearer <token>)")
	return false
}

type previewRequest struct {
	URL  string `json:"url"`
	Text string `json:"text"`
	// Destinations limit the preview to these (default: all, or those
	// that take the article).
	Destinations []string `json:"destinations"`
}

// previewResponse is X's text and count, as herald has always answered,
// and each destination's own text and count.
type previewResponse struct {
	Text           string           `json:"text"`
	WeightedLength int              `json:"weighted_length"`
	Valid          bool             `json:"valid"`
	Limit          int              `json:"limit"`
	Destinations   []outbox.Written `json:"destinations"`
}

func (s *Server) apiPreview(w http.ResponseWriter, r *http.Request) {
	var req previewRequest
	if !readJSON(w, r, &req) {
		return
	}
	switch {
	case req.URL == "" && req.Text == "":
		writeError(w, http.StatusUnprocessableEntity, `give "url" or "text"`)
		return
	case req.URL != "" && req.Text != "":
		writeError(w, http.StatusUnprocessableEntity, `give "url" or "text", not both`)
		return
	case req.URL != "":
		if len(s.o.Tokens) == 0 && !s.o.OpenEditing {
			// Reading an address fetches it: herald fetches nothing for an
			// anonymous caller.
			writeError(w, http.StatusForbidden, "herald is read-only: previews of an address need an editor token (HERALD_EDITOR_TOKENS); previews of a text do not")
			return
		}
		if _, err := news.CleanURL(req.URL); err != nil {
			writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("%q is not an http(s) URL", req.URL))
			return
		}
		if s.o.Editor == nil {
			writeError(w, http.StatusNotImplemented, "previews of URLs are not available")
			return
		}
	}
	res := previewResponse{Text: req.Text, Destinations: []outbox.Written{}}
	if s.o.Editor != nil {
		_, ws, err := s.o.Editor.Write(r.Context(), outbox.Draft{URL: req.URL, Text: req.Text, Destinations: req.Destinations})
		if err != nil {
			if req.URL != "" {
				s.o.Log.Info("preview failed", "url", req.URL, "err", err)
			}
			writeError(w, http.StatusUnprocessableEntity, previewError(err))
			return
		}
		res.Destinations = ws
		// X's text, as the preview has always shown: the first X
		// destination's, else the first destination's.
		if len(ws) > 0 {
			res.Text = ws[0].Text
		}
		for _, d := range ws {
			if d.Network == "x" {
				res.Text = d.Text
				break
			}
		}
	}
	p := xtext.Parse(res.Text)
	res.WeightedLength, res.Valid, res.Limit = p.WeightedLength, p.Valid, xtext.MaxWeightedLength
	writeJSON(w, http.StatusOK, res)
}

// previewError says in plain words why a URL could not be previewed.
func previewError(err error) string {
	if r, ok := news.Refusal(err); ok {
		return r.Message
	}
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return fetch.Describe(err)
	}
	return "could not read that page"
}

type postJSON struct {
	ID          int64  `json:"id"`
	ArticleID   int64  `json:"article_id,omitempty"`
	Destination string `json:"destination"`
	Text        string `json:"text"`
	Status      string `json:"status"`
	Priority    int    `json:"priority"`
	NotBefore   string `json:"not_before"`
	Attempts    int    `json:"attempts"`
	LastError   string `json:"last_error,omitempty"`
	RemoteID    string `json:"remote_id,omitempty"`
	RemoteURL   string `json:"remote_url,omitempty"`
	CreatedBy   string `json:"created_by,omitempty"`
	CreatedAt   string `json:"created_at"`
	PublishedAt string `json:"published_at,omitempty"`
}

func toJSON(p *news.Post) postJSON {
	j := postJSON{ID: p.ID, ArticleID: p.ArticleID, Destination: p.Destination, Text: p.Text, Status: string(p.Status),
		Priority: p.Priority, NotBefore: rfc3339(p.NotBefore), Attempts: p.Attempts, LastError: p.LastError,
		RemoteID: p.RemoteID, RemoteURL: p.RemoteURL, CreatedBy: p.CreatedBy, CreatedAt: rfc3339(p.CreatedAt)}
	if !p.PublishedAt.IsZero() {
		j.PublishedAt = rfc3339(p.PublishedAt)
	}
	return j
}

// maxPage is the most posts one page of GET /api/v1/posts holds.
const maxPage = 1000

// apiPosts lists posts, newest made first, a page at a time: "limit" posts
// (100 unless given, at most maxPage) after the "cursor" of the page
// before, with the "next" page's cursor in the answer until the last page.
// The order never changes, so paging reads every post once.
func (s *Server) apiPosts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.PostFilter{Order: store.ByID, Limit: 100}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			writeError(w, http.StatusBadRequest, fmt.Sprintf(`"limit" must be a whole number from 1 to %d`, maxPage))
			return
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		id, err := parseCursor(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, `"cursor" is not one herald gave: use the "next" of the page before`)
			return
		}
		f.After = &store.Cursor{ID: id}
	}
	for _, st := range strings.Split(q.Get("status"), ",") {
		if st == "" {
			continue
		}
		if !news.Status(st).Valid() {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown status %q", st))
			return
		}
		f.Statuses = append(f.Statuses, news.Status(st))
	}
	// One more than the page tells whether another page follows.
	want := f.Limit
	f.Limit++
	posts, err := s.o.Store.Posts(r.Context(), f)
	if err != nil {
		s.o.Log.Error("api: list posts", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	answer := map[string]any{}
	if len(posts) > want {
		posts = posts[:want]
		answer["next"] = cursorOf(posts[len(posts)-1].ID)
	}
	out := make([]postJSON, 0, len(posts))
	for _, p := range posts {
		out = append(out, toJSON(p))
	}
	answer["posts"] = out
	writeJSON(w, http.StatusOK, answer)
}

// A page's cursor is opaque to clients: the last post's id, encoded.
func cursorOf(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("p" + strconv.FormatInt(id, 10)))
}

func parseCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 2 || b[0] != 'p' {
		return 0, errors.New("bad cursor")
	}
	id, err := strconv.ParseInt(string(b[1:]), 10, 64)
	if err != nil || id < 1 {
		return 0, errors.New("bad cursor")
	}
	return id, nil
}

// apiQueue lists the posts waiting to go out, in the order they will, each
// with when it is expected to and what holds it back.
func (s *Server) apiQueue(w http.ResponseWriter, r *http.Request) {
	if s.o.Editor == nil {
		writeJSON(w, http.StatusOK, map[string]any{"queue": []any{}})
		return
	}
	est, err := s.o.Editor.Queue(r.Context(), 1000)
	if err != nil {
		s.apiError(w, err)
		return
	}
	type queued struct {
		postJSON
		ExpectedAt string `json:"expected_at"`
		Held       string `json:"held,omitempty"`
	}
	out := make([]queued, 0, len(est))
	for _, e := range est {
		out = append(out, queued{toJSON(e.Post), rfc3339(e.Due), e.Held})
	}
	writeJSON(w, http.StatusOK, map[string]any{"queue": out})
}

// readJSON decodes a small JSON body strictly: unknown fields and trailing
// data are errors, answered 400.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "bad JSON body: "+err.Error())
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		writeError(w, http.StatusBadRequest, "bad JSON body: more than one value")
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func (s *Server) apiStatus(w http.ResponseWriter, r *http.Request) {
	counts, err := s.o.Store.CountPosts(r.Context())
	if err != nil {
		s.o.Log.Error("api: status", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	queue := make(map[string]int, len(news.Statuses))
	for _, st := range news.Statuses {
		queue[string(st)] = counts[st]
	}
	dests := []outbox.DestinationStatus{}
	if s.o.Status != nil {
		if dests, err = s.o.Status(r.Context()); err != nil {
			s.o.Log.Error("api: status", "err", err)
			writeError(w, http.StatusInternalServerError, "internal error")
			return
		}
	}
	paused := false
	if s.o.Editor != nil {
		if paused, err = s.o.Editor.Paused(r.Context()); err != nil {
			s.apiError(w, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"paused": paused, "destinations": dests, "posts": queue})
}

// apiError answers an error from the editor layer with its status: 422 for
// a request that cannot be carried out as given, 404 for what does not
// exist, 409 for an action the current state forbids, each with the
// editor's words; 500 with nothing internal otherwise.
func (s *Server) apiError(w http.ResponseWriter, err error) {
	if r, ok := news.Refusal(err); ok {
		status := http.StatusUnprocessableEntity
		switch {
		case errors.Is(r.Kind, news.ErrNotFound):
			status = http.StatusNotFound
		case errors.Is(r.Kind, news.ErrConflict):
			status = http.StatusConflict
		}
		writeError(w, status, r.Message)
		return
	}
	if errors.Is(err, news.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	s.o.Log.Error("api", "err", err)
	writeError(w, http.StatusInternalServerError, "internal error")
}

func postID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusNotFound, "not found")
		return 0, false
	}
	return id, true
}

func (s *Server) apiPost(w http.ResponseWriter, r *http.Request) {
	id, ok := postID(w, r)
	if !ok {
		return
	}
	p, err := s.o.Store.Post(r.Context(), id)
	if err != nil {
		s.apiError(w, err)
		return
	}
	hist, err := s.o.Store.History(r.Context(), id)
	if err != nil {
		s.apiError(w, err)
		return
	}
	type event struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
		Actor  string `json:"actor"`
		At     string `json:"at"`
	}
	events := make([]event, 0, len(hist))
	for _, h := range hist {
		events = append(events, event{string(h.From), string(h.To), h.Reason, h.Actor, rfc3339(h.At)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"post": toJSON(p), "history": events})
}

type createRequest struct {
	URL  string `json:"url"`
	Text string `json:"text"`
	At   string `json:"at"`
	// Destinations are where the post goes (default: all; for an article,
	// all that take it); Destination, one more, as herald took before.
	Destinations []string `json:"destinations"`
	Destination  string   `json:"destination"`
}

func parseAt(w http.ResponseWriter, at string) (time.Time, bool) {
	if at == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf(`"at" %q is not an RFC 3339 time like 2026-11-25T18:30:00Z`, at))
		return time.Time{}, false
	}
	return t, true
}

func (s *Server) apiCreate(w http.ResponseWriter, r *http.Request, actor string) {
	var req createRequest
	if !readJSON(w, r, &req) {
		return
	}
	at, ok := parseAt(w, req.At)
	if !ok {
		return
	}
	posts, err := s.o.Editor.Create(r.Context(), actor, outbox.Draft{URL: req.URL, Text: req.Text, At: at,
		Destinations: req.Destinations, Destination: req.Destination})
	if err != nil {
		s.apiError(w, err)
		return
	}
	out := make([]postJSON, len(posts))
	for i, p := range posts {
		out[i] = toJSON(p)
	}
	// "post" is the first, for clients that made one post per call.
	writeJSON(w, http.StatusAccepted, map[string]any{"post": out[0], "posts": out})
}

type editRequest struct {
	Text     *string `json:"text"`
	At       *string `json:"at"`
	Priority *int    `json:"priority"`
}

func (s *Server) apiEdit(w http.ResponseWriter, r *http.Request, actor string) {
	id, ok := postID(w, r)
	if !ok {
		return
	}
	var req editRequest
	if !readJSON(w, r, &req) {
		return
	}
	c := outbox.Change{Text: req.Text, Priority: req.Priority}
	if req.At != nil {
		at, ok := parseAt(w, *req.At)
		if !ok {
			return
		}
		c.At = &at
	}
	p, err := s.o.Editor.Edit(r.Context(), id, actor, c)
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"post": toJSON(p)})
}

func (s *Server) apiAction(w http.ResponseWriter, r *http.Request, actor string) {
	id, ok := postID(w, r)
	if !ok {
		return
	}
	actions := map[string]func(context.Context, int64, string) (*news.Post, error){
		"approve": s.o.Editor.Approve, "reject": s.o.Editor.Reject, "cancel": s.o.Editor.Cancel,
		"retry": s.o.Editor.Retry, "publish": s.o.Editor.PublishNow,
	}
	act, ok := actions[r.PathValue("action")]
	if !ok {
		writeError(w, http.StatusNotFound, "no such action: use approve, reject, cancel, retry or publish")
		return
	}
	p, err := act(r.Context(), id, actor)
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"post": toJSON(p)})
}

func (s *Server) apiPause(w http.ResponseWriter, r *http.Request, actor string) {
	if err := s.o.Editor.PauseAll(r.Context(), actor); err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"paused": true})
}

func (s *Server) apiResume(w http.ResponseWriter, r *http.Request, actor string) {
	if err := s.o.Editor.ResumeAll(r.Context(), actor); err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"paused": false})
}

func (s *Server) apiResumeDestination(w http.ResponseWriter, r *http.Request, actor string) {
	if err := s.o.Editor.ResumeDestination(r.Context(), r.PathValue("name"), actor); err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"destination": r.PathValue("name"), "paused": false})
}

func (s *Server) apiFeeds(w http.ResponseWriter, r *http.Request) {
	type feedJSON struct {
		URL         string `json:"url"`
		Title       string `json:"title"`
		LastFetch   string `json:"last_fetch,omitempty"`
		LastSuccess string `json:"last_success,omitempty"`
		LastStatus  string `json:"last_status,omitempty"`
		LastError   string `json:"last_error,omitempty"`
		Failures    int    `json:"failures"`
		NextFetch   string `json:"next_fetch,omitempty"`
		Articles    int    `json:"articles"`
		// Push is how the feed's hub pushes it (WebSub).
		Push pushJSON `json:"push"`
	}
	out := []feedJSON{}
	if s.o.Feeds != nil {
		counts := map[string]int{}
		if all, err := s.o.Store.Feeds(r.Context()); err == nil {
			for _, f := range all {
				counts[f.URL] = f.Articles
			}
		}
		push, err := s.pushStates(r.Context())
		if err != nil {
			s.apiError(w, err)
			return
		}
		for _, f := range s.o.Feeds.Feeds() {
			out = append(out, feedJSON{f.URL, f.Title, rfc3339(f.LastFetch), rfc3339(f.LastSuccess), f.LastStatus, f.LastError,
				f.Failures, rfc3339(f.NextFetch), counts[f.URL], pushFor(push, f.URL).json()})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"feeds": out})
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	log, err := s.o.Store.AuditLog(r.Context(), 200)
	if err != nil {
		s.apiError(w, err)
		return
	}
	type entry struct {
		At     string `json:"at"`
		Actor  string `json:"actor"`
		Action string `json:"action"`
		PostID int64  `json:"post_id,omitempty"`
		Detail string `json:"detail,omitempty"`
	}
	out := make([]entry, 0, len(log))
	for _, e := range log {
		out = append(out, entry{rfc3339(e.At), e.Actor, e.Action, e.PostID, e.Detail})
	}
	writeJSON(w, http.StatusOK, map[string]any{"audit": out})
}
