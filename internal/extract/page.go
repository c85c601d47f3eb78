package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// ErrNoContent is returned, with whatever was found, by ParsePage for a page that has
// neither a title nor a lede: an error page, a login wall, or not HTML at all.
var ErrNoContent = errors.New("extract: page has no title and no text")

// Page is what herald reads from an article page. Strings are plain text or absolute
// http(s) URLs; a field the page does not give is empty.
type Page struct {
	Title       string
	Description string // the page's own summary (og:description and kin), as given
	Canonical   string // the rel=canonical link, else og:url, else the page URL
	Image       string
	Lede        string // the summary to post: see ParsePage
	Author      string
	Published   time.Time
	// Lang is the page's language as a BCP 47 tag ("en-US"), from <html
	// lang> else og:locale; empty when the page does not say.
	Lang string
	// Categories are the page's sections and tags: JSON-LD articleSection
	// and keywords, else the article:section and article:tag meta tags (as
	// WordPress's SEO plugins write them).
	Categories []string
}

// ParsePage reads an article page fetched from pageURL, which relative links resolve
// against.
//
// Metadata comes from Open Graph and Twitter tags, <meta name="description">, JSON-LD
// (NewsArticle, Article, ReportageNewsArticle, BlogPosting and kin: objects, arrays or
// @graph), <link rel="canonical"> and <title>. The lede is the first page description that
// is a real sentence — not site boilerplate ("Read the latest news…"), not the headline
// again, not a caption — passed through the same rules as Lede; failing that, it is taken
// from the first real paragraphs of the body, found with go-readability, and then from the
// body as a whole.
func ParsePage(body []byte, pageURL string) (Page, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return Page{}, fmt.Errorf("extract: page url %q: %w", pageURL, err)
	}
	doc, err := parseDocument(body)
	if err != nil {
		return Page{}, fmt.Errorf("extract: parse %s: %w", pageURL, err)
	}

	m := readMeta(doc)
	if m.base != "" {
		if b, err := base.Parse(m.base); err == nil {
			base = b
		}
	}
	ld := m.article()

	p := Page{
		Title:     firstOf(textDecoded(m.get("og:title")), ld.headline, textDecoded(m.get("twitter:title")), pageTitle(m.title, m.get("og:site_name"))),
		Canonical: firstOf(absURL(base, m.canonical), absURL(base, m.get("og:url")), absURL(base, pageURL)),
		Image: firstOf(absURL(base, m.get("og:image")), absURL(base, m.get("og:image:url")),
			absURL(base, m.get("og:image:secure_url")), absURL(base, m.get("twitter:image")),
			absURL(base, m.get("twitter:image:src")), absURL(base, ld.image), absURL(base, m.imageSrc)),
		Author:    firstOf(ld.author, textDecoded(m.get("author")), notURL(textDecoded(m.get("article:author")))),
		Published: firstTime(ld.published, m.get("article:published_time"), m.get("datepublished"), m.get("og:published_time"), m.get("pubdate"), m.get("publishdate"), m.get("date")),
		Lang:      firstOf(Language(m.lang), Language(m.get("og:locale"))),
	}
	p.Categories = categories(ld.sections)
	if len(p.Categories) == 0 {
		p.Categories = categories(m.sections)
	}

	descs := []string{
		textDecoded(m.get("og:description")),
		textDecoded(m.get("twitter:description")),
		textDecoded(m.get("description")),
		ld.description,
	}
	p.Description = firstOf(descs...)
	for _, d := range descs {
		if p.Lede = descriptionLede(d, p.Title); p.Lede != "" {
			break
		}
	}
	if p.Lede == "" {
		p.Lede = bodyLede(doc, base, p.Title)
	}
	if p.Title == "" && p.Lede == "" {
		return p, ErrNoContent
	}
	return p, nil
}

// parseDocument parses a page, flattening it first if it is nested too deeply to parse.
func parseDocument(body []byte) (*html.Node, error) {
	doc, err := html.Parse(utf8Reader(body))
	if err != nil {
		doc, err = html.Parse(bytes.NewReader(flatten(utf8Reader(body))))
	}
	return doc, err
}

