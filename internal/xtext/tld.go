package xtext

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// tldList is every top-level domain twitter-text knows, generic and country
// code, ASCII and internationalised, lower-cased, one a line.
//
//go:embed tlds.txt
var tldList string

var tlds = sync.OnceValues(func() (map[string]struct{}, int) {
	set := make(map[string]struct{}, 1600)
	longest := 0
	for line := range strings.Lines(tldList) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		set[line] = struct{}{}
		longest = max(longest, utf8.RuneCountInString(line))
	}
	return set, longest
})

// tldLen returns the length in bytes of the top-level domain s starts with,
// or 0. As in twitter-text, a known domain counts only when no letter, digit,
// '@', '+' or '-' follows it (so "foo.comm" and "john.doe.gov@mail.com" are
// not links), and a punycode label "xn--…" is accepted as it stands.
func tldLen(s string) int {
	if n := punycodeTLDLen(s); n > 0 {
		return n
	}
	set, longest := tlds()

	// Collect the lower-cased candidate and the byte offset after each of
	// its first `longest` runes, then try the longest candidate first.
	var buf [128]byte
	var ends [32]int  // byte offset in s after rune k
	var lends [32]int // byte offset in buf after rune k
	k, blen := 0, 0
	for i := 0; i < len(s) && k < longest && k < len(ends); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '.' || !isDomainChar(r) {
			break
		}
		r = unicode.ToLower(r)
		if blen+utf8.RuneLen(r) > len(buf) {
			break
		}
		blen += utf8.EncodeRune(buf[blen:], r)
		i += size
		ends[k], lends[k] = i, blen
		k++
	}
	for ; k > 0; k-- {
		end := ends[k-1]
		if end < len(s) && !tldMayEndBefore(s[end]) {
			continue
		}
		if _, ok := set[string(buf[:lends[k-1]])]; ok {
			return end
		}
	}
	return 0
}

// tldMayEndBefore reports whether a top-level domain may be followed by the
// byte c (twitter-text's lookahead [^0-9a-zA-Z@+-]).
func tldMayEndBefore(c byte) bool {
	return !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '@' || c == '+' || c == '-')
}

// punycodeTLDLen matches twitter-text's /xn--[-0-9a-z]+/i.
func punycodeTLDLen(s string) int {
	if len(s) < 5 || !strings.EqualFold(s[:4], "xn--") {
		return 0
	}
	i := 4
	for i < len(s) && (isASCIIAlnum(s[i]) || s[i] == '-') {
		i++
	}
	if i == 4 {
		return 0
	}
	return i
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
