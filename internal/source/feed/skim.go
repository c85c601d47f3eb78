package feed

import (
	"bytes"
	"slices"
)

// skim is one pass over an RSS or Atom document, at the speed of a byte
// scan, that does two things before gofeed sees it:
//
//   - it checks the document against the limits, as checkXML does, without
//     encoding/xml's byte-at-a-time decoder (about ten times faster);
//   - it writes a skeleton: the same document without each entry's bodies
//     (RSS description and content:encoded, Atom summary and content, when
//     they are text), without the white space between an entry's elements
//     and without the elements of unreadNamespaces.
//
// gofeed's cost grows with the elements and text it reads, and a feed's
// bodies are most of its bytes: gofeed reads the skeleton in about a third
// of the time, and the entries it gives have everything herald records of an
// article (link, guid, title, author, categories, dates, media) but their
// bodies, which are read when an entry is to be posted (Parsed.Complete),
// from the bytes of that entry alone.
//
// The scanner follows encoding/xml's reading in its non-strict mode, as
// gofeed uses it, token for token: text, CDATA sections, comments,
// processing instructions, start tags with quoted or bare attribute values,
// end tags that close every element up to the one they name. Where it meets
// anything else (a DOCTYPE or other directive, a second XML declaration, a
// name outside ASCII, a syntax error) it gives up, ok is false, and the
// document is read the slow way, checkXML then gofeed on the whole of it.
// FuzzSkim holds the two checks to the same verdict.
type skim struct {
	doc []byte
	// entries are the byte ranges of the document's entries, in document
	// order.
	entries []span
	// cuts are the ranges of doc the skeleton leaves out, in order.
	cuts []span
}

type span struct{ start, end int }

// frame is an element open during the scan.
type frame struct {
	name       span // its qualified name in doc
	namespaces int  // declarations made on it
	text       int64
	container  bool // the root or an RSS channel: their text costs gofeed no copies
	entry      int  // index in skim.entries when the element is an entry, else -1
}

