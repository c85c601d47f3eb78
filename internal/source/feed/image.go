package feed

import (
	"bytes"
	"html"
	"strings"

	nethtml "golang.org/x/net/html"
)

// firstImage is the address of the first picture (<img> with a src) in an
// HTML body, "" when it has none. It reads tokens up to that picture, not
// the whole document into a tree.
func firstImage(body string) string {
	if !strings.Contains(body, "<") {
		return ""
	}
	z := nethtml.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case nethtml.ErrorToken:
			return ""
		case nethtml.StartTagToken, nethtml.SelfClosingTagToken:
			name, more := z.TagName()
			if n := string(name); n != "img" && n != "image" { // the HTML parser reads <image> as <img>
				continue
			}
			for more {
				var key, val []byte
				key, val, more = z.TagAttr()
				if string(key) == "src" {
					return string(val)
				}
			}
		}
	}
}

var cdataStart, cdataEnd = []byte("<![CDATA["), []byte("]]>")

// xmlText is the text of an element's raw content as gofeed gives it:
// CDATA sections as they are, the rest with its character references
// decoded.
func xmlText(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	var b strings.Builder
	for len(raw) > 0 {
		i := bytes.Index(raw, cdataStart)
		if i < 0 {
			b.WriteString(html.UnescapeString(string(raw)))
			break
		}
		b.WriteString(html.UnescapeString(string(raw[:i])))
		raw = raw[i+len(cdataStart):]
		j := bytes.Index(raw, cdataEnd)
		if j < 0 {
			j = len(raw)
		}
		b.Write(raw[:j])
		raw = raw[min(j+len(cdataEnd), len(raw)):]
	}
	return b.String()
}
