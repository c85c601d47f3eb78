package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/xtext"
)

// The editors' dashboard: server-rendered pages, one per task, whose actions
// are plain forms (POST, then a redirect), so that everything works without
// JavaScript; herald.js adds the live length counter and local times.

func (s *Server) routesDashboard() {
	s.mux.HandleFunc("GET /{$}", s.page(s.timeline))
	s.mux.HandleFunc("GET /queue", s.page(s.queuePage))
	s.mux.HandleFunc("GET /pending", s.page(s.pendingPage))
	s.mux.HandleFunc("GET /failed", s.page(s.failedPage))
	s.mux.HandleFunc("GET /compose", s.page(s.composePage))
	s.mux.HandleFunc("GET /feeds", s.page(s.feedsPage))
	s.mux.HandleFunc("GET /status", s.page(s.statusPage))
	s.mux.HandleFunc("GET /audit", s.page(s.auditPage))
	s.mux.HandleFunc("GET /signin", s.signinPage)
	s.mux.HandleFunc("POST /signin", s.signin)
	s.mux.HandleFunc("POST /signout", s.signout)
	s.mux.HandleFunc("POST /posts", s.act(s.createPost))
	s.mux.HandleFunc("POST /posts/{id}/{action}", s.act(s.postAction))
	s.mux.HandleFunc("POST /pause", s.act(s.pauseAll))
	s.mux.HandleFunc("POST /resume", s.act(s.resumeAll))
	s.mux.HandleFunc("POST /destinations/{name}/resume", s.act(s.resumeDestination))
}

// dashboardFuncs are the helpers the page templates use.
func dashboardFuncs(clock func() time.Time) template.FuncMap {
	return template.FuncMap{
		"linkify":  linkify,
		"weighted": xtext.WeightedLength,
		"limit":    func() int { return xtext.MaxWeightedLength },
		"dtlocal":  dtLocal,
		"platform": platformName,
		"future":   func(t time.Time) bool { return t.After(clock()) },
		"plural":   plural,
		"span":     span,
		"add":      func(a, b int) int { return a + b },
		"clip":     clip,
		"counterOf": func(id string, weighted int) counterView {
			return counterView{ID: id, Weighted: weighted, Limit: xtext.MaxWeightedLength, Over: weighted > xtext.MaxWeightedLength, Who: "X"}
		},
		"network": outbox.NetworkName,
	}
}

// counterView is a post's length as its network counts it, under its text
// box. Dest, when set, names the destination whose count herald.js shows
// as the editor types; else it shows X's.
type counterView struct {
	ID       string
	Weighted int
	Limit    int
	Over     bool
	Who      string // the network, as people write it
	Dest     string
}

// counter is text's counter under its box, as dest's network counts it.
func (s *Server) counter(id, dest, text string) counterView {
	if s.o.Editor == nil || dest == "" {
		n := xtext.WeightedLength(text)
		return counterView{ID: id, Weighted: n, Limit: xtext.MaxWeightedLength, Over: n > xtext.MaxWeightedLength, Who: "X"}
	}
	m := s.o.Editor.Measure(dest, text)
	who := outbox.NetworkName(s.o.Editor.Network(dest))
	if who == "" || who == "the local timeline" {
		who = "X" // the local timeline counts as X does
	}
	return counterView{ID: id, Weighted: m.Length, Limit: m.Limit, Over: m.Length > m.Limit, Who: who, Dest: dest}
}

// page wraps a page handler: it works out who is looking (sending a
// signed-out editor to sign in) and marks the answer private.
func (s *Server) page(h func(w http.ResponseWriter, r *http.Request, v viewer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w)
		v, ok := s.viewerFor(w, r)
		if !ok {
			return
		}
		h(w, r, v)
	}
}

// act wraps an editor's action: the form must pass the session and CSRF
// checks; the action then answers with a redirect (or a page to correct).
func (s *Server) act(h func(w http.ResponseWriter, r *http.Request, v viewer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w)
		v, ok := s.actor(w, r)
		if !ok {
			return
		}
		h(w, r, v)
	}
}

