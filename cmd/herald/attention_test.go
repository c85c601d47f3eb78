package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/publish/x/xfake"
)

// newsSite is a newsroom whose stories a test corrects and pulls: its feed at
// /feed, and each story's page at /SLUG/, answering 200 (conditionally, with
// an ETag) or the status the test sets.
type newsSite struct {
	mu       sync.Mutex
	items    []newsSiteItem // newest first
	pages    map[string]int
	feedDown bool
	fetches  atomic.Int64
	srv      *httptest.Server
}

type newsSiteItem struct {
	slug, title string
	published   time.Time
}

func newNewsSite(t *testing.T) *newsSite {
	s := &newsSite{pages: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *newsSite) url(slug string) string { return s.srv.URL + "/" + slug + "/" }

func (s *newsSite) add(slug, title string, published time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = append([]newsSiteItem{{slug, title, published}}, s.items...)
}

func (s *newsSite) retitle(slug, title string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.items {
		if s.items[i].slug == slug {
			s.items[i].title = title
		}
	}
}

// pull takes a story out of the feed, its page answering status.
func (s *newsSite) pull(slug string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = slices.DeleteFunc(s.items, func(it newsSiteItem) bool { return it.slug == slug })
	s.pages[slug] = status
}

func (s *newsSite) down(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feedDown = down
}

func (s *newsSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/feed" {
		s.fetches.Add(1)
		if s.feedDown {
			http.Error(w, "the CMS is down", http.StatusBadGateway)
			return
		}
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Valley Courier</title><link>` + s.srv.URL + `</link>`)
		for _, it := range s.items {
			fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><guid isPermaLink="false">%s/?p=%s</guid><pubDate>%s</pubDate>
<description><![CDATA[<p>MILLBROOK — %s, officials said on Monday.</p>]]></description></item>`,
				it.title, s.url(it.slug), s.srv.URL, it.slug, it.published.UTC().Format(time.RFC1123Z), it.title)
		}
		b.WriteString(`</channel></rss>`)
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, b.String())
		return
	}
	slug := strings.Trim(r.URL.Path, "/")
	if st := s.pages[slug]; st != 0 {
		http.Error(w, http.StatusText(st), st)
		return
	}
	if r.Header.Get("If-None-Match") == `"v1"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", `"v1"`)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html><head><title>%s</title></head><body><p>The story.</p></body></html>`, slug)
}

const attentionToken = "editor-token-attention-0123"

// desk is a herald run for these tests, with its newsroom, its fake X and
// an editor's API.
type desk struct {
	t        *testing.T
	h        *heraldProc
	fx       *xfake.Server
	newsSite *newsSite
	addr     string
}

func startDesk(t *testing.T, env ...string) *desk {
	t.Helper()
	d := &desk{t: t, newsSite: newNewsSite(t)}
	d.newsSite.add("budget", "Council approves budget", time.Now().Add(-3*time.Hour))
	var xsrv *httptest.Server
	d.fx, xsrv = fakeX(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.addr = ln.Addr().String()
	ln.Close()
	base := []string{
		"HERALD_FEEDS=" + d.newsSite.srv.URL + "/feed",
		"HERALD_DATABASE=" + filepath.Join(t.TempDir(), "herald.db"),
		"HERALD_POLL_INTERVAL=1s", "HERALD_LISTEN=" + d.addr, "HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_EDITOR_TOKENS=ana:" + attentionToken,
		"HERALD_X_API_URL=" + xsrv.URL,
		"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + cs,
		"HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as,
	}
	d.h = startHerald(t, append(base, env...))
	waitFor(t, "two feed fetches", 15*time.Second, func() bool { return d.newsSite.fetches.Load() >= 2 })
	return d
}

// api calls herald's API as the editor and decodes the answer into out.
func (d *desk) api(method, path string, body, out any) int {
	d.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, "http://"+d.addr+path, rd)
	req.Header.Set("Authorization", "Bearer "+attentionToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			d.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
		}
	}
	return resp.StatusCode
}

// cli runs a herald client command against the desk.
func (d *desk) cli(args ...string) (int, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, []string{"HERALD_API_URL=http://" + d.addr, "HERALD_API_TOKEN=" + attentionToken}, &out, &errb)
	return code, out.String() + errb.String()
}

