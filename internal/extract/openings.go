package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What stands before a story's first word, in the languages herald reads (English,
// Spanish, French, German, Portuguese, Italian, Arabic, Russian, Ukrainian, Chinese):
// datelines, agency credits, bylines, editors' notes and update notes. stripLead removes
// them; the patterns are here.
//
// A dateline is short: one to four capitalised words naming a place (with the particles
// of place names: "Rio de Janeiro", "Frankfurt am Main"), perhaps a country or a date
// and an agency, then a dash, a colon after capitals, or a full stop. A phrase with an
// ordinary word in it ("Russia and Turkey – The…") is no dateline, and neither is a dash
// followed by lower case (an aside).

const (
	// dlWord is a capitalised word of a place name ("Kobani", "BEIRUT", "São", "Frankfurt/Main",
	// "Saint-Étienne", "دمشق").
	dlWord = `[\p{Lu}\p{Lo}][\p{L}\p{M}'’.&]*(?:[-/][\p{L}\p{M}]+)*`
	// dlParticle joins the words of a place name: de, del, della, des, da, do, dos, du, la,
	// le, les, el, am, an, der, im, upon, sur.
	dlParticle = `(?:(?:d(?:e[lsr]?|ella|[aiou]s?)|l[ae]s?|el|a[mn]|im|upon|sur)\s+)`
	// dlPlace is one to four words of a place.
	dlPlace = dlWord + `(?:\s+` + dlParticle + `*` + dlWord + `){0,3}`

	// dlMonth is where a dateline has a month: any word, which datesValid checks against
	// monthNames afterwards. The names themselves in the expression would make it ten
	// times as large and slow.
	dlMonth = `\p{L}{3,10}\.?`
	// monthNames are month names and their short forms, in any case.
	monthNames = `(?i:jan(?:uary|uar|vier)?|feb(?:ruary|ruar)?|febr?|mar(?:ch|s)?|apr(?:il)?|may|jun[ei]?|jul[yi]?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|` +
		`ene(?:ro)?|febrero|marzo|abr(?:il)?|mayo|junio|julio|ago(?:sto)?|se(?:p)?tiembre|octubre|noviembre|dic(?:iembre)?|` +
		`janv(?:ier)?|févr(?:ier)?|avr(?:il)?|mai|juin|juil(?:let)?|août|septembre|octobre|novembre|déc(?:embre)?|` +
		`jänner|märz|mär|juni|juli|okt(?:ober)?|dez(?:ember)?|` +
		`janeiro|fev(?:ereiro)?|março|maio|junho|julho|set(?:embro)?|out(?:ubro)?|novembro|dezembro|` +
		`gen(?:naio)?|febbraio|aprile|mag(?:gio)?|giu(?:gno)?|lug(?:lio)?|settembre|ott(?:obre)?|dicembre|` +
		`января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|янв|фев|мар|апр|июн|июл|авг|сен|сент|окт|ноя|нояб|дек|` +
		`січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня)\.?`
	// dlDay is a date: "28 nov", "28 de noviembre de 2017", "28. November", "Nov. 28, 2017",
	// "28.11.2017", "28/11", "Oct 28".
	dlDay = `(?:\d{1,2}\.?\s+(?:de\s+)?` + dlMonth + `(?:\s+(?:de\s+)?\d{4})?(?:\s*г\.)?|` + dlMonth + `\s+\d{1,2}(?:,?\s+\d{4})?|\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?)`
	// dlAfter is what may follow the place after a comma: a date, a day alone ("MADRID, 28
	// (EUROPA PRESS)"), or a country or agency in capitalised words.
	dlAfter = `(?:` + dlDay + `|\d{1,2}|[\p{Lu}\p{Lo}][\p{L}\p{M}.]*(?:\s+(?:[\p{Lu}\p{Lo}][\p{L}\p{M}.]*|\d{1,2})){0,2}(?:,\s*\d{4})?)`
	// dlAgency is a credit in brackets or slashes: "(Reuters)", "(dpa/AFP)", "/ТАСС/".
	dlAgency = `(?:\s*\([^()]{1,40}\)|\s*/[^/\s][^/]{0,30}/)`
	// dlDash ends a dateline: a dash, two hyphens, a spaced hyphen, or EFE's ".-". An
	// unspaced hyphen ends one only after an agency ("(Reuters)-"): "COVID-19" is a word.
	dlDash = `(?:\s*[–—]+\s*|\s+--?\s+|\s*\.[-–—]\s*)`
	// dlEnd is an optional agency and the dash.
	dlEnd = `(?:` + dlAgency + `(?:` + dlDash + `|\s*-\s*)|` + dlDash + `)`
)

