package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/heraldhq/herald/internal/abbrev"
)

const (
	// DefaultLedeLen is the most runes Lede returns when the caller sets no limit.
	DefaultLedeLen = 280
	// shortSentence is the length under which a first sentence, left alone, says too
	// little: with no limit set, Lede then adds the second.
	shortSentence = 90
	// minWords is the fewest words a paragraph without a full stop needs to be a lede
	// rather than a label ("ARA News", "October 28, 2016"); with one, three will do.
	minWords = 5
	// longBlockWords is the length at which a paragraph without a full stop still counts
	// as text (a long sentence cut off by an excerpt) rather than a label or caption.
	longBlockWords = 25
	// maxParagraph is how much of a paragraph, in bytes, is searched for the lede.
	maxParagraph = 4096
)

// Lede returns the article's first real sentence — or the first two, when the limit allows
// — from an HTML body (content:encoded, a description, page paragraphs) or from plain text
// (a WordPress auto-excerpt).
//
// It passes over figures and captions, photo credits ("Photo:", "File photo"), bylines,
// "Breaking:" tickers, share and follow prompts, newsletter boxes, related links and comment
// forms, and strips what opens a story before its first word, in English, Spanish, French,
// German, Portuguese, Italian, Arabic, Russian, Ukrainian and Chinese: datelines ("Kobani –",
// "BEIRUT (Reuters) -", "Madrid, 28 nov (EFE).-", "МОСКВА, 28 ноября. /ТАСС/.", "دمشق –",
// "新华社北京11月28日电（记者 张三）"), bylines ("Por María López |"), editors' notes and
// update stamps ("Updated 11/28/17:", "Aktualisiert:", "编者按："), and kickers ("Analysis:").
//
// A standfirst is a summary whether or not it ends with a full stop: a paragraph of
// sentence length without one is the lede, alone, when no sentence came before it — unless
// it is a label ("Live", "Análisis", "Мнение"), a date, a byline or the headline again.
//
// maxLen is in runes. With maxLen > 0, Lede returns the first sentence, and the second too
// when both fit; a first sentence longer than maxLen is cut at a word boundary and ends in
// "…". With maxLen <= 0 the limit is DefaultLedeLen and the second sentence is added only
// when the first is short. The result is "" when the input holds no real sentence.
func Lede(htmlOrText string, maxLen int) string {
	return TitledLede(htmlOrText, "", maxLen)
}

// TitledLede is Lede for an article headed title: the headline repeated as the first
// sentence or at the head of the text is not part of the lede, and a paragraph that is only
// the headline is passed over.
func TitledLede(htmlOrText, title string, maxLen int) string {
	if strings.TrimSpace(htmlOrText) == "" {
		return ""
	}
	return ledeFrom(ledeOptions{maxLen: maxLen, title: title, deks: true}, parseFragment(htmlOrText)...)
}

// ledeOptions say how a lede is looked for.
type ledeOptions struct {
	maxLen int
	title  string // the headline, to leave out of the lede
	// deks lets a paragraph without a full stop be the lede (a standfirst). Feed fields
	// and page descriptions are written to be summaries; a page body also holds menus,
	// teasers and widgets without full stops, and is read for sentences only.
	deks bool
}

// ledeFrom finds the lede in the blocks of text under roots.
func ledeFrom(o ledeOptions, roots ...*html.Node) string {
	var picked []string
	truncated := false
	w := &blockWalker{}
	w.emit = func(lines []line) bool {
		text, cut, kind := realText(lines, o.title)
		switch kind {
		case notText:
			return false
		case standfirst:
			if !o.deks || len(picked) > 0 || startsWithTitle(text, w.heading) {
				return false
			}
			picked = append(picked, text)
			return true // a standfirst says it all: no sentence of the body is added to it
		}
		sents := ledeSentences(text, cut)
		if len(sents) == 0 {
			return false
		}
		picked = append(picked, sents...)
		// An excerpt cut off mid-sentence has nothing to add after it.
		truncated = cut && !endsSentence(picked[len(picked)-1])
		return len(picked) >= 2 || truncated
	}
	w.run(roots...)
	if len(picked) == 0 {
		return ""
	}
	if truncated {
		picked[len(picked)-1] = withEllipsis(picked[len(picked)-1])
	}
	return assemble(picked, o.maxLen)
}

