package compose

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/heraldhq/herald/internal/abbrev"
)

// cutter yields the places a text may be cut, shortest first: the ends of
// words, before a breaking space or next to a character of a script written
// without spaces (Chinese, Japanese, Thai…), where any character boundary
// will do. A cut never splits a grapheme cluster, and punctuation that would
// dangle before "…" is dropped from it. Cuts are found lazily, so cutting a
// long text early costs little.
type cutter struct {
	text string
	pos  int // bytes scanned
	cuts []string
	done bool
}

func newCutter(text string) *cutter {
	return &cutter{text: text}
}

// at returns cut i, or false when there are not that many.
func (c *cutter) at(i int) (string, bool) {
	for len(c.cuts) <= i && !c.done {
		c.scan()
	}
	if i < len(c.cuts) {
		return c.cuts[i], true
	}
	return "", false
}

// firstWeighing returns the index of the first cut that counts at least min
// by length (the number of cuts when none does).
func (c *cutter) firstWeighing(length func(string) int, min int) int {
	for i := 0; ; i++ {
		cut, ok := c.at(i)
		if !ok || length(cut) >= min {
			return i
		}
	}
}

// scan finds the next cut, or sets done.
func (c *cutter) scan() {
	text := c.text
	for c.pos < len(text) {
		start := c.pos
		a, size := utf8.DecodeRuneInString(text[start:])
		c.pos += size
		if c.pos >= len(text) {
			break
		}
		b, _ := utf8.DecodeRuneInString(text[c.pos:])
		if isBreakingSpace(a) || !(isBreakingSpace(b) || unspaced(a) || unspaced(b)) || !boundaryAfter(text, start, c.pos) {
			continue
		}
		cut := trimCut(text[:c.pos])
		if cut == "" || (len(c.cuts) > 0 && c.cuts[len(c.cuts)-1] == cut) {
			continue
		}
		c.cuts = append(c.cuts, cut)
		return
	}
	c.done = true
}

// boundaryAfter reports whether the grapheme cluster boundary rules allow a
// cut at end, between the rune at start and the next one. Two runes of
// context are enough here: the rules that need more (emoji ZWJ sequences,
// flag pairs) never apply next to a space or a CJK, kana or Thai character.
func boundaryAfter(text string, start, end int) bool {
	cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(text[start:], -1)
	return start+len(cluster) == end
}

// unspaced reports the characters of scripts written without spaces between
// words, which may be cut between any two characters.
func unspaced(r rune) bool {
	if r < 0x0E00 {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao,
		unicode.Khmer, unicode.Myanmar, unicode.Tibetan) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFF65) // CJK and fullwidth punctuation
}

// danglingAtCut are characters a cut should not end with: separators and
// opening brackets and quotes, which read as broken before "…".
const danglingAtCut = ",;:—–-/|·•([{«‹“‘\"'„‚、，：；（［｛「『《〈【〔"

func trimCut(s string) string {
	return strings.TrimRightFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(danglingAtCut, r)
	})
}

// sentenceEnds returns the byte offsets where the sentences of s end, the
// last being len(s). A sentence ends after '.', '!', '?', '…' (and their
// Arabic and Devanagari forms) and any closing quotes or brackets — also
// after a space, as French sets "… fin. »" — before a space and a word that
// does not start in lower case, unless the '.' ends an abbreviation or an
// initial ("U.S.", "Dr.", "Sra.", "z. B.", "т.е.") or a German ordinal ("am
// 28. November"), or the '!' ends a name ("Yahoo! Japan"); or after a CJK
// full stop, exclamation or question mark that is not a decimal point
// ("６．７").
func sentenceEnds(s string) []int {
	var ends []int
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && c != '.' && c != '!' && c != '?' {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		start := i
		i += size
		cjk := strings.ContainsRune("。！？．｡", r)
		if !cjk && !strings.ContainsRune(".!?…؟۔।", r) {
			continue
		}
		if cjk && betweenDigits(s, start, i) {
			continue
		}
		// Take further terminators and closers: "?!", "...", ".”", "。」", ". »".
		j := i
		for j < len(s) {
			r2, size2 := utf8.DecodeRuneInString(s[j:])
			if strings.ContainsRune(terminatorsAndClosers, r2) {
				j += size2
				continue
			}
			if unicode.IsSpace(r2) {
				if k := j + size2 + closersAt(s[j+size2:]); k > j+size2 {
					j = k
					continue
				}
			}
			break
		}
		if j >= len(s) {
			break
		}
		if !cjk {
			next, _ := utf8.DecodeRuneInString(s[j:])
			if !isBreakingSpace(next) {
				i = j
				continue
			}
			rest := strings.TrimLeftFunc(s[j:], isBreakingSpace)
			word, _ := utf8.DecodeRuneInString(rest)
			if unicode.IsLower(word) || (j == i && notAnEnd(s[:start], r, nextWord(rest))) {
				i = j
				continue
			}
		}
		if _, size := utf8.DecodeLastRuneInString(s[:j]); boundaryAfter(s, j-size, j) {
			ends = append(ends, j)
		}
		i = j
	}
	return append(ends, len(s))
}

