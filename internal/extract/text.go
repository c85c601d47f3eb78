package extract

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"
)

// Text makes plain text from a feed or page fragment: tags removed (block elements and <br>
// become spaces), entities decoded once, whitespace folded, the result trimmed and in NFC.
//
// Feeds often double-encode: the XML layer is decoded by the feed parser, and what reaches
// Text may still hold one layer of HTML entities ("SDF&#8217;s", "Raqqa &amp; Tabqa").
// Text decodes that layer and no other, so a literal "&" in text survives.
func Text(s string) string {
	if !strings.ContainsAny(s, "<&\x00") && !strings.Contains(s, "]]>") {
		return clean(s) // no markup: the HTML parser would give s back as it is
	}
	return parsedText(s)
}

// parsedText is Text through the HTML parser.
func parsedText(s string) string {
	nodes := parseFragment(s)
	var b strings.Builder
	for _, n := range nodes {
		appendText(&b, n)
	}
	return clean(b.String())
}

// textDecoded is Text for a string whose entities were already decoded, such as an HTML
// attribute value: tags are still stripped, but "&amp;" stays "&amp;".
func textDecoded(s string) string {
	if !strings.ContainsRune(s, '<') {
		return clean(s)
	}
	return Text(strings.ReplaceAll(s, "&", "&amp;"))
}

var bodyContext = &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}

// parseFragment parses s as the content of a <body>. The HTML parser repairs bad markup
// the way a browser does; it fails only on markup nested too deeply, which is parsed
// again flattened.
func parseFragment(s string) []*html.Node {
	s = unwrapCDATA(s)
	nodes, err := html.ParseFragment(strings.NewReader(s), bodyContext)
	if err != nil {
		nodes, err = html.ParseFragment(bytes.NewReader(flatten(strings.NewReader(s))), bodyContext)
	}
	if err != nil {
		return []*html.Node{{Type: html.TextNode, Data: s}} // not expected: flat markup parses
	}
	return nodes
}

// unwrapCDATA keeps the content of CDATA sections that survived a feed parser (a field
// wrapped twice, or a hand-made feed). An HTML parser would read them as comments and
// drop the text.
func unwrapCDATA(s string) string {
	const open, end = "<![CDATA[", "]]>"
	if !strings.Contains(s, open) {
		if strings.Contains(s, end) {
			return strings.ReplaceAll(s, end, "") // the end of a section whose start was cut
		}
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, open)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i+len(open):]
		j := strings.Index(s, end)
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:j])
		s = s[j+len(end):]
	}
}

// appendText writes the visible text under root, with a space wherever a block starts
// or ends and a line break for <br>.
func appendText(b *strings.Builder, root *html.Node) {
	enter := func(n *html.Node) bool {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.DocumentNode:
			return true
		case html.ElementNode:
			switch {
			case invisible[n.DataAtom]:
			case n.DataAtom == atom.Br:
				b.WriteByte('\n')
			default:
				if !inline[n.DataAtom] {
					b.WriteByte(' ')
				}
				return true
			}
		}
		return false
	}
	leave := func(n *html.Node) {
		if n.Type == html.ElementNode && !inline[n.DataAtom] && n.DataAtom != atom.Br && !invisible[n.DataAtom] {
			b.WriteByte(' ')
		}
	}
	walk(root, enter, leave, nil)
}

var (
	// tagRemnant is markup left in text after its one decoding: content a feed escaped
	// twice ("&amp;lt;p&amp;gt;") decodes to "<p>", which is a tag to strip, not text to post.
	tagRemnant = regexp.MustCompile(`<(?:/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?|!--[^<>]*--|![A-Za-z\[][^<>]*)>`)
	// tagOpen is a "<" that would open a tag: the rest of a cut-off tag ("&lt;p class"),
	// or a stray "<" before an element ("<<a>").
	tagOpen = regexp.MustCompile(`<+[A-Za-z/!?]`)
)

// clean folds every run of white space (including no-break and other Unicode spaces) into
// one space, drops invalid bytes and invisible characters that only get in the way of
// counting and matching, strips tag remnants, and returns the result trimmed and in NFC.
func clean(s string) string {
	s = fold(s)
	if strings.Contains(s, "<") {
		s = unwrapCDATA(s) // "&lt;![CDATA[…]]&gt;" decoded: keep the text, not the wrapper
		s = tagRemnant.ReplaceAllString(s, " ")
		s = tagOpen.ReplaceAllStringFunc(s, func(m string) string { return m[len(m)-1:] })
		s = fold(s)
	}
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	return s
}

// fold is clean without the tags and normalisation.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			continue // invalid byte: dropped rather than guessed at
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case dropped(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dropped reports characters that carry nothing a reader sees: controls, the soft hyphen,
// zero-width space, word joiner, byte-order mark and bidi embedding controls. Zero-width
// (non-)joiners stay: Persian, Indic scripts and emoji sequences need them.
func dropped(r rune) bool {
	switch {
	case r < 0x20 || (r >= 0x7f && r < 0xa0):
		return true
	case r == 0xad, r == 0x200b, r == 0x2060, r == 0xfeff:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// invisible elements hold no reader-facing text.
var invisible = atomSet(
	atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Title,
	atom.Iframe, atom.Object, atom.Embed, atom.Svg, atom.Math, atom.Canvas,
	atom.Audio, atom.Video, atom.Picture, atom.Img, atom.Select, atom.Textarea,
	atom.Button, atom.Input, atom.Meta, atom.Link,
)

// inline elements continue the text around them; every other element starts a new block.
var inline = atomSet(
	atom.A, atom.Abbr, atom.B, atom.Bdi, atom.Bdo, atom.Big, atom.Cite, atom.Code,
	atom.Data, atom.Del, atom.Dfn, atom.Em, atom.Font, atom.I, atom.Ins, atom.Kbd,
	atom.Label, atom.Mark, atom.Nobr, atom.Q, atom.Rp, atom.Rt, atom.Ruby, atom.S,
	atom.Samp, atom.Small, atom.Span, atom.Strike, atom.Strong, atom.Sub, atom.Sup,
	atom.Time, atom.Tt, atom.U, atom.Var, atom.Wbr, atom.Acronym, atom.Output,
)

func atomSet(as ...atom.Atom) map[atom.Atom]bool {
	m := make(map[atom.Atom]bool, len(as))
	for _, a := range as {
		m[a] = true
	}
	return m
}