// agencies are news agencies and services whose name alone, before a full stop, colon or
// dash, credits the story ("РИА Новости. Президент…", "EFE: El Gobierno…").
const agencies = `(?:Reuters|AFP|AP|EFE|dpa|DPA|ANSA|Lusa|LUSA|TASS|ТАСС|Xinhua|Ukrinform|Укрінформ|УНІАН|UNIAN|` +
	`Interfax|INTERFAX\.RU|Интерфакс|Інтерфакс-Україна|РИА Новости(?: Украина)?|RIA Novosti|Europa Press|EUROPA PRESS|Télam|AdnKronos|Adnkronos|` +
	`Agência Brasil|Agencia Brasil|KNA|epd|APA|Belga|ANP|PAP|WAFA|MENA|Anadolu|AA|KUNA|QNA|SPA|` +
	`رويترز|أ ف ب|أ\.ف\.ب|الأناضول|واس|قنا|كونا|وفا|سانا|新华社|中新社)`

var (
	// datelineDash: "Kobani –", "BEIRUT, Oct 29 (Reuters) -", "Madrid, 28 nov (EFE).-",
	// "Lisboa, 28 nov 2017 (Lusa) -", "ROMA, 28 NOV -", "Berlin (dpa) -".
	datelineDash = regexp.MustCompile(`^` + dlPlace + `(?:,\s*` + dlAfter + `){0,2}` + dlEnd)
	// datelineAgency ends in a known agency's name in brackets, without a dash: "MADRID, 28
	// (EUROPA PRESS) El Gobierno…".
	datelineAgency = regexp.MustCompile(`^` + dlPlace + `(?:,\s*` + dlAfter + `){0,2}\s*\(` + agencies + `\)\s+`)
	// datelineBare has no place: "(ARA News) –", "(ANSA) -", "Oct. 28, 2016 –", "28 October 2016 –".
	datelineBare = regexp.MustCompile(`^(?:\([^()]{1,40}\)|` + dlDay + `|\p{Lu}[\p{L}.]*\s+\d{1,2}(?:,\s*\d{4})?|\d{1,2}\s+\p{Lu}[\p{L}.]*(?:\s+\d{4})?)` + dlEnd)
	// datelineColon: "ERBIL:", "WASHINGTON, Jan. 5:".
	datelineColon = regexp.MustCompile(`^(?:\p{Lu}[\p{Lu}'’.-]*\s+){0,2}\p{Lu}{2,}[\p{Lu}'’.-]*(?:,\s*` + dlAfter + `)?` + dlAgency + `?\s*:\s+`)
	// datelineDot ends in a full stop, as German papers and Russian and Ukrainian agencies
	// write it: "Berlin. Die…", "МОСКВА, 28 ноября. /ТАСС/. Президент…", "Москва. 28 ноября.
	// INTERFAX.RU - …", "КИЇВ, 28 листопада. /Укрінформ/.". The place is at most two words
	// (with particles) unless a date follows it: a sentence of three capitalised words is
	// more likely a headline run into the text.
	datelineDot = regexp.MustCompile(`^(?:` + dlWord + `(?:\s+` + dlParticle + `*` + dlWord + `)?|` + dlPlace + `,\s*` + dlDay + `)` +
		`(?:,\s*` + dlDay + `)?\.\s+(?:` + dlDay + `\.\s+)?(?:/[^/\s][^/]{0,30}/\.?\s*|` + agencies + `\s*[-–—.:]\s+)?`)
	// agencyLead is an agency's name alone before the story: what remains of "МОСКВА, 28 ноя
	// — РИА Новости. Президент…" once the place is gone, or "EFE: El Gobierno…".
	agencyLead = regexp.MustCompile(`^` + agencies + `\s*(?:[.:]\s+|[-–—]\s*)`)
	// datelineCJK is a Chinese agency or paper's dateline: "新华社北京10月28日电（记者 李明）",
	// "中新网11月28日电", "本报讯（记者 张三）".
	datelineCJK = regexp.MustCompile(`^(?:\p{Han}{0,12}\d{1,2}月\d{1,2}日(?:电|讯)|本报讯|本台讯|\p{Han}{0,6}综合报道)(?:\s*[（(][^）)]{0,30}[）)])?\s*`)
	// creditCJK is a Chinese credit before a colon: "央视网消息（新闻联播）：",
	// "据新华社报道（记者 李四）：", "（记者 张三）", "【环球时报综合报道】".
	creditCJK = regexp.MustCompile(`^(?:\p{Han}{1,12}消息\s*(?:[（(][^）)]{0,30}[）)])?\s*[：:]|据?\p{Han}{1,12}报道\s*[（(][^）)]{0,30}[）)]\s*[：:，,]?|[（(]记者[^）)]{0,24}[）)]|【[^】]{1,20}】)\s*`)
	// datelineIn finds a dateline after a caption and credit in running text.
	// Its date is the simple kind ("Kobani, Syria –", "Hasakah, Oct. 28 –"): the expression
	// searches a whole window, and every alternative costs.
	datelineIn = regexp.MustCompile(`(?:^|\s)` + dlPlace + `(?:,\s*(?:[\p{Lu}\p{Lo}][\p{L}\p{M}.]*|\d{1,2})(?:\s+(?:[\p{Lu}\p{Lo}][\p{L}\p{M}.]*|\d{1,2})){0,2}(?:,\s*\d{4})?)?` + dlAgency + `?` + `(?:\s*[–—]+\s*|\s+--?\s+)`)
)

