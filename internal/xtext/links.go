package xtext

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Link is a link found in a text.
type Link struct {
	// URL is the link as written, without any punctuation that follows it.
	URL string
	// Start and End delimit the link in the text, in code points (End is
	// exclusive), as twitter-text's conformance cases count them. An invalid
	// UTF-8 byte counts as one code point.
	Start, End int
}

// Links returns the links in text that X turns into t.co links, in order, the
// way twitter-text's extractUrlsWithIndices finds them: http:// and https://
// links, and bare domains such as example.com or t.co/abc when they end in a
// known top-level domain (so "foo.invalidtld" is not a link). A link must not
// follow an ASCII letter or digit, '@', '$' or '#' (so @user.com and $ABC.ca
// are not links), and a bare domain must not follow '-', '_', '.' or '/';
// trailing punctuation is left out ("http://x.com/a." ends before the "."),
// parentheses count only when balanced, a t.co link stops at the end of its
// slug, and a host label longer than 63 characters in punycode disqualifies
// the whole link.
//
// Links does not normalise text; Parse does, before it looks for links.
func Links(text string) []Link {
	text = validUTF8(text)
	spans := linkSpans(text)
	if len(spans) == 0 {
		return nil
	}
	links := make([]Link, len(spans))
	pos, idx := 0, 0 // byte offset and its code point index
	advance := func(to int) int {
		idx += utf8.RuneCountInString(text[pos:to])
		pos = to
		return idx
	}
	for i, sp := range spans {
		links[i] = Link{URL: text[sp.start:sp.end], Start: advance(sp.start), End: advance(sp.end)}
	}
	return links
}

// span is a link's position in a text, in bytes.
type span struct{ start, end int }

const (
	maxURLLength     = 4096 // in UTF-16 code units, protocol included
	maxTcoSlugLength = 40
	defaultProtocol  = "https://"
	unknownBest      = -2
	noDomain         = -1
)

// linkSpans finds the links of a valid UTF-8 text.
func linkSpans(text string) []span {
	if strings.IndexByte(text, '.') < 0 {
		return nil
	}
	s := newLinkScanner(text)
	var spans []span
	for p := 0; p <= len(text); {
		// A link starts after a permitted preceding character, or at the very
		// start of the text (tried second, as the regexp's alternation does).
		var end int
		matched := false
		size := 0
		if p < len(text) {
			var r rune
			r, size = utf8.DecodeRuneInString(text[p:])
			if validPreceding(r) && s.mayStart(p+size) {
				spans, end, matched = s.link(spans, text[p:p+size], p+size)
			}
		}
		if !matched && p == 0 && s.mayStart(0) {
			spans, end, matched = s.link(spans, "", 0)
		}
		if matched {
			// The search resumes after the match, like a JavaScript
			// regexp's lastIndex, even when the match was no link.
			p = end
			continue
		}
		if p == len(text) {
			break
		}
		p += size
	}
	return spans
}

// validPreceding reports whether a link may start right after r
// (twitter-text's validUrlPrecedingChars).
func validPreceding(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return asciiClass[r]&classPreceding != 0
	case r == '＠' || r == '＃':
		return false
	case invalidRune(r):
		return false
	}
	return true
}

// isDomainChar reports whether r may appear in a host name: anything but
// ASCII punctuation, white space, directional marks and invalid characters.
// Like twitter-text, it lets '"' and '`' through.
func isDomainChar(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&classDomain != 0
	}
	switch r {
	case 0x85, 0xA0, 0x1680, 0x180E, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, // spaces
		0x061C, 0x200E, 0x200F, // directional marks
		0xFEFF, 0xFFFE, 0xFFFF: // invalid
		return false
	}
	return (r < 0x2000 || r > 0x200A) && // spaces
		(r < 0x202A || r > 0x202E) && (r < 0x2066 || r > 0x2069) // directional formatting
}

