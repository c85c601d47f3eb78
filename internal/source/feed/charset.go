package feed

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// toUTF8 returns the document as valid UTF-8 that encoding/xml accepts, and
// the name of the encoding it was read in. gofeed hands the bytes to
// encoding/xml, which knows only UTF-8 unless the XML declaration names
// another encoding, ignores the HTTP charset, and rejects the whole document
// at the first invalid byte. So the encoding is settled here, once, and the
// declaration rewritten to say UTF-8.
//
// For XML the encoding comes from, in this order (RFC 7303 §3, XML 1.0
// §4.3.3 and appendix F):
//
//  1. a byte order mark;
//  2. the charset parameter of an XML media type (text/xml, application/xml,
//     anything ending in +xml such as application/rss+xml);
//  3. the encoding in the XML declaration;
//  4. the charset parameter of any other media type (feeds served as
//     text/html or text/plain), a weaker hint than the document's own word;
//  5. the bytes themselves: UTF-8 when they read as UTF-8, else Windows-1252.
//
// One exception: when a higher source says UTF-8, the bytes are not UTF-8
// and a lower source names another encoding, the lower one is believed. That
// is a server adding "charset=UTF-8" to every answer while the file says
// what it really is.
//
// Bytes invalid in the chosen encoding become U+FFFD, and characters that
// XML forbids are dropped (C0 controls) or replaced (U+FFFE, U+FFFF), so one
// broken byte costs one character, not the feed. JSON is UTF-8 by definition
// (RFC 8259); only a byte order mark is honoured.
func toUTF8(body []byte, contentType string) ([]byte, string) {
	if enc, name, n := byteOrderMark(body); enc != nil {
		doc := decode(enc, body[n:])
		if isJSON(doc) {
			return doc, name
		}
		return finishXML(doc), name
	}
	if isJSON(body) {
		return validUTF8(body), "UTF-8"
	}
	if enc, name := utf16WithoutBOM(body); enc != nil {
		return finishXML(decode(enc, body)), name
	}

	mediaType, httpCharset := parseContentType(contentType)
	declared := declaredEncoding(body)
	labels := []string{declared, httpCharset}
	if isXMLMediaType(mediaType) {
		labels = []string{httpCharset, declared}
	}
	var encs []encoding.Encoding
	var names []string
	for _, l := range labels {
		if enc, name := lookupEncoding(l); enc != nil {
			encs = append(encs, enc)
			names = append(names, name)
		}
	}
	for i, enc := range encs {
		if enc != encoding.Nop {
			return finishXML(decode(enc, body)), names[i]
		}
		// UTF-8 was declared.
		if utf8.Valid(body) || looksUTF8(body) || !anyOtherThanUTF8(encs[i+1:]) {
			return finishXML(validUTF8(body)), "UTF-8"
		}
	}
	if utf8.Valid(body) || looksUTF8(body) {
		return finishXML(validUTF8(body)), "UTF-8"
	}
	return finishXML(decode(charmap.Windows1252, body)), "windows-1252"
}

func anyOtherThanUTF8(encs []encoding.Encoding) bool {
	for _, e := range encs {
		if e != encoding.Nop {
			return true
		}
	}
	return false
}

// looksUTF8 reports whether invalid bytes are the exception in text that is
// otherwise UTF-8: more well-formed multi-byte sequences than broken ones. A
// WordPress feed with one stray Latin-1 byte is UTF-8 with a mistake; a
// Latin-1 file has no multi-byte sequences at all.
func looksUTF8(b []byte) bool {
	good, bad := 0, 0
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			bad++
		} else {
			good++
		}
		b = b[n:]
	}
	return good > bad
}

// byteOrderMark recognises the UTF-8 and UTF-16 byte order marks.
func byteOrderMark(b []byte) (encoding.Encoding, string, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return encoding.Nop, "UTF-8", 3
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "UTF-16BE", 2
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "UTF-16LE", 2
	}
	return nil, "", 0
}

// utf16WithoutBOM recognises a document that starts with '<' in UTF-16 with
// no byte order mark (XML 1.0 appendix F), which no label could be read
// from. Every other document reaching the labels is ASCII-compatible.
func utf16WithoutBOM(b []byte) (encoding.Encoding, string) {
	switch {
	case len(b) >= 4 && b[0] == 0 && b[1] == '<' && b[2] == 0 && b[3] != 0:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "UTF-16BE"
	case len(b) >= 4 && b[0] == '<' && b[1] == 0 && b[2] != 0 && b[3] == 0:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "UTF-16LE"
	}
	return nil, ""
}