// scanXML skims doc (UTF-8, with no second encoding declaration). err is a
// limit passed (ErrTooComplex); ok is false when the scanner could not
// follow the document and nothing it found is to be used.
func scanXML(doc []byte, l limits) (s *skim, ok bool, err error) {
	if err := checkSize(doc, l); err != nil {
		return nil, true, err
	}
	s = &skim{doc: doc}
	var (
		stack                        []frame
		elements, attrs, items, nsIn int
		copies                       int64
		entryDepth                   = -1 // the depth of the entries seen so far
		prefixes                     []rootPrefix
		rssRoot                      bool
	)
	// piece counts a piece of text in the innermost element, as gofeed glues it.
	piece := func(n int) error {
		if k := len(stack); k > 0 && !stack[k-1].container {
			f := &stack[k-1]
			f.text += int64(n)
			if copies += f.text; copies > l.TextCopies {
				return tooComplex("feed has text split into too many pieces")
			}
		}
		return nil
	}
	// declare keeps the root's declarations of prefixes the skeleton may
	// leave out; useAttr marks those an attribute elsewhere names or binds
	// again, as elements in its scope might mean something else by them.
	declare := func(name span, value []byte, from, to int) {
		prefix, ok := bytes.CutPrefix(doc[name.start:name.end], []byte("xmlns:"))
		if v := string(value); ok && (slices.Contains(unreadNamespaces, v) || v == contentNamespace) {
			prefixes = append(prefixes, rootPrefix{name: string(prefix), unread: v != contentNamespace, decl: span{from, to}})
		}
	}
	useAttr := func(name span, _ []byte, _, _ int) {
		q := doc[name.start:name.end]
		if p, ok := bytes.CutPrefix(q, []byte("xmlns:")); ok {
			use(prefixes, p)
		} else if k := bytes.IndexByte(q, ':'); k > 0 {
			use(prefixes, q[:k])
		}
	}
	i := 0
	for i < len(doc) {
		if doc[i] != '<' {
			j := bytes.IndexByte(doc[i:], '<')
			if j < 0 {
				j = len(doc)
			} else {
				j += i
			}
			if bytes.Contains(doc[i:j], []byte("]]>")) {
				return nil, false, nil // a syntax error for encoding/xml
			}
			if err := piece(j - i); err != nil {
				return nil, true, err
			}
			if k := len(stack); k > 0 && stack[k-1].entry >= 0 && isSpace(doc[i:j]) {
				s.cut(i, j)
			}
			i = j
			continue
		}
		if i+1 >= len(doc) {
			return nil, false, nil
		}
		switch doc[i+1] {
		case '/':
			name, j, ok := readName(doc, i+2)
			if !ok {
				return nil, false, nil
			}
			j = skipSpace(doc, j)
			if j >= len(doc) || doc[j] != '>' {
				return nil, false, nil
			}
			end := j + 1
			// encoding/xml, not strict, lets an end tag close every open
			// element up to the one it names, and fails when none does.
			matched := false
			for len(stack) > 0 && !matched {
				f := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				nsIn -= f.namespaces
				if bytes.Equal(local(doc, f.name), local(doc, name)) {
					if !bytes.Equal(doc[f.name.start:f.name.end], doc[name.start:name.end]) {
						return nil, false, nil // the same local name in another prefix: a syntax error
					}
					matched = true
				}
				if f.entry >= 0 {
					if !matched {
						return nil, false, nil // an entry with no end tag of its own
					}
					s.entries[f.entry].end = end
				}
			}
			if !matched {
				return nil, false, nil
			}
			i = end
		case '?':
			name, j, ok := readName(doc, i+2)
			if !ok || i > 0 && bytes.Equal(doc[name.start:name.end], []byte("xml")) {
				return nil, false, nil // toUTF8 leaves one declaration, at the start
			}
			k := bytes.Index(doc[j:], []byte("?>"))
			if k < 0 {
				return nil, false, nil
			}
			i = j + k + 2
		case '!':
			switch {
			case bytes.HasPrefix(doc[i:], []byte("<!--")):
				k := bytes.Index(doc[i+4:], []byte("--"))
				if k < 0 || i+4+k+2 >= len(doc) || doc[i+4+k+2] != '>' {
					return nil, false, nil
				}
				i += 4 + k + 3
			case bytes.HasPrefix(doc[i:], []byte("<![CDATA[")):
				k := bytes.Index(doc[i+9:], []byte("]]>"))
				if k < 0 {
					return nil, false, nil
				}
				if err := piece(k); err != nil {
					return nil, true, err
				}
				i += 9 + k + 3
			default:
				return nil, false, nil // a directive
			}
		default:
			name, j, ok := readName(doc, i+1)
			if !ok {
				return nil, false, nil
			}
			each := useAttr
			switch {
			case len(stack) == 0:
				each = declare
			case len(prefixes) == 0:
				each = nil
			}
			ns, n, empty, end, ok := readAttrs(doc, j, each)
			if !ok {
				return nil, false, nil
			}
			if end-i > l.StartTag {
				return nil, true, tooComplex("feed has a start tag longer than %s", kib(l.StartTag))
			}
			if len(stack) >= l.Depth {
				return nil, true, tooComplex("feed too deeply nested: more than %d levels", l.Depth)
			}
			if elements++; elements > l.Elements {
				return nil, true, tooComplex("feed has too many elements: more than %d", l.Elements)
			}
			if attrs += n; attrs > l.Attributes {
				return nil, true, tooComplex("feed has too many attributes: more than %d", l.Attributes)
			}
			loc := local(doc, name)
			isEntry := string(loc) == "item" || string(loc) == "entry"
			if isEntry && len(stack) <= 2 {
				if items++; items > l.Items {
					return nil, true, tooComplex("feed has too many entries: more than %d", l.Items)
				}
			}
			if nsIn += ns; nsIn > l.Namespaces {
				return nil, true, tooComplex("feed declares too many XML namespaces: more than %d in scope", l.Namespaces)
			}
			f := frame{name: name, namespaces: ns, entry: -1}
			f.container = len(stack) == 0 || len(stack) == 1 && string(loc) == "channel"
			depth := len(stack)
			if isEntry && (depth == 1 || depth == 2 && string(local(doc, stack[1].name)) == "channel") {
				if entryDepth >= 0 && entryDepth != depth {
					return nil, false, nil // gofeed would not keep them in document order
				}
				entryDepth = depth
				f.entry = len(s.entries)
				s.entries = append(s.entries, span{start: i, end: -1})
			}
			if depth == 0 {
				rssRoot = string(loc) == "rss"
			}
			whole := false // the element is left out whole
			if depth > 0 && stack[depth-1].entry >= 0 && (isUnread(doc, name, prefixes, rssRoot) || !empty && isBody(doc, name)) {
				if empty {
					whole = true
					s.cut(i, end)
				} else if k, pure := pureText(doc, end); pure {
					if e, ok := endTag(doc, k, name); ok {
						whole = true
						s.cut(i, e)
					}
				}
			}
			if q := doc[name.start:name.end]; !whole && len(prefixes) > 0 && len(q) > len(loc) {
				use(prefixes, q[:len(q)-len(loc)-1])
			}
			if !empty {
				stack = append(stack, f)
			} else {
				nsIn -= ns
				if f.entry >= 0 {
					s.entries[f.entry].end = end
				}
			}
			i = end
		}
	}
	for _, e := range s.entries {
		if e.end < 0 {
			return nil, false, nil
		}
	}
	// The declarations of prefixes nothing kept uses go too: gofeed's XML
	// reader copies every namespace in scope at every element.
	var decls []span
	for _, p := range prefixes {
		if !p.used {
			decls = append(decls, p.decl)
		}
	}
	s.cuts = append(decls, s.cuts...)
	return s, true, nil
}

