package demo

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
)

const (
	// excerptWords and excerptMore are WordPress's auto-excerpt: the first 55 words of the post
	// with its tags stripped, caption and byline included, then " [&#8230;]".
	excerptWords = 55
	excerptMore  = " [&#8230;]"

	newsletterLine = "Get The Valley Courier’s morning briefing in your inbox every weekday. Sign up for free."
)

// wpText renders plain text the way WordPress's wptexturize and convert_chars leave it in
// feeds and post HTML: typographic quotes and ampersands become numeric character references,
// other characters stay UTF-8. The result is valid in XML and HTML text and attributes, and
// decodes back to the input exactly once.
var wpText = strings.NewReplacer(
	"&", "&#038;",
	"<", "&lt;",
	">", "&gt;",
	`"`, "&quot;",
	"’", "&#8217;",
	"‘", "&#8216;",
	"“", "&#8220;",
	"”", "&#8221;",
	"…", "&#8230;",
).Replace

// cdata wraps s in a CDATA section, splitting any "]]>" inside it.
func cdata(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

// byWord is the byline's "By" in the story's language.
func byWord(lang string) string {
	if strings.HasPrefix(lang, "es") {
		return "Por"
	}
	return "By"
}

// contentHTML is the post as WordPress's block editor saves it: the featured photo with its
// caption first, a byline paragraph, the story, and the newsletter line editors paste in.
func contentHTML(s Story) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="wp-block-image size-large"><img decoding="async" width="1200" height="675" src="%s" alt="" class="wp-image-%d"/><figcaption class="wp-element-caption">%s</figcaption></figure>`+"\n",
		wpText(s.Photo), s.ID+1, wpText(s.Caption))
	fmt.Fprintf(&b, "<p><strong>%s %s</strong></p>\n", byWord(s.Language), wpText(s.Author))
	fmt.Fprintf(&b, "<p>%s</p>\n", wpText(s.Lede))
	for _, p := range s.Body {
		fmt.Fprintf(&b, "<p>%s</p>\n", wpText(p))
	}
	fmt.Fprintf(&b, "<p><em>%s</em></p>\n", wpText(newsletterLine))
	return b.String()
}

// excerpt is WordPress's wp_trim_excerpt of the post's HTML: tags stripped (not replaced by
// spaces), whitespace folded, 55 words, and the "more" marker when anything was cut. Character
// references stay as they are, as in WordPress.
func excerpt(html string) string {
	var text strings.Builder
	inTag := false
	for _, r := range html {
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
		case !inTag:
			text.WriteRune(r)
		}
	}
	words := strings.Fields(text.String())
	if len(words) <= excerptWords {
		return strings.Join(words, " ")
	}
	return strings.Join(words[:excerptWords], " ") + excerptMore
}

// rssDate is RFC 1123 with a numeric zone, as WordPress writes pubDate.
func rssDate(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// renderFeed writes the RSS 2.0 document for the first count stories (the newest feedSize of
// them) and returns it with the time of the newest story, for Last-Modified.
func (n *Newsroom) renderFeed(count int, base string) ([]byte, time.Time) {
	modified := n.start
	if count > 0 {
		modified = n.publishedAt(count - 1)
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
`)
	fmt.Fprintf(&b, "\t<title>%s</title>\n", wpText(siteName))
	fmt.Fprintf(&b, "\t<atom:link href=\"%s/feed/\" rel=\"self\" type=\"application/rss+xml\" />\n", wpText(base))
	fmt.Fprintf(&b, "\t<link>%s</link>\n", wpText(base))
	fmt.Fprintf(&b, "\t<description>%s</description>\n", wpText("News from Millbrook and the Harrow Valley"))
	fmt.Fprintf(&b, "\t<lastBuildDate>%s</lastBuildDate>\n", rssDate(modified))
	b.WriteString("\t<language>en-US</language>\n\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n")
	for k := count - 1; k >= 0 && k >= count-feedSize; k-- {
		s := n.story(k, base)
		content := contentHTML(s)
		b.WriteString("\t<item>\n")
		fmt.Fprintf(&b, "\t\t<title>%s</title>\n", wpText(s.Title))
		fmt.Fprintf(&b, "\t\t<link>%s</link>\n", wpText(s.URL))
		fmt.Fprintf(&b, "\t\t\t\t\t<comments>%s#respond</comments>\n", wpText(s.URL))
		fmt.Fprintf(&b, "\t\t\n\t\t<dc:creator>%s</dc:creator>\n", cdata(s.Author))
		fmt.Fprintf(&b, "\t\t<pubDate>%s</pubDate>\n", rssDate(s.Published))
		for _, c := range s.Categories {
			fmt.Fprintf(&b, "\t\t<category>%s</category>\n", cdata(c))
		}
		fmt.Fprintf(&b, "\n\t\t<guid isPermaLink=\"false\">%s</guid>\n\n", wpText(s.GUID))
		fmt.Fprintf(&b, "\t\t\t\t\t<description>%s</description>\n", cdata(excerpt(content)))
		fmt.Fprintf(&b, "\t\t\t\t\t\t\t\t\t\t<content:encoded>%s</content:encoded>\n", cdata(content))
		fmt.Fprintf(&b, "\t\t\t\t\t<wfw:commentRss>%s</wfw:commentRss>\n", wpText(s.URL+"feed/"))
		b.WriteString("\t\t\t<slash:comments>0</slash:comments>\n")
		b.WriteString("\t\t</item>\n")
	}
	b.WriteString("\t</channel>\n</rss>\n")
	return b.Bytes(), modified
}

// feedETag is a strong validator: the feed is a pure function of its bytes.
func feedETag(body []byte) string {
	h := fnv.New64a()
	h.Write(body)
	return `"` + strconv.FormatUint(h.Sum64(), 16) + `"`
}
