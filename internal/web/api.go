package web

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/xtext"
)

func (s *Server) routesAPI() {
	s.mux.Handle("POST /api/v1/preview", s.reader(http.HandlerFunc(s.apiPreview)))
	s.mux.Handle("GET /api/v1/posts", s.reader(http.HandlerFunc(s.apiPosts)))
	s.mux.Handle("GET /api/v1/status", s.reader(http.HandlerFunc(s.apiStatus)))
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
}

// editor returns the name of the editor whose bearer token the request
// carries, or "" when it carries none or a wrong one.
func (s *Server) editor(r *http.Request) string {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return ""
	}
	name := ""
	for t, n := range s.o.Tokens {
		// Every token is compared, in constant time, so the answer's timing
		// says nothing about which one came close.
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			name = n
		}
	}
	return name
}

// reader lets a request through when no editor tokens are configured (the
// API is then read-only), or when it carries a valid token.
func (s *Server) reader(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(s.o.Tokens) > 0 && s.editor(r) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="herald"`)
			writeError(w, http.StatusUnauthorized, "a valid editor token is required (Authorization: Bearer <token>)")
			return
		}
		h.ServeHTTP(w, r)
	})
}

type previewRequest struct {
	URL  string `json:"url"`
	Text string `json:"text"`
}

type previewResponse struct {
	Text           string `json:"text"`
	WeightedLength int    `json:"weighted_length"`
	Valid          bool   `json:"valid"`
	Limit          int    `json:"limit"`
}

func (s *Server) apiPreview(w http.ResponseWriter, r *http.Request) {
	var req previewRequest
	if !readJSON(w, r, &req) {
		return
	}
	text := req.Text
	switch {
	case req.URL == "" && req.Text == "":
		writeError(w, http.StatusUnprocessableEntity, `give "url" or "text"`)
		return
	case req.URL != "" && req.Text != "":
		writeError(w, http.StatusUnprocessableEntity, `give "url" or "text", not both`)
		return
	case req.URL != "":
		if _, err := news.CleanURL(req.URL); err != nil {
			writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("%q is not an http(s) URL", req.URL))
			return
		}
		if s.o.Preview == nil {
			writeError(w, http.StatusNotImplemented, "previews of URLs are not available")
			return
		}
		var err error
		if text, err = s.o.Preview(r.Context(), req.URL); err != nil {
			s.o.Log.Info("preview failed", "url", req.URL, "err", err)
			writeError(w, http.StatusUnprocessableEntity, previewError(err))
			return
		}
	}
	res := xtext.Parse(text)
	writeJSON(w, http.StatusOK, previewResponse{Text: text, WeightedLength: res.WeightedLength, Valid: res.Valid, Limit: xtext.MaxWeightedLength})
}

// previewError says in plain words why a URL could not be previewed.
func previewError(err error) string {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return fe.Error()
	}
	return "could not read that page: " + err.Error()
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

func (s *Server) apiPosts(w http.ResponseWriter, r *http.Request) {
	f := store.PostFilter{NewestFirst: true, Limit: 100}
	for _, st := range strings.Split(r.URL.Query().Get("status"), ",") {
		if st == "" {
			continue
		}
		if !news.Status(st).Valid() {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown status %q", st))
			return
		}
		f.Statuses = append(f.Statuses, news.Status(st))
	}
	posts, err := s.o.Store.Posts(r.Context(), f)
	if err != nil {
		s.o.Log.Error("api: list posts", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	out := make([]postJSON, 0, len(posts))
	for _, p := range posts {
		out = append(out, toJSON(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"posts": out})
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
	writeJSON(w, http.StatusOK, map[string]any{"destinations": dests, "posts": queue})
}
