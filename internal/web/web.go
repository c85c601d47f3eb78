// Package web serves herald's HTTP side: the probes, Prometheus metrics, the
// editors' JSON API and the dashboard, which shows the timeline as followers
// see it, what goes out next and how each feed and destination is doing, and
// lets signed-in editors write, schedule, approve and retry posts.
package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/source/websub"
	"github.com/heraldhq/herald/internal/store"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Feeds gives the state of the feeds being polled.
type Feeds interface {
	Feeds() []store.Feed
}

// StatusFunc reports each destination's state and limits.
type StatusFunc func(ctx context.Context) ([]outbox.DestinationStatus, error)

// Options configure the server.
type Options struct {
	Store    store.Store
	Feeds    Feeds
	Status   StatusFunc
	Registry *prometheus.Registry
	Log      *slog.Logger
	// Refresh, when above zero, makes the dashboard reload itself (the demo).
	Refresh time.Duration
	// Title names the instance on the dashboard.
	Title string
	Clock func() time.Time
	// Tokens maps editors' bearer tokens to their names.
	Tokens map[string]string
	// Editor carries out editors' actions, and writes their drafts for
	// the preview and the compose page.
	Editor Editor
	// OpenEditing lets anyone act without a token (the demo only).
	OpenEditing bool
	// LinkHref, when set, says where the dashboard's link for a link in a
	// post's text, or for a published post's address, points. The demo
	// sends its newsroom's address, whose name only herald resolves, to the
	// newsroom it serves at /demo/site, and its fake networks' posts to
	// their pages.
	LinkHref func(url string) string
	// WebSub, when set, answers the hubs at their callbacks
	// (websub.CallbackPattern); Push gives each feed's push state, by feed
	// URL. Without them, push is off (no HERALD_PUBLIC_URL).
	WebSub http.Handler
	Push   func(ctx context.Context) (map[string]websub.Status, error)
	// Announce records an article a CMS announces and queues its automatic
	// posts (POST /api/v1/articles); false when it is known already.
	Announce func(ctx context.Context, url string, categories []string, by string) ([]*news.Post, bool, error)
	// Attention, when set, is the corrections and takedowns desk (Needs
	// attention, POST /api/v1/articles/retract and /correct).
	Attention AttentionDesk
}

// Editor is what editors can do to posts and to the bot.
type Editor interface {
	Approve(ctx context.Context, id int64, actor string) (*news.Post, error)
	Reject(ctx context.Context, id int64, actor string) (*news.Post, error)
	Cancel(ctx context.Context, id int64, actor string) (*news.Post, error)
	Retry(ctx context.Context, id int64, actor string) (*news.Post, error)
	PublishNow(ctx context.Context, id int64, actor string) (*news.Post, error)
	Edit(ctx context.Context, id int64, actor string, c outbox.Change) (*news.Post, error)
	Create(ctx context.Context, actor string, d outbox.Draft) ([]*news.Post, error)
	// Write writes a draft for each of its destinations without posting.
	Write(ctx context.Context, d outbox.Draft) (*news.Article, []outbox.Written, error)
	// Measure counts a text as a destination's network does.
	Measure(dest, text string) outbox.Measured
	Raise(ctx context.Context, id int64, actor string) (*news.Post, error)
	Queue(ctx context.Context, limit int) ([]outbox.Estimate, error)
	PauseAll(ctx context.Context, actor string) error
	ResumeAll(ctx context.Context, actor string) error
	Paused(ctx context.Context) (bool, error)
	ResumeDestination(ctx context.Context, name, actor string) error
	Destinations() []string
	// Network is the network a destination posts to.
	Network(name string) string
}

var _ Editor = (*outbox.Dispatcher)(nil)

// Server is herald's HTTP handler.
type Server struct {
	o           Options
	mux         *http.ServeMux
	pages       *template.Template
	stopping    atomic.Bool
	guard       *signInGuard
	crossOrigin *http.CrossOriginProtection
}

// New builds the server's routes.
func New(o Options) *Server {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Title == "" {
		o.Title = "herald"
	}
	s := &Server{o: o, mux: http.NewServeMux(), crossOrigin: http.NewCrossOriginProtection(), guard: newSignInGuard(o.Registry)}
	s.pages = template.Must(template.New("").Funcs(template.FuncMap{
		"ago":    func(t time.Time) string { return ago(o.Clock(), t) },
		"stamp":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"iso":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"status": func(s news.Status) string { return string(s) },
	}).Funcs(dashboardFuncs(o.Clock)).Funcs(template.FuncMap{
		"linkify": func(text string) template.HTML { return linkifyHref(text, o.LinkHref) },
		// href is where the dashboard points a published post's address.
		"href": func(u string) string {
			if o.LinkHref != nil {
				return o.LinkHref(u)
			}
			return u
		},
	}).ParseFS(assets, "templates/*.html"))
	static, _ := fs.Sub(assets, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if o.Registry != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(o.Registry, promhttp.HandlerOpts{Registry: o.Registry}))
	}
	s.routesDashboard()
	s.routesAPI()
	s.routesPush()
	s.routesAttention()
	return s
}

// Handle adds a route, for handlers that live elsewhere (the demo site).
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// ServeHTTP serves a request with a few headers every answer carries.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

// ShuttingDown makes /readyz fail, so a load balancer stops sending traffic.
func (s *Server) ShuttingDown() { s.stopping.Store(true) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.stopping.Load() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.o.Store.Ping(ctx); err != nil {
		s.o.Log.Error("readiness: the database cannot be read or written", "err", err)
		http.Error(w, "database not ready: it cannot be read or written", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

// fail answers 500 without showing what went wrong inside.
func (s *Server) fail(w http.ResponseWriter, err error) {
	s.o.Log.Error("dashboard failed", "err", err)
	http.Error(w, "Something went wrong on our side; the log has the details.", http.StatusInternalServerError)
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		s = "seconds"
	case d < time.Hour:
		s = plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		s = plural(int(d/time.Hour), "hour")
	default:
		s = plural(int(d/(24*time.Hour)), "day")
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