type eventJSON struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Status     string `json:"status"`
	OldTitle   string `json:"old_title"`
	NewTitle   string `json:"new_title"`
	Detail     string `json:"detail"`
	Resolution string `json:"resolution"`
	Article    struct {
		URL string `json:"url"`
	} `json:"article"`
	Posts []struct {
		ID        int64  `json:"id"`
		Status    string `json:"status"`
		Text      string `json:"text"`
		RemoteID  string `json:"remote_id"`
		RemoteURL string `json:"remote_url"`
		Deletion  *struct {
			Status string `json:"status"`
		} `json:"deletion"`
	} `json:"posts"`
}

func (d *desk) events(all bool) []eventJSON {
	var out struct {
		Attention []eventJSON `json:"attention"`
	}
	path := "/api/v1/attention"
	if all {
		path += "?all=1"
	}
	d.api(http.MethodGet, path, nil, &out)
	return out.Attention
}

func (d *desk) event(slug string, all bool) (eventJSON, bool) {
	for _, ev := range d.events(all) {
		if ev.Article.URL == d.newsSite.url(slug) {
			return ev, true
		}
	}
	return eventJSON{}, false
}

func (d *desk) posted(text string) (xfake.Post, bool) {
	for _, p := range d.fx.Posts() {
		if strings.Contains(p.Text, text) {
			return p, true
		}
	}
	return xfake.Post{}, false
}

// page signs in to the dashboard and returns a page's HTML.
func (d *desk) page(path string) string {
	d.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm("http://"+d.addr+"/signin", url.Values{"token": {attentionToken}, "next": {path}})
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		d.t.Fatalf("%s: %d", path, resp.StatusCode)
	}
	return string(b)
}

// TestCorrectedHeadline: headlines corrected in the feed after posting
// appear in Needs attention with both headlines and the posts' links; one
// action deletes the first story's post on X, another posts a correction
// of the second. Nothing else is deleted.
func TestCorrectedHeadline(t *testing.T) {
	d := startDesk(t)
	now := time.Now()
	d.newsSite.add("clinic", "New health clinic opens on Maple Avenue", now.Add(-2*time.Minute))
	d.newsSite.add("bridge", "Bridge reopens", now.Add(-time.Minute))
	waitFor(t, "both stories on X", 15*time.Second, func() bool { return len(d.fx.Posts()) == 2 })
	clinic, _ := d.posted("Maple Avenue")

	d.newsSite.retitle("clinic", "New health clinic opens on Main Street")
	d.newsSite.retitle("bridge", "Bridge reopens to traffic on Friday")
	waitFor(t, "two events in Needs attention", 15*time.Second, func() bool { return len(d.events(false)) == 2 })
	ev, ok := d.event("clinic", false)
	if !ok || ev.Kind != "correction" || ev.OldTitle != "New health clinic opens on Maple Avenue" ||
		ev.NewTitle != "New health clinic opens on Main Street" || len(ev.Posts) != 1 ||
		ev.Posts[0].RemoteURL != "https://x.com/valleycourier/status/"+clinic.ID || ev.Posts[0].Status != "published" {
		t.Fatalf("the clinic's event: %+v", ev)
	}
	html := d.page("/attention")
	for _, want := range []string{"Needs attention <span class=\"badge bad\">2</span>", "New health clinic opens on Maple Avenue",
		"New health clinic opens on Main Street", "https://x.com/valleycourier/status/" + clinic.ID, "Post a correction"} {
		if !strings.Contains(html, want) {
			t.Errorf("the Needs attention page lacks %q", want)
		}
	}

	// One action deletes the clinic's post on X.
	var acted struct {
		Result string `json:"result"`
	}
	if code := d.api(http.MethodPost, fmt.Sprintf("/api/v1/attention/%d/delete", ev.ID), nil, &acted); code != http.StatusOK {
		t.Fatalf("delete: %d %+v", code, acted)
	}
	waitFor(t, "the clinic's post deleted on X", 15*time.Second, func() bool { return len(d.fx.Deleted()) == 1 })
	if got := d.fx.Deleted(); got[0] != clinic.ID {
		t.Errorf("deleted %v, want the clinic's post %s", got, clinic.ID)
	}
	waitFor(t, "the deletion recorded", 10*time.Second, func() bool {
		return strings.Contains(d.page("/"), "Deleted on X at ")
	})

	// The CLI lists the other, and one action posts its correction.
	bridge, _ := d.event("bridge", false)
	code, out := d.cli("attention")
	if code != 0 || !strings.Contains(out, "posted: Bridge reopens\n") || !strings.Contains(out, "now:    Bridge reopens to traffic on Friday") ||
		strings.Contains(out, "Main Street") {
		t.Errorf("herald attention: exit %d\n%s", code, out)
	}
	if code, out := d.cli("attention", fmt.Sprint(bridge.ID), "correct"); code != 0 || !strings.Contains(out, "correction queued") {
		t.Fatalf("herald attention %d correct: exit %d %s", bridge.ID, code, out)
	}
	waitFor(t, "the correction on X", 15*time.Second, func() bool {
		p, ok := d.posted("Correction: Bridge reopens to traffic on Friday")
		return ok && strings.Contains(p.Text, d.newsSite.url("bridge"))
	})
	if code, out := d.cli("attention", fmt.Sprint(bridge.ID), "dismiss"); code != exitRefused || !strings.Contains(out, "resolved already") {
		t.Errorf("a second action: exit %d %s", code, out)
	}
	if n := len(d.events(false)); n != 0 {
		t.Errorf("%d events still open", n)
	}
	if got := d.fx.Deleted(); len(got) != 1 {
		t.Errorf("deleted %v, want only the clinic's post", got)
	}
	var audit struct {
		Audit []struct{ Actor, Action string }
	}
	d.api(http.MethodGet, "/api/v1/audit", nil, &audit)
	var actions []string
	for _, a := range audit.Audit {
		actions = append(actions, a.Actor+" "+a.Action)
	}
	for _, want := range []string{"ana attention delete", "ana delete", "dispatcher deleted", "ana attention correct", "ana correct"} {
		if !slices.Contains(actions, want) {
			t.Errorf("the audit log lacks %q: %q", want, actions)
		}
	}
	resp, err := http.Get("http://" + d.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), `herald_attention_events_total{kind="correction"} 2`) {
		t.Errorf("metrics lack two corrections:\n%s", metrics)
	}
	if log := d.h.log.String(); strings.Count(log, "needs attention: the headline changed after it was posted") != 2 {
		t.Errorf("want one log line per event:\n%s", log)
	}
}