// utf8Reader returns body as UTF-8. A byte-order mark is believed; otherwise a body that is
// valid UTF-8 is taken as such whatever it declares (a wrong <meta charset> is common, a
// legacy page that happens to be valid UTF-8 is not), and anything else is decoded from the
// charset the page declares, or windows-1252.
func utf8Reader(body []byte) io.Reader {
	enc, name, certain := charset.DetermineEncoding(body, "")
	if certain && name != "utf-8" {
		return enc.NewDecoder().Reader(bytes.NewReader(body))
	}
	if utf8.Valid(body) {
		return bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	}
	if name == "utf-8" {
		return bytes.NewReader(body) // invalid bytes are dropped later, by clean
	}
	return enc.NewDecoder().Reader(bytes.NewReader(body))
}

// descriptionLede returns the lede from a page description, or "" when the description is
// not one: empty, the headline again, site boilerplate, a caption, or no full sentence.
func descriptionLede(desc, title string) string {
	if desc == "" || boilerplate.MatchString(desc) {
		return ""
	}
	if title != "" && strings.HasPrefix(strings.ToLower(desc), strings.ToLower(title)) &&
		len(strings.Fields(desc))-len(strings.Fields(title)) < minWords {
		return "" // the headline, perhaps with the site name after it
	}
	// A description is one plain line of text: no links, no emphasis.
	text, cut, kind := realText([]line{{text: desc, letters: utf8.RuneCountInString(desc)}}, title)
	switch kind {
	case notText:
		return ""
	case standfirst:
		return assemble([]string{text}, 0)
	}
	sents := ledeSentences(text, cut)
	if len(sents) == 0 || !endsSentence(sents[0]) || strings.EqualFold(sents[0], title) {
		return ""
	}
	return assemble(sents, 0)
}

// boilerplate is a description a site puts on every page rather than a summary of this one.
var boilerplate = regexp.MustCompile(`(?i)^(?:read|get|find|discover|explore|browse|watch|see|follow|stay|keep up|catch up|check out|visit|welcome to|the latest|latest|all the latest|breaking news|top stories|news and|official (?:web)?site|your (?:source|home|trusted|daily))\b`)

// bodyLede finds the lede in the page body: first in the article go-readability finds,
// then, if that holds none, anywhere in the body.
func bodyLede(doc *html.Node, base *url.URL, title string) string {
	if l := readableLede(doc, base, title); l != "" {
		return l
	}
	return ledeFrom(ledeOptions{title: title}, doc)
}

// readableLede is the lede of the article go-readability finds in doc, which it rearranges
// as it goes. go-readability is a large port of Readability.js fed with whatever a site
// serves; should it panic on some page, herald falls back to the body rather than failing.
func readableLede(doc *html.Node, base *url.URL, title string) (lede string) {
	defer func() {
		if recover() != nil {
			lede = ""
		}
	}()
	parser := readability.NewParser()
	parser.DisableJSONLD = true // read already, our way
	parser.KeepClasses = true   // the walker reads class names
	art, err := parser.ParseAndMutate(doc, base)
	if err != nil || art.Node == nil {
		return ""
	}
	return ledeFrom(ledeOptions{title: title}, art.Node)
}

// meta is what one walk over a page collects.
type meta struct {
	tags      map[string]string // <meta> by lower-case property, name or itemprop; first wins
	title     string
	canonical string
	imageSrc  string
	base      string
	lang      string // <html lang>
	jsonLD    []string
	sections  []string // article:section and article:tag, every one
}

func (m *meta) get(key string) string { return m.tags[key] }

