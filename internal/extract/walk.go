package extract

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// walk visits the tree under root in document order without recursion, so that deeply
// nested markup cannot exhaust the stack. enter is called on each node and says whether
// to visit its children; leave is called for every node enter was called for. walk stops
// early when stop reports true.
func walk(root *html.Node, enter func(*html.Node) bool, leave func(*html.Node), stop func() bool) {
	n := root
	for {
		if stop != nil && stop() {
			return
		}
		if enter(n) && n.FirstChild != nil {
			n = n.FirstChild
			continue
		}
		for {
			leave(n)
			if n == root {
				return
			}
			if n.NextSibling != nil {
				n = n.NextSibling
				break
			}
			n = n.Parent
		}
	}
}

// line is one line of a block of text: a paragraph, or the part of one between <br>s.
type line struct {
	text    string
	letters int // letters in text
	strong  int // letters inside <b>, <strong>, <em>, <i>
	linked  int // letters inside <a>
}

// blockWalker turns a tree into the blocks of text a reader sees, leaving out everything
// that cannot hold an article's lede: captions, forms, navigation, headings, quotes, and
// any element whose class, id or role says it is a byline, share box, newsletter, ticker,
// comment area or the like.
type blockWalker struct {
	emit func([]line) bool // receives each block; true stops the walk

	lines   []line
	cur     strings.Builder
	letters int
	strong  int
	linked  int
	inStrg  int        // depth of open emphasis elements
	inLink  int        // depth of open links
	skipped *html.Node // the element enter last passed over
	done    bool
	// heading is the text of the last heading passed over: a paragraph without a full
	// stop that repeats it is the headline again, not a standfirst.
	heading string
}

func (w *blockWalker) run(roots ...*html.Node) {
	for _, r := range roots {
		if w.done {
			return
		}
		walk(r, w.enter, w.leave, func() bool { return w.done })
	}
	w.flushBlock()
}

func (w *blockWalker) enter(n *html.Node) bool {
	switch n.Type {
	case html.DocumentNode:
		return true
	case html.TextNode:
		w.cur.WriteString(n.Data)
		for _, r := range n.Data {
			if unicode.IsLetter(r) || unicode.IsNumber(r) {
				w.letters++
				if w.inStrg > 0 {
					w.strong++
				}
				if w.inLink > 0 {
					w.linked++
				}
			}
		}
		return false
	case html.ElementNode:
	default:
		return false
	}
	if n.DataAtom == atom.Br {
		w.flushLine()
		return false
	}
	if skipElement(n) {
		if !inline[n.DataAtom] {
			w.flushBlock()
		}
		if headings[n.DataAtom] {
			var b strings.Builder
			appendText(&b, n)
			w.heading = clean(prefix(b.String(), 600))
		}
		w.skipped = n
		return false
	}
	switch {
	case emphasis[n.DataAtom]:
		w.inStrg++
	case n.DataAtom == atom.A:
		w.inLink++
	case !inline[n.DataAtom]:
		w.flushBlock()
	}
	return true
}

func (w *blockWalker) leave(n *html.Node) {
	if n.Type != html.ElementNode || n.DataAtom == atom.Br {
		return
	}
	if n == w.skipped {
		return // entered and left at once: nothing was counted
	}
	switch {
	case emphasis[n.DataAtom]:
		w.inStrg--
	case n.DataAtom == atom.A:
		w.inLink--
	case !inline[n.DataAtom]:
		w.flushBlock()
	}
}

func (w *blockWalker) flushLine() {
	if w.letters > 0 {
		w.lines = append(w.lines, line{text: w.cur.String(), letters: w.letters, strong: w.strong, linked: w.linked})
	}
	w.cur.Reset()
	w.letters, w.strong, w.linked = 0, 0, 0
}

func (w *blockWalker) flushBlock() {
	w.flushLine()
	if len(w.lines) == 0 || w.done {
		w.lines = w.lines[:0]
		return
	}
	if w.emit(w.lines) {
		w.done = true
	}
	w.lines = w.lines[:0]
}

// headings are the elements a headline is in.
var headings = atomSet(atom.H1, atom.H2, atom.H3)

// emphasis elements mark bylines and labels when they hold a whole paragraph.
var emphasis = atomSet(atom.B, atom.Strong, atom.Em, atom.I)