// TestTakedownPolicyDelete: with HERALD_ON_TAKEDOWN=delete, a story pulled
// from the feed whose page answers 410 has its post deleted within a
// minute, by itself; a feed that fails to load deletes nothing, and nothing
// else is ever deleted.
func TestTakedownPolicyDelete(t *testing.T) {
	d := startDesk(t, "HERALD_ON_TAKEDOWN=delete")
	now := time.Now()
	d.newsSite.add("fire", "Warehouse fire on Elm Street", now.Add(-20*time.Minute))
	d.newsSite.add("arrest", "Councillor arrested", now.Add(-10*time.Minute))
	d.newsSite.add("fair", "County fair opens", now.Add(-5*time.Minute))
	waitFor(t, "three stories on X", 15*time.Second, func() bool { return len(d.fx.Posts()) == 3 })
	arrest, _ := d.posted("Councillor arrested")

	// The feed fails for a while: that is no takedown.
	d.newsSite.down(true)
	seen := d.newsSite.fetches.Load()
	waitFor(t, "three failed fetches", 15*time.Second, func() bool { return d.newsSite.fetches.Load() >= seen+3 })
	d.newsSite.down(false)
	if n := d.fx.DeleteCalls(); n != 0 {
		t.Fatalf("%d deletions while the feed was down", n)
	}

	pulled := time.Now()
	d.newsSite.pull("arrest", http.StatusGone)
	waitFor(t, "the pulled story's post deleted", time.Minute, func() bool { return len(d.fx.Deleted()) == 1 })
	t.Logf("deleted %s after the story was pulled", time.Since(pulled).Round(time.Millisecond))
	if took := time.Since(pulled); took > time.Minute {
		t.Errorf("deleted after %s", took)
	}
	if got := d.fx.Deleted(); got[0] != arrest.ID {
		t.Fatalf("deleted %v, want %s", got, arrest.ID)
	}
	waitFor(t, "the event resolved by the policy", 10*time.Second, func() bool {
		ev, ok := d.event("arrest", true)
		return ok && ev.Status == "resolved" && ev.Detail == "page gone: 410" && strings.HasPrefix(ev.Resolution, "delete:") &&
			ev.Posts[0].Deletion != nil && ev.Posts[0].Deletion.Status == "deleted"
	})
	seen = d.newsSite.fetches.Load()
	waitFor(t, "three more fetches", 15*time.Second, func() bool { return d.newsSite.fetches.Load() >= seen+3 })
	if got := d.fx.Deleted(); len(got) != 1 || d.fx.DeleteCalls() != 1 {
		t.Errorf("deleted %v in %d calls, want only the pulled story's post, once", got, d.fx.DeleteCalls())
	}
	if log := d.h.log.String(); !strings.Contains(log, "needs attention: the article was taken down after it was posted") {
		t.Errorf("no log line for the takedown:\n%s", log)
	}
}

