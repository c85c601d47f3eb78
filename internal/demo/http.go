package demo

import (
	"bytes"
	"net/http"
	"strings"
)

func (n *Newsroom) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", n.serveHome)
	mux.HandleFunc("GET /feed", n.serveFeed)
	mux.HandleFunc("GET /feed/{$}", n.serveFeed)
	mux.HandleFunc("GET /img/{file}", n.serveImage)
	mux.HandleFunc("GET /{year}/{month}/{slug}/{$}", n.serveArticle)
	mux.HandleFunc("GET /{year}/{month}/{slug}", n.serveArticle) // redirected to the permalink
	mux.HandleFunc("GET /", n.notFound)
	return mux
}

func (n *Newsroom) serveFeed(w http.ResponseWriter, r *http.Request) {
	body, modified := n.renderFeed(n.count(n.clock()), n.baseFor(r))
	h := w.Header()
	h.Set("Content-Type", "application/rss+xml; charset=UTF-8")
	h.Set("ETag", feedETag(body))
	// ServeContent answers If-None-Match (first) and If-Modified-Since with 304, and HEAD.
	http.ServeContent(w, r, "", modified, bytes.NewReader(body))
}

// serveArticle serves a permalink. Like WordPress, a known slug under the wrong date or without
// the trailing slash is redirected to its permalink.
func (n *Newsroom) serveArticle(w http.ResponseWriter, r *http.Request) {
	c := n.count(n.clock())
	k, ok := n.indexBySlug(r.PathValue("slug"), c)
	if !ok {
		n.notFound(w, r)
		return
	}
	base := n.baseFor(r)
	s := n.story(k, base)
	want := s.Published.Format("2006/01")
	if r.PathValue("year")+"/"+r.PathValue("month") != want || !strings.HasSuffix(r.URL.Path, "/") {
		http.Redirect(w, r, s.URL, http.StatusMovedPermanently)
		return
	}
	n.renderHTML(w, http.StatusOK, articleTmpl, n.articleData(s, k, c, base))
}

// serveHome is the front page; with ?p=ID it redirects to that post, as WordPress does.
func (n *Newsroom) serveHome(w http.ResponseWriter, r *http.Request) {
	c := n.count(n.clock())
	base := n.baseFor(r)
	if p := r.URL.Query().Get("p"); p != "" {
		k, ok := n.indexByID(p, c)
		if !ok {
			n.notFound(w, r)
			return
		}
		http.Redirect(w, r, n.story(k, base).URL, http.StatusMovedPermanently)
		return
	}
	n.renderHTML(w, http.StatusOK, homeTmpl, homeData{Base: base, Stories: n.latest(c, feedSize, -1, base), Year: n.clock().Year()})
}

func (n *Newsroom) serveImage(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	slug, svg := strings.CutSuffix(file, ".svg")
	if !svg {
		var jpg bool
		if slug, jpg = strings.CutSuffix(file, ".jpg"); !jpg {
			n.notFound(w, r)
			return
		}
	}
	k, ok := n.indexBySlug(slug, n.count(n.clock()))
	if !ok {
		n.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("X-Content-Type-Options", "nosniff")
	if svg {
		h.Set("Content-Type", "image/svg+xml")
		w.Write(storySVG(n.story(k, "")))
		return
	}
	h.Set("Content-Type", "image/jpeg")
	w.Write(storyJPEG(n.story(k, "")))
}

func (n *Newsroom) notFound(w http.ResponseWriter, r *http.Request) {
	n.renderHTML(w, http.StatusNotFound, notFoundTmpl, homeData{Base: n.baseFor(r), Year: n.clock().Year()})
}

// latest returns up to max of the newest published stories, leaving out index skip.
func (n *Newsroom) latest(count, max, skip int, base string) []Story {
	var out []Story
	for k := count - 1; k >= 0 && len(out) < max; k-- {
		if k != skip {
			out = append(out, n.story(k, base))
		}
	}
	return out
}
