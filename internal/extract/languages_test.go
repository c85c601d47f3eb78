package extract

import (
	"slices"
	"testing"
)

// What opens a story before its first word, language by language: each case is a
// paragraph as a feed or page gives it and the lede herald must make of it. Negative
// cases are real openings that look like a dateline, byline or label and must be kept.
func TestLedeOpenings(t *testing.T) {
	const (
		en = "The Senate voted on Thursday to extend sanctions on Iran for another ten years."
		es = "El Gobierno aprobó este martes el nuevo plan de vivienda para jóvenes."
		fr = "Le gouvernement a présenté mardi son plan pour le logement des jeunes."
		de = "Die Bundesregierung hat am Dienstag das Rentenpaket beschlossen."
		pt = "O Governo aprovou hoje o novo programa de habitação para jovens."
		it = "Il governo ha approvato oggi il decreto sulla casa per i giovani."
		ar = "قالت وزارة المالية المصرية يوم الثلاثاء إنها ستطرح سندات جديدة."
		ru = "Президент России подписал закон о бюджете на следующий год."
		uk = "Кабінет Міністрів ухвалив нову програму підтримки ветеранів."
		zh = "国务院常务会议28日审议通过了关于支持退役军人就业的意见。"
	)
	tests := []struct {
		lang, name, in, want string
	}{
		// English
		{"en", "AP dateline with date", "WASHINGTON, Jan. 5 (AP) — " + en, en},
		{"en", "Reuters", "LONDON, Nov 28 (Reuters) - " + en, en},
		{"en", "CNN two hyphens", "NEW YORK (CNN) -- " + en, en},
		{"en", "place and country", "KYIV, Ukraine — " + en, en},
		{"en", "agency hyphen without spaces", "BEIRUT (Reuters)-" + en, en},
		{"en", "AP byline and dateline", "By JANE DOE Associated Press WASHINGTON (AP) — " + en, en},
		{"en", "byline and bar", "By Jane Doe | " + en, en},
		{"en", "update stamp and note", "Updated 11/28/17: This story has been updated with comment from the mayor. " + en, en},
		{"en", "update stamp before news", "UPDATE: " + en, en},
		{"en", "update stamp with time", "Updated at 3:45 p.m. ET: " + en, en},
		{"en", "editor's note before a dateline", "Editor's note: This story contains graphic descriptions. WASHINGTON (AP) — " + en, en},
		{"en", "correction", "Correction: An earlier version of this story misstated the vote. " + en, en},
		{"en", "bracketed editor's note", "[Editor's note: This story was updated on Friday.] " + en, en},
		{"en", "kicker", "Analysis: " + en, en},
		{"en", "Reuters agency alone", "Reuters - " + en, en},
		{"en", "not a dateline: and", "Russia and Turkey – The two countries agreed on Tuesday to extend the ceasefire in Idlib.",
			"Russia and Turkey – The two countries agreed on Tuesday to extend the ceasefire in Idlib."},
		{"en", "not a dateline: COVID-19", "COVID-19 cases rose again in Kyiv last week, health officials said.",
			"COVID-19 cases rose again in Kyiv last week, health officials said."},
		{"en", "not a dateline: Mr.", "Mr. Smith said on Monday that the talks had failed.", "Mr. Smith said on Monday that the talks had failed."},
		{"en", "not a dateline: St.", "St. Petersburg hosted the talks on Monday, officials said.", "St. Petersburg hosted the talks on Monday, officials said."},
		{"en", "not a dateline: U.S.", "U.S. officials said on Monday the talks had failed.", "U.S. officials said on Monday the talks had failed."},
		{"en", "not a byline: By and a day", "By Christmas Eve, the shops had run out of bread, residents said.", "By Christmas Eve, the shops had run out of bread, residents said."},
		{"en", "not an update stamp", "Updated figures show unemployment fell in October, the statistics office said.",
			"Updated figures show unemployment fell in October, the statistics office said."},
		{"en", "not an agency: Reuters as subject", "Reuters reported on Monday that the talks had failed.", "Reuters reported on Monday that the talks had failed."},

		// Spanish
		{"es", "EFE", "MADRID, 28 nov (EFE).- " + es, es},
		{"es", "EFE without date", "Madrid (EFE).- " + es, es},
		{"es", "Télam with long date", "Buenos Aires, 28 de noviembre (Télam) - " + es, es},
		{"es", "Europa Press without dash", "MADRID, 28 (EUROPA PRESS) " + es, es},
		{"es", "place with particle", "Ciudad de México (AP) — " + es, es},
		{"es", "byline with bar", "Por María López | " + es, es},
		{"es", "update stamp", "Actualizado: 28/11/2017 10:00 " + es, es},
		{"es", "update stamp with hour", "Actualizado a las 10:00 h: " + es, es},
		{"es", "editor's note", "Nota de la redacción: Este artículo fue corregido el miércoles. " + es, es},
		{"es", "kicker", "OPINIÓN | " + es, es},
		{"es", "not a byline: Por la", "Por la mañana, el Gobierno aprobó el nuevo plan de vivienda.", "Por la mañana, el Gobierno aprobó el nuevo plan de vivienda."},
		{"es", "not a byline: Por and a place", "Por España pasan cada año miles de migrantes, según la ONU.", "Por España pasan cada año miles de migrantes, según la ONU."},

		// French
		{"fr", "AFP", "PARIS (AFP) - " + fr, fr},
		{"fr", "AFP with date", "Paris, 28 novembre 2017 (AFP) - " + fr, fr},
		{"fr", "hyphenated place", "Saint-Étienne (AFP) - " + fr, fr},
		{"fr", "byline", "Par Jean Dupont | " + fr, fr},
		{"fr", "update stamp", "Mise à jour : 28 novembre 2017 à 10h00 " + fr, fr},
		{"fr", "NDLR", "NDLR : Cet article a été mis à jour mardi. " + fr, fr},
		{"fr", "kicker", "Décryptage : " + fr, fr},
		{"fr", "not a byline: Par ailleurs", "Par ailleurs, le gouvernement a présenté mardi son plan pour le logement.", "Par ailleurs, le gouvernement a présenté mardi son plan pour le logement."},

		// German
		{"de", "dpa", "Berlin (dpa) - " + de, de},
		{"de", "dpa with slash place", "Frankfurt/Main (dpa) - " + de, de},
		{"de", "place and full stop", "Berlin. " + de, de},
		{"de", "place with particle and full stop", "Frankfurt am Main. " + de, de},
		{"de", "byline then place", "Von Max Mustermann Berlin. " + de, de},
		{"de", "update stamp", "Aktualisiert am 28.11.2017, 10:15 Uhr " + de, de},
		{"de", "editor's note", "Anmerkung der Redaktion: Der Artikel wurde am Mittwoch ergänzt. " + de, de},
		{"de", "kicker", "Kommentar: " + de, de},
		{"de", "not a byline: Von der Leyen", "Von der Leyen sagte am Montag, die EU werde die Sanktionen verlängern.", "Von der Leyen sagte am Montag, die EU werde die Sanktionen verlängern."},
		{"de", "not a dateline: a sentence", "Berlin ist pleite. Die Stadt braucht Geld, sagt der Senat.", "Berlin ist pleite. Die Stadt braucht Geld, sagt der Senat."},

		// Portuguese
		{"pt", "Lusa", "Lisboa, 28 nov 2017 (Lusa) - " + pt, pt},
		{"pt", "Reuters with accented place", "SÃO PAULO (Reuters) - " + pt, pt},
		{"pt", "place with particle", "Rio de Janeiro – " + pt, pt},
		{"pt", "byline", "Por João Silva | " + pt, pt},
		{"pt", "update stamp", "Atualizado em 28/11/2017 às 10h00 " + pt, pt},
		{"pt", "editor's note", "Nota da redação: Esta notícia foi atualizada às 12h. " + pt, pt},

		// Italian
		{"it", "ANSA", "(ANSA) - ROMA, 28 NOV - " + it, it},
		{"it", "AdnKronos", "Roma, 28 nov. (AdnKronos) - " + it, it},
		{"it", "byline lower case", "di Mario Rossi | " + it, it},
		{"it", "update stamp", "Aggiornato alle 10:00 - " + it, it},
		{"it", "N.d.R.", "N.d.R.: L'articolo è stato aggiornato alle 12. " + it, it},
		{"it", "not a byline: Di Maio", "Di Maio ha detto che il governo non cadrà prima delle elezioni.", "Di Maio ha detto che il governo non cadrà prima delle elezioni."},

		// Arabic
		{"ar", "Reuters", "القاهرة (رويترز) - " + ar, ar},
		{"ar", "place and dash", "دمشق – " + ar, ar},
		{"ar", "byline", "بقلم: أحمد محمد - " + ar, ar},
		{"ar", "update stamp", "تحديث: " + ar, ar},
		{"ar", "editor's note", "ملاحظة المحرر: تم تحديث هذا الخبر. " + ar, ar},
		{"ar", "place of two words and agency", "رام الله (وفا) - " + ar, ar},
		{"ar", "not a dateline: an aside", "قال الرئيس - في كلمة له مساء الأحد - إن الحكومة ستخفض أسعار الوقود.",
			"قال الرئيس - في كلمة له مساء الأحد - إن الحكومة ستخفض أسعار الوقود."},
		{"ar", "not a dateline: a subject and an aside", "الحكومة المصرية – التي تواجه أزمة ديون – قررت رفع أسعار الوقود يوم الأحد.",
			"الحكومة المصرية – التي تواجه أزمة ديون – قررت رفع أسعار الوقود يوم الأحد."},

		// Russian
		{"ru", "TASS", "МОСКВА, 28 ноября. /ТАСС/. " + ru, ru},
		{"ru", "RIA Novosti", "МОСКВА, 28 ноя — РИА Новости. " + ru, ru},
		{"ru", "Interfax", "Москва. 28 ноября. INTERFAX.RU - " + ru, ru},
		{"ru", "byline", "Автор: Иван Петров. " + ru, ru},
		{"ru", "update stamp", "Обновлено в 12:40 " + ru, ru},
		{"ru", "editor's note", "От редакции: Материал был дополнен в среду. " + ru, ru},
		{"ru", "not a dateline: abbreviation", "В 2017 г. Москва приняла закон о реновации, сообщили в мэрии.", "В 2017 г. Москва приняла закон о реновации, сообщили в мэрии."},

		// Ukrainian
		{"uk", "Ukrinform", "КИЇВ, 28 листопада. /Укрінформ/. " + uk, uk},
		{"uk", "Ukrinform in brackets", "Київ, 28 листопада (Укрінформ) – " + uk, uk},
		{"uk", "UNIAN", "ЛЬВІВ, 28 листопада – УНІАН. " + uk, uk},
		{"uk", "byline", "Автор: Іван Петренко. " + uk, uk},
		{"uk", "update stamp", "Оновлено: " + uk, uk},
		{"uk", "not a byline: Від", "Від Києва до Львова потяги курсуватимуть частіше з грудня, повідомили в Укрзалізниці.",
			"Від Києва до Львова потяги курсуватимуть частіше з грудня, повідомили в Укрзалізниці."},

		// Chinese
		{"zh", "Xinhua", "新华社北京11月28日电（记者 张三）" + zh, zh},
		{"zh", "People's Daily online", "人民网北京11月28日电 （记者张三）" + zh, zh},
		{"zh", "China News", "中新网11月28日电 " + zh, zh},
		{"zh", "own paper", "本报讯（记者 张三）" + zh, zh},
		{"zh", "news from", "央视网消息（新闻联播）：" + zh, zh},
		{"zh", "report by", "据新华社报道（记者 李四）：" + zh, zh},
		{"zh", "bracketed credit", "【环球时报综合报道】" + zh, zh},
		{"zh", "editor's note", "编者按：本文作者是一位退役军人。" + zh, zh},
		{"zh", "bracketed editor's note", "【编者按】本文作者是一位退役军人。" + zh, zh},
		{"zh", "not a dateline: clause before a dash", "国家统计局19日发布的数据显示——今年前三季度经济运行总体平稳。",
			"国家统计局19日发布的数据显示——今年前三季度经济运行总体平稳。"},
		{"zh", "not a credit: a reporter learned", "记者从国家统计局获悉，今年前三季度经济运行总体平稳。", "记者从国家统计局获悉，今年前三季度经济运行总体平稳。"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.name, func(t *testing.T) {
			if got := Lede("<p>"+tt.in+"</p>", 0); got != tt.want {
				t.Errorf("Lede(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			// The same opening in a plain-text excerpt.
			if got := Lede(tt.in, 0); got != tt.want {
				t.Errorf("Lede(plain %q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// A standfirst without a final full stop is the lede; a label is not.
func TestLedeStandfirst(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Ukrainian dek", "Уряд схвалив нову програму підтримки ветеранів, яка почне діяти з січня",
			"Уряд схвалив нову програму підтримки ветеранів, яка почне діяти з січня"},
		{"Israeli dek", "Cabinet approves ceasefire deal with Hezbollah after weeks of talks; vote expected to pass",
			"Cabinet approves ceasefire deal with Hezbollah after weeks of talks; vote expected to pass"},
		{"Spanish dek", "<p>El Ejecutivo destinará 2.000 millones de euros a ayudas al alquiler durante los próximos cuatro años</p>",
			"El Ejecutivo destinará 2.000 millones de euros a ayudas al alquiler durante los próximos cuatro años"},
		{"British dek in bold", "<p><strong>Ministers will set out plans to cap energy bills for small businesses this winter</strong></p><p>The Treasury said on Monday that the scheme would cost £18bn.</p>",
			"Ministers will set out plans to cap energy bills for small businesses this winter"},
		{"Chinese dek", "国务院常务会议审议通过关于支持退役军人就业的意见", "国务院常务会议审议通过关于支持退役军人就业的意见"},
		{"dek after a kicker", "Analysis: The government's housing plan faces a hostile parliament in the spring",
			"The government's housing plan faces a hostile parliament in the spring"},
		{"label before a dek", "<p>Live</p><p>Russian strikes hit power stations across Ukraine overnight, officials say</p>",
			"Russian strikes hit power stations across Ukraine overnight, officials say"},
		{"a dek takes no body sentence", "<p>Ministers set out plans to cap energy bills this winter</p><p>The Treasury said the scheme would cost £18bn.</p>",
			"Ministers set out plans to cap energy bills this winter"},
		// Labels and other texts without a full stop that are not deks.
		{"label Live", "<p>Live</p>", ""},
		{"label Análisis", "<p>Análisis</p>", ""},
		{"label Мнение", "<p>Мнение</p>", ""},
		{"label 独家", "<p>独家</p>", ""},
		{"label En directo", "<p>EN DIRECTO</p>", ""},
		{"date line", "<p>Saturday 28 October 2016 10.00 BST</p>", ""},
		{"French date line", "<p>Publié le mardi 28 novembre 2017 à 10h00</p>", ""},
		{"byline", "<p>Por María López y Juan Pérez</p>", ""},
		{"lead-in to a list", "<p>Here is what we know so far about the attack:</p>", ""},
		{"capitals kicker", "<p>ARA NEWS EXCLUSIVE REPORT</p>", ""},
		{"headline under its heading", "<h1>Ten schools reopen in Kobani</h1><p>Ten schools reopen in Kobani two years after the siege</p>", ""},
		{"photo credit", "<p>Pupils in a classroom in Kobani (Photo by Delil Souleiman/AFP)</p>", ""},
		{"ticker", "<p>EN DIRECTO | Última hora de la guerra en Ucrania</p>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Lede(tt.in, 0); got != tt.want {
				t.Errorf("Lede(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// The headline repeated at the head of the summary goes; the same words starting the
// summary's own sentence stay.
func TestTitledLede(t *testing.T) {
	const title = "Ten schools reopen in Kobani"
	tests := []struct {
		name, in, title, want string
	}{
		{"title as first sentence", "Ten schools reopen in Kobani. " + kobani, title, kobani},
		{"title with dash", "Ten schools reopen in Kobani – " + kobani, title, kobani},
		{"title in other quotes and case", "TEN SCHOOLS REOPEN IN KOBANI: " + kobani, title, kobani},
		{"title run into the text", "Turkish jets strike Kurdish positions near Afrin Turkish warplanes struck positions near Afrin on Friday night, officials said.",
			"Turkish jets strike Kurdish positions near Afrin", "Turkish warplanes struck positions near Afrin on Friday night, officials said."},
		{"title paragraph then text", "<p>Ten schools reopen in Kobani</p><p>" + kobani + "</p>", title, kobani},
		{"title alone", "<p>Ten schools reopen in Kobani.</p>", title, ""},
		{"title with a question mark", "Will the schools reopen? " + kobani, "Will the schools reopen?", kobani},
		{"Chinese title", "国务院审议通过退役军人就业意见。国务院常务会议28日审议通过了关于支持退役军人就业的意见。",
			"国务院审议通过退役军人就业意见", "国务院常务会议28日审议通过了关于支持退役军人就业的意见。"},
		{"apostrophes differ", "SDF's new recruits finish training. " + kobani, "SDF’s new recruits finish training", kobani},
		// Not the headline again.
		{"the title's words start a sentence", "Ten schools reopen in Kobani, the council said on Sunday, two years after the siege.",
			title, "Ten schools reopen in Kobani, the council said on Sunday, two years after the siege."},
		{"title is a prefix of a word", "Kobani-based groups reopened ten schools on Sunday, the council said.", "Kobani",
			"Kobani-based groups reopened ten schools on Sunday, the council said."},
		{"no title", "Ten schools reopen in Kobani. " + kobani, "", "Ten schools reopen in Kobani. " + kobani},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TitledLede(tt.in, tt.title, 0); got != tt.want {
				t.Errorf("TitledLede(%q, %q)\n got %q\nwant %q", tt.in, tt.title, got, tt.want)
			}
		})
	}
}

func TestSentencesLanguages(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"Spanish Sr.", "El Sr. García llegó el lunes. Luego habló.", []string{"El Sr. García llegó el lunes.", "Luego habló."}},
		{"Spanish Sra. and Dr.", "La Sra. López y el Dr. Pérez llegaron. Luego hablaron.", []string{"La Sra. López y el Dr. Pérez llegaron.", "Luego hablaron."}},
		{"French Mme.", "Mme. Dupont est arrivée lundi. Elle a parlé.", []string{"Mme. Dupont est arrivée lundi.", "Elle a parlé."}},
		{"German z. B.", "Das gilt z. B. für Berlin. Andere Städte folgen.", []string{"Das gilt z. B. für Berlin.", "Andere Städte folgen."}},
		{"German Mio.", "Der Umsatz stieg um 5 Mio. Euro. Dann ging er.", []string{"Der Umsatz stieg um 5 Mio. Euro.", "Dann ging er."}},
		{"German ordinal date", "Am 28. November kam er nach Berlin. Dann ging er.", []string{"Am 28. November kam er nach Berlin.", "Dann ging er."}},
		{"German ordinal", "Sie gewann zum 5. Mal den Titel. Dann ging sie.", []string{"Sie gewann zum 5. Mal den Titel.", "Dann ging sie."}},
		{"S.A.", "La empresa Telefónica S.A. anunció el lunes un ERE. Luego habló.", []string{"La empresa Telefónica S.A. anunció el lunes un ERE.", "Luego habló."}},
		{"EE.UU.", "Los EE.UU. anunciaron sanciones el lunes. Rusia respondió.", []string{"Los EE.UU. anunciaron sanciones el lunes.", "Rusia respondió."}},
		{"Russian т.е.", "Это т.е. важно для нас. Потом он ушёл.", []string{"Это т.е. важно для нас.", "Потом он ушёл."}},
		{"Russian г.", "В 2017 г. Москва приняла закон. Потом он ушёл.", []string{"В 2017 г. Москва приняла закон.", "Потом он ушёл."}},
		{"Ukrainian units", "Компанія виділила 5 млн. грн. на ремонт. Потім пішов.", []string{"Компанія виділила 5 млн. грн. на ремонт.", "Потім пішов."}},
		{"Italian Sig.", "Il Sig. Rossi è arrivato lunedì. Poi ha parlato.", []string{"Il Sig. Rossi è arrivato lunedì.", "Poi ha parlato."}},
		{"Italian dott.", "Il dott. Rossi è arrivato lunedì. Poi ha parlato.", []string{"Il dott. Rossi è arrivato lunedì.", "Poi ha parlato."}},
		{"Yahoo!", "Yahoo! Japan said on Monday it would cut jobs. Shares fell.", []string{"Yahoo! Japan said on Monday it would cut jobs.", "Shares fell."}},
		{"Yahoo! mid-sentence", "Shares of Yahoo! rose on Monday. Others fell.", []string{"Shares of Yahoo! rose on Monday.", "Others fell."}},
		{"Jeopardy! at the end", "He won Jeopardy! The show aired on Monday.", []string{"He won Jeopardy!", "The show aired on Monday."}},
		{"unit before lower case", "Está a 5 km. del centro. Nadie llegó.", []string{"Está a 5 km. del centro.", "Nadie llegó."}},
		{"unit at the end", "She set a record in the 110m. The crowd cheered.", []string{"She set a record in the 110m.", "The crowd cheered."}},
		{"unit before a word", "Il a couru le 110m. haies lundi. Il a gagné.", []string{"Il a couru le 110m. haies lundi.", "Il a gagné."}},
		{"guillemets", "« Nous reviendrons. » Le ministre est parti lundi.", []string{"« Nous reviendrons. »", "Le ministre est parti lundi."}},
		{"guillemets then lower case", "« C'est fini. » a-t-il dit lundi. Il est parti.", []string{"« C'est fini. » a-t-il dit lundi.", "Il est parti."}},
		{"guillemets inside", "Le ministre a dit : « Nous reviendrons. » Puis il est parti.", []string{"Le ministre a dit : « Nous reviendrons. »", "Puis il est parti."}},
		{"full-width decimal", "经济增长６．７％。孩子们陆续回到了教室。", []string{"经济增长６．７％。", "孩子们陆续回到了教室。"}},
		{"Japanese quotation", "首相は「停戦は維持された。」と述べた。住民は安堵した。", []string{"首相は「停戦は維持された。」と述べた。", "住民は安堵した。"}},
		{"iPhone is a sentence start", "Apple cut prices. iPhone sales rose.", []string{"Apple cut prices.", "iPhone sales rose."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sentences(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// One ellipsis, never two: a source's own "..." or "…" at a cut is replaced, not added to.
func TestWithEllipsis(t *testing.T) {
	for in, want := range map[string]string{
		"and then":       "and then…",
		"and then...":    "and then…",
		"and then …":     "and then…",
		"and then ... …": "and then…",
		"U.S.":           "U.S…",
		"it ended.":      "it ended…",
		"":               "…",
	} {
		if got := withEllipsis(in); got != want {
			t.Errorf("withEllipsis(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Lede("Kobani – Ten schools reopened in Kobani on Sunday, the council said, after...  [&hellip;]", 0); got != "Ten schools reopened in Kobani on Sunday, the council said, after…" {
		t.Errorf("excerpt with its own ellipsis: %q", got)
	}
}

// Paid content keeps its disclosure at the head of the lede; a sponsor's credit line
// above a story is a label, not its summary.
func TestLedeSponsored(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Publicité – Avec la hausse du prix de l’énergie, remplacer une vieille chaudière peut réduire la facture de 30 %.",
			"Publicité – Avec la hausse du prix de l’énergie, remplacer une vieille chaudière peut réduire la facture de 30 %."},
		{"<p>Anzeige: Wer früh anfängt, profitiert vom Zinseszins und spart im Alter deutlich mehr.</p>",
			"Anzeige: Wer früh anfängt, profitiert vom Zinseszins und spart im Alter deutlich mehr."},
		{"<p><strong>In partnership with Cedar Outfitters</strong></p><p>The Cedar Valley library began collecting winter coats for children on Sunday.</p>",
			"The Cedar Valley library began collecting winter coats for children on Sunday."},
	} {
		if got := Lede(tt.in, 0); got != tt.want {
			t.Errorf("Lede(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// A dateline's date has a month next to its day, in any language; a number next to
// another word is no date.
func TestDatesValid(t *testing.T) {
	for m, want := range map[string]bool{
		"MADRID, 28 nov (EFE).- ":            true,
		"Buenos Aires, 28 de noviembre – ":   true,
		"МОСКВА, 1 ноября. /ТАСС/. ":         true,
		"КИЇВ, 1 листопада – ":               true,
		"WASHINGTON, Jan. 5 (AP) — ":         true,
		"Am 28. November – ":                 true,
		"KOBANI, 28 families – ":             false,
		"Kyiv, 3 пострадавших – ":            false,
		"MADRID, 28 (EUROPA PRESS) ":         true,
		"Paris, 28 novembre 2017 (AFP) - ":   true,
		"Lisboa, 01 nov 2026 (Lusa) - ":      true,
		"Roma, 01 nov. (AdnKronos) - ":       true,
		"BOGOTÁ, 28 Nov. (Reuters) - ":       true,
		"LONDON, Nov 28 (Reuters) - ":        true,
		"Berlin, 12 Einsatzkräfte – ":        true, // capitalised: a country or agency may stand there
		"Kobani, 12 sq km of farmland – The": false,
	} {
		if got := datesValid(m); got != want {
			t.Errorf("datesValid(%q) = %v, want %v", m, got, want)
		}
	}
}