func isLabelChar(r rune) bool { return r == '-' || r == '_' || isDomainChar(r) }

// labelRun is a maximal run of host-name characters followed by a dot: a
// candidate label. Runs without a dot after them cannot start or continue a
// domain, so the scanner does not keep them.
type labelRun struct {
	start, end     int  // bytes; text[end] is '.'
	lastOK         bool // ends with a domain character, not '-' or '_'
	lastUnderscore int  // byte offset of the last '_', or -1
	tldEnd         int  // end of the top-level domain after the dot; 0 none; -1 not yet known
	best           int  // run that ends the longest domain starting here, noDomain, or unknownBest
}

// linkScanner holds what the search for links in one text has learnt so far:
// the label runs and, for each, the best domain that can start there.
type linkScanner struct {
	text string
	runs []labelRun
	cur  int // mayStart's position in runs
}

func newLinkScanner(text string) *linkScanner {
	s := &linkScanner{text: text, runs: make([]labelRun, 0, strings.Count(text, "."))}
	for d := 0; ; d++ {
		i := strings.IndexByte(text[d:], '.')
		if i < 0 {
			break
		}
		d += i
		run := labelRun{start: d, end: d, lastUnderscore: -1, tldEnd: -1, best: unknownBest}
		for run.start > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:run.start])
			if !isLabelChar(r) {
				break
			}
			if r == '_' && run.lastUnderscore < 0 {
				run.lastUnderscore = run.start - size
			}
			if run.start == d {
				run.lastOK = r != '-' && r != '_'
			}
			run.start -= size
		}
		if run.start < d {
			s.runs = append(s.runs, run)
		}
	}
	return s
}

// mayStart is a quick test for whether a link can start at byte q: one with
// a protocol, or one inside a run of host-name characters followed by a dot.
func (s *linkScanner) mayStart(q int) bool {
	if q >= len(s.text) {
		return false
	}
	if c := s.text[q]; c == 'h' || c == 'H' {
		return true
	}
	if s.cur > 0 && s.runs[s.cur-1].end > q {
		s.cur = 0 // a look behind the last one; happens only at the start
	}
	for s.cur < len(s.runs) && s.runs[s.cur].end <= q {
		s.cur++
	}
	return s.cur < len(s.runs) && s.runs[s.cur].start <= q
}

// runAt returns the run holding byte offset i, or -1.
func (s *linkScanner) runAt(i int) int {
	r, _ := slices.BinarySearchFunc(s.runs, i, func(run labelRun, i int) int {
		if run.end <= i {
			return -1
		}
		return 1
	})
	if r < len(s.runs) && s.runs[r].start <= i {
		return r
	}
	return -1
}

// next reports whether run r+1 starts right after run r's dot.
func (s *linkScanner) next(r int) bool {
	return r+1 < len(s.runs) && s.runs[r+1].start == s.runs[r].end+1
}

func (s *linkScanner) tldAfter(r int) int {
	run := &s.runs[r]
	if run.tldEnd < 0 {
		run.tldEnd = 0
		if n := tldLen(s.text[run.end+1:]); n > 0 {
			run.tldEnd = run.end + 1 + n
		}
	}
	return run.tldEnd
}

// subOK and nameOK report whether run r, whole, may be a subdomain label
// (which may hold '_') or the label right before the top-level domain.
func (s *linkScanner) subOK(r int) bool {
	run := s.runs[r]
	c, _ := utf8.DecodeRuneInString(s.text[run.start:])
	return run.lastOK && c != '-' && c != '_'
}

func (s *linkScanner) nameOK(r int) bool {
	return s.subOK(r) && s.runs[r].lastUnderscore < 0
}