func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "+
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
}

// pageView is what every page template gets: the frame around the page and
// the page's own Data.
type pageView struct {
	Title   string
	Page    string // which page, for the navigation
	Heading string
	Refresh int
	Now     time.Time
	Viewer  viewer
	// Nav is false on pages shown before sign-in.
	Nav    bool
	Counts map[string]int
	Paused bool
	Flash  *flash
	Data   any
}

// refreshing pages reload themselves in the demo; pages where an editor
// types do not, so that nothing typed is lost.
var refreshing = []string{"timeline", "feeds", "status", "audit"}

func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, tmpl, page, heading string, v viewer, data any) {
	pv := pageView{Title: s.o.Title, Page: page, Heading: heading, Now: s.o.Clock(), Viewer: v, Data: data}
	if page != "signin" && page != "error" {
		pv.Nav = true
		if slices.Contains(refreshing, page) {
			pv.Refresh = int(s.o.Refresh.Seconds())
		}
		counts, err := s.o.Store.CountPosts(r.Context())
		if err != nil {
			s.fail(w, err)
			return
		}
		pv.Counts = make(map[string]int, len(counts))
		for st, n := range counts {
			pv.Counts[string(st)] = n
		}
		if err := s.countAttention(r.Context(), pv.Counts); err != nil {
			s.fail(w, err)
			return
		}
		if s.o.Editor != nil {
			if pv.Paused, err = s.o.Editor.Paused(r.Context()); err != nil {
				s.fail(w, err)
				return
			}
		}
	}
	pv.Flash = takeFlash(w, r)
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, tmpl, pv); err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderError answers with a short page saying what went wrong.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	pageHeaders(w)
	s.renderPage(w, r, status, "error.html", "error", http.StatusText(status), viewer{}, msg)
}

// postCard is a post as the queue, pending and failed pages show it.
type postCard struct {
	*news.Post
	// Draft is the text in the editing box: the post's, or what the editor
	// wrote when it was refused.
	Draft   string
	Counter counterView
	Over    bool
	Error   string
	// Due is when the post is expected to go (queue only); Held says what
	// holds it back, if anything.
	Due  time.Time
	Next bool
	Held string
	// Edit shows the editing form; Schedule adds the time.
	Edit, Schedule bool
	Actions        []cardAction
	Return         string
	CSRF           string
}

// cardAction is a button on a post: it posts the card's form to
// /posts/{id}/{Name}.
type cardAction struct {
	Name, Label, Class string
}

// draft is an editor's text the server refused, to show again with why.
type draft struct {
	Text, At, Error string
}

func (s *Server) card(p *news.Post, v viewer, ret string, d *draft, actions ...cardAction) postCard {
	c := postCard{Post: p, Draft: p.Text, Return: ret, CSRF: v.CSRF}
	if d != nil {
		c.Draft, c.Error = d.Text, d.Error
	}
	c.Counter = s.counter(fmt.Sprintf("count-%d", p.ID), p.Destination, c.Draft)
	c.Over = c.Counter.Over
	if v.CanAct() && p.Status != news.StatusSending {
		c.Edit, c.Schedule = true, p.Status != news.StatusFailed
		c.Actions = actions
	}
	return c
}

var (
	actApprove = cardAction{"approve", "Approve", "primary"}
	actReject  = cardAction{"reject", "Reject", "danger"}
	actPublish = cardAction{"publish", "Post now", "primary"}
	actRaise   = cardAction{"raise", "Raise priority", ""}
	actSkip    = cardAction{"cancel", "Skip", "danger"}
	actRetry   = cardAction{"retry", "Retry", "primary"}
	actCancel  = cardAction{"cancel", "Cancel", "danger"}
)