// isJSON reports whether the document starts like a JSON Feed, as gofeed
// decides it (the first byte that is not space is '{').
func isJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// parseContentType returns the media type and charset of a Content-Type
// header, lower-cased, tolerating the malformed parameters servers send.
func parseContentType(ct string) (mediaType, charset string) {
	if ct == "" {
		return "", ""
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil {
		return mt, strings.ToLower(strings.TrimSpace(params["charset"]))
	}
	mt, rest, _ := strings.Cut(ct, ";")
	for p := range strings.SplitSeq(rest, ";") {
		k, v, ok := strings.Cut(p, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "charset") {
			charset = strings.ToLower(strings.Trim(strings.TrimSpace(v), `"'`))
		}
	}
	return strings.ToLower(strings.TrimSpace(mt)), charset
}

// isXMLMediaType reports whether RFC 7303 governs the media type, making its
// charset parameter outrank the XML declaration.
func isXMLMediaType(mt string) bool {
	return mt == "text/xml" || mt == "application/xml" || strings.HasSuffix(mt, "+xml") ||
		mt == "text/xml-external-parsed-entity" || mt == "application/xml-external-parsed-entity"
}

// xmlDecl matches an XML declaration at the start of an ASCII-compatible
// document (leading white space tolerated, as gofeed does) and its encoding
// pseudo-attribute.
var (
	xmlDecl      = regexp.MustCompile(`^[ \t\r\n]*<\?xml[ \t\r\n][^>]*?\?>`)
	encodingAttr = regexp.MustCompile(`encoding[ \t\r\n]*=[ \t\r\n]*("[^"]*"|'[^']*')`)
	declWindow   = 512 // bytes searched for the declaration
)

// declaredEncoding returns the encoding the XML declaration names, or "".
func declaredEncoding(b []byte) string {
	head := b[:min(len(b), declWindow)]
	decl := xmlDecl.Find(head)
	if decl == nil {
		return ""
	}
	m := encodingAttr.FindSubmatch(decl)
	if m == nil {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(string(m[1][1 : len(m[1])-1])))
}

// lookupEncoding finds an encoding by label, as browsers name them first
// (so ISO-8859-1 and US-ASCII read as their superset Windows-1252, GB2312
// as GBK), then by the IANA registry. UTF-8 comes back as encoding.Nop.
// Unknown labels, those that WHATWG maps to its "replacement" encoding
// (which would turn the whole feed into one U+FFFD), and UTF-16 and UTF-32
// return nil: labels are only read for documents whose bytes are
// ASCII-compatible, which no UTF-16 document is, whatever it says (a UTF-8
// file declaring encoding="UTF-16" is a common mistake).
func lookupEncoding(label string) (encoding.Encoding, string) {
	label = strings.ToLower(strings.TrimSpace(label))
	if label == "" || strings.HasPrefix(label, "utf-16") || strings.HasPrefix(label, "utf-32") ||
		label == "utf16" || label == "unicode" || label == "ucs-2" || label == "unicodefffe" || label == "unicodefeff" {
		return nil, ""
	}
	if label == "utf-8" || label == "utf8" || label == "unicode-1-1-utf-8" {
		return encoding.Nop, "UTF-8"
	}
	enc, err := htmlindex.Get(label)
	if err != nil || enc == nil {
		enc, err = ianaindex.IANA.Encoding(label)
		if err != nil || enc == nil {
			return nil, ""
		}
	}
	if enc == encoding.Replacement {
		return nil, ""
	}
	if enc == unicode.UTF8 || enc == unicode.UTF8BOM {
		return encoding.Nop, "UTF-8"
	}
	name, err := htmlindex.Name(enc)
	if err != nil {
		if name, err = ianaindex.IANA.Name(enc); err != nil {
			name = label
		}
	}
	if n := strings.ToLower(name); strings.HasPrefix(n, "utf-16") || strings.HasPrefix(n, "utf-32") {
		return nil, ""
	}
	return enc, name
}

// decode transcodes b to UTF-8; bytes that do not decode become U+FFFD.
func decode(enc encoding.Encoding, b []byte) []byte {
	if enc == encoding.Nop {
		return validUTF8(b)
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		// x/text decoders substitute U+FFFD rather than fail; should one
		// fail anyway, keep what is readable.
		return validUTF8(b)
	}
	return validUTF8(out)
}

// validUTF8 returns b with each byte that is not part of a valid UTF-8
// sequence replaced by U+FFFD, as encoding/json and a for-range loop do
// (bytes.ToValidUTF8 would fold a run of them into one, hiding how much was
// lost).
func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// finishXML makes UTF-8 text acceptable to encoding/xml: the characters XML
// forbids are dropped or replaced, and the XML declaration, if any, says
// UTF-8, so that gofeed does not transcode the text a second time.
func finishXML(b []byte) []byte {
	b = xmlChars(b)
	if decl := xmlDecl.Find(b[:min(len(b), declWindow)]); decl != nil {
		fixed := encodingAttr.ReplaceAll(decl, []byte(`encoding="UTF-8"`))
		if !bytes.Equal(fixed, decl) {
			b = append(fixed, b[len(decl):]...)
		}
	}
	return b
}

// xmlChars drops the C0 control characters XML 1.0 forbids (gofeed drops
// them too) and replaces the noncharacters U+FFFE and U+FFFF, which
// encoding/xml rejects, with U+FFFD. b must be valid UTF-8.
func xmlChars(b []byte) []byte {
	bad := func(c byte) bool { return c < 0x20 && c != '\t' && c != '\n' && c != '\r' }
	clean := true
	for i, c := range b {
		if bad(c) || c == 0xEF && i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF) {
			clean = false
			break
		}
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case bad(c):
			i++
		case c == 0xEF && i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF):
			out = append(out, "\uFFFD"...)
			i += 3
		default:
			out = append(out, c)
			i++
		}
	}
	return out
}