// bestFrom returns the run whose label precedes the top-level domain of the
// longest domain that starts with the whole of run r, or noDomain. Like the
// greedy regexp twitter-text uses, it takes as many subdomain labels as it
// can, then backs off one label at a time until a known top-level domain
// follows.
func (s *linkScanner) bestFrom(r int) int {
	if s.runs[r].best != unknownBest {
		return s.runs[r].best
	}
	// Walk forward along the chain of labels to a run already known or
	// the chain's end, then settle the runs from the back.
	last := r
	for s.runs[last].best == unknownBest && s.subOK(last) && s.next(last) && s.runs[last+1].best == unknownBest {
		last++
	}
	for j := last; j >= r; j-- {
		b := noDomain
		if s.subOK(j) && s.next(j) {
			b = s.runs[j+1].best
			if b == unknownBest { // only when j == last and the chain goes on
				b = s.bestFrom(j + 1)
			}
		}
		if b == noDomain && s.nameOK(j) && s.tldAfter(j) > 0 {
			b = j
		}
		s.runs[j].best = b
	}
	return s.runs[r].best
}

// domainAt returns the end of the host name that starts at byte i, or 0.
func (s *linkScanner) domainAt(i int) int {
	r := s.runAt(i)
	if r < 0 {
		return 0
	}
	run := s.runs[r]
	c, _ := utf8.DecodeRuneInString(s.text[i:])
	sub := run.lastOK && c != '-' && c != '_'
	b := noDomain
	if sub && s.next(r) {
		b = s.bestFrom(r + 1)
	}
	if b == noDomain && sub && run.lastUnderscore < i && s.tldAfter(r) > 0 {
		b = r
	}
	if b == noDomain {
		return 0
	}
	return s.tldAfter(b)
}

// link tries a link starting at byte q, after the preceding character
// before. It reports whether the pattern matched there, and where the match
// ends, whether or not the match turned out to be a link: as in
// twitter-text, the search resumes after a rejected match.
func (s *linkScanner) link(spans []span, before string, q int) ([]span, int, bool) {
	text := s.text
	protocol := 0
	if hasPrefixFold(text[q:], "https://") {
		protocol = len("https://")
	} else if hasPrefixFold(text[q:], "http://") {
		protocol = len("http://")
	}
	domStart := q + protocol
	domEnd := s.domainAt(domStart)
	if domEnd == 0 && protocol > 0 {
		protocol, domStart = 0, q
		domEnd = s.domainAt(q)
	}
	if domEnd == 0 {
		return spans, 0, false
	}

	end := domEnd
	// Port.
	if end+1 < len(text) && text[end] == ':' && isDigit(text[end+1]) {
		end++
		for end < len(text) && isDigit(text[end]) {
			end++
		}
	}
	// Path.
	hasPath := false
	if end < len(text) && text[end] == '/' {
		hasPath = true
		end = pathEnd(text, end+1)
	}
	// Query.
	if end < len(text) && text[end] == '?' {
		end = queryEnd(text, end)
	}

	url, domain := text[q:end], text[domStart:domEnd]
	protoLen := protocol
	if protoLen == 0 {
		protoLen = len(defaultProtocol)
	}
	if !validHost(domain) || protoLen+utf16Len(url) > maxURLLength {
		return spans, end, true
	}

	if protocol > 0 {
		if slugEnd, slugLen, ok := tcoLink(url); ok {
			if slugLen > maxTcoSlugLength {
				return spans, end, true
			}
			return append(spans, span{q, q + slugEnd}), end, true
		}
		return append(spans, span{q, end}), end, true
	}

	// Without a protocol, only the ASCII domains within the match are links
	// (so "日本語example.com" links example.com), and a link must not
	// continue a word, a path or a domain.
	if before != "" && strings.ContainsAny(before[len(before)-1:], "-_./") {
		return spans, end, true
	}
	first := len(spans)
	spans = appendASCIIDomains(spans, domain, domStart)
	if len(spans) > first && hasPath {
		spans[len(spans)-1].end = end
	}
	return spans, end, true
}