// TestQueuedPostsAndTheCMS: posts that have not gone out are rewritten from
// a corrected headline, or canceled when the CMS retracts the story,
// without anyone asked; the CMS's correction of a posted story, with
// HERALD_ON_CORRECTION=repost, queues a correction; herald retract --delete
// deletes a posted story's post.
func TestQueuedPostsAndTheCMS(t *testing.T) {
	d := startDesk(t, "HERALD_MIN_POST_INTERVAL=1h", "HERALD_ON_CORRECTION=repost")
	now := time.Now()
	d.newsSite.add("first", "Library extends opening hours", now.Add(-3*time.Minute))
	waitFor(t, "the first story on X", 15*time.Second, func() bool { return len(d.fx.Posts()) == 1 })
	d.newsSite.add("second", "School board meets", now.Add(-2*time.Minute))
	d.newsSite.add("third", "Mayor resigns", now.Add(-time.Minute))
	queued := func() []struct {
		ID           int64
		Text, Status string
	} {
		var out struct {
			Posts []struct {
				ID           int64
				Text, Status string
			}
		}
		d.api(http.MethodGet, "/api/v1/posts?status=queued,canceled", nil, &out)
		return out.Posts
	}
	waitFor(t, "two posts queued", 15*time.Second, func() bool { return len(queued()) == 2 })

	d.newsSite.retitle("second", "School board meets on Thursday")
	waitFor(t, "the queued post rewritten", 15*time.Second, func() bool {
		for _, p := range queued() {
			if p.Status == "queued" && strings.Contains(p.Text, "School board meets on Thursday") {
				return true
			}
		}
		return false
	})
	if n := len(d.events(true)); n != 0 {
		t.Errorf("%d events for a post that never went out", n)
	}

	var answer struct{ Status string }
	if code := d.api(http.MethodPost, "/api/v1/articles/retract", map[string]string{"url": d.newsSite.url("third")}, &answer); code != http.StatusOK || answer.Status != "not posted" {
		t.Fatalf("retract the queued story: %d %+v", code, answer)
	}
	canceled := false
	for _, p := range queued() {
		canceled = canceled || (p.Status == "canceled" && strings.Contains(p.Text, "Mayor resigns"))
	}
	if !canceled {
		t.Errorf("the retracted story's post is not canceled: %+v", queued())
	}

	var corrected struct {
		Status string
		Event  eventJSON
	}
	code := d.api(http.MethodPost, "/api/v1/articles/correct",
		map[string]string{"url": d.newsSite.url("first"), "title": "Library extends weekend opening hours"}, &corrected)
	if code != http.StatusAccepted || corrected.Event.OldTitle != "Library extends opening hours" ||
		corrected.Event.Status != "resolved" || !strings.Contains(corrected.Event.Resolution, "correct") {
		t.Fatalf("the CMS's correction: %d %+v", code, corrected)
	}
	found := false
	for _, p := range queued() {
		found = found || (p.Status == "queued" && strings.HasPrefix(p.Text, "Correction: Library extends weekend opening hours"))
	}
	if !found {
		t.Errorf("no correction queued: %+v", queued())
	}

	first, _ := d.posted("Library extends opening hours")
	code, out := d.cli("retract", d.newsSite.url("first"), "--delete")
	if code != 0 || !strings.Contains(out, "Takedown recorded") {
		t.Fatalf("herald retract --delete: exit %d %s", code, out)
	}
	waitFor(t, "the first story's post deleted", 15*time.Second, func() bool { return len(d.fx.Deleted()) == 1 })
	if got := d.fx.Deleted(); got[0] != first.ID {
		t.Errorf("deleted %v, want %s", got, first.ID)
	}
	if n := len(d.fx.Posts()); n != 1 {
		t.Errorf("%d posts on X, want 1: the others were queued behind the spacing", n)
	}
}
