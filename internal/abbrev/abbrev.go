// Package abbrev knows the marks in news text that look like the end of a sentence and are
// not: the full stop of an abbreviation ("Dr.", "Sra.", "Mme.", "z. B.", "EE.UU.", "т.е.",
// "Mio."), the exclamation mark of a name ("Yahoo!", "Jeopardy!") and the full stop of a
// German ordinal ("am 28. November"), in the languages herald reads. Both the lede's
// sentence splitter (internal/extract) and the post's summary cutter (internal/compose)
// ask it, so that they agree on where a sentence ends.
package abbrev

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NeverEnds reports whether word, the word just before a ".", is an abbreviation whose full
// stop does not end a sentence: a title before a name, a unit or number word, an
// abbreviation with a full stop inside ("EE.UU", "т.е", "S.A"), or a single letter (an
// initial, or a part of "z. B.", "u. a.", "г."). word may carry opening quotes and
// brackets; matching ignores case except for abbreviations that are also common words.
func NeverEnds(word string) bool {
	word = strings.TrimLeft(word, `"'“‘«„([¿¡`)
	if word == "" {
		return false
	}
	if strings.Contains(word, ".") {
		return true // U.S, EE.UU, S.A, т.е, Sig.ra
	}
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsLetter(r)
	}
	if anyCase[strings.ToLower(word)] {
		return true
	}
	if r, _ := utf8.DecodeRuneInString(word); unicode.IsUpper(r) {
		return capitalised[strings.ToLower(word)]
	}
	return false
}

// anyCase are abbreviations that are not words of their own in any language herald reads.
var anyCase = set(
	// titles before a name
	"dr", "dra", "drs", "dres", "sr", "sra", "srs", "sres", "srta", "mr", "mrs", "ms", "mme", "mmes",
	"mlle", "mlles", "prof", "profa", "pr", "sig", "sigg", "dott", "avv", "ing", "geom", "lic",
	"gral", "excmo", "excma", "ilmo", "ilma", "mgr", "msgr", "hr", "hrn", "dipl", "kard", "hl",
	"jr", "sen", "gov", "rep", "gen", "lt", "sgt", "capt", "cmdr", "adm", "rev", "hon", "pres",
	"sto", "ste", "st", "mt", "ft", "проф", "акад", "ген", "св", "г-н", "г-жа", "д-р",
	// units, numbers and references that come before what they count
	"mio", "mrd", "tsd", "nr", "núm", "nº", "pág", "págs", "pag", "aprox", "approx", "ca", "str",
	"avda", "bzw", "vgl", "ggf", "evtl", "inkl", "sog", "ggü", "abs", "bd", "dt", "vs", "cf",
	"cfr", "tel", "dept", "univ", "cía", "hnos", "ул", "вул", "просп", "обл", "см", "див",
	"напр", "ст", "тт",
	// months, which a day or year follows
	"jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ene", "dic",
	"janv", "févr", "avr", "juil", "déc", "okt", "dez", "giu", "lug", "ott", "fev",
	"янв", "февр", "апр", "авг", "сент", "окт", "нояб", "дек",
	"al", // et al.
)

// capitalised are abbreviations that are also ordinary words in some language: they count
// only when capitalised, as a title before a name is ("Me. Dupont", "On. Rossi", "Art. 5").
var capitalised = set("me", "on", "art", "sta", "ten", "col", "cap", "av", "fr")

// Bang reports whether word, the word just before a "!", is a name that ends in one
// ("Yahoo!", "Jeopardy!", "Wham!"), so that the mark need not end the sentence.
func Bang(word string) bool {
	word = strings.TrimLeft(word, `"'“‘«„([¿¡`)
	return bangNames[strings.ToLower(word)]
}

var bangNames = set("yahoo", "jeopardy", "wham", "oklahoma", "joomla", "panic", "yum", "e", "hola", "ok", "hello", "airplane")

// Opener reports whether word commonly begins an English sentence: after a name that ends
// in "!", such a word starts a new sentence ("He won Jeopardy! The show…"), while any other
// continues the name ("Yahoo! Japan said…").
func Opener(word string) bool {
	return openers[strings.TrimRight(word, `,;:"'”’`)]
}

var openers = set("The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "But", "And",
	"Or", "So", "Yet", "In", "On", "At", "This", "That", "These", "Those", "Its", "His", "Her",
	"Their", "Our", "There", "When", "While", "After", "Before", "As", "If", "Now", "Then", "What",
	"Who", "Why", "How", "Some", "Many", "Most", "All", "No", "One", "Two", "Three")

// Ordinal reports whether a number followed by "." and then next is a German ordinal
// ("am 28. November", "zum 5. Mal", "im 19. Jahrhundert") rather than a sentence end:
// prev is the word before the number, number the digits, next the word after the stop.
func Ordinal(prev, number, next string) bool {
	if number == "" || len(number) > 2 || strings.Trim(number, "0123456789") != "" {
		return false
	}
	next = strings.ToLower(strings.TrimRight(next, ",;:."))
	if months[next] {
		return true
	}
	return germanBefore[strings.ToLower(strings.TrimLeft(prev, `"'„(`))]
}

// germanBefore are the German words that come before an ordinal: articles and prepositions
// fused with them. None of them precedes a number that ends a sentence.
var germanBefore = set("der", "die", "das", "den", "dem", "des", "zum", "zur", "am", "im", "vom",
	"beim", "ab", "bis", "seit", "vor", "nach", "für", "um", "ein", "eine", "einem", "einer",
	"eines", "jeden", "jede", "jedem", "seinem", "seiner", "ihrem", "ihrer")

// months are month names and their short forms, in the languages that write ordinal dates
// with a full stop ("28. November", "3. maj").
var months = set("januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august",
	"september", "oktober", "november", "dezember", "jan", "feb", "mär", "apr", "jun", "jul",
	"aug", "sep", "sept", "okt", "nov", "dez",
	"januari", "februari", "maart", "mei", "augustus", "december", // Dutch
	"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
	"września", "października", "listopada", "grudnia", // Polish
	"ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září",
	"října", "prosince", // Czech
	"marts", "maj", "oktober", "januar", "juni", "juli") // Scandinavian

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