// validHost applies twitter-text's check of a host name: a name starting with
// "xn--" must be ASCII, and every label must be 1 to 63 characters long once
// converted to punycode.
func validHost(domain string) bool {
	if strings.HasPrefix(domain, "xn--") && len(appendASCIIDomains(nil, domain, 0)) == 0 {
		return false
	}
	for label := range strings.SplitSeq(domain, ".") {
		if n := asciiLabelLen(label, maxLabelLength); n < 1 || n > maxLabelLength {
			return false
		}
	}
	return true
}

// isASCIIDomainChar is twitter-text's [-a-z0-9] plus accented Latin letters.
func isASCIIDomainChar(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '-' || isASCIIAlnum(byte(r))
	}
	return isLatinAccent(r)
}

// appendASCIIDomains appends, offset by base, each domain in host made of
// ASCII (and accented Latin) labels followed by a known top-level domain,
// leftmost first, as twitter-text's validAsciiDomain finds them.
func appendASCIIDomains(spans []span, host string, base int) []span {
	type run struct{ start, end int }
	var runs []run
	for i := 0; i < len(host); {
		r, size := utf8.DecodeRuneInString(host[i:])
		if !isASCIIDomainChar(r) {
			i += size
			continue
		}
		start := i
		for i < len(host) {
			r, size = utf8.DecodeRuneInString(host[i:])
			if !isASCIIDomainChar(r) {
				break
			}
			i += size
		}
		runs = append(runs, run{start, i})
	}
	tldAfter := func(k int) int {
		e := runs[k].end
		if e < len(host) && host[e] == '.' {
			if n := tldLen(host[e+1:]); n > 0 {
				return e + 1 + n
			}
		}
		return 0
	}
	// best[k]: end of the longest domain starting in run k, or 0.
	best := make([]int, len(runs))
	for k := len(runs) - 1; k >= 0; k-- {
		e := runs[k].end
		if e < len(host) && host[e] == '.' && k+1 < len(runs) && runs[k+1].start == e+1 {
			best[k] = best[k+1]
		}
		if best[k] == 0 {
			best[k] = tldAfter(k)
		}
	}
	pos := 0
	for k := 0; k < len(runs); k++ {
		if runs[k].end <= pos || best[k] == 0 {
			continue
		}
		start := max(runs[k].start, pos)
		spans = append(spans, span{base + start, base + best[k]})
		pos = best[k]
		k-- // the match may end inside run k; resume there
	}
	return spans
}

// pathEnd returns where a link's path that starts at byte i (after its "/")
// ends: at the last character that may end a path, so that trailing
// punctuation stays out, with parentheses only in balanced pairs nested at
// most two deep.
func pathEnd(text string, i int) int {
	end := i
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isPathChar(r):
			i += size
			if isPathEndChar(r) {
				end = i
			}
		case r == '(':
			j := balancedParensEnd(text, i)
			if j < 0 {
				return end
			}
			i, end = j, j
		default:
			return end
		}
	}
	return end
}

// balancedParensEnd matches twitter-text's validUrlBalancedParens at byte i:
// "(" path chars ")" or "(" path chars "(" path chars ")" path chars ")".
func balancedParensEnd(text string, i int) int {
	i++ // "("
	n, i := pathChars(text, i)
	if i < len(text) && text[i] == ')' && n > 0 {
		return i + 1
	}
	if i >= len(text) || text[i] != '(' {
		return -1
	}
	n, i = pathChars(text, i+1)
	if n == 0 || i >= len(text) || text[i] != ')' {
		return -1
	}
	_, i = pathChars(text, i+1)
	if i >= len(text) || text[i] != ')' {
		return -1
	}
	return i + 1
}

// pathChars skips the path characters at byte i and returns how many it
// skipped and where it stopped.
func pathChars(text string, i int) (int, int) {
	n := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isPathChar(r) {
			break
		}
		n++
		i += size
	}
	return n, i
}

