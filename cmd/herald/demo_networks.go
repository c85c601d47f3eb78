package main

import (
	"errors"
	"html/template"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/publish/bluesky/bskyfake"
	"github.com/heraldhq/herald/internal/publish/mastodon/mastofake"
	"github.com/heraldhq/herald/internal/publish/x/xfake"
)

// The demo's social networks: herald's own fake X, Bluesky and Mastodon,
// the ones its tests post to, served on loopback inside the demo so that it
// posts to all three as it would to the real ones, with nothing to sign up
// for. Their timelines are pages of the dashboard, under demoNetworksPath.

// demoNetworksPath is where the dashboard shows what each fake network holds.
const demoNetworksPath = "/demo/networks"

// The demo accounts' names and credentials: fixed, and good for the fakes
// alone.
const (
	demoXUser         = "valleycourier"
	demoBlueskyHandle = "valleycourier.bsky.social"
	demoMastodonUser  = "valleycourier"
	demoSecret        = "demo-only-not-a-secret"
)

type demoNetworks struct {
	x     *xfake.Server
	bsky  *bskyfake.Server
	masto *mastofake.Server
	// The fakes' addresses on loopback.
	xURL, bskyURL, mastoURL string
	servers                 []*http.Server
}

// startDemoNetworks serves the three fakes on loopback.
func startDemoNetworks() (*demoNetworks, error) {
	n := &demoNetworks{
		x: xfake.New(xfake.Options{ConsumerKey: "demo-consumer-key", ConsumerSecret: demoSecret,
			AccessToken: "demo-access-token", AccessSecret: demoSecret, Username: demoXUser}),
		bsky:  bskyfake.New(bskyfake.Options{Handle: demoBlueskyHandle, Password: demoSecret}),
		masto: mastofake.New(mastofake.Options{Token: demoSecret, Username: demoMastodonUser}),
	}
	for _, s := range []struct {
		h   http.Handler
		url *string
	}{{n.x, &n.xURL}, {n.bsky, &n.bskyURL}, {n.masto, &n.mastoURL}} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			n.close()
			return nil, err
		}
		srv := &http.Server{Handler: s.h, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		n.servers = append(n.servers, srv)
		*s.url = "http://" + ln.Addr().String()
	}
	return n, nil
}

func (n *demoNetworks) close() {
	for _, s := range n.servers {
		s.Close()
	}
}

// destinations are the demo's three accounts, with the demo's settings for
// the rest.
func (n *demoNetworks) destinations(cfg *config.Config) []config.Destination {
	d := func(name, network string, a config.Account) config.Destination {
		return config.Destination{Name: name, Network: network, Account: a,
			MinPostInterval: cfg.MinPostInterval, DailyCap: cfg.DailyCap}
	}
	return []config.Destination{
		d("x", config.NetworkX, config.Account{API: "v2", APIURL: n.xURL, ConsumerKey: "demo-consumer-key",
			ConsumerSecret: demoSecret, AccessToken: "demo-access-token", AccessSecret: demoSecret}),
		d("bluesky", config.NetworkBluesky, config.Account{Service: n.bskyURL, Handle: demoBlueskyHandle, AppPassword: demoSecret}),
		d("mastodon", config.NetworkMastodon, config.Account{Server: n.mastoURL, Token: demoSecret, Visibility: "public"}),
	}
}

// href points a published post's address on a fake network at its place on
// the network's demo page; other addresses are left as they are.
func (n *demoNetworks) href(u string) (string, bool) {
	for _, m := range []struct{ prefix, network string }{
		{"https://x.com/" + demoXUser + "/status/", "x"},
		{"https://bsky.app/profile/" + demoBlueskyHandle + "/post/", "bluesky"},
		{n.mastoURL + "/@" + demoMastodonUser + "/", "mastodon"},
	} {
		if id, ok := strings.CutPrefix(u, m.prefix); ok && id != "" && !strings.ContainsAny(id, "/?#") {
			return demoNetworksPath + "/" + m.network + "#post-" + id, true
		}
	}
	return u, false
}

// demoPost is a post as a network's demo page shows it.
type demoPost struct {
	ID, Text, Lang string
	At             time.Time
	// A Bluesky link card.
	CardURL, CardTitle, CardDescription, Thumb string
}

type demoPage struct {
	Network, Name, Account, Note string
	Posts                        []demoPost
	Networks                     []string
}