// cut leaves doc[from:to] out of the skeleton; cuts come in document order.
func (s *skim) cut(from, to int) {
	if n := len(s.cuts); n > 0 && s.cuts[n-1].end == from {
		s.cuts[n-1].end = to
		return
	}
	s.cuts = append(s.cuts, span{from, to})
}

// skeleton is the document without the cuts.
func (s *skim) skeleton() []byte {
	n := len(s.doc)
	for _, c := range s.cuts {
		n -= c.end - c.start
	}
	out := make([]byte, 0, n)
	at := 0
	for _, c := range s.cuts {
		out = append(out, s.doc[at:c.start]...)
		at = c.end
	}
	return append(out, s.doc[at:]...)
}

// only is the document with only the entries at idx (in increasing order):
// what comes before the first entry, those entries, and what follows the
// last one.
func (s *skim) only(idx []int) []byte {
	first, last := s.entries[0], s.entries[len(s.entries)-1]
	n := first.start + len(s.doc) - last.end
	for _, k := range idx {
		n += s.entries[k].end - s.entries[k].start
	}
	out := make([]byte, 0, n)
	out = append(out, s.doc[:first.start]...)
	for _, k := range idx {
		out = append(out, s.doc[s.entries[k].start:s.entries[k].end]...)
	}
	return append(out, s.doc[last.end:]...)
}

// isBody reports whether the element named name, a child of an entry, is
// one of its bodies.
func isBody(doc []byte, name span) bool {
	q := doc[name.start:name.end]
	switch string(q) {
	case "description", "summary", "content":
		return true
	}
	return string(local(doc, name)) == "encoded" && bytes.IndexByte(q, ':') > 0 // content:encoded, whatever its prefix
}

// unreadNamespaces are extensions whose elements in an entry herald never
// reads, and which every WordPress feed writes in every entry: the comment
// feed's address (wfw:commentRss) and the comment count (slash:comments).
// The skeleton leaves them out whole, with RSS's own <comments> link, when
// they are plain text.
var unreadNamespaces = []string{"http://wellformedweb.org/CommentAPI/", "http://purl.org/rss/1.0/modules/slash/"}

// rootPrefix is a namespace prefix the root binds to one of
// unreadNamespaces or to RSS's content module (content:encoded, a body).
type rootPrefix struct {
	name   string
	unread bool // its elements in entries are left out
	decl   span // its declaration, with the white space before it
	used   bool // something the skeleton keeps names it, or binds it again
}

const contentNamespace = "http://purl.org/rss/1.0/modules/content/"

func use(prefixes []rootPrefix, prefix []byte) {
	for k := range prefixes {
		if prefixes[k].name == string(prefix) {
			prefixes[k].used, prefixes[k].unread = true, false
		}
	}
}

// isUnread reports whether an entry's child element named name is one the
// skeleton leaves out.
func isUnread(doc []byte, name span, prefixes []rootPrefix, rss bool) bool {
	q := doc[name.start:name.end]
	if rss && string(q) == "comments" {
		return true
	}
	for _, p := range prefixes {
		if p.unread && len(q) > len(p.name) && q[len(p.name)] == ':' && string(q[:len(p.name)]) == p.name {
			return true
		}
	}
	return false
}