// queryEnd returns where a query that starts with the "?" at byte i ends:
// at its last character that may end a query, or at i when there is none.
func queryEnd(text string, i int) int {
	end := i
	for j := i + 1; j < len(text) && isQueryChar(text[j]); j++ {
		if isQueryEndChar(text[j]) {
			end = j + 1
		}
	}
	return end
}

// tcoLink matches twitter-text's validTcoUrl, /^https?:\/\/t\.co\/([a-z0-9]+)(\?query)?/i,
// at the start of url and returns the end of the match and the slug's length.
func tcoLink(url string) (end, slugLen int, ok bool) {
	var i int
	switch {
	case hasPrefixFold(url, "https://t.co/"):
		i = len("https://t.co/")
	case hasPrefixFold(url, "http://t.co/"):
		i = len("http://t.co/")
	default:
		return 0, 0, false
	}
	start := i
	for i < len(url) && isASCIIAlnum(url[i]) {
		i++
	}
	if i == start {
		return 0, 0, false
	}
	slugLen = i - start
	if i < len(url) && url[i] == '?' {
		i = queryEnd(url, i)
	}
	return i, slugLen, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func isCyrillic(r rune) bool { return r >= 0x0400 && r <= 0x04FF }

// isLatinAccent is twitter-text's latinAccentChars.
func isLatinAccent(r rune) bool {
	switch {
	case r >= 0xC0 && r <= 0xFF:
		return r != 0xD7 && r != 0xF7
	case r >= 0x0100 && r <= 0x024F, r >= 0x0300 && r <= 0x036F, r >= 0x1E00 && r <= 0x1EFF:
		return true
	}
	switch r {
	case 0x0253, 0x0254, 0x0256, 0x0257, 0x0259, 0x025B, 0x0263, 0x0268, 0x026F, 0x0272, 0x0289, 0x028B, 0x02BB:
		return true
	}
	return false
}

// isPathChar is twitter-text's validGeneralUrlPathChars.
func isPathChar(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&classPath != 0
	}
	return r == '\u2013' || isCyrillic(r) || isLatinAccent(r)
}

// isPathEndChar is twitter-text's validUrlPathEndingChars, parentheses aside.
func isPathEndChar(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&classPathEnd != 0
	}
	return isCyrillic(r) || isLatinAccent(r)
}

// isQueryChar is twitter-text's validUrlQueryChars.
func isQueryChar(c byte) bool { return c < utf8.RuneSelf && asciiClass[c]&classQuery != 0 }

// isQueryEndChar is twitter-text's validUrlQueryEndingChars.
func isQueryEndChar(c byte) bool { return c < utf8.RuneSelf && asciiClass[c]&classQueryEnd != 0 }

// Character classes of twitter-text's link patterns, for ASCII.
const (
	classDomain    = 1 << iota // validDomainChars: not punctuation, space or control \t-\r
	classPreceding             // validUrlPrecedingChars: not a letter, digit, '@', '$' or '#'
	classPath                  // validGeneralUrlPathChars
	classPathEnd               // validUrlPathEndingChars
	classQuery                 // validUrlQueryChars
	classQueryEnd              // validUrlQueryEndingChars
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	set := func(class uint8, chars string) {
		for i := 0; i < len(chars); i++ {
			t[chars[i]] |= class
		}
	}
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	for c := range utf8.RuneSelf {
		// Like twitter-text, '"', '`' and most control characters pass.
		if !strings.ContainsRune("!'#%&()*+,\\-./:;<=>?@[]^_{|}~$\t\n\v\f\r ", rune(c)) {
			t[c] |= classDomain
		}
		if !strings.ContainsRune(alnum+"@$#", rune(c)) {
			t[c] |= classPreceding
		}
	}
	set(classPath, alnum+"!*';:=+,.$/%#[]-_~@|&")
	set(classPathEnd, alnum+"+-=_#/")
	set(classQuery, alnum+"!?*'@();:&=+$/%#[]-_.,~|")
	set(classQueryEnd, alnum+"-_&=#/")
	return t
}()
