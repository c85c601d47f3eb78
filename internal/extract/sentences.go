package extract

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/neurosnap/sentences"
	"github.com/neurosnap/sentences/english"

	"github.com/heraldhq/herald/internal/abbrev"
)

// punkt is the English Punkt tokenizer with its trained abbreviations ("U.S.", "Dr.",
// "Jan."). Loading the model takes a few milliseconds, so it happens once, on first use;
// tokenizing only reads it, so one tokenizer serves every goroutine.
var punkt = sync.OnceValue(func() *sentences.DefaultSentenceTokenizer {
	t, err := english.NewSentenceTokenizer(nil)
	if err != nil {
		// The model is compiled into the binary; failing to load it is a build defect.
		panic("extract: load English sentence model: " + err.Error())
	}
	return t
})

// Sentences splits plain text into sentences, each trimmed. Latin-script text goes through
// the Punkt tokenizer, which knows "U.S.-led", "Dr." and "Jan." are not sentence ends; the
// full stops of other scripts ("。", "！", "？", "؟", "۔", "।" and kin) end a sentence
// wherever they appear. Punkt's model is English: what it takes for a sentence end in other
// languages is put back together when the next sentence starts in lower case ("a 5 km. del
// centro"), when the stop ends an abbreviation of another language ("Sra.", "Mme.", "z. B.",
// "т.е.", "Mio.") or a German ordinal ("am 28. November"), or the "!" ends a name ("Yahoo!
// Japan"); a closing guillemet or quote after a space stays with its sentence ("… fin. »").
// Text without a sentence end is one sentence.
func Sentences(text string) []string {
	var out []string
	for _, chunk := range splitScriptStops(text) {
		if !strings.ContainsAny(chunk, ".!?") {
			out = appendSentence(out, chunk)
			continue
		}
		for _, s := range tokenize(chunk) {
			for _, part := range splitMissed(s) {
				out = appendSentence(out, part)
			}
		}
	}
	return mergeFalseEnds(out)
}

// mergeFalseEnds joins sentences that were split where no sentence ends (see Sentences).
func mergeFalseEnds(in []string) []string {
	if len(in) < 2 {
		return in
	}
	out := in[:1]
	for _, s := range in[1:] {
		last := len(out) - 1
		if closers := leadingClosers(s); closers != "" {
			out[last] += " " + closers
			s = strings.TrimSpace(s[len(closers):])
			if s == "" {
				continue
			}
		}
		if falseEnd(out[last], s) {
			out[last] += " " + s
			continue
		}
		out = append(out, s)
	}
	return out
}

// leadingClosers is the run of closing quotes and brackets, with the spaces between them,
// that opens s: a sentence never starts with one, so they belong to the sentence before.
// A straight quote is taken for a closer only when a space or the end follows it: before a
// word it opens a quotation.
func leadingClosers(s string) string {
	end := 0
	for i, r := range s {
		if !isCloser(r) && !(unicode.IsSpace(r) && i > 0) {
			break
		}
		if r == '"' || r == '\'' {
			if next, _ := utf8.DecodeRuneInString(s[i+1:]); next != utf8.RuneError && !unicode.IsSpace(next) {
				break
			}
		}
		end = i + utf8.RuneLen(r)
	}
	return strings.TrimRightFunc(s[:end], unicode.IsSpace)
}

// falseEnd reports whether the mark that ends prev does not end a sentence, given the
// sentence after it.
func falseEnd(prev, next string) bool {
	body := strings.TrimRightFunc(prev, func(r rune) bool { return isCloser(r) || unicode.IsSpace(r) })
	last, _ := utf8.DecodeLastRuneInString(body)
	if last != '.' && last != '!' && last != '?' && last != '…' {
		return false // a script's own full stop is final
	}
	if startsLower(next) {
		return true
	}
	if body != prev {
		return false // "… end.” Next": the quote closed the sentence
	}
	word := lastWord(body[:len(body)-utf8.RuneLen(last)])
	switch last {
	case '.':
		if strings.HasSuffix(body, "..") {
			return false
		}
		if abbrev.NeverEnds(word) {
			return true
		}
		before := lastWord(strings.TrimSuffix(body[:len(body)-1], word))
		return abbrev.Ordinal(before, word, firstWord(next))
	case '!':
		return abbrev.Bang(word) && !abbrev.Opener(firstWord(next))
	}
	return false
}

// startsLower reports whether s starts, after opening quotes and brackets, with a
// lower-case letter that does not begin a brand written that way ("iPhone", "eBay").
func startsLower(s string) bool {
	s = strings.TrimLeft(s, `"'“‘«„(`)
	r, size := utf8.DecodeRuneInString(s)
	if !unicode.IsLower(r) {
		return false
	}
	for _, r2 := range s[size:] {
		if unicode.IsSpace(r2) || unicode.IsPunct(r2) {
			return true
		}
		if unicode.IsUpper(r2) {
			return false
		}
	}
	return true
}