func readMeta(doc *html.Node) *meta {
	m := &meta{tags: map[string]string{}}
	enter := func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return n.Type == html.DocumentNode
		}
		switch n.DataAtom {
		case atom.Html:
			if lang, ok := attr(n, "lang"); ok && m.lang == "" {
				m.lang = lang
			}
		case atom.Meta:
			content, ok := attr(n, "content")
			if !ok {
				return false
			}
			for _, k := range []string{"property", "name", "itemprop"} {
				if key, ok := attr(n, k); ok {
					key = strings.ToLower(strings.TrimSpace(key))
					if key == "article:section" || key == "article:tag" {
						m.sections = append(m.sections, content)
					}
					if _, seen := m.tags[key]; !seen && strings.TrimSpace(content) != "" {
						m.tags[key] = strings.TrimSpace(content)
					}
				}
			}
		case atom.Link:
			rel, _ := attr(n, "rel")
			href, _ := attr(n, "href")
			for _, r := range strings.Fields(strings.ToLower(rel)) {
				switch {
				case r == "canonical" && m.canonical == "":
					m.canonical = strings.TrimSpace(href)
				case r == "image_src" && m.imageSrc == "":
					m.imageSrc = strings.TrimSpace(href)
				}
			}
		case atom.Base:
			if href, ok := attr(n, "href"); ok && m.base == "" {
				m.base = strings.TrimSpace(href)
			}
		case atom.Title:
			if m.title == "" && n.FirstChild != nil {
				m.title = clean(n.FirstChild.Data)
			}
			return false
		case atom.Script:
			if typ, _ := attr(n, "type"); strings.EqualFold(strings.TrimSpace(typ), "application/ld+json") && n.FirstChild != nil {
				m.jsonLD = append(m.jsonLD, n.FirstChild.Data)
			}
			return false
		case atom.Style, atom.Template, atom.Svg:
			return false
		}
		return true
	}
	walk(doc, enter, func(*html.Node) {}, nil)
	return m
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// pageTitle is the <title> without the site name a CMS appends ("Headline - ARA News").
func pageTitle(title, site string) string {
	for _, sep := range []string{" | ", " - ", " – ", " — ", " :: ", " · "} {
		i := strings.LastIndex(title, sep)
		if i <= 0 {
			continue
		}
		head, tail := title[:i], title[i+len(sep):]
		if (site != "" && strings.EqualFold(strings.TrimSpace(tail), strings.TrimSpace(site))) ||
			(len(strings.Fields(tail)) <= 3 && len(strings.Fields(head)) >= 3) {
			return strings.TrimSpace(head)
		}
	}
	return title
}

// ldArticle is the part of a JSON-LD article herald uses, as plain text.
type ldArticle struct {
	headline, description, image, author, published string
	sections                                        []string // articleSection, then keywords
}

// article returns the first JSON-LD article on the page.
func (m *meta) article() ldArticle {
	for _, raw := range m.jsonLD {
		raw = strings.TrimSpace(raw)
		raw = strings.TrimSuffix(strings.TrimPrefix(raw, "<!--"), "-->")
		raw = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(raw), "<![CDATA["), "]]>")
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			continue // broken JSON-LD is common; the page has other metadata
		}
		ids := map[string]map[string]any{}
		collectIDs(v, ids, 0)
		if obj := findArticle(v, 0); obj != nil {
			return ldArticle{
				headline:    Text(ldString(obj["headline"])),
				description: Text(ldString(obj["description"])),
				image:       ldImage(obj["image"], 0),
				author:      ldAuthor(obj["author"], ids),
				published:   ldString(obj["datePublished"]),
				sections:    append(ldStrings(obj["articleSection"]), ldStrings(obj["keywords"])...),
			}
		}
	}
	return ldArticle{}
}

// maxLDDepth bounds the walk through nested JSON-LD; articles sit at most a few levels down.
const maxLDDepth = 8

// findArticle returns the first object of an article type in v: v itself, an element of
// an array, a member of @graph, or a page's mainEntity.
func findArticle(v any, depth int) map[string]any {
	if depth > maxLDDepth {
		return nil
	}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			if a := findArticle(e, depth+1); a != nil {
				return a
			}
		}
	case map[string]any:
		if isArticleType(v["@type"]) {
			return v
		}
		for _, k := range []string{"@graph", "mainEntity", "mainEntityOfPage"} {
			if a := findArticle(v[k], depth+1); a != nil {
				return a
			}
		}
	}
	return nil
}

