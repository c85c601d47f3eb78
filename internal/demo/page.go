package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

const (
	articleTmpl  = "article"
	homeTmpl     = "home"
	notFoundTmpl = "notfound"
)

type articleData struct {
	Base  string
	Story Story
	// Canonical is the article's own address, under BaseURL when it is set.
	Canonical string
	ImageID   int
	Locale    string // og:locale
	By        string
	Date      string // as the page shows it
	ISO       string // RFC 3339
	Section   string
	Breaking  bool
	First     string   // the first body paragraph, before the Related box
	Rest      []string // the others, after it
	Related   []Story
	MostRead  []Story
	JSONLD    template.JS
	Year      int
}

type homeData struct {
	Base    string
	Stories []Story
	Year    int
}

func (n *Newsroom) articleData(s Story, k, count int, base string) articleData {
	canonical := s.URL
	if n.base != "" && base != n.base {
		canonical = n.story(k, n.base).URL
	}
	d := articleData{
		Base:      base,
		Story:     s,
		Canonical: canonical,
		ImageID:   s.ID + 1,
		Locale:    strings.ReplaceAll(s.Language, "-", "_"),
		By:        byWord(s.Language),
		Date:      s.Published.Format("January 2, 2006 at 3:04 pm"),
		ISO:       s.Published.Format("2006-01-02T15:04:05-07:00"),
		Section:   s.Categories[0],
		Breaking:  slices.Contains(s.Categories, "Breaking"),
		Year:      n.clock().Year(),
	}
	if d.Locale == "es" {
		d.Locale = "es_ES"
	}
	if len(s.Body) > 0 {
		d.First, d.Rest = s.Body[0], s.Body[1:]
	}
	// Related: the stories just before this one, or just after when it is among the first.
	for _, j := range []int{k - 1, k - 2, k - 3, k + 1, k + 2, k + 3} {
		if j >= 0 && j < count && len(d.Related) < 3 {
			d.Related = append(d.Related, n.story(j, base))
		}
	}
	d.MostRead = n.latest(count, 5, k, base)
	d.JSONLD = newsArticleJSON(s, base)
	return d
}

// newsArticleJSON is the schema.org NewsArticle block a WordPress SEO plugin would emit.
// encoding/json escapes <, > and &, so the result is safe inside a script element.
func newsArticleJSON(s Story, base string) template.JS {
	type thing = map[string]any
	v := thing{
		"@context":         "https://schema.org",
		"@type":            "NewsArticle",
		"@id":              s.URL + "#article",
		"mainEntityOfPage": s.URL,
		"headline":         s.Title,
		"description":      s.Lede,
		"datePublished":    s.Published.Format("2006-01-02T15:04:05-07:00"),
		"dateModified":     s.Published.Format("2006-01-02T15:04:05-07:00"),
		"inLanguage":       s.Language,
		"articleSection":   s.Categories,
		"image":            thing{"@type": "ImageObject", "url": s.Image, "width": 1200, "height": 675, "caption": s.Caption},
		"author":           []thing{{"@type": "Person", "name": s.Author}},
		"publisher":        thing{"@type": "NewsMediaOrganization", "name": siteName, "url": base + "/"},
		"wordCount":        wordCount(s),
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("demo: JSON-LD: " + err.Error()) // only strings, ints and maps of them
	}
	return template.JS(b)
}

func wordCount(s Story) int {
	n := len(strings.Fields(s.Lede))
	for _, p := range s.Body {
		n += len(strings.Fields(p))
	}
	return n
}

// renderHTML executes a page into a buffer first, so a template error becomes a clean 500
// instead of half a page.
func (n *Newsroom) renderHTML(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