// terminatorsAndClosers may follow a sentence's final mark and belong to it.
const terminatorsAndClosers = ".!?…؟۔।。！？．｡\"'”’»›)]」』）】"

// closersAt is the length of the closing quotes and brackets that open s
// ("»", "”"): after a space they still close the sentence before.
func closersAt(s string) int {
	n := 0
	for _, r := range s {
		if !strings.ContainsRune("”’»›)]」』）】", r) {
			break
		}
		n += utf8.RuneLen(r)
	}
	return n
}

// betweenDigits reports whether s[i:j] stands between two digits.
func betweenDigits(s string, i, j int) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	after, _ := utf8.DecodeRuneInString(s[j:])
	return unicode.IsDigit(before) && unicode.IsDigit(after)
}

// nextWord is the first word of s.
func nextWord(s string) string {
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i]
	}
	return s
}

// notAnEnd reports whether the mark r after before is not a sentence end
// although a capitalised word, next, follows it.
func notAnEnd(before string, r rune, next string) bool {
	switch r {
	case '.':
		if abbreviation(before) {
			return true
		}
		word := before[strings.LastIndexFunc(before, isBreakingSpace)+1:]
		prev := strings.TrimRightFunc(before[:len(before)-len(word)], isBreakingSpace)
		prev = prev[strings.LastIndexFunc(prev, isBreakingSpace)+1:]
		return abbrev.Ordinal(prev, word, next)
	case '!':
		word := before[strings.LastIndexFunc(before, isBreakingSpace)+1:]
		return abbrev.Bang(word) && !abbrev.Opener(next)
	}
	return false
}

// abbreviations end in a '.' that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "mt": true, "ft": true,
	"gen": true, "col": true, "lt": true, "sgt": true, "capt": true, "cmdr": true, "adm": true,
	"gov": true, "sen": true, "rep": true, "pres": true, "rev": true, "hon": true, "jr": true, "sr": true,
	"inc": true, "ltd": true, "co": true, "corp": true, "dept": true, "univ": true, "no": true,
	"vs": true, "etc": true, "approx": true, "est": true, "al": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// abbreviation reports whether the word that ends s, just before a '.', is
// an abbreviation or an initial, in any of the languages internal/abbrev
// knows.
func abbreviation(s string) bool {
	word := s[strings.LastIndexFunc(s, isBreakingSpace)+1:]
	word = strings.TrimLeft(word, "(\"'“‘")
	if strings.Contains(word, ".") { // U.S., e.g.
		return true
	}
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsLetter(r) // an initial, or part of "z. B.", "u. a."
	}
	return abbreviations[strings.ToLower(word)] || abbrev.NeverEnds(word)
}

// withEllipsis ends a cut with "…", in place of an ellipsis or full stop
// the cut already ends with ("...", "…", "."): one mark, never ".…".
func withEllipsis(cut string) string {
	for {
		cut = strings.TrimRightFunc(cut, unicode.IsSpace)
		switch {
		case strings.HasSuffix(cut, ellipsis):
			cut = strings.TrimSuffix(cut, ellipsis)
		case strings.HasSuffix(cut, "."):
			cut = strings.TrimRight(cut, ".")
		default:
			return cut + ellipsis
		}
	}
}
