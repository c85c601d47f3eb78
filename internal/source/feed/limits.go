package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrTooComplex is returned for a document past one of the limits below.
// gofeed builds a tree of every element it does not know, recursively and
// without bound: a 10 MiB feed of nested or repeated extension elements
// grows to gigabytes or overflows the stack, which kills the process. So a
// cheap streaming pass over the same bytes, with the same XML decoder
// settings as gofeed, refuses such a document before gofeed sees it.
var ErrTooComplex = errors.New("feed too complex to read safely")

// limits bound a feed document. The counts are scaled to the fetcher's 10
// MiB body cap: real feeds spend from a hundred bytes per element (short
// items, like the WordPress fixture) to a thousand (full articles), so one
// element or attribute per 64 bytes of the cap fits any real feed of that
// size. gofeed's tree costs up to 650 bytes per element, so the densest
// document allowed costs about as much as 10 MiB of UTF-8 text does, some
// 100 MiB of heap at the peak (BenchmarkParseWorstCase).
type limits struct {
	// Depth is the deepest nesting of elements (XML) or of arrays and
	// objects (JSON). Real feeds nest fewer than 20 levels.
	Depth int
	// Elements is the number of XML elements, or of JSON values.
	Elements int
	// Attributes is the number of XML attributes, in all.
	Attributes int
	// Items is the number of entries (<item>, <entry>, JSON Feed items).
	// gofeed's items are its largest objects, about 1 KB each even when
	// empty; no news feed carries 10,000 stories.
	Items int
	// Namespaces is how many XML namespace declarations may be in scope at
	// once: gofeed's XML reader copies them all at every element.
	Namespaces int
	// StartTag is the longest start tag, in bytes. encoding/xml reads all
	// of a tag's attributes before returning it: 10 MiB of attributes in
	// one tag would cost half a gigabyte in this check alone.
	StartTag int
	// Document is the largest document in UTF-8, in bytes. A 10 MiB body
	// in a single-byte charset can triple on the way to UTF-8, and gofeed
	// holds several copies of the text; twice the body cap leaves room for
	// every alphabet that takes two bytes a letter.
	Document int
	// TextCopies bounds the bytes gofeed copies gluing an element's text
	// pieces together (one string concatenation per piece, so text split
	// by comments or CDATA sections into many pieces costs the square of
	// its length). It is the sum, over elements, of the length of the
	// element's text after each of its pieces. The root and an RSS channel
	// do not count: gofeed reads them itself, never gluing their text.
	TextCopies int64
}

var defaultLimits = limits{
	Depth:      256,
	Elements:   (10 << 20) / 64,
	Attributes: (10 << 20) / 64,
	Items:      10000,
	Namespaces: 32,
	StartTag:   256 << 10,
	Document:   20 << 20,
	TextCopies: 256 << 20,
}

// limitError says which limit a document passed, and matches ErrTooComplex.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }
func (e *limitError) Unwrap() error { return ErrTooComplex }

func tooComplex(format string, args ...any) error {
	return &limitError{msg: fmt.Sprintf(format, args...)}
}

// errSecondEncoding stops the check at an XML declaration after the first:
// gofeed's decoder would switch to that encoding in mid-document, and this
// check could then no longer follow the same bytes.
var errSecondEncoding = errors.New("a second XML declaration names an encoding")

// checkXML streams doc through encoding/xml the way gofeed reads it and
// refuses it when it passes a limit. A syntax error ends the check without
// an error: gofeed's own decoder stops at the same place and reports it.
func checkXML(doc []byte, l limits) error {
	if err := checkSize(doc, l); err != nil {
		return err
	}
	r := &tagReader{b: doc, max: l.StartTag}
	d := xml.NewDecoder(r)
	d.Strict = false // as gofeed
	d.CharsetReader = func(string, io.Reader) (io.Reader, error) { return nil, errSecondEncoding }

	type open struct {
		namespaces int   // declared on this element
		text       int64 // length of its text so far
		// container is the root or an RSS channel: gofeed reads them
		// itself, never as extensions, so the white space between their
		// thousands of entries costs no copies.
		container bool
	}
	var (
		stack                        []open
		elements, attrs, items, nsIn int
		copies                       int64
	)
	for {
		r.next(d.InputOffset())
		tok, err := d.Token()
		if err != nil {
			switch {
			case errors.Is(err, errTagTooLong):
				return tooComplex("feed has a start tag longer than %s", kib(l.StartTag))
			case errors.Is(err, errSecondEncoding):
				return fmt.Errorf("malformed feed: %w", err)
			}
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= l.Depth {
				return tooComplex("feed too deeply nested: more than %d levels", l.Depth)
			}
			if elements++; elements > l.Elements {
				return tooComplex("feed has too many elements: more than %d", l.Elements)
			}
			if attrs += len(t.Attr); attrs > l.Attributes {
				return tooComplex("feed has too many attributes: more than %d", l.Attributes)
			}
			if (t.Name.Local == "item" || t.Name.Local == "entry") && len(stack) <= 2 {
				if items++; items > l.Items {
					return tooComplex("feed has too many entries: more than %d", l.Items)
				}
			}
			ns := 0
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
					ns++
				}
			}
			if nsIn += ns; nsIn > l.Namespaces {
				return tooComplex("feed declares too many XML namespaces: more than %d in scope", l.Namespaces)
			}
			container := len(stack) == 0 || len(stack) == 1 && t.Name.Local == "channel"
			stack = append(stack, open{namespaces: ns, container: container})
		case xml.EndElement:
			if n := len(stack); n > 0 {
				nsIn -= stack[n-1].namespaces
				stack = stack[:n-1]
			}
		case xml.CharData:
			if n := len(stack); n > 0 && !stack[n-1].container {
				e := &stack[n-1]
				e.text += int64(len(t))
				if copies += e.text; copies > l.TextCopies {
					return tooComplex("feed has text split into too many pieces")
				}
			}
		}
	}
}