// skipTags never hold a lede.
var skipTags = atomSet(
	atom.Figure, atom.Figcaption, atom.Caption, atom.Form, atom.Nav, atom.Header,
	atom.Footer, atom.Aside, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
	atom.Blockquote, atom.Pre, atom.Address, atom.Menu, atom.Dialog, atom.Fieldset,
	atom.Label, atom.Option, atom.Summary,
)

// skipRoles are ARIA landmarks and widgets around, not inside, an article's text.
var skipRoles = map[string]bool{
	"banner": true, "navigation": true, "complementary": true, "contentinfo": true,
	"dialog": true, "alertdialog": true, "alert": true, "menu": true, "menubar": true,
	"search": true, "form": true, "figure": true, "marquee": true, "timer": true,
}

var (
	// skipWords are class and id words of elements around an article's text. Words are
	// separated by space, "-" or "_", so "wp-caption-text" and "comment-respond" match but
	// "has-post-thumbnail" does not.
	skipWords = wordSet("caption", "credit", "credits", "byline", "author", "authors",
		"share", "sharing", "sharedaddy", "sharethis", "addtoany", "social", "related",
		"relatedposts", "newsletter", "subscribe", "subscription", "signup", "comment",
		"comments", "respond", "reply", "breaking", "ticker", "marquee", "advert",
		"advertisement", "ad", "ads", "promo", "sponsored", "meta", "tags", "tagcloud", "nav",
		"navigation", "menu", "breadcrumb", "breadcrumbs", "sidebar", "widget", "footer",
		"masthead", "header", "banner", "popup", "modal", "cookie", "cookies", "dateline",
		"timestamp", "toc", "disclaimer", "copyright", "outbrain", "taboola", "yarpp",
		"paywall", "print")
	// skipNames are whole class names whose words alone say too little.
	skipNames = wordSet("sr-only", "screen-reader-text", "visually-hidden", "posted-on")
	// keepWords win over skipWords: a container named for the article itself ("article-body
	// comments-enabled") holds the text even if another word matches.
	keepWords = wordSet("article", "body", "content", "main", "story")
	// hiddenStyle is inline CSS that hides an element.
	hiddenStyle = regexp.MustCompile(`(?i)display\s*:\s*none|visibility\s*:\s*hidden`)
)

func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// skipElement reports whether the subtree of element n holds nothing a lede can come from.
func skipElement(n *html.Node) bool {
	if invisible[n.DataAtom] || skipTags[n.DataAtom] {
		return true
	}
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Article, atom.Main:
		return false
	}
	var class, id string
	for _, a := range n.Attr {
		switch a.Key {
		case "class":
			class = a.Val
		case "id":
			id = a.Val
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "role":
			if skipRoles[strings.ToLower(strings.TrimSpace(a.Val))] {
				return true
			}
		case "style":
			if hiddenStyle.MatchString(a.Val) {
				return true
			}
		case "itemprop":
			if v := strings.ToLower(a.Val); strings.Contains(v, "author") || strings.Contains(v, "caption") {
				return true
			}
		}
	}
	if class == "" && id == "" {
		return false
	}
	return skipNamed(strings.ToLower(ownClasses(class) + " " + id))
}

// skipNamed reports whether lower-case class and id names mark an element to skip.
func skipNamed(names string) bool {
	skip := false
	for _, name := range strings.Fields(names) {
		if skipNames[name] {
			skip = true
		}
		for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
			if keepWords[w] {
				return false
			}
			if skipWords[w] {
				skip = true
			}
		}
	}
	return skip
}

// ownClasses drops the classes WordPress derives from a post's taxonomy and state
// ("tag-breaking", "category-news", "format-standard"): they describe the post, not the
// element, and would otherwise mark the whole article as a breaking-news ticker.
func ownClasses(class string) string {
	if !strings.Contains(class, "-") {
		return class
	}
	var b strings.Builder
	for _, c := range strings.Fields(class) {
		if i := strings.IndexByte(c, '-'); i > 0 {
			switch c[:i] {
			case "tag", "category", "format", "status", "type", "postid", "has":
				continue
			case "post":
				if strings.Trim(c[i+1:], "0123456789") == "" {
					continue
				}
			}
		}
		b.WriteString(c)
		b.WriteByte(' ')
	}
	return b.String()
}