// ledeSentences splits a paragraph's text into sentences and keeps those that can be part
// of a lede: no prompts, and no unfinished sentence cut off by an excerpt unless it is the
// only one.
func ledeSentences(text string, cut bool) []string {
	all := Sentences(text)
	var out []string
	for i, s := range all {
		if junkSentence(s) {
			if len(out) > 0 {
				break // what follows a prompt is more of the same
			}
			continue
		}
		if cut && i == len(all)-1 && len(out) > 0 && !endsSentence(s) {
			break
		}
		out = append(out, s)
		if len(out) == 2 {
			break
		}
	}
	return out
}

// assemble joins the picked sentences within the limit.
func assemble(sents []string, maxLen int) string {
	limit := maxLen
	if limit <= 0 {
		limit = DefaultLedeLen
	}
	first := sents[0]
	n := utf8.RuneCountInString(first)
	if n > limit {
		return cutAtWord(first, limit)
	}
	if len(sents) > 1 && (maxLen > 0 || weight(first) < shortSentence) {
		both := joinSentences(first, sents[1])
		if utf8.RuneCountInString(both) <= limit {
			return both
		}
	}
	return first
}

// weight is how much of a post s fills: runes, with the wide characters of Chinese,
// Japanese and Korean counted twice, as X counts them.
func weight(s string) int {
	n := 0
	for _, r := range s {
		n++
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			n++
		}
	}
	return n
}

// joinSentences puts b after a, with a space unless a ends in a full stop of a script
// written without spaces.
func joinSentences(a, b string) string {
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRightFunc(a, isCloser))
	switch last {
	case '。', '．', '｡', '！', '？':
		return a + b
	}
	return a + " " + b
}

// cutAtWord shortens s to at most limit runes, ending in "…", at a word boundary when
// there is one in the second half.
func cutAtWord(s string, limit int) string {
	if limit < 2 {
		return "…"
	}
	end, count := 0, 0
	lastSpace := -1
	for i, r := range s {
		if count == limit-1 {
			end = i
			break
		}
		if unicode.IsSpace(r) {
			lastSpace = i
		}
		count++
	}
	if lastSpace > 0 && utf8.RuneCountInString(s[:lastSpace]) >= (limit-1)/2 {
		end = lastSpace
	}
	out := strings.TrimRightFunc(s[:end], func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:–—-(«“„‘", r)
	})
	return withEllipsis(out)
}

// withEllipsis ends s with herald's "…", in place of an ellipsis or full stop s already
// ends with ("...", "…", "."): one mark, never ".…" or "...…".
func withEllipsis(s string) string {
	t := s
	for {
		t = strings.TrimRightFunc(t, unicode.IsSpace)
		switch {
		case strings.HasSuffix(t, "…"):
			t = strings.TrimSuffix(t, "…")
		case strings.HasSuffix(t, "."):
			t = strings.TrimRight(t, ".")
		default:
			return t + "…"
		}
	}
}

// endsSentence reports whether s ends like a sentence, closing quotes and brackets aside.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimRightFunc(s, isCloser))
	return r == '.' || r == '!' || r == '?' || r == '…' || isScriptStop(r)
}

var (
	// junkPhrase opens nothing but boilerplate.
	junkPhrase = regexp.MustCompile(`(?i)^\W{0,3}(?:(?:read more|read also|also read|see also|further reading|most read|related (?:articles|stories|posts|items|news|content)|` +
		`continue reading|click here|tap here|share this|share on|share via|follow us|follow @|like us|join us|join our|subscribe|sign up|` +
		`download our|get our|listen to our|leave a reply|leave a comment|post a comment|your email address|required fields|` +
		`reporting by|editing by|writing by|additional reporting|compiled by|file photo|photo by|photo credit|copyright|` +
		`all rights reserved|advertisement|for the latest|` +
		`this (?:article|story|post) (?:was|first|has been) (?:originally )?(?:published|appeared|updated))\b|` +
		`©)`)
	// creditMark is a photo credit in running text: the end of a caption.
	creditMark = regexp.MustCompile(`(?i)(?:\bfile\s+photo\b|\bphoto(?:graph)?s?(?:\s+credit)?\s*:|\bphoto(?:graph)?s?\s+by\b|\bimage(?:\s+credit)?\s*:|\bpicture\s*:|\bcredit\s*:|\(photo\b|\bgetty images\b|/\s*(?:afp|reuters|ap|getty)\b)`)
	// excerptCut is the "[…]" or "… Continue reading" a CMS puts at the end of an excerpt.
	excerptCut = regexp.MustCompile(`(?i)\s*(?:(?:\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.))+\s*(?:(?:` + moreLink + `)\b.{0,80})?|\s(?:` + moreLink + `)\b.{0,80})$`)
)