// lastWord is the last space-separated word of s.
func lastWord(s string) string {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	return s[strings.LastIndexFunc(s, unicode.IsSpace)+1:]
}

// firstWord is the first space-separated word of s.
func firstWord(s string) string {
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i]
	}
	return s
}

func appendSentence(out []string, s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return out
	}
	return append(out, s)
}

// tokenize runs Punkt over text. Punkt is third-party code fed with whatever a feed holds;
// if it ever panics, the text is kept as one sentence rather than taking herald down.
func tokenize(text string) (out []string) {
	defer func() {
		if recover() != nil {
			out = []string{text}
		}
	}()
	for _, s := range punkt().Tokenize(text) {
		out = append(out, s.Text)
	}
	return out
}

// isScriptStop reports the sentence-final marks of scripts Punkt knows nothing about.
func isScriptStop(r rune) bool {
	switch r {
	case '。', '．', '｡', '！', '？', // CJK
		'؟', '۔', // Arabic question mark; Urdu full stop
		'।', '॥', // Devanagari danda
		'።', '፧', // Ethiopic
		'။', // Myanmar
		'։': // Armenian
		return true
	}
	return false
}

// isCloser reports marks that belong to the sentence before them: closing quotes and
// brackets after a full stop.
func isCloser(r rune) bool {
	switch r {
	case '」', '』', '”', '’', '"', '\'', ')', '）', '】', '〕', '》', '〉', '»', '›', ']':
		return true
	}
	return false
}

// splitScriptStops cuts text after each run of script full stops and the closers that
// follow them.
func splitScriptStops(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if !isScriptStop(r) || decimalPoint(text, i-size, i) {
			continue
		}
		closed := false
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isScriptStop(r) && !isCloser(r) {
				break
			}
			closed = closed || isCloser(r)
			i += size
		}
		if next, _ := utf8.DecodeRuneInString(text[i:]); closed && quoteGoesOn(next) {
			continue // 「…。」と述べた: the quotation is part of the sentence
		}
		out = append(out, text[start:i])
		start = i
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// decimalPoint reports whether the mark at text[i:j] stands between two digits, as the
// full-width full stop does in "６．７％".
func decimalPoint(text string, i, j int) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:i])
	after, _ := utf8.DecodeRuneInString(text[j:])
	return unicode.IsDigit(before) && unicode.IsDigit(after)
}

// quoteGoesOn reports whether r, right after a closed quotation, carries the sentence on:
// the Japanese quotative particles and the CJK commas.
func quoteGoesOn(r rune) bool {
	switch r {
	case 'と', 'っ', '、', '，', ',':
		return true
	}
	return false
}

// splitMissed splits a Punkt sentence where Punkt's English rules keep going past a plain
// sentence end: after a number ("… in 2015. Others stayed.", "on Jan. 5. It was …") and
// after an ordinary lower-case word that Punkt's model rarely saw sentence-initially
// before the next capital. Known abbreviations ("etc.", "approx.") are left alone.
func splitMissed(s string) []string {
	var out []string
	start := 0
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '.' || s[i+1] != ' ' {
			continue
		}
		next, _ := utf8.DecodeRuneInString(strings.TrimLeft(s[i+2:], `"“‘'(`))
		if !unicode.IsUpper(next) {
			continue
		}
		word := s[start:i]
		if j := strings.LastIndexAny(word, " \t\n"); j >= 0 {
			word = word[j+1:]
		}
		word = strings.TrimLeft(word, `"“‘'(`)
		if !plainSentenceEnd(word) || abbrev.Ordinal(lastWord(s[start:i-len(word)]), word, firstWord(strings.TrimLeft(s[i+2:], `"“‘'(`))) {
			continue
		}
		out = append(out, s[start:i+1])
		start = i + 1
	}
	return append(out, s[start:])
}

// plainSentenceEnd reports whether word, the word before a ". X", can only end a sentence:
// a number, or a lower-case word of two or more letters that is not a known abbreviation.
func plainSentenceEnd(word string) bool {
	if word == "" || strings.Contains(word, ".") {
		return false
	}
	digits, lower := true, true
	for _, r := range word {
		if r < '0' || r > '9' {
			if r != ',' {
				digits = false
			}
		}
		if !unicode.IsLower(r) && r != '-' {
			lower = false
		}
	}
	switch {
	case digits:
		return true
	case lower && utf8.RuneCountInString(word) >= 2:
		last := word[strings.LastIndexByte(word, '-')+1:]
		return !lowerAbbrevs[last] && !punkt().IsAbbr(word, last)
	}
	return false
}

// lowerAbbrevs are lower-case abbreviations missing from Punkt's English model.
var lowerAbbrevs = map[string]bool{
	"al": true, "approx": true, "ca": true, "cf": true, "eds": true, "esp": true,
	"etc": true, "fig": true, "incl": true, "pp": true, "viz": true, "vol": true,
}