func isArticleType(t any) bool {
	switch t := t.(type) {
	case string:
		return articleTypes[strings.TrimPrefix(strings.TrimPrefix(t, "http://schema.org/"), "https://schema.org/")]
	case []any:
		for _, e := range t {
			if isArticleType(e) {
				return true
			}
		}
	}
	return false
}

var articleTypes = map[string]bool{
	"Article": true, "NewsArticle": true, "ReportageNewsArticle": true, "BlogPosting": true,
	"AnalysisNewsArticle": true, "BackgroundNewsArticle": true, "OpinionNewsArticle": true,
	"ReviewNewsArticle": true, "LiveBlogPosting": true, "AskPublicNewsArticle": true,
}

// collectIDs indexes the objects of a @graph by @id, so that "author": {"@id": …} can be
// followed to the Person it names (as Yoast SEO writes it).
func collectIDs(v any, ids map[string]map[string]any, depth int) {
	if depth > maxLDDepth {
		return
	}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			collectIDs(e, ids, depth+1)
		}
	case map[string]any:
		if id, ok := v["@id"].(string); ok && len(v) > 1 {
			if _, seen := ids[id]; !seen {
				ids[id] = v
			}
		}
		collectIDs(v["@graph"], ids, depth+1)
	}
}

// ldString is a JSON-LD value as a string: the value, or the first string of a list.
func ldString(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case []any:
		for _, e := range v {
			if s := ldString(e); s != "" {
				return s
			}
		}
	}
	return ""
}

// ldStrings are the strings of a JSON-LD value that is a string or a list
// of them; a string of keywords is comma-separated.
func ldStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return strings.Split(v, ",")
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// maxCategories and maxCategory bound what a page gives as categories.
const (
	maxCategories = 32
	maxCategory   = 100
)

// categories cleans a page's sections and tags: plain text, each once
// (letter case aside), none empty or longer than maxCategory bytes, at
// most maxCategories.
func categories(raw []string) []string {
	var out []string
	for _, c := range raw {
		c = Text(c)
		if c == "" || len(c) > maxCategory || slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, c) }) {
			continue
		}
		if out = append(out, c); len(out) == maxCategories {
			break
		}
	}
	return out
}

// ldImage is the URL of a JSON-LD image: a URL, an ImageObject, or a list of either.
func ldImage(v any, depth int) string {
	if depth > maxLDDepth {
		return ""
	}
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case map[string]any:
		return firstOf(ldString(v["url"]), ldString(v["contentUrl"]))
	case []any:
		for _, e := range v {
			if s := ldImage(e, depth+1); s != "" {
				return s
			}
		}
	}
	return ""
}

// ldAuthor is the names of a JSON-LD author — a name, a Person or Organization, a
// reference to one, or a list — joined with ", ".
func ldAuthor(v any, ids map[string]map[string]any) string {
	var names []string
	add := func(e any) {
		switch e := e.(type) {
		case string:
			if s := Text(e); s != "" && notURL(s) != "" {
				names = append(names, s)
			}
		case map[string]any:
			name := ldString(e["name"])
			if name == "" {
				if id, ok := e["@id"].(string); ok && ids[id] != nil {
					name = ldString(ids[id]["name"])
				}
			}
			if s := Text(name); s != "" {
				names = append(names, s)
			}
		}
	}
	if list, ok := v.([]any); ok {
		for _, e := range list {
			add(e)
		}
	} else {
		add(v)
	}
	return strings.Join(names, ", ")
}

// absURL resolves ref against base and returns it if it is an http(s) URL.
func absURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func notURL(s string) string {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		return ""
	}
	return s
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// timeLayouts are the date forms pages use in metadata, most common first.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
}

// firstTime parses the first of values that is a date; times without a zone are UTC.
func firstTime(values ...string) time.Time {
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, v); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}
