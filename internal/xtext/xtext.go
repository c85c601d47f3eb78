// Package xtext counts text the way X does: the twitter-text v3 weighted length
// (NFC, per-code-point weights, emoji sequences and links at a fixed cost) and
// the link detection behind it, so herald never posts a text that X rejects nor
// cuts a headline that would have fit.
//
// The rules follow twitter-text's parseTweet and extractUrlsWithIndices and are
// checked against its conformance cases in testdata/.
package xtext

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

//go:generate go run gen_tlds.go

const (
	// MaxWeightedLength is the largest weighted length X accepts in a post.
	MaxWeightedLength = 280
	// URLLength is what every link counts, whatever its own length: X shortens
	// each one to a t.co link of this length.
	URLLength = 23
)

// The twitter-text v3 configuration (testdata/v3.json), in hundredths.
const (
	scale         = 100
	defaultWeight = 200
	emojiWeight   = defaultWeight
	urlWeight     = URLLength * scale
	maxWeighted   = MaxWeightedLength * scale
)

// weightRange is a range of code points that cost less than defaultWeight.
type weightRange struct {
	lo, hi rune
	weight int
}

// lightRanges are the v3 ranges that count as one: Latin, Greek, Cyrillic and
// the other scripts below U+1100, and the common spaces and punctuation of the
// General Punctuation block. Everything else, CJK included, counts as two.
var lightRanges = [...]weightRange{
	{0, 4351, 100},
	{8192, 8205, 100},
	{8208, 8223, 100},
	{8242, 8247, 100},
}

func runeWeight(r rune) int {
	if r <= lightRanges[0].hi {
		return lightRanges[0].weight
	}
	for _, wr := range lightRanges {
		if r >= wr.lo && r <= wr.hi {
			return wr.weight
		}
	}
	return defaultWeight
}

// invalidRune reports the characters that make X reject a post outright.
func invalidRune(r rune) bool {
	return r == 0xFFFE || r == 0xFEFF || r == 0xFFFF
}

// Result is what Parse finds out about a text.
type Result struct {
	// WeightedLength is the length X counts against MaxWeightedLength.
	WeightedLength int
	// Valid reports whether X accepts the text: no invalid characters
	// (U+FFFE, U+FEFF, U+FFFF) and WeightedLength within the limit. A blank
	// text is not valid either, which is stricter than twitter-text (it only
	// asks for a positive length): herald has no use for a blank post.
	Valid bool
	// Permillage is WeightedLength as thousandths of MaxWeightedLength.
	Permillage int
	// DisplayRangeEnd is the index of the text's last UTF-16 code unit (0 for
	// an empty text), as twitter-text reports it.
	DisplayRangeEnd int
	// ValidRangeEnd is the UTF-16 index of the last code unit that still fits
	// within MaxWeightedLength before any invalid character: the text up to
	// and including it is what X would accept.
	ValidRangeEnd int
}

// Parse measures text as X does (twitter-text v3 parseTweet). The text is
// NFC-normalised first; each link counts URLLength, each emoji sequence
// (flags, keycaps, modifier, tag and ZWJ sequences) counts 2 and every other
// code point 1 or 2 by its range. Invalid UTF-8 counts as U+FFFD per byte,
// as it reads once encoded as JSON.
func Parse(text string) Result {
	text = validUTF8(text)
	normalized := norm.NFC.String(text)

	links := linkSpans(normalized)
	weighted, validEnd, valid := 0, 0, true
	u16 := 0 // UTF-16 index of the next code unit
	for i := 0; i < len(normalized); {
		var n int
		if len(links) > 0 && links[0].start == i {
			weighted += urlWeight
			n = links[0].end - i
			links = links[1:]
		} else if m := emojiSequenceLen(normalized[i:]); m > 0 {
			weighted += emojiWeight
			n = m
		}
		if n > 0 {
			for _, r := range normalized[i : i+n] {
				u16 += utf16RuneLen(r)
				valid = valid && !invalidRune(r)
			}
		} else {
			r, size := utf8.DecodeRuneInString(normalized[i:])
			weighted += runeWeight(r)
			u16 += utf16RuneLen(r)
			valid = valid && !invalidRune(r)
			n = size
		}
		if valid && weighted <= maxWeighted {
			validEnd = u16 - 1
		}
		i += n
	}

	textLen16 := utf16Len(text)
	res := Result{
		WeightedLength: weighted / scale,
		Valid:          valid && weighted <= maxWeighted && strings.TrimFunc(normalized, unicode.IsSpace) != "",
		ValidRangeEnd:  validEnd + textLen16 - u16,
	}
	// twitter-text computes this in floating point; do the same so that
	// results agree to the unit.
	res.Permillage = int(math.Floor(float64(res.WeightedLength) / MaxWeightedLength * 1000))
	if textLen16 > 0 {
		res.DisplayRangeEnd = textLen16 - 1
	}
	return res
}

// WeightedLength is Parse(text).WeightedLength.
func WeightedLength(text string) int {
	return Parse(text).WeightedLength
}

// utf16Len is the length of s in UTF-16 code units, the unit twitter-text's
// ranges use.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16RuneLen(r)
	}
	return n
}

func utf16RuneLen(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// validUTF8 replaces each invalid byte of s with U+FFFD, as encoding/json does,
// so that indices count one code point per invalid byte.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
