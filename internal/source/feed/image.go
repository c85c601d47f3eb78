package feed

import (
	"strings"

	"golang.org/x/net/html"
)

// firstImage is the address of the first picture (<img> with a src) in an
// HTML body, "" when it has none. It reads tokens up to that picture, not
// the whole document into a tree.
func firstImage(body string) string {
	if !strings.Contains(body, "<") {
		return ""
	}
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
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
