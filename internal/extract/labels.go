package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// labelSet matches one of a list of phrases — labels, kickers, editors' notes — at the
// start of a text, in any case, with what may stand before and after it. Most paragraphs
// open with none of them, and a set tells so from the text's first word alone, before its
// expression (hundreds of alternatives in ten languages) runs.
type labelSet struct {
	re    *regexp.Regexp
	first map[string]bool // the first word (leadWord) of each phrase
	han   []string        // phrases in scripts written without spaces, matched as prefixes
}

// newLabelSet builds a set from literal phrases; before and after are expressions for
// what may precede and must follow a phrase.
func newLabelSet(before, after string, phrases ...string) *labelSet {
	l := &labelSet{first: map[string]bool{}}
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = regexp.QuoteMeta(p)
		if r, _ := utf8.DecodeRuneInString(p); unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			l.han = append(l.han, p)
		} else {
			l.first[leadWord(p)] = true
		}
	}
	l.re = regexp.MustCompile(`^` + before + `(?i:` + strings.Join(quoted, "|") + `)` + after)
	return l
}

// find returns where a phrase and what follows it open t, or nil.
func (l *labelSet) find(t string) []int {
	if !l.first[leadWord(t)] && !l.hanPrefix(t) {
		return nil
	}
	return l.re.FindStringIndex(prefix(t, 400))
}

func (l *labelSet) hanPrefix(t string) bool {
	if len(l.han) == 0 {
		return false
	}
	t = strings.TrimLeftFunc(prefix(t, 64), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, p := range l.han {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// leadWord is the first word of s in lower case, past any opening punctuation: the word a
// label or phrase starts with.
func leadWord(s string) string {
	s = strings.TrimLeftFunc(prefix(s, 64), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	end := strings.IndexFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '\'' && r != '’'
	})
	if end >= 0 {
		s = s[:end]
	}
	return strings.ToLower(s)
}

var (
	// junkLabels are ticker and label lines that open a paragraph which is not a lede: a
	// label, then a colon, bar, dash or bracket.
	junkLabels = newLabelSet(`\W{0,3}`, `\s*[:：|»›>–—\]】-]`,
		"breaking", "breaking news", "just in", "developing", "live", "live updates", "latest", "alert", "news alert", "flash",
		"photo", "photos", "photograph", "picture", "image", "images", "video", "watch", "listen", "gallery", "credit",
		"credits", "source", "caption", "featured image", "file photo", "file", "related", "more", "see also", "recommended",
		"trending", "popular", "tags", "tagged", "filed under", "posted in", "categories", "category", "comments",
		"advertisement", "note", "disclaimer",
		"en directo", "en vivo", "última hora", "urgente", "vídeo", "fotos", "galería", "relacionado", "relacionada",
		"en direct", "direct", "alerte", "urgent", "vidéo", "diaporama", "à lire aussi", "lire aussi",
		"liveblog", "live-ticker", "liveticker", "eilmeldung", "bildergalerie", "fotostrecke", "lesen sie auch", "mehr zum thema",
		"ao vivo", "galeria", "leia também", "leia mais",
		"diretta", "in diretta", "ultim'ora", "ultim’ora", "ultima ora", "fotogallery", "leggi anche",
		"онлайн", "трансляция", "видео", "фото", "срочно", "молния", "читайте также",
		"наживо", "відео", "терміново", "блискавка", "читайте також",
		"عاجل", "مباشر", "فيديو", "بالفيديو", "بالصور", "شاهد", "اقرأ أيضا", "اقرأ أيضاً",
		"直播", "视频", "快讯", "突发", "图集", "相关阅读", "相关新闻")

	// kickers are the labels that stand before a dek or headline ("Analysis:", "OPINIÓN |",
	// "独家："); the text after them is the lede.
	kickers = newLabelSet(`[\[(【]?\s*`, `\s*[:：|»›>–—\]】)]\s*`,
		"analysis", "news analysis", "opinion", "comment", "commentary", "column", "exclusive", "interview", "explainer",
		"explained", "fact check", "factcheck", "feature", "review", "editorial",
		"análisis", "opinión", "tribuna", "columna", "exclusiva", "entrevista", "reportaje", "crónica",
		"analyse", "décryptage", "tribune", "chronique", "exclusif", "entretien", "reportage", "éditorial",
		"meinung", "kommentar", "kolumne", "exklusiv", "leitartikel", "hintergrund",
		"análise", "opinião", "coluna", "exclusivo", "reportagem",
		"analisi", "opinione", "commento", "esclusiva", "esclusivo", "intervista", "retroscena",
		"аналитика", "анализ", "мнение", "колонка", "эксклюзив", "интервью", "комментарий", "репортаж",
		"аналітика", "думка", "ексклюзив", "інтерв'ю", "інтерв’ю", "коментар",
		"تحليل", "رأي", "مقال رأي", "حصري", "مقابلة", "حوار", "تقرير",
		"分析", "观点", "评论", "独家", "专访", "社论")

	// editorNotes are the labels of an editor's note or a correction, before a colon.
	editorNotes = newLabelSet(`[\[(【]?\s*`, `\s*[:：]`,
		"editor's note", "editor’s note", "editors' note", "editors’ note", "editors note", "editor note", "note from the editor",
		"nota del editor", "nota de la redacción", "nota de la redaccion", "nota de los editores",
		"note de la rédaction", "note de la redaction", "ndlr", "n.d.l.r.", "n.d.l.r",
		"anmerkung der redaktion", "hinweis der redaktion", "anm. d. red.", "in eigener sache",
		"nota do editor", "nota da redação", "nota da redacção", "nota da redacao", "nota della redazione", "n.d.r.", "n.d.r", "ndr",
		"примечание редакции", "от редакции", "примітка редакції", "від редакції",
		"ملاحظة المحرر", "ملاحظة المحرّر", "ملاحظة التحرير",
		"correction", "clarification", "corrección", "aclaración", "fe de errores", "rectificatif", "erratum",
		"korrektur", "berichtigung", "richtigstellung", "correção", "errata", "rettifica",
		"поправка", "уточнение", "виправлення", "تصحيح", "更正", "编辑按")

	// adLabels are the disclosures that open paid content ("Publicité –", "Anzeige:",
	// "Sponsored |"): they stay in the lede, which an editor reviews before it is posted, and
	// are not taken for a dateline.
	adLabels = newLabelSet(`[\[(]?\s*`, `\s*[:|\])–—-]`,
		"sponsored", "sponsored content", "advertorial", "paid post", "anzeige", "publicidad", "publirreportaje",
		"publicité", "publireportage", "publicidade", "pubblicità", "реклама", "на правах рекламы", "на правах реклами",
		"إعلان", "广告")

	// cjkNote is a Chinese editor's note: "编者按：", "【编者按】", "【记者手记按】".
	cjkNote = regexp.MustCompile(`^(?:【\p{Han}{0,6}按】|编者按\s*[:：]?)`)
)