// Bylines: "By Jane Doe", "Por María López", "Par Jean Dupont", "Von Max Mustermann",
// "di Mario Rossi", "Автор: Иван Петров", "Від Олени Петренко", "بقلم: أحمد محمد",
// "记者 张三". A byline word and a name alone could open a sentence ("By Sunday, 3,000 people
// had fled", "Di Maio ha detto", "Від Києва до Львова"), so bylines without a colon are
// removed only where a dateline, a separator or an agency follows the name; with a colon
// ("Автор:", "بقلم:") the name is a byline wherever it stands.
const (
	blName    = `(?:[\p{Lu}\p{Lo}]\.|[\p{Lu}\p{Lo}][\p{L}\p{M}'’-]*)` // "J." or "Mustermann", not "Berlin."
	blNames   = blName + `(?:\s+(?:(?:de|da|del|van|von|der|den|di|dos|du|la|le|al|el|bin|ibn|ben)\s+)?` + blName + `){0,3}`
	blJoin    = `(?:\s*,\s*|\s+(?:and|y|e|et|und|и|і|та|و)\s+|\s*&\s*)`
	blPeople  = blNames + `(?:` + blJoin + blNames + `){0,3}`
	blWord    = `(?:By|BY|Por|POR|Par|PAR|Von|VON|Di|di|DI|Door|Від|От|Written by|Words by|Story by|Reporting by)`
	blLabel   = `(?:(?:Автор|Автори|Авторы|Текст|Text|Texto|Autor|Autore|Auteur|Author|作者|كتب|كتبت)\s*[:：]|بقلم\s*[:：]?)`
	blCountry = `(?:,\s*(?:` + agencies + `|[\p{Lu}\p{Lo}][\p{L}\p{M}.]*(?:\s+[\p{Lu}\p{Lo}][\p{L}\p{M}.]*){0,3}))?`
)

