package web

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/source/websub"
	"github.com/heraldhq/herald/internal/store"
)

// Push: the WebSub hubs' callbacks, CMS announcements, and how each feed's
// news reach herald.

func (s *Server) routesPush() {
	if s.o.WebSub != nil {
		// No token here: a hub proves itself by the unguessable callback it
		// was given and by signing what it sends.
		s.mux.Handle("GET "+websub.CallbackPattern, s.o.WebSub)
		s.mux.Handle("POST "+websub.CallbackPattern, s.o.WebSub)
	}
	s.mux.Handle("POST /api/v1/articles", s.writer(s.apiAnnounce))
}

// pushView is a feed's push state as the Feeds page and the API show it.
type pushView struct {
	// State is "off" (no HERALD_PUBLIC_URL), "unknown" (the feed has not
	// been read yet), or a websub.Status state: "none" (no hub),
	// "subscribing", "active", "refused", "unsubscribing".
	State   string
	Hub     string
	HubHost string
	Until   time.Time
	Reason  string
}

// pushStates reads every feed's push state; nil when push is off.
func (s *Server) pushStates(ctx context.Context) (map[string]websub.Status, error) {
	if s.o.Push == nil {
		return nil, nil
	}
	return s.o.Push(ctx)
}

func pushFor(states map[string]websub.Status, feedURL string) pushView {
	if states == nil {
		return pushView{State: "off"}
	}
	st, ok := states[feedURL]
	if !ok {
		return pushView{State: "unknown"}
	}
	return pushView{State: st.State, Hub: st.Hub, HubHost: st.HubHost(), Until: st.Until, Reason: st.Reason}
}

type pushJSON struct {
	State  string `json:"state"`
	Hub    string `json:"hub,omitempty"`
	Until  string `json:"until,omitempty"`
	Reason string `json:"reason,omitempty"`
}

func (p pushView) json() pushJSON {
	return pushJSON{State: p.State, Hub: p.Hub, Until: rfc3339(p.Until), Reason: p.Reason}
}

// apiAnnounce takes a CMS's word that an article was just published:
// POST /api/v1/articles {"url": "…", "categories": ["…"]} (categories
// optional). The article is read and its posts
// queued at once, by the rules of the feed's own articles: 202 with the
// posts. An article herald has recorded already (announced before, or read
// from its feed) is 200 {"status": "known"}, so a CMS that retries does no
// harm.
func (s *Server) apiAnnounce(w http.ResponseWriter, r *http.Request, actor string) {
	if s.o.Announce == nil {
		writeError(w, http.StatusNotImplemented, "announcements are not available")
		return
	}
	var req struct {
		URL        string   `json:"url"`
		Categories []string `json:"categories"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	posts, added, err := s.o.Announce(r.Context(), req.URL, req.Categories, actor)
	if err != nil {
		s.apiError(w, err)
		return
	}
	if !added {
		writeJSON(w, http.StatusOK, map[string]any{"status": "known"})
		return
	}
	out := make([]postJSON, 0, len(posts))
	var articleID int64
	for _, p := range posts {
		out = append(out, toJSON(p))
		articleID = p.ArticleID
	}
	if err := s.o.Store.AddAudit(r.Context(), store.AuditEntry{At: s.o.Clock(), Actor: actor, Action: "announce", Detail: req.URL}); err != nil {
		s.o.Log.Error("audit: announce", "err", err)
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "new", "article_id": articleID, "posts": out})
}

var subscriptionsDesc = prometheus.NewDesc("herald_websub_subscriptions",
	"WebSub subscriptions by state (none: the feed names no hub).", []string{"state"}, nil)

// WatchWebSub exports the subscriptions' states, read from counts at every
// scrape, and returns what counts the hubs' notifications by result.
func (m *Metrics) WatchWebSub(counts func(ctx context.Context) (map[string]int, error)) (observe func(result string)) {
	notes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "herald_websub_notifications_total",
		Help: "Notifications from WebSub hubs by result: accepted, bad_signature, unknown (no such subscription), too_large.",
	}, []string{"result"})
	for _, r := range []string{websub.ResultAccepted, websub.ResultBadSignature, websub.ResultUnknown, websub.ResultTooLarge} {
		notes.WithLabelValues(r)
	}
	m.Registry.MustRegister(notes, &subscriptionCollector{counts: counts})
	return func(result string) { notes.WithLabelValues(result).Inc() }
}

type subscriptionCollector struct {
	counts func(ctx context.Context) (map[string]int, error)
}

func (c *subscriptionCollector) Describe(ch chan<- *prometheus.Desc) { ch <- subscriptionsDesc }

func (c *subscriptionCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.counts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(subscriptionsDesc, err)
		return
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(subscriptionsDesc, prometheus.GaugeValue, float64(n), state)
	}
}
