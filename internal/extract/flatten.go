package extract

import (
	"bytes"
	"io"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The HTML parser refuses markup nested more than 512 elements deep. Real pages get there:
// a long comment thread of nested replies, or a legacy page that never closes its <font>
// and <div> tags. Such a page is parsed again after flatten, which loses its layout but
// keeps its text, its paragraphs and its metadata.

// flatten rewrites markup so that it cannot nest deeply: every element that is not part of
// the page's metadata, a paragraph, a heading or a line break loses its tags — a block
// element becomes the start of a paragraph, an inline one disappears — and its content
// stays. Paragraphs and headings close one another, so the result is a few levels deep.
// The tokenizer, unlike a regular expression, leaves the inside of <script> and <style>
// alone, so JSON-LD survives.
func flatten(r io.Reader) []byte {
	var out bytes.Buffer
	z := html.NewTokenizer(r)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out.Bytes()
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case keepNested[a]:
				out.Write(z.Raw())
			case tt != html.EndTagToken && !inline[a]:
				out.WriteString("<p>")
			}
		default:
			out.Write(z.Raw())
		}
	}
}

// keepNested are the elements flatten keeps: none of them can nest deeply, because the
// parser closes an open paragraph or heading when the next one starts.
var keepNested = atomSet(
	atom.Html, atom.Head, atom.Body, atom.Title, atom.Meta, atom.Link, atom.Base,
	atom.Script, atom.Style, atom.P, atom.Br, atom.Img,
	atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
)