// moreLink is the link to the rest of an excerpt, in the languages herald reads.
const moreLink = `continue reading|read more|keep reading|read the full (?:story|article)|seguir leyendo|leer más|sigue leyendo|` +
	`lire la suite|la suite|weiterlesen|mehr lesen|continuar lendo|leia mais|continua a leggere|leggi tutto|` +
	`читать далее|читать дальше|читати далі|اقرأ المزيد|阅读全文`

// moreWords are words one of which is in every moreLink: a tail without any of them, and
// without an ellipsis, needs no regular expression.
var moreWords = []string{"read", "leyendo", "leer", "suite", "lesen", "lendo", "leia", "leggere", "leggi", "далее", "дальше", "далі", "المزيد", "全文"}

// textKind says what realText found in a paragraph.
type textKind int

const (
	notText      textKind = iota // a label, caption, prompt, byline or the like
	sentenceText                 // text with sentences in it
	standfirst                   // a dek: sentence-long text without a full stop
)

// realText makes a paragraph's lines into lede text, and says whether it is sentences, a
// standfirst or not article text at all. cut reports that the text ends in an excerpt's
// "[…]". title, when known, is left out of the text when it opens it.
func realText(lines []line, title string) (text string, cut bool, kind textKind) {
	// Leading lines that are labels — a byline above the first sentence, a bold kicker —
	// go; the rest of the paragraph is joined.
	for len(lines) > 1 && junkLine(lines[0]) {
		lines = lines[1:]
	}
	letters, linked, strong := 0, 0, 0
	parts := make([]string, 0, len(lines))
	for _, l := range lines {
		letters += l.letters
		linked += l.linked
		strong += l.strong
		parts = append(parts, l.text)
	}
	if linked*2 > letters {
		return "", false, notText // navigation, related links, tag lists
	}
	text = clean(strings.Join(parts, " "))
	if text == "" || junkText(text) {
		return "", false, notText
	}
	bold := strong == letters
	if len(text) > maxParagraph {
		// A lede is two sentences at most; the rest of a huge paragraph is not read.
		end := strings.LastIndexByte(text[:maxParagraph], ' ')
		if end <= 0 {
			end = maxParagraph
		}
		text, cut = strings.ToValidUTF8(text[:end], ""), true
	}
	// The "[…]" of an excerpt is in its last hundred or so bytes; most paragraphs have no
	// ellipsis or "more" link there, and skip the regular expression.
	if at := excerptCutAt(text); at > 0 {
		text, cut = strings.TrimSpace(text[:at]), true
	}
	text = stripLead(text)
	text = dropTitle(text, title)
	if text == "" || junkText(text) {
		return "", false, notText
	}
	words := len(strings.Fields(text))
	spaceless := spacelessText(text)
	if words < minWords && !spaceless && (words < 3 || !endsSentence(text)) {
		return "", false, notText // a label; a short sentence of its own may still be news
	}
	if !cut && words < longBlockWords && !hasSentenceEnd(text) {
		// No sentence in it: a standfirst, or a label, date, caption or kicker.
		if label(text) || strings.HasSuffix(text, ":") || strings.HasSuffix(text, "：") || (spaceless && utf8.RuneCountInString(text) < 12) {
			return "", false, notText
		}
		return text, false, standfirst
	}
	if bold && !endsSentence(text) {
		return "", false, notText // a bold or italic label: a byline, kicker or credit
	}
	return text, cut, sentenceText
}

// excerptCutAt is where the "[…]" or "… Continue reading" of an excerpt starts in text, or
// -1. It is in the last hundred or so bytes; the expression runs from the first ellipsis
// or "more" word there, and not at all when there is none, as in most paragraphs.
func excerptCutAt(text string) int {
	from := max(0, len(text)-120)
	tail := text[from:]
	start := -1
	for _, mark := range []string{"…", "...", "["} {
		if i := strings.Index(tail, mark); i >= 0 && (start < 0 || i < start) {
			start = i
		}
	}
	lower := strings.ToLower(tail)
	for _, w := range moreWords {
		if i := strings.Index(lower, w); i >= 0 && (start < 0 || i < start) && len(lower) == len(tail) {
			start = i
		}
	}
	if start < 0 {
		return -1
	}
	// Back over the space and the first word of a "more" link ("continue reading").
	start = max(0, start-24)
	for start > 0 && !utf8.RuneStart(tail[start]) {
		start--
	}
	loc := excerptCut.FindStringIndex(tail[start:])
	if loc == nil {
		return -1
	}
	return from + start + loc[0]
}

