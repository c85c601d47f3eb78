package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store"
)

// Needs attention: articles that changed after herald posted them (a
// corrected headline, a takedown), on a dashboard page and in the API,
// with the actions editors take on them; the CMS's retractions and
// corrections; and the marks of deleted posts on the timeline.

// AttentionDesk is the outbox's corrections and takedowns desk.
type AttentionDesk interface {
	List(ctx context.Context, withResolved bool, limit int) ([]outbox.AttentionItem, error)
	Item(ctx context.Context, id int64) (outbox.AttentionItem, error)
	Open(ctx context.Context) (int, error)
	Act(ctx context.Context, id int64, action, actor string) (outbox.AttentionItem, string, error)
	Retract(ctx context.Context, url, by string, del bool) (*store.AttentionEvent, error)
	Correct(ctx context.Context, url, title, by string) (*store.AttentionEvent, error)
}

var _ AttentionDesk = (*outbox.Attention)(nil)

func (s *Server) routesAttention() {
	s.mux.Handle("GET /api/v1/attention", s.reader(http.HandlerFunc(s.apiAttention)))
	s.mux.Handle("GET /api/v1/attention/{id}", s.reader(http.HandlerFunc(s.apiAttentionItem)))
	s.mux.Handle("POST /api/v1/attention/{id}/{action}", s.writer(s.apiAttentionAct))
	s.mux.Handle("POST /api/v1/articles/retract", s.writer(s.apiRetract))
	s.mux.Handle("POST /api/v1/articles/correct", s.writer(s.apiCorrect))
	s.mux.HandleFunc("GET /attention", s.page(s.attentionPage))
	s.mux.HandleFunc("POST /attention/{id}/{action}", s.act(s.attentionAction))
}

// WatchAttention counts the events in herald_attention_events_total{kind}
// and exports how many are open, and returns what counts one.
func (m *Metrics) WatchAttention(open func(ctx context.Context) (int, error)) func(store.AttentionKind) {
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "herald_attention_events_total", Help: "Articles that changed after they were posted, by kind (correction, takedown).",
	}, []string{"kind"})
	for _, k := range []store.AttentionKind{store.KindCorrection, store.KindTakedown} {
		events.WithLabelValues(string(k))
	}
	gauge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "herald_attention_open", Help: "Events in Needs attention that no one has acted on yet.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := open(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	m.Registry.MustRegister(events, gauge)
	return func(k store.AttentionKind) { events.WithLabelValues(string(k)).Inc() }
}

type deletionJSON struct {
	Status    string `json:"status"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error,omitempty"`
	DeletedAt string `json:"deleted_at,omitempty"`
	By        string `json:"requested_by,omitempty"`
}

type attentionPostJSON struct {
	postJSON
	Deletion *deletionJSON `json:"deletion,omitempty"`
}

type attentionJSON struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Status     string `json:"status"`
	OldTitle   string `json:"old_title,omitempty"`
	NewTitle   string `json:"new_title,omitempty"`
	Detail     string `json:"detail"`
	Source     string `json:"source"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
	Resolution string `json:"resolution,omitempty"`
	ResolvedBy string `json:"resolved_by,omitempty"`
	ResolvedAt string `json:"resolved_at,omitempty"`
	Article    struct {
		ID    int64  `json:"id"`
		URL   string `json:"url"`
		Title string `json:"title"`
	} `json:"article"`
	Posts []attentionPostJSON `json:"posts"`
}

func attentionToJSON(it outbox.AttentionItem) attentionJSON {
	ev := it.Event
	j := attentionJSON{ID: ev.ID, Kind: string(ev.Kind), Status: "resolved", OldTitle: ev.OldTitle, NewTitle: ev.NewTitle,
		Detail: ev.Detail, Source: ev.Source, CreatedAt: rfc3339(ev.CreatedAt), UpdatedAt: rfc3339(ev.UpdatedAt),
		Resolution: ev.Resolution, ResolvedBy: ev.ResolvedBy, ResolvedAt: rfc3339(ev.ResolvedAt), Posts: []attentionPostJSON{}}
	if ev.Open {
		j.Status = "open"
	}
	if a := it.Article; a != nil {
		j.Article.ID, j.Article.URL, j.Article.Title = a.ID, a.URL, a.Title
	}
	for _, p := range it.Posts {
		pj := attentionPostJSON{postJSON: toJSON(p)}
		if d, ok := it.Deletions[p.ID]; ok {
			pj.Deletion = &deletionJSON{Status: string(d.Status), Attempts: d.Attempts, LastError: d.LastError,
				DeletedAt: rfc3339(d.DeletedAt), By: d.RequestedBy}
		}
		j.Posts = append(j.Posts, pj)
	}
	return j
}

func (s *Server) apiAttention(w http.ResponseWriter, r *http.Request) {
	if s.o.Attention == nil {
		writeJSON(w, http.StatusOK, map[string]any{"attention": []any{}, "open": 0})
		return
	}
	all := r.URL.Query().Get("all")
	items, err := s.o.Attention.List(r.Context(), all == "1" || all == "true", 200)
	if err != nil {
		s.apiError(w, err)
		return
	}
	open, err := s.o.Attention.Open(r.Context())
	if err != nil {
		s.apiError(w, err)
		return
	}
	out := make([]attentionJSON, 0, len(items))
	for _, it := range items {
		out = append(out, attentionToJSON(it))
	}
	writeJSON(w, http.StatusOK, map[string]any{"attention": out, "open": open})
}

func (s *Server) apiAttentionItem(w http.ResponseWriter, r *http.Request) {
	id, ok := postID(w, r)
	if !ok {
		return
	}
	if s.o.Attention == nil {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	it, err := s.o.Attention.Item(r.Context(), id)
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"event": attentionToJSON(it)})
}

func (s *Server) apiAttentionAct(w http.ResponseWriter, r *http.Request, actor string) {
	id, ok := postID(w, r)
	if !ok {
		return
	}
	if s.o.Attention == nil {
		writeError(w, http.StatusNotImplemented, "corrections and takedowns are not available")
		return
	}
	action := r.PathValue("action")
	if !validAttentionAction(action) {
		writeError(w, http.StatusNotFound, "no such action: use delete, edit, correct or dismiss")
		return
	}
	it, msg, err := s.o.Attention.Act(r.Context(), id, action, actor)
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"event": attentionToJSON(it), "result": msg})
}

func validAttentionAction(a string) bool {
	for _, v := range outbox.AttentionActions {
		if a == v {
			return true
		}
	}
	return false
}

// apiRetract is a CMS's word that an article was pulled; with "delete"
// its posts are deleted at once.
func (s *Server) apiRetract(w http.ResponseWriter, r *http.Request, actor string) {
	var req struct {
		URL    string `json:"url"`
		Delete bool   `json:"delete"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if s.o.Attention == nil {
		writeError(w, http.StatusNotImplemented, "corrections and takedowns are not available")
		return
	}
	ev, err := s.o.Attention.Retract(r.Context(), req.URL, actor, req.Delete)
	s.answerChange(w, r, actor, "retract", req.URL, ev, err)
}