var demoPageTemplate = template.Must(template.New("network").Funcs(template.FuncMap{
	"linkify": linkifyPlain,
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}} — herald demo</title><link rel="stylesheet" href="/static/herald.css"></head>
<body><main id="main" class="network-page">
<p><a href="/">← herald’s dashboard</a> · {{range $i, $n := .Networks}}{{if $i}} · {{end}}<a href="{{$n}}">{{$n}}</a>{{end}}</p>
<h1>{{.Name}}: {{.Account}}</h1>
<p class="hint">{{.Note}}</p>
{{range .Posts}}
<article class="card post-published" id="post-{{.ID}}"{{if .Lang}} lang="{{.Lang}}"{{end}}>
  <p class="meta">{{.At.UTC.Format "2006-01-02 15:04:05 UTC"}}{{if .Lang}} · language {{.Lang}}{{end}}</p>
  <p class="text">{{linkify .Text}}</p>
  {{if .CardURL}}<div class="link-card">{{if .Thumb}}<img src="{{.Thumb}}" alt="" width="300">{{end}}
    <p><strong>{{.CardTitle}}</strong><br>{{.CardDescription}}</p></div>{{end}}
</article>
{{else}}<p class="empty">Nothing posted yet: herald posts each new story of the demo newsroom here within seconds.</p>
{{end}}
</main></body></html>`))

// linkifyPlain shows a post's text with its lines kept.
func linkifyPlain(text string) template.HTML {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = template.HTMLEscapeString(l)
	}
	return template.HTML(strings.Join(lines, "<br>"))
}

// handler serves the networks' demo pages: demoNetworksPath/{x,bluesky,
// mastodon}, newest post first, and Bluesky's uploaded thumbnails.
func (n *demoNetworks) handler() http.Handler {
	mux := http.NewServeMux()
	names := []string{"x", "bluesky", "mastodon"}
	mux.HandleFunc("GET "+demoNetworksPath+"/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, demoNetworksPath+"/x", http.StatusFound)
	})
	mux.HandleFunc("GET "+demoNetworksPath+"/{network}", func(w http.ResponseWriter, r *http.Request) {
		p := demoPage{Network: r.PathValue("network"), Networks: names}
		switch p.Network {
		case "x":
			p.Name, p.Account = "X", "@"+demoXUser
			p.Note = "The demo’s X: herald’s fake X API, which checks every request’s OAuth 1.0a signature as X does. X builds the link card itself from the article’s og: tags."
			for _, x := range n.x.Posts() {
				p.Posts = append(p.Posts, demoPost{ID: x.ID, Text: x.Text, At: x.Time})
			}
		case "bluesky":
			p.Name, p.Account = "Bluesky", "@"+demoBlueskyHandle
			p.Note = "The demo’s Bluesky: herald’s fake PDS, which checks facets to the byte and refuses thumbnails over 1,000,000 bytes. herald sends the link card itself, with the article’s picture scaled and uploaded."
			for _, b := range n.bsky.Posts() {
				dp := demoPost{ID: b.Rkey, Text: b.Record.Text, At: b.Time, Lang: strings.Join(b.Record.Langs, ", ")}
				if e := b.Record.Embed; e != nil && e.External != nil {
					dp.CardURL, dp.CardTitle, dp.CardDescription = deref(e.External.URI), deref(e.External.Title), deref(e.External.Description)
					if e.External.Thumb != nil {
						dp.Thumb = demoNetworksPath + "/bluesky/blob/" + e.External.Thumb.Ref.Link
					}
				}
				p.Posts = append(p.Posts, dp)
			}
		case "mastodon":
			p.Name, p.Account = "Mastodon", "@"+demoMastodonUser
			p.Note = "The demo’s Mastodon: herald’s fake server, which counts a status as Mastodon does and answers a retry with the same Idempotency-Key with the status it already made."
			for _, m := range n.masto.Statuses() {
				p.Posts = append(p.Posts, demoPost{ID: m.ID, Text: m.Text, At: m.CreatedAt, Lang: m.Language})
			}
		default:
			http.NotFound(w, r)
			return
		}
		slices.Reverse(p.Posts)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := demoPageTemplate.Execute(w, p); err != nil && !errors.Is(err, http.ErrHandlerTimeout) {
			http.Error(w, "the page could not be shown", http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET "+demoNetworksPath+"/bluesky/blob/{cid}", func(w http.ResponseWriter, r *http.Request) {
		data, ok := n.bsky.Blob(r.PathValue("cid"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", http.DetectContentType(data))
		w.Write(data)
	})
	return mux
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