// endTag reads the end tag of the element named name at k, and returns the
// offset past it.
func endTag(doc []byte, k int, name span) (int, bool) {
	q := doc[name.start:name.end]
	if !bytes.HasPrefix(doc[k:], []byte("</")) || !bytes.HasPrefix(doc[k+2:], q) {
		return 0, false
	}
	e := skipSpace(doc, k+2+len(q))
	if e >= len(doc) || doc[e] != '>' {
		return 0, false
	}
	return e + 1, true
}

// pureText looks at an element's content from start: when it is only text
// and CDATA sections up to an end tag, it returns the end tag's offset.
func pureText(doc []byte, start int) (int, bool) {
	i := start
	for i < len(doc) {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			return 0, false
		}
		if bytes.Contains(doc[i:i+j], []byte("]]>")) {
			return 0, false
		}
		i += j
		switch {
		case bytes.HasPrefix(doc[i:], []byte("</")):
			return i, true
		case bytes.HasPrefix(doc[i:], []byte("<![CDATA[")):
			k := bytes.Index(doc[i+9:], []byte("]]>"))
			if k < 0 {
				return 0, false
			}
			i += 9 + k + 3
		default:
			return 0, false
		}
	}
	return 0, false
}

// readName reads an XML name at i as encoding/xml does; ok is false for
// one it would refuse, and for one outside ASCII, which the scanner leaves
// to it.
func readName(doc []byte, i int) (name span, next int, ok bool) {
	j := i
	for j < len(doc) && isNameByte(doc[j]) {
		j++
	}
	if j == i || j < len(doc) && doc[j] >= 0x80 {
		return span{}, 0, false
	}
	if c := doc[i]; c >= '0' && c <= '9' || c == '-' || c == '.' {
		return span{}, 0, false // not a name start
	}
	colons := bytes.Count(doc[i:j], []byte(":"))
	if colons > 1 {
		return span{}, 0, false
	}
	return span{i, j}, j, true
}

// readAttrs reads a start tag's attributes from i, just past its name, as
// encoding/xml does when not strict: quoted values, bare values and names
// without a value. each, when not nil, is called with every attribute: its
// name, its value as written, and the bytes it takes, the white space
// before it included. It returns the namespace declarations and attributes
// counted, whether the tag closes itself, and the offset past its '>'.
func readAttrs(doc []byte, i int, each func(name span, value []byte, from, to int)) (ns, n int, empty bool, end int, ok bool) {
	for {
		from := i
		i = skipSpace(doc, i)
		if i >= len(doc) {
			return 0, 0, false, 0, false
		}
		switch doc[i] {
		case '/':
			if i+1 >= len(doc) || doc[i+1] != '>' {
				return 0, 0, false, 0, false
			}
			return ns, n, true, i + 2, true
		case '>':
			return ns, n, false, i + 1, true
		}
		name, j, ok := readName(doc, i)
		if !ok {
			return 0, 0, false, 0, false
		}
		n++
		if q := doc[name.start:name.end]; bytes.Equal(q, []byte("xmlns")) || bytes.HasPrefix(q, []byte("xmlns:")) && len(q) > len("xmlns:") {
			ns++
		}
		j = skipSpace(doc, j)
		if j >= len(doc) {
			return 0, 0, false, 0, false
		}
		var value []byte
		switch c := doc[j]; {
		case c != '=':
			j = name.end // a name without a value
		default:
			j = skipSpace(doc, j+1)
			if j >= len(doc) {
				return 0, 0, false, 0, false
			}
			if c := doc[j]; c == '"' || c == '\'' {
				k := bytes.IndexByte(doc[j+1:], c)
				if k < 0 || bytes.IndexByte(doc[j+1:j+1+k], '<') >= 0 {
					return 0, 0, false, 0, false
				}
				value, j = doc[j+1:j+1+k], j+1+k+1
			} else {
				k := j
				for k < len(doc) && isBareValueByte(doc[k]) {
					k++
				}
				value, j = doc[j:k], k
			}
		}
		if each != nil {
			each(name, value, from, j)
		}
		i = j
	}
}

// local is the local part of a qualified name.
func local(doc []byte, name span) []byte {
	q := doc[name.start:name.end]
	if k := bytes.IndexByte(q, ':'); k > 0 && k < len(q)-1 {
		return q[k+1:]
	}
	return q
}

func skipSpace(doc []byte, i int) int {
	for i < len(doc) && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\r' || doc[i] == '\n') {
		i++
	}
	return i
}

func isSpace(b []byte) bool {
	return skipSpace(b, 0) == len(b)
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

func isBareValueByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '-'
}