// junkLine reports a line that cannot open a lede: a label, prompt or byline above the text.
func junkLine(l line) bool {
	t := clean(l.text)
	if t == "" || junkText(t) || junkSentence(t) {
		return true
	}
	return !endsSentence(t) && (l.strong == l.letters || len(strings.Fields(t)) < minWords)
}

// junkText reports paragraph text that is boilerplate from its first word: a label, a
// ticker, a byline. Prompts inside a paragraph are weeded out sentence by sentence.
func junkText(t string) bool {
	return junkStart(t) || (isByline(t) && !endsSentence(t))
}

// junkStart reports text that opens with a ticker or label line (junkLabels) or with
// boilerplate (junkPhrase).
func junkStart(t string) bool {
	head := prefix(t, 120)
	if junkLabels.find(head) != nil {
		return true
	}
	return (phraseWords[leadWord(head)] || strings.Contains(prefix(head, 8), "©")) && junkPhrase.MatchString(head)
}

// phraseWords are the first words of junkPhrase's phrases.
var phraseWords = wordSet("read", "also", "see", "further", "most", "related", "continue", "click", "tap", "share",
	"follow", "like", "join", "subscribe", "sign", "download", "get", "listen", "leave", "post", "your", "required",
	"reporting", "editing", "writing", "additional", "compiled", "file", "photo", "copyright", "all", "advertisement",
	"for", "this")

// within reports whether one of the runes of set is among the first n bytes of s.
func within(s string, n int, set string) bool {
	return strings.ContainsAny(prefix(s, n), set)
}

// isByline reports text that is a byline line: "By Jane Doe and John Roe, ARA News
// correspondents in Kobani", "Por María López", "Автор: Іван Петренко". Outside English a
// byline word may open a sentence too ("Por España pasan…"), so there the names must
// make up nearly all of the line.
func isByline(t string) bool {
	if englishByline.MatchString(t) {
		return true
	}
	m := bylineWord.FindStringIndex(t)
	if m == nil {
		m = bylineLabelled.FindStringIndex(t)
	}
	return m != nil && len(strings.Fields(t[m[1]:])) <= 4
}

// englishByline opens a line with "By" and a name.
var englishByline = regexp.MustCompile(`^(?i:by|written by|words by|story by)\s+\p{Lu}`)

// junkPhrases mark a short sentence as a prompt wherever they appear in it.
var junkPhrases = []string{
	"follow us", "newsletter", "subscribe", "sign up for", "join our", "like us on",
	"share this", "all rights reserved", "read more", "click here", "appeared first on",
	"download our app", "download the app", "whatsapp channel", "telegram channel",
	"leave a reply", "leave a comment", "your email address will not",
	// the same in the other languages herald reads, and WordPress's feed footers
	"suscríbete", "síguenos", "se publicó primero en", "apareció primero en",
	"abonnez-vous", "inscrivez-vous", "suivez-nous", "est apparu en premier sur",
	"jetzt abonnieren", "folgen sie uns", "erschien zuerst auf",
	"assine", "siga-nos", "apareceu primeiro em", "iscriviti", "seguici", "proviene da",
	"подписывайтесь", "подпишитесь", "появились сначала на", "появилось сначала на",
	"підписуйтесь", "підпишіться", "з'явився спочатку на", "з’явився спочатку на",
	"اشترك", "تابعونا",
}

// junkSentence reports a sentence that is a prompt rather than news.
func junkSentence(s string) bool {
	if junkStart(s) || editorNoteAt(s) != nil {
		return true
	}
	if len(s) >= 200 {
		return false
	}
	lower := strings.ToLower(s)
	for _, p := range junkPhrases {
		if containsWord(lower, p) {
			return true
		}
	}
	return false
}

// containsWord reports whether phrase occurs in s as whole words.
func containsWord(s, phrase string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], phrase)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(phrase)
		before, _ := utf8.DecodeLastRuneInString(s[:start])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if !unicode.IsLetter(before) && !unicode.IsLetter(after) {
			return true
		}
		i = start + 1
	}
}