// apiCorrect is a CMS's word that an article's headline was corrected.
func (s *Server) apiCorrect(w http.ResponseWriter, r *http.Request, actor string) {
	var req struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if s.o.Attention == nil {
		writeError(w, http.StatusNotImplemented, "corrections and takedowns are not available")
		return
	}
	ev, err := s.o.Attention.Correct(r.Context(), req.URL, req.Title, actor)
	s.answerChange(w, r, actor, "correct article", req.URL, ev, err)
}

// answerChange answers a CMS's retraction or correction: the event editors
// see, or that nothing had gone out (its waiting posts were changed).
func (s *Server) answerChange(w http.ResponseWriter, r *http.Request, actor, action, url string, ev *store.AttentionEvent, err error) {
	if err != nil {
		s.apiError(w, err)
		return
	}
	if err := s.o.Store.AddAudit(r.Context(), store.AuditEntry{At: s.o.Clock(), Actor: actor, Action: action, Detail: url}); err != nil {
		s.o.Log.Error("audit: "+action, "err", err)
	}
	if ev == nil {
		writeJSON(w, http.StatusOK, map[string]any{"status": "not posted",
			"detail": "no post of this article had gone out; those waiting were changed or canceled"})
		return
	}
	it, err := s.o.Attention.Item(r.Context(), ev.ID)
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "recorded", "event": attentionToJSON(it)})
}

// attentionView is the Needs attention page.
type attentionView struct {
	Items    []outbox.AttentionItem
	Resolved bool
	CSRF     string
	CanAct   bool
}

func (s *Server) attentionPage(w http.ResponseWriter, r *http.Request, v viewer) {
	av := attentionView{Resolved: r.URL.Query().Get("all") == "1", CSRF: v.CSRF, CanAct: v.CanAct()}
	if s.o.Attention != nil {
		var err error
		if av.Items, err = s.o.Attention.List(r.Context(), av.Resolved, 200); err != nil {
			s.fail(w, err)
			return
		}
	}
	s.renderPage(w, r, http.StatusOK, "attention.html", "attention", "Needs attention", v, av)
}

func (s *Server) attentionAction(w http.ResponseWriter, r *http.Request, v viewer) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	action := r.PathValue("action")
	if err != nil || id <= 0 || s.o.Attention == nil || !validAttentionAction(action) {
		s.renderError(w, r, http.StatusNotFound, "There is no such event or action.")
		return
	}
	label := fmt.Sprintf("Event #%d", id)
	_, msg, err := s.o.Attention.Act(r.Context(), id, action, v.Editor)
	if err != nil {
		s.done(w, r, v, "/attention", s.actionError(err, label))
		return
	}
	s.done(w, r, v, "/attention", flash{Text: label + ": " + msg + "."})
}

// countAttention adds the open events to a page's counts, for the
// navigation's badge.
func (s *Server) countAttention(ctx context.Context, counts map[string]int) error {
	if s.o.Attention == nil {
		return nil
	}
	n, err := s.o.Attention.Open(ctx)
	counts["attention"] = n
	return err
}

// deletionsOf returns the deletions of the timeline's posts, by post.
func (s *Server) deletionsOf(ctx context.Context, posts []*news.Post) (map[int64]*store.Deletion, error) {
	ids := make([]int64, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
	}
	return s.o.Store.PostDeletions(ctx, ids)
}