var (
	// bylineLabelled has a label with a colon, and may end anywhere after the name.
	bylineLabelled = regexp.MustCompile(`^` + blLabel + `\s*` + blPeople + blCountry + `\s*(?:[|•·,.:;–—-]\s*|\s)`)
	// bylineWord has a byline word; what follows it is checked by stripByline.
	bylineWord = regexp.MustCompile(`^` + blWord + `\s+` + blPeople + blCountry)
	// bylineSep is the separator after a byline: a bar, a bullet, a dash, a full stop.
	bylineSep = regexp.MustCompile(`^\s*(?:[|•·–—]|\s-\s|[.:]\s)\s*`)
)

// bylineWords are the words a byline starts with (blWord, blLabel).
var bylineWords = wordSet("by", "written", "words", "story", "reporting", "por", "par", "von", "di", "door", "від", "от",
	"автор", "автори", "авторы", "текст", "text", "texto", "autor", "autore", "auteur", "author", "كتب", "كتبت", "بقلم")

// stripByline removes a byline that opens t, when it certainly is one.
func stripByline(t string) string {
	if !bylineWords[leadWord(t)] && !strings.HasPrefix(t, "作者") {
		return t
	}
	if m := bylineLabelled.FindStringIndex(t); m != nil && startsStory(strings.TrimLeftFunc(t[m[1]:], unicode.IsSpace)) {
		return t[m[1]:]
	}
	m := bylineWord.FindStringIndex(t)
	if m == nil {
		return t
	}
	rest := t[m[1]:]
	if s := bylineSep.FindStringIndex(rest); s != nil && startsStory(rest[s[1]:]) {
		return rest[s[1]:]
	}
	// "By Jane Doe KOBANI –": the name runs into a dateline.
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	if len(rest) < len(t[m[1]:]) && (datelineDash.MatchString(rest) || datelineColon.MatchString(rest) || datelineDot.MatchString(rest) || agencyLead.MatchString(rest)) {
		return rest
	}
	return t
}

// Notes before the story: an editor's note, a correction or an update stamp.
var (
	// updateNote is an update stamp: "Updated 11/28/17:", "UPDATE:", "Actualizado: 28/11/2017
	// 10:00", "Mise à jour : 28 novembre", "Aktualisiert am 28.11.2017, 10:15 Uhr", "Обновлено в
	// 12:40", "更新：". The stamp's date and time are part of it.
	updateNote = regexp.MustCompile(`^[\[(]?\s*(?i:last updated|updated|update|actualizado|actualizada|actualización|mise à jour|mis à jour|mise a jour|` +
		`aktualisiert|aktualisierung|atualizado|atualizada|atualização|aggiornato|aggiornata|aggiornamento|` +
		`обновлено|обновление|оновлено|оновлення|تحديث|آخر تحديث|更新)` +
		`(?:\s*` + stampToken + `)*\s*(?:[:：|–—)\].-]|\s)(?:\s*` + stampToken + `)*\s+`)
	// noteAboutStory is a sentence about the story rather than of it: what follows an
	// update stamp when the stamp is not followed by news.
	noteAboutStory = regexp.MustCompile(`(?i)^(?:this|the|an earlier|a previous|esta|este|la|el|cet|cette|l['’]|dieser|diese|der|die|este|esta|a|o|questo|questa|l['’]|эта|этот|ця|цей|هذا|هذه|本)\s*` +
		`(?:story|article|post|report|version|noticia|art[ií]culo|información|nota|article|papier|artikel|beitrag|bericht|text|not[ií]cia|mat[ée]ria|reportagem|articolo|notizia|статья|материал|новость|стаття|матеріал|новина|الخبر|المقال|المادة|文|报道|消息)`)
)

