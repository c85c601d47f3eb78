package extract

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/neurosnap/sentences"
	"github.com/neurosnap/sentences/english"
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
// wherever they appear. Text without a sentence end is one sentence.
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
	return out
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
		if !isScriptStop(r) {
			continue
		}
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isScriptStop(r) && !isCloser(r) {
				break
			}
			i += size
		}
		out = append(out, text[start:i])
		start = i
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
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
		if !plainSentenceEnd(word) {
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