// prefix is the start of s, at most n bytes: the part a label or dateline can be in.
// Matching prefixes keeps the cost of a paragraph independent of its length.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// stripLead removes what stands before a story's first word: a caption and its credit,
// editors' notes and update stamps, kickers, bylines, datelines and agency credits, and
// stray leading punctuation.
func stripLead(t string) string {
	// A caption and credit run into the text (a WordPress auto-excerpt): the story starts
	// after the dateline that follows the credit, or else after the credit's sentence.
	// A caption is a sentence or two; a credit further in is the story's own words ("the
	// council released a photo: …").
	if loc := findCredit(prefix(t, 450)); loc != nil && loc[0] < 400 {
		rest := t[loc[1]:]
		window := prefix(rest, 160)
		ends := sentenceEnds(t[:loc[0]])
		if m := datelineIn.FindStringIndex(window); m != nil && startsStory(rest[m[1]:]) && ends <= 2 {
			t = rest[m[1]:]
		} else if ends <= 1 {
			t = afterSentenceWith(t, loc[0])
		}
	}
	for range 6 {
		before := t
		t = stripOpening(t)
		t = strings.TrimLeftFunc(t, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("–—-:|•·,;：，", r)
		})
		if t == before {
			break
		}
	}
	return t
}

// stripOpening removes one thing that opens t before the story: a note, a kicker, a
// byline, a dateline or an agency credit.
func stripOpening(t string) string {
	// Each expression runs only where the separator it ends in is near the start: most
	// paragraphs open with none of these and skip them all.
	head := prefix(t, 400)
	if adLabels.find(head) != nil {
		return t
	}
	if r := stripNote(t); r != t {
		return r
	}
	if m := kickers.find(head); m != nil && startsStory(t[m[1]:]) {
		return t[m[1]:]
	}
	if r := stripByline(t); r != t {
		return r
	}
	if dashNear(head) {
		if m := datelineDash.FindStringIndex(head); m != nil && startsStory(t[m[1]:]) && placeLike(t[:m[1]]) && datesValid(t[:m[1]]) {
			return t[m[1]:]
		}
		if m := datelineBare.FindStringIndex(head); m != nil && startsStory(t[m[1]:]) && datesValid(t[:m[1]]) {
			return t[m[1]:]
		}
	}
	if within(head, 100, ":") {
		if m := datelineColon.FindStringIndex(head); m != nil && startsStory(t[m[1]:]) && datesValid(t[:m[1]]) {
			return t[m[1]:]
		}
	}
	if within(head, 120, "(") {
		if m := datelineAgency.FindStringIndex(head); m != nil && startsStory(t[m[1]:]) && datesValid(t[:m[1]]) {
			return t[m[1]:]
		}
	}
	if dotNear(head) {
		if m := datelineDot.FindStringIndex(head); m != nil && startsStory(t[m[1]:]) && placeLike(t[:m[1]]) && !abbrevBefore(t[:m[1]]) && datesValid(t[:m[1]]) {
			return t[m[1]:]
		}
	}
	if m := agencyLead.FindStringIndex(head); m != nil && startsStory(t[m[1]:]) {
		return t[m[1]:]
	}
	if r, _ := utf8.DecodeRuneInString(head); r == '【' || r == '（' || r == '(' || unicode.Is(unicode.Han, r) {
		if m := datelineCJK.FindStringIndex(head); m != nil {
			return t[m[1]:]
		}
		if m := creditCJK.FindStringIndex(head); m != nil {
			return t[m[1]:]
		}
	}
	return t
}

// dashNear reports a dash where a dateline could end: a dateline is a place, a date and
// an agency at most.
func dashNear(head string) bool {
	h := prefix(head, 160)
	i := strings.IndexAny(h, "–—")
	for _, d := range []string{" -", ".-", ")-"} {
		if j := strings.Index(h, d); j >= 0 && (i < 0 || j < i) {
			i = j
		}
	}
	return i >= 0 && strings.Count(h[:i], " ") <= 14
}

// dotNear reports a full stop where a dateline that ends in one could: after a word or
// two ("Berlin. "), or after a place and a date ("МОСКВА, 28 ноября. ").
func dotNear(head string) bool {
	i := strings.Index(prefix(head, 120), ". ")
	return i >= 0 && (i <= 40 || strings.IndexByte(head[:i], ',') >= 0)
}

// abbrevBefore reports whether the first full stop of a dateline match ends an
// abbreviation ("Mr. Smith", "St. Petersburg", "U.S. officials"): then it is no dateline.
func abbrevBefore(m string) bool {
	i := strings.Index(m, ". ")
	if i < 0 {
		return false
	}
	return abbrev.NeverEnds(lastWord(m[:i]))
}

