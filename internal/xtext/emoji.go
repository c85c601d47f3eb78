package xtext

import (
	"unicode"
	"unicode/utf8"
)

const (
	zwj        = '\u200D'
	vs16       = '\uFE0F' // emoji presentation selector
	keycapMark = '\u20E3'
	tagEnd     = '\U000E007F'
)

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
func isSkinTone(r rune) bool          { return r >= 0x1F3FB && r <= 0x1F3FF }
func isTag(r rune) bool               { return r >= 0xE0020 && r <= 0xE007E }
func isKeycapBase(r rune) bool        { return r == '#' || r == '*' || (r >= '0' && r <= '9') }

// emojiSequenceLen returns the length in bytes of the multi-code-point emoji
// sequence s starts with, or 0. X counts such a sequence as one emoji (2),
// whatever it is made of: flags (a pair of regional indicators), keycaps
// ("1⃣", "#️⃣"), modifier and presentation sequences ("🧕🏾", "❤️"), tag
// sequences (🏴 flags of subdivisions) and ZWJ sequences ("👨‍👩‍👧‍👦").
//
// A lone pictograph is not reported: it costs its code point's own weight,
// which is 2 for every emoji and 1 for "©" and "®" written without U+FE0F,
// as twitter-text counts them.
func emojiSequenceLen(s string) int {
	if len(s) == 0 {
		return 0
	}
	// Fast path: every sequence starts with a keycap base, which is ASCII, or
	// with a code point of at least U+00A9.
	if c := s[0]; c < utf8.RuneSelf && !isKeycapBase(rune(c)) {
		return 0
	}
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case isKeycapBase(r):
		i := n
		if next, size := utf8.DecodeRuneInString(s[i:]); next == vs16 {
			i += size
		}
		if next, size := utf8.DecodeRuneInString(s[i:]); next == keycapMark {
			return i + size
		}
		return 0
	case isRegionalIndicator(r):
		if next, size := utf8.DecodeRuneInString(s[n:]); isRegionalIndicator(next) {
			return n + size
		}
		return 0
	case !isExtendedPictographic(r):
		return 0
	}

	i := emojiElementEnd(s, n)
	for {
		next, size := utf8.DecodeRuneInString(s[i:])
		if next != zwj {
			break
		}
		after, asize := utf8.DecodeRuneInString(s[i+size:])
		if !isExtendedPictographic(after) {
			break
		}
		i = emojiElementEnd(s, i+size+asize)
	}
	if i == n {
		return 0 // a lone pictograph
	}
	return i
}

// emojiElementEnd returns where the element of a ZWJ sequence whose base ends
// at i ends: after its presentation selector, skin tone and tag sequence.
func emojiElementEnd(s string, i int) int {
	for seen := 0; seen < 2; seen++ {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != vs16 && !isSkinTone(r) {
			break
		}
		i += size
	}
	// A tag sequence counts only when it is closed by CANCEL TAG.
	j := i
	for {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !isTag(r) {
			if r == tagEnd && j > i {
				return j + size
			}
			return i
		}
		j += size
	}
}

// isExtendedPictographic is unicode.Is(extendedPictographic, r), quicker for
// the letters of most scripts, which lie outside the table's blocks.
func isExtendedPictographic(r rune) bool {
	switch {
	case r < 0x203C:
		return r == 0xA9 || r == 0xAE
	case r > 0x3299 && r < 0x1F000:
		return false
	}
	return unicode.Is(extendedPictographic, r)
}