type timelineView struct {
	Timeline []timelinePost
	// Older is the link to the next page of older posts ("" on the last).
	Older  string
	Queue  []postCard
	MoreQ  int
	Failed []*news.Post
	Dests  []outbox.DestinationStatus
	Feeds  []store.Feed
	// Deletions are the timeline's posts taken back, by post.
	Deletions map[int64]*store.Deletion
}

// timelinePage is how many published posts the timeline shows at a time.
const timelinePage = 50

// timeCursor and parseTimeCursor write and read where a page of the
// timeline ended: the last post's publication time and id.
func timeCursor(c store.Cursor) string {
	return strconv.FormatInt(c.At.UnixMilli(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

func parseTimeCursor(v string) (store.Cursor, bool) {
	at, id, ok := strings.Cut(v, "-")
	ms, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n < 1 {
		return store.Cursor{}, false
	}
	return store.Cursor{At: time.UnixMilli(ms).UTC(), ID: n}, true
}

// timeline shows what followers saw, with the state of everything else
// at a glance beside it.
func (s *Server) timeline(w http.ResponseWriter, r *http.Request, v viewer) {
	ctx := r.Context()
	var tv timelineView
	var err error
	f := store.PostFilter{Statuses: []news.Status{news.StatusPublished}, Order: store.ByUpdate, Limit: timelinePage + 1}
	if c, ok := parseTimeCursor(r.URL.Query().Get("older")); ok {
		f.After = &c
	}
	published, err := s.o.Store.Posts(ctx, f)
	if err != nil {
		s.fail(w, err)
		return
	}
	if len(published) > timelinePage {
		published = published[:timelinePage]
		last := published[len(published)-1]
		tv.Older = "/?older=" + timeCursor(store.Cursor{At: last.PublishedAt, ID: last.ID})
	}
	if tv.Deletions, err = s.deletionsOf(ctx, published); err != nil {
		s.fail(w, err)
		return
	}
	for _, p := range published {
		tv.Timeline = append(tv.Timeline, timelinePost{Post: p, Network: s.network(p.Destination, p.RemoteURL)})
	}
	if tv.Dests, err = s.destinations(ctx); err != nil {
		s.fail(w, err)
		return
	}
	q, err := s.queue(ctx, viewer{}, nil)
	if err != nil {
		s.fail(w, err)
		return
	}
	tv.Queue = q[:min(len(q), 5)]
	tv.MoreQ = len(q) - len(tv.Queue)
	if tv.Failed, err = s.o.Store.Posts(ctx, store.PostFilter{Statuses: []news.Status{news.StatusFailed}, Order: store.ByUpdate, Limit: 5}); err != nil {
		s.fail(w, err)
		return
	}
	if s.o.Feeds != nil {
		tv.Feeds = s.o.Feeds.Feeds()
	}
	s.renderPage(w, r, http.StatusOK, "timeline.html", "timeline", "Timeline", v, tv)
}

// timelinePost is a published post with the network it went to.
type timelinePost struct {
	*news.Post
	Network string
}

// network is the network a destination posts to; for one herald no longer
// posts to, what its name or the post's address says.
func (s *Server) network(dest, remoteURL string) string {
	if s.o.Editor != nil {
		if n := s.o.Editor.Network(dest); n != "" {
			return n
		}
	}
	u := strings.ToLower(remoteURL)
	switch {
	case dest == "x" || strings.HasPrefix(u, "https://x.com/") || strings.HasPrefix(u, "https://twitter.com/"):
		return "x"
	case dest == "bluesky" || strings.HasPrefix(u, "https://bsky.app/"):
		return "bluesky"
	case dest == "mastodon":
		return "mastodon"
	case dest == "local":
		return "local"
	}
	return ""
}

func (s *Server) destinations(ctx context.Context) ([]outbox.DestinationStatus, error) {
	if s.o.Status == nil {
		return nil, nil
	}
	return s.o.Status(ctx)
}

// queue is the queued and sending posts in the order they are expected to
// go, each with its estimated time.
func (s *Server) queue(ctx context.Context, v viewer, drafts map[int64]*draft) ([]postCard, error) {
	if s.o.Editor == nil {
		return nil, nil
	}
	est, err := s.o.Editor.Queue(ctx, 200)
	if err != nil {
		return nil, err
	}
	cards := make([]postCard, 0, len(est))
	for _, e := range est {
		c := s.card(e.Post, v, "/queue", drafts[e.ID], actPublish, actRaise, actSkip)
		c.Due, c.Next, c.Held = e.Due, e.Next, e.Held
		cards = append(cards, c)
	}
	return cards, nil
}

type queueView struct {
	Posts   []postCard
	Pending int
	Dests   []outbox.DestinationStatus
	// Spacing is every destination's spacing when they share one.
	Spacing time.Duration
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, v viewer) {
	s.showQueue(w, r, v, http.StatusOK, nil)
}

func (s *Server) showQueue(w http.ResponseWriter, r *http.Request, v viewer, status int, drafts map[int64]*draft) {
	ctx := r.Context()
	dests, err := s.destinations(ctx)
	if err != nil {
		s.fail(w, err)
		return
	}
	qv := queueView{Dests: dests}
	for i, d := range dests {
		if i == 0 || d.MinInterval == qv.Spacing {
			qv.Spacing = d.MinInterval
		} else {
			qv.Spacing = 0
			break
		}
	}
	if qv.Posts, err = s.queue(ctx, v, drafts); err != nil {
		s.fail(w, err)
		return
	}
	counts, err := s.o.Store.CountPosts(ctx)
	if err != nil {
		s.fail(w, err)
		return
	}
	qv.Pending = counts[news.StatusPending]
	s.renderPage(w, r, status, "queue.html", "queue", "Queue", v, qv)
}

func (s *Server) pendingPage(w http.ResponseWriter, r *http.Request, v viewer) {
	s.showPosts(w, r, v, news.StatusPending, http.StatusOK, nil)
}

func (s *Server) failedPage(w http.ResponseWriter, r *http.Request, v viewer) {
	s.showPosts(w, r, v, news.StatusFailed, http.StatusOK, nil)
}

// showPosts renders the pending or the failed page, with the drafts the
// server refused.
func (s *Server) showPosts(w http.ResponseWriter, r *http.Request, v viewer, st news.Status, status int, drafts map[int64]*draft) {
	f := store.PostFilter{Statuses: []news.Status{st}, Limit: 100}
	page, heading, actions := "pending", "Pending approval", []cardAction{actApprove, actReject}
	if st == news.StatusFailed {
		f.Order = store.ByUpdate
		page, heading, actions = "failed", "Failed posts", []cardAction{actRetry, actCancel}
	}
	posts, err := s.o.Store.Posts(r.Context(), f)
	if err != nil {
		s.fail(w, err)
		return
	}
	cards := make([]postCard, 0, len(posts))
	for _, p := range posts {
		cards = append(cards, s.card(p, v, "/"+page, drafts[p.ID], actions...))
	}
	s.renderPage(w, r, status, page+".html", page, heading, v, cards)
}

type composeView struct {
	URL   string
	Title string
	// Text is the editor's own text, for every destination (a post
	// written from scratch), and Counter its length as X counts it.
	Text    string
	Counter counterView
	Over    bool
	At      string
	// Dests are the destinations to choose from; from an article, each
	// that takes it with its own text.
	Dests []composeDest
	Error string
	// URLError says why the article at URL could not be read; it is shown
	// with the address, not with the post's text.
	URLError string
	Fetched  bool
}

// composeDest is a destination on the compose page.
type composeDest struct {
	Name, Network string
	Checked       bool
	// Own is true when the destination has its own text box (a post
	// written from an article), with Text in it.
	Own     bool
	Text    string
	Counter counterView
}

// composePage writes a new post: from an article's URL, which herald reads
// and writes a post of for each destination's network, for the editor to
// check, or from the editor's own text.
func (s *Server) composePage(w http.ResponseWriter, r *http.Request, v viewer) {
	if !v.CanAct() {
		s.renderError(w, r, http.StatusForbidden, "herald is read-only: set HERALD_EDITOR_TOKENS to let editors write posts")
		return
	}
	cv := composeView{URL: r.URL.Query().Get("url")}
	status := http.StatusOK
	if cv.URL != "" {
		if a, written, err := s.readArticle(r.Context(), cv.URL); err != nil {
			cv.URLError, status = err.Error(), http.StatusUnprocessableEntity
		} else {
			cv.Fetched = true
			if a != nil {
				cv.Title = a.Title
			}
			for _, wr := range written {
				cv.Dests = append(cv.Dests, composeDest{Name: wr.Destination, Checked: wr.Takes, Own: true, Text: wr.Text})
			}
		}
	}
	s.showCompose(w, r, v, status, cv)
}

// showCompose fills in what the page shows of the draft: every
// destination, and each text's counter.
func (s *Server) showCompose(w http.ResponseWriter, r *http.Request, v viewer, status int, cv composeView) {
	cv.Counter = s.counter("compose-count", "", cv.Text)
	cv.Over = cv.Counter.Over
	var dests []composeDest
	for _, name := range s.o.Editor.Destinations() {
		d := composeDest{Name: name, Checked: !cv.Fetched}
		for _, c := range cv.Dests {
			if c.Name == name {
				d = c
			}
		}
		d.Network = s.o.Editor.Network(name)
		text := cv.Text
		if d.Own {
			text = d.Text
		}
		d.Counter = s.counter("compose-count-"+name, name, text)
		dests = append(dests, d)
	}
	cv.Dests = dests
	s.renderPage(w, r, status, "compose.html", "compose", "Compose", v, cv)
}

type feedRow struct {
	store.Feed
	Articles int
	Push     pushView
}

func (s *Server) feedsPage(w http.ResponseWriter, r *http.Request, v viewer) {
	var rows []feedRow
	if s.o.Feeds != nil {
		counts := map[string]int{}
		all, err := s.o.Store.Feeds(r.Context())
		if err != nil {
			s.fail(w, err)
			return
		}
		for _, f := range all {
			counts[f.URL] = f.Articles
		}
		push, err := s.pushStates(r.Context())
		if err != nil {
			s.fail(w, err)
			return
		}
		for _, f := range s.o.Feeds.Feeds() {
			rows = append(rows, feedRow{Feed: f, Articles: counts[f.URL], Push: pushFor(push, f.URL)})
		}
	}
	s.renderPage(w, r, http.StatusOK, "feeds.html", "feeds", "Feeds", v, rows)
}

type statusView struct {
	Paused bool
	Dests  []outbox.DestinationStatus
	// Stopped names the destinations paused on their own (the platform
	// refused them); Running counts the others.
	Stopped []string
	Running int
	Counts  []statusCount
}

type statusCount struct {
	Status string
	N      int
}

func (s *Server) statusPage(w http.ResponseWriter, r *http.Request, v viewer) {
	ctx := r.Context()
	var sv statusView
	var err error
	if sv.Dests, err = s.destinations(ctx); err != nil {
		s.fail(w, err)
		return
	}
	if s.o.Editor != nil {
		if sv.Paused, err = s.o.Editor.Paused(ctx); err != nil {
			s.fail(w, err)
			return
		}
	}
	for _, d := range sv.Dests {
		if d.Paused {
			sv.Stopped = append(sv.Stopped, d.Name)
		} else {
			sv.Running++
		}
	}
	counts, err := s.o.Store.CountPosts(ctx)
	if err != nil {
		s.fail(w, err)
		return
	}
	for _, st := range news.Statuses {
		sv.Counts = append(sv.Counts, statusCount{string(st), counts[st]})
	}
	s.renderPage(w, r, http.StatusOK, "status.html", "status", "Status", v, sv)
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, v viewer) {
	log, err := s.o.Store.AuditLog(r.Context(), 200)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.renderPage(w, r, http.StatusOK, "audit.html", "audit", "Audit log", v, log)
}