// placeLike reports whether a dateline match can be a place. In scripts written without
// spaces the place pattern would run over a whole clause before a dash
// ("中国国家统计局周一发布数据显示——"); a place there is a few characters ("北京——"). In
// scripts without capitals (Arabic, Hebrew) any words before a dash fit the pattern, and an
// aside is as common as a dateline ("قال الرئيس - في كلمة له - إن…"): a place there is one
// to three words, and none of them a verb or particle that opens a sentence.
func placeLike(m string) bool {
	han := 0
	for _, r := range m {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			han++
		}
	}
	if han > 6 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(m)
	if !unicode.IsLetter(first) || unicode.IsUpper(first) || unicode.IsLower(first) || han > 0 {
		return true
	}
	place := m
	if i := strings.IndexAny(place, "(–—-/,"); i >= 0 {
		place = place[:i]
	}
	words := strings.Fields(place)
	if len(words) > 3 {
		return false
	}
	for _, w := range words {
		if openingWords[w] {
			return false
		}
	}
	return true
}

// openingWords are Arabic and Hebrew verbs and particles that open a sentence, not a place.
var openingWords = wordSet("قال", "قالت", "وقال", "وقالت", "أكد", "وأكد", "أكدت", "أعلن", "وأعلن", "أعلنت", "أضاف", "وأضاف",
	"أوضح", "وأوضح", "ذكر", "وذكر", "في", "وفي", "من", "ومن", "على", "إلى", "عن", "إن", "أن", "هذا", "هذه", "ذلك", "تلك",
	"الذي", "التي", "كما", "وقد", "قد", "لقد", "ثم", "بعد", "قبل", "مع", "بين", "لكن", "ولكن", "الرئيس", "الحكومة", "الوزير",
	"אמר", "אמרה", "הוא", "היא", "על", "של", "עם", "אבל", "כי", "גם", "ראש", "הממשלה")

// findCredit is creditMark.FindStringIndex, skipping the regular expression (the costliest
// step of Lede) for the many paragraphs without any word a credit needs.
func findCredit(s string) []int {
	lower := strings.ToLower(s)
	for _, w := range []string{"photo", "image", "picture", "credit", "getty", "/"} {
		if strings.Contains(lower, w) {
			return creditMark.FindStringIndex(s)
		}
	}
	return nil
}

// startsStory reports whether s begins like a sentence: a capital, a letter of a script
// without case, a digit or an opening quote. A dash followed by lower case is an aside
// ("The SDF – a Kurdish-led alliance – said"), not a dateline.
func startsStory(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	switch {
	case unicode.IsUpper(r), unicode.IsDigit(r):
		return true
	case unicode.IsLetter(r):
		return !unicode.IsLower(r) // Arabic, CJK and other scripts without case
	}
	return strings.ContainsRune(`"“‘'«„`, r)
}

// afterSentenceWith returns the text after the sentence that contains byte offset at,
// or "" when that sentence is the last.
func afterSentenceWith(t string, at int) string {
	pos := 0
	sents := Sentences(t)
	for i, s := range sents {
		j := strings.Index(t[pos:], s)
		if j < 0 {
			break
		}
		end := pos + j + len(s)
		if at < end {
			return strings.Join(sents[i+1:], " ")
		}
		pos = end
	}
	return ""
}

// hasSentenceEnd reports whether t holds a full stop, question or exclamation mark that
// ends a sentence: followed by a space or the end, not "3.5" or "aranews.net".
func hasSentenceEnd(t string) bool { return sentenceEnds(t) > 0 }

// sentenceEnds counts the marks in t that end a sentence: the last of a run ("?!", "。」")
// followed by a space, the end of t, or (in scripts without spaces) anything.
func sentenceEnds(t string) int {
	n := 0
	for i, r := range t {
		if r != '.' && r != '!' && r != '?' && r != '…' && !isScriptStop(r) {
			continue
		}
		next, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(t[i+utf8.RuneLen(r):], isCloser))
		switch {
		case next == '.' || next == '!' || next == '?' || next == '…' || isScriptStop(next):
			// not the last of the run
		case isScriptStop(r), next == utf8.RuneError, unicode.IsSpace(next):
			n++
		}
	}
	return n
}

// spacelessText reports text mostly in a script written without spaces between words
// (Chinese, Japanese, Thai), where counting words by spaces says nothing.
func spacelessText(t string) bool {
	n, other := 0, 0
	for _, r := range t {
		if !unicode.IsLetter(r) {
			continue
		}
		n++
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan) {
			other++
		}
	}
	return n >= 12 && other*2 > n
}