// updateWord is a word of a note about a change to the story.
var updateWord = regexp.MustCompile(`(?i)updated|corrected|revised|amended|changed|added|actualizad|corregid|modificad|mis à jour|corrigé|modifié|` +
	`aktualisiert|korrigiert|ergänzt|geändert|atualizad|corrigid|alterad|aggiornat|corrett|modificat|обновл|исправл|дополн|оновл|виправл|доповн|تحديث|تصحيح|تعديل|更新|更正|修改`)

// stampToken is a word of an update stamp's date and time.
const stampToken = `(?:,|\d{1,2}[:.h]\d{2}(?:\s*(?i:a\.?m\.?|p\.?m\.?))?|\d{1,4}(?:[./-]\d{1,4}){1,2}|\d{1,4}|` + monthNames +
	`|on|at|am|um|le|el|a las|às|em|alle|il|à|a|de|del|do|da|в|о` +
	`|(?i:uhr|h|et|gmt|utc|cet|cest|bst|hora local|[a-z]+day|lunes|martes|miércoles|jueves|viernes|sábado|domingo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag))`

// stripNote removes an editor's note or update stamp that opens t. An editor's note goes
// up to the dateline that follows it, or else to the end of its first sentence; an update
// stamp goes alone when news follows it ("UPDATE: Police have arrested…"), and with its
// sentence when that sentence is about the story ("Updated: This story has been updated…").
func stripNote(t string) string {
	// Every editor's note has a colon or bracket near its start.
	if m := editorNoteAt(t); m != nil {
		rest := t[m[1]:]
		if strings.HasPrefix(t, "[") || strings.HasPrefix(t, "(") {
			if end := strings.IndexAny(rest, "])"); end >= 0 {
				return rest[end+1:]
			}
		}
		if d := datelineIn.FindStringIndex(prefix(rest, 400)); d != nil && startsStory(rest[d[1]:]) {
			return rest[d[1]:]
		}
		return afterFirstSentence(rest)
	}
	if m := updateNoteAt(t); m != nil {
		rest := strings.TrimLeftFunc(t[m[1]:], unicode.IsSpace)
		if noteAboutStory.MatchString(rest) && updateWord.MatchString(prefix(rest, 200)) {
			return afterFirstSentence(rest)
		}
		if startsStory(rest) {
			return rest
		}
	}
	return t
}

// editorNoteAt is where the label of an editor's note or correction that opens t ends, or nil.
func editorNoteAt(t string) []int {
	if m := editorNotes.find(t); m != nil {
		return m
	}
	if r, _ := utf8.DecodeRuneInString(t); r == '【' || r == '编' {
		return cjkNote.FindStringIndex(t)
	}
	return nil
}

// updateNoteAt is updateNote.FindStringIndex for text that opens with an update label's
// first word; other text skips the expression.
func updateNoteAt(t string) []int {
	if !updateWords[leadWord(t)] && !strings.HasPrefix(strings.TrimLeft(t, "[("), "更新") {
		return nil
	}
	return updateNote.FindStringIndex(prefix(t, 400))
}

// updateWords are the first words of updateNote's labels.
var updateWords = wordSet("last", "updated", "update", "actualizado", "actualizada", "actualización", "mise", "mis",
	"aktualisiert", "aktualisierung", "atualizado", "atualizada", "atualização", "aggiornato", "aggiornata", "aggiornamento",
	"обновлено", "обновление", "оновлено", "оновлення", "تحديث", "آخر")

// afterFirstSentence is t without its first sentence.
func afterFirstSentence(t string) string {
	sents := Sentences(prefix(t, 600))
	if len(sents) == 0 {
		return ""
	}
	i := strings.Index(t, sents[0])
	if i < 0 {
		return ""
	}
	return t[i+len(sents[0]):]
}