// errTagTooLong is tagReader's refusal to go on with one start tag.
var errTagTooLong = errors.New("start tag too long")

// tagReader feeds a document to encoding/xml byte by byte and fails a read
// that would take a start tag past max bytes, so that the decoder never
// holds more than max bytes' worth of one tag's attributes. checkXML calls
// next with the decoder's offset before each token; encoding/xml reads
// through ReadByte when the reader has it.
type tagReader struct {
	b     []byte
	pos   int
	max   int
	start int  // offset of the token being read
	inTag bool // that token is a start tag
}

func (r *tagReader) next(off int64) {
	r.start = int(off)
	r.inTag = r.start+1 < len(r.b) && r.b[r.start] == '<' &&
		r.b[r.start+1] != '/' && r.b[r.start+1] != '!' && r.b[r.start+1] != '?'
}

func (r *tagReader) ReadByte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, io.EOF
	}
	if r.inTag && r.pos-r.start > r.max {
		return 0, errTagTooLong
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

func (r *tagReader) Read(p []byte) (int, error) {
	if r.pos >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.pos:])
	r.pos += n
	return n, nil
}

// checkJSON scans doc and refuses it when it passes a limit. It reads the
// bytes itself, ten times faster than json.Decoder's tokens, and needs to be
// exact only for valid JSON: json.Unmarshal, which gofeed uses, checks the
// whole document before it builds anything.
func checkJSON(doc []byte, l limits) error {
	if err := checkSize(doc, l); err != nil {
		return err
	}
	type open struct {
		object  bool
		isItems bool // the root object's "items" array
	}
	var (
		stack         []open
		values, items int
		wantKey       bool // in an object, before a key
		keyIsItems    bool // the last key read was the root's "items"
	)
	value := func() error {
		if values++; values > l.Elements {
			return tooComplex("feed has too many values: more than %d", l.Elements)
		}
		if n := len(stack); n > 0 && stack[n-1].isItems {
			if items++; items > l.Items {
				return tooComplex("feed has too many entries: more than %d", l.Items)
			}
		}
		return nil
	}
	for i := 0; i < len(doc); i++ {
		switch c := doc[i]; c {
		case ' ', '\t', '\r', '\n', ':':
		case ',':
			wantKey = len(stack) > 0 && stack[len(stack)-1].object
		case '{', '[':
			if err := value(); err != nil {
				return err
			}
			if len(stack) >= l.Depth {
				return tooComplex("feed too deeply nested: more than %d levels", l.Depth)
			}
			stack = append(stack, open{object: c == '{', isItems: c == '[' && keyIsItems && len(stack) == 1})
			wantKey = c == '{'
			keyIsItems = false
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			wantKey = false
		case '"':
			start := i
			for i++; i < len(doc) && doc[i] != '"'; i++ {
				if doc[i] == '\\' {
					i++
				}
			}
			if wantKey {
				keyIsItems = len(stack) == 1 && jsonString(doc[start:min(i+1, len(doc))]) == "items"
				wantKey = false
				continue
			}
			if err := value(); err != nil {
				return err
			}
		default: // a number, true, false or null
			if err := value(); err != nil {
				return err
			}
			for i+1 < len(doc) && strings.IndexByte(" \t\r\n,:]}", doc[i+1]) < 0 {
				i++
			}
		}
	}
	return nil
}

// jsonString decodes a quoted JSON string, "" when it is not one.
func jsonString(q []byte) string {
	if !bytes.ContainsRune(q, '\\') {
		return string(bytes.Trim(q, `"`))
	}
	var s string
	if json.Unmarshal(q, &s) != nil {
		return ""
	}
	return s
}

func checkSize(doc []byte, l limits) error {
	if len(doc) > l.Document {
		return tooComplex("feed is larger than %s once decoded to UTF-8", kib(l.Document))
	}
	return nil
}

func kib(n int) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
