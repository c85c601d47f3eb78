package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Feeds and pages often repeat the headline at the head of the summary ("Ten schools reopen
// in Kobani. Ten schools reopened…", "Headline – Dek…") or as a paragraph of its own under
// it. A post shows the headline already; the lede is what comes after it.

// dropTitle returns text without the title at its head, when the title is followed by the
// end of the text, a sentence end or separator ("Headline. Dek", "Headline – Dek",
// "标题。正文"), or the start of another sentence. Case, white space and the form of quotes
// and dashes do not matter. A title followed by a comma or lower case is the start of the
// text's own sentence and stays.
func dropTitle(text, title string) string {
	if title == "" || text == "" {
		return text
	}
	end, ok := titlePrefix(text, title)
	if !ok {
		return text
	}
	rest := strings.TrimLeftFunc(text[end:], unicode.IsSpace)
	if rest == "" {
		return ""
	}
	spaced := len(rest) < len(text[end:])
	marks := strings.TrimLeftFunc(rest, func(r rune) bool {
		return strings.ContainsRune(".!?…:|–—-·•。！？：", r) || isCloser(r)
	})
	switch {
	case marks == "":
		return ""
	case len(marks) < len(rest):
		last, _ := utf8.DecodeLastRuneInString(rest[:len(rest)-len(marks)])
		next, _ := utf8.DecodeRuneInString(marks)
		if unicode.IsSpace(next) || isScriptStop(last) || last == '：' {
			return strings.TrimLeftFunc(marks, unicode.IsSpace)
		}
	case spaced && startsStory(rest) && !spacelessText(text):
		return rest // the title run into the text without a stop
	}
	return text
}

// startsWithTitle reports whether text begins with title (see dropTitle), so that a
// paragraph without a full stop that starts with the page's headline is taken for the
// headline again rather than a standfirst.
func startsWithTitle(text, title string) bool {
	if title == "" {
		return false
	}
	_, ok := titlePrefix(text, title)
	return ok
}

// titlePrefix reports whether text starts with title, compared folded (see foldRune) and
// without white space, and returns the byte offset in text where the title ends. Marks
// that end the title ("?", "!", ".") need not be in text.
func titlePrefix(text, title string) (int, bool) {
	title = strings.TrimRightFunc(title, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(".!?…:;。！？", r) })
	if utf8.RuneCountInString(title) < 3 {
		return 0, false
	}
	i := 0
	for _, want := range title {
		if unicode.IsSpace(want) {
			continue
		}
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsSpace(r) {
				break
			}
			i += size
		}
		if i >= len(text) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if foldRune(r) != foldRune(want) {
			return 0, false
		}
		i += size
	}
	return i, true
}

// foldRune maps a rune to the form titles are compared in: lower case, with typographic
// quotes, apostrophes and dashes made plain.
func foldRune(r rune) rune {
	switch r {
	case '’', '‘', '‚', '‛', '`', '´', 'ʼ':
		return '\''
	case '“', '”', '„', '«', '»', '‹', '›', '「', '」', '『', '』':
		return '"'
	case '–', '—', '‐', '‑', '−':
		return '-'
	}
	return unicode.ToLower(r)
}