// label reports whether a short text without a sentence end is a label rather than a dek:
// a generic word ("Live", "Analysis", "Vídeo", "Мнение", "独家"), a date or time, a byline,
// a photo credit or a run of capitals.
func label(t string) bool {
	t = strings.TrimSpace(strings.Trim(t, "[]()【】|:：-–—•· "))
	if t == "" {
		return true
	}
	if labels[strings.ToLower(t)] {
		return true
	}
	if kickers.find(t+":") != nil || junkStart(t+":") {
		return true // the label alone, without its text
	}
	if isByline(t) || findCredit(t) != nil || dateText(t) || sponsorLine.MatchString(t) {
		return true
	}
	upper, letters := 0, 0
	for _, r := range t {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return letters > 0 && upper == letters && len(strings.Fields(t)) < 8 // "ARA NEWS EXCLUSIVE"
}

// sponsorLine credits a sponsor or partner: a label above a story, not its summary.
var sponsorLine = regexp.MustCompile(`(?i)^(?:in partnership with|in association with|presented by|sponsored by|brought to you by|supported by|` +
	`en partenariat avec|en colaboración con|patrocinado por|in zusammenarbeit mit|präsentiert von|in collaborazione con|em parceria com|` +
	`при поддержке|за підтримки|بالتعاون مع|برعاية)\s`)

// labels are whole short texts that are labels in some language.
var labels = wordSet("live", "analysis", "video", "videos", "opinion", "watch", "listen", "podcast", "gallery",
	"photos", "in pictures", "exclusive", "explainer", "breaking", "breaking news", "live updates", "as it happened",
	"en directo", "en vivo", "análisis", "vídeo", "opinión", "última hora", "exclusiva", "fotos", "galería",
	"en direct", "direct", "analyse", "vidéo", "tribune", "exclusif", "diaporama", "en images",
	"liveblog", "live-ticker", "liveticker", "analyse", "meinung", "kommentar", "eilmeldung", "bildergalerie", "fotostrecke",
	"ao vivo", "análise", "opinião", "exclusivo", "fotogaleria", "diretta", "in diretta", "analisi", "opinione",
	"commento", "ultim'ora", "ultima ora", "fotogallery", "онлайн", "трансляция", "видео", "мнение", "аналитика",
	"фото", "срочно", "наживо", "відео", "думка", "аналітика", "терміново", "مباشر", "تحليل", "فيديو", "رأي",
	"عاجل", "صور", "直播", "分析", "视频", "观点", "评论", "独家", "快讯", "图集")

// dateText reports whether t is mostly a date or time ("Saturday 28 October 2016 10.00 BST",
// "28.11.2017, 10:15 Uhr", "Обновлено 28 ноября 2017").
func dateText(t string) bool {
	words := strings.Fields(t)
	if len(words) == 0 || len(words) > 12 {
		return false
	}
	dated := 0
	for _, w := range words {
		w = strings.ToLower(strings.Trim(w, ".,;:()"))
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsDigit(r) || dateWords[w] || monthRe.MatchString(w) {
			dated++
		}
	}
	return dated*2 >= len(words)
}

var monthRe = regexp.MustCompile(`^` + monthNames + `$`)

// datesValid reports whether every lower-case word next to a day's number in a dateline
// match is a month: "28 nov", "28 de noviembre", "1 ноября", not "28 people".
func datesValid(m string) bool {
	words := strings.FieldsFunc(m, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",.()/–—-:", r)
	})
	for i, w := range words {
		if len(w) > 2 || strings.Trim(w, "0123456789") != "" {
			continue
		}
		for _, j := range []int{i - 1, i + 1} {
			if j < 0 || j >= len(words) {
				continue
			}
			n := words[j]
			if n == "de" && j == i+1 && j+1 < len(words) {
				n = words[j+1]
			}
			if r, _ := utf8.DecodeRuneInString(n); unicode.IsLower(r) && !monthRe.MatchString(n) {
				return false
			}
		}
	}
	return true
}

// dateWords are weekdays and time words that make up dates.
var dateWords = wordSet("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
	"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
	"montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
	"segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira",
	"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
	"понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
	"понеділок", "вівторок", "середа", "четвер", "пʼятниця", "п'ятниця", "субота", "неділя",
	"am", "pm", "a.m", "p.m", "gmt", "bst", "utc", "cet", "cest", "est", "edt", "et", "uhr", "h", "hs")
