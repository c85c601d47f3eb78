package extract

import (
	"strings"
	"testing"
	"unicode/utf8"
)

const (
	kobani  = "Ten schools reopened in Kobani on Sunday, the local education council said, two years after fighting destroyed most of the city."
	kobani2 = "Teachers said more than 3,000 pupils had enrolled."
)

func TestLedeSkips(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"figure and caption", `<figure><img src="/a.jpg"><figcaption>Pupils return to a rebuilt school in Kobani. Photo: ARA News</figcaption></figure><p>` + kobani + `</p>`, kobani},
		{"table caption", `<table><caption>Schools reopened, by district</caption><tr><td>` + kobani + `</td></tr></table>`, kobani},
		{"wp-caption div", `<div class="wp-caption"><img src="/a.jpg"><p class="wp-caption-text">Pupils return to a rebuilt school in Kobani on Sunday morning.</p></div><p>` + kobani + `</p>`, kobani},
		{"caption paragraph with credit", `<p>A Turkish F-16 at Incirlik air base. File photo</p><p>` + kobani + `</p>`, kobani},
		{"photo credit paragraph", `<p>Photo: ARA News</p><p>` + kobani + `</p>`, kobani},
		{"credit line, AFP style", `<p>Pupils in a classroom in Kobani on Sunday. (Photo by Delil Souleiman/AFP)</p><p>` + kobani + `</p>`, kobani},
		{"bold site byline", `<p><strong>ARA News</strong></p><p>` + kobani + `</p>`, kobani},
		{"By byline", `<p>By Jane Doe</p><p>` + kobani + `</p>`, kobani},
		{"long By byline", `<p>By Jane Doe and John Roe, ARA News correspondents in Kobani</p><p>` + kobani + `</p>`, kobani},
		{"byline class", `<div class="author-box"><p>Jane Doe is ARA News' correspondent in Kobani and has reported from Syria since 2012.</p></div><p>` + kobani + `</p>`, kobani},
		{"byline line above the text", `<p><strong>By Jane Doe</strong><br>Kobani – ` + kobani + `</p>`, kobani},
		{"Breaking ticker paragraph", `<p>Breaking: Turkish jets strike Kurdish positions near Afrin</p><p>` + kobani + `</p>`, kobani},
		{"BREAKING NEWS ticker", `<p>BREAKING NEWS – Clashes reported near Tal Tamr, more soon.</p><p>` + kobani + `</p>`, kobani},
		{"ticker class", `<div class="breaking">Turkish jets strike Kurdish positions near Afrin, sources say.</div><p>` + kobani + `</p>`, kobani},
		{"share prompt", `<p>Share this article on Facebook and Twitter with your friends.</p><p>` + kobani + `</p>`, kobani},
		{"share box", `<div class="social-share"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">WhatsApp</a></div><p>` + kobani + `</p>`, kobani},
		{"follow us", `<p><em>For the latest news follow us on Twitter</em></p><p>` + kobani + `</p>`, kobani},
		{"newsletter prompt", `<p>Join our Weekly Newsletter</p><p>Sign up for our newsletter to get the top stories from Kurdistan every Friday.</p><p>` + kobani + `</p>`, kobani},
		{"newsletter box", `<div class="newsletter-signup"><p>Get the week's top stories from Kurdistan in your inbox every Friday morning.</p></div><p>` + kobani + `</p>`, kobani},
		{"read more", `<p>Read more: Turkish jets strike Kurdish positions near Afrin</p><p>` + kobani + `</p>`, kobani},
		{"related label", `<p><strong>RELATED:</strong> <a href="/x">Turkish jets strike Kurdish positions near Afrin</a></p><p>` + kobani + `</p>`, kobani},
		{"related links list", `<ul><li><a href="/a">Russia halts airstrikes on Aleppo ahead of humanitarian pause</a></li><li><a href="/b">Kurdish fighters hold Sheikh Maqsoud</a></li></ul><p>` + kobani + `</p>`, kobani},
		{"comment form first", `<div id="respond" class="comment-respond"><h3>Leave a Reply</h3><form><p class="comment-notes">Your email address will not be published. Required fields are marked *</p></form></div><p>` + kobani + `</p>`, kobani},
		{"comment notes without classes", `<p>Your email address will not be published. Required fields are marked *</p><p>` + kobani + `</p>`, kobani},
		{"headline and date", `<h1>Ten schools reopen in Kobani</h1><p>October 28, 2016</p><p>Ten schools reopen in Kobani two years after the siege</p><p>` + kobani + `</p>`, kobani},
		{"embedded tweet", `<blockquote class="twitter-tweet"><p>Schools are open again in Kobani today. Great news for the city.</p></blockquote><p>` + kobani + `</p>`, kobani},
		{"hidden element", `<div style="display: none">This text is hidden from readers and should never be posted.</div><div hidden>Also hidden from readers, and never posted anywhere.</div><p>` + kobani + `</p>`, kobani},
		{"WordPress tag class is not a ticker", `<div class="post type-post tag-breaking category-news"><p>` + kobani + `</p></div>`, kobani},
		{"prompt sentence after the lede", `<p>` + kobani + ` Follow us on Twitter.</p>`, kobani},
		{"The post is news", `<p>The post office in Kobani reopened on Sunday for the first time since 2014, residents said.</p>`,
			"The post office in Kobani reopened on Sunday for the first time since 2014, residents said."},
		{"a credit word later in the story", `<p>Ten schools reopened in Kobani on Sunday, the council said. Teachers said 3,000 pupils enrolled. The council released a photo: pupils in a classroom.</p>`,
			"Ten schools reopened in Kobani on Sunday, the council said. Teachers said 3,000 pupils enrolled."},
		{"editor's note", `<p><em>Editor’s note: This story was updated on Monday to correct the number of schools.</em></p><p>` + kobani + `</p>`, kobani},
		{"a short sentence is news", `<p>Turkish jets struck Afrin.</p>`, "Turkish jets struck Afrin."},
		{"only boilerplate", `<p><strong>ARA News</strong></p><p>Join our Weekly Newsletter</p><p>Photo: ARA News</p>`, ""},
		{"empty", "", ""},
		{"only markup", `<div><img src="/a.jpg"><br></div>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Lede(tt.in, 0); got != tt.want {
				t.Errorf("Lede(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLedeDatelines(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Kobani en dash", "<p>Kobani – " + kobani + "</p>", kobani},
		{"Aleppo en dash", "<p>Aleppo – Rebels shelled western districts of Aleppo on Friday, a monitoring group said.</p>",
			"Rebels shelled western districts of Aleppo on Friday, a monitoring group said."},
		{"Reuters", "<p>BEIRUT (Reuters) - Syrian government forces pushed back a rebel offensive in western Aleppo on Saturday, a monitor said.</p>",
			"Syrian government forces pushed back a rebel offensive in western Aleppo on Saturday, a monitor said."},
		{"Reuters with date", "<p>BEIRUT, Oct 29 (Reuters) - Syrian government forces pushed back a rebel offensive in western Aleppo on Saturday, a monitor said.</p>",
			"Syrian government forces pushed back a rebel offensive in western Aleppo on Saturday, a monitor said."},
		{"em dash", "<p>Qamishli — Residents of Qamishli have had running water for only two hours a day since Monday, the city council said.</p>",
			"Residents of Qamishli have had running water for only two hours a day since Monday, the city council said."},
		{"colon", "<p>ERBIL: Kurdish and Iraqi officials agreed on Sunday who will hold which districts after Mosul is retaken, a spokesman said.</p>",
			"Kurdish and Iraqi officials agreed on Sunday who will hold which districts after Mosul is retaken, a spokesman said."},
		{"AP with date", "<p>WASHINGTON, Jan. 5 (AP) — The Senate voted on Thursday to extend sanctions on Iran for another ten years, officials said.</p>",
			"The Senate voted on Thursday to extend sanctions on Iran for another ten years, officials said."},
		{"two-word place", "<p>The Hague – Judges at the international court opened hearings on Monday into the case brought by the families.</p>",
			"Judges at the international court opened hearings on Monday into the case brought by the families."},
		{"place and country", "<p>Kobani, Syria – " + kobani + "</p>", kobani},
		{"dateline in its own element", `<p><span class="dateline">KOBANI</span> – ` + kobani + `</p>`, kobani},
		{"Arabic", "<p>دمشق – أعادت مديرية التربية في ريف دمشق يوم الأحد فتح عشرين مدرسة كانت قد أغلقت خلال المعارك.</p>",
			"أعادت مديرية التربية في ريف دمشق يوم الأحد فتح عشرين مدرسة كانت قد أغلقت خلال المعارك."},
		{"Arabic question", "<p>دمشق – هل تكفي عشرون مدرسة أعيد فتحها يوم الأحد لاستيعاب آلاف التلاميذ العائدين إلى ريف دمشق قبل نهاية هذا العام الدراسي؟ يقول المسؤولون إنها لا تكفي.</p>",
			"هل تكفي عشرون مدرسة أعيد فتحها يوم الأحد لاستيعاب آلاف التلاميذ العائدين إلى ريف دمشق قبل نهاية هذا العام الدراسي؟"},
		{"Chinese dash", "<p>北京——国家统计局19日发布的数据显示，今年前三季度国内生产总值按可比价格计算同比增长百分之六点七，经济运行总体平稳。统计局表示，结构继续优化。</p>",
			"国家统计局19日发布的数据显示，今年前三季度国内生产总值按可比价格计算同比增长百分之六点七，经济运行总体平稳。"},
		{"Chinese agency", "<p>新华社北京10月19日电（记者 李明）国家统计局19日发布的数据显示，今年前三季度国内生产总值按可比价格计算同比增长百分之六点七，经济运行总体平稳。</p>",
			"国家统计局19日发布的数据显示，今年前三季度国内生产总值按可比价格计算同比增长百分之六点七，经济运行总体平稳。"},
		{"agency only", "<p>(ARA News) – " + kobani + "</p>", kobani},
		{"date only", "<p>Oct. 28, 2016 – " + kobani + "</p>", kobani},
		{"place and agency after a comma", "<p>Hasakah, ARA News – " + kobani + "</p>", kobani},
		// Not datelines.
		{"aside dashes", "<p>The Syrian Democratic Forces (SDF) – a Kurdish-led alliance – said on Thursday that 2,000 recruits had finished training.</p>",
			"The Syrian Democratic Forces (SDF) – a Kurdish-led alliance – said on Thursday that 2,000 recruits had finished training."},
		{"Chinese dash in a clause", "<p>国家统计局19日发布的数据显示——今年前三季度国内生产总值按可比价格计算同比增长百分之六点七，经济运行总体平稳。</p>",
			"国家统计局19日发布的数据显示——今年前三季度国内生产总值按可比价格计算同比增长百分之六点七，经济运行总体平稳。"},
		{"By as a preposition", "<p>By Sunday, 3,000 people had fled the city, aid groups said.</p>",
			"By Sunday, 3,000 people had fled the city, aid groups said."},
		{"More is not a label", "<p>More than 3,000 pupils enrolled in the ten schools, the council said.</p>",
			"More than 3,000 pupils enrolled in the ten schools, the council said."},
		{"Popular is not a label", "<p>Popular protests spread to Qamishli on Friday, activists said.</p>",
			"Popular protests spread to Qamishli on Friday, activists said."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Lede(tt.in, 0); got != tt.want {
				t.Errorf("Lede(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLedePlainText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"auto-excerpt with caption, credit, byline and dateline",
			"Pupils return to a rebuilt school in Kobani. Photo: ARA News ARA News Kobani – " + kobani + " " + kobani2 + " The council said Kurdish, Arabic and English would be taught in [&#8230;]",
			kobani},
		{"excerpt cut in the first sentence",
			"Kobani – Ten schools reopened in Kobani on Sunday, the local education council said, two years after [&hellip;]",
			"Ten schools reopened in Kobani on Sunday, the local education council said, two years after…"},
		{"excerpt with continue reading",
			kobani + " " + kobani2 + " The council said Kurdish&#8230; Continue reading Ten schools reopen in Kobani",
			kobani},
		{"a cut excerpt takes nothing after it",
			"<p>Kobani – Ten schools reopened in Kobani on Sunday, the council [&#8230;]</p><p>Teachers said more than 3,000 pupils had enrolled in the schools.</p>",
			"Ten schools reopened in Kobani on Sunday, the council…"},
		{"WordPress feed footer", "<p>" + kobani + "</p><p>The post Ten schools reopen in Kobani appeared first on ARA News.</p>", kobani},
		{"escaped markup in a feed field", "&lt;p&gt;Kobani – " + kobani + "&lt;/p&gt;", kobani},
		{"CDATA left in a field", "<![CDATA[<p>Kobani – " + kobani + "</p>]]>", kobani},
		{"ampersand", "Erbil & Baghdad agreed on Sunday who will hold which districts after Mosul is retaken, officials said.",
			"Erbil & Baghdad agreed on Sunday who will hold which districts after Mosul is retaken, officials said."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Lede(tt.in, 0); got != tt.want {
				t.Errorf("Lede(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLedeLength(t *testing.T) {
	short := "Turkish jets struck Afrin on Friday." // under shortSentence
	next := "No casualties were reported, local officials said."
	tests := []struct {
		name   string
		in     string
		maxLen int
		want   string
	}{
		{"default: one long sentence", "<p>" + kobani + " " + kobani2 + "</p>", 0, kobani},
		{"default: a short first sentence takes the second", "<p>" + short + " " + next + "</p>", 0, short + " " + next},
		{"default: the second may come from the next paragraph", "<p>" + short + "</p><p>" + next + "</p>", 0, short + " " + next},
		{"limit fits two", "<p>" + kobani + " " + kobani2 + "</p>", 200, kobani + " " + kobani2},
		{"limit fits one", "<p>" + kobani + " " + kobani2 + "</p>", 150, kobani},
		{"limit cuts at a word", "<p>" + kobani + "</p>", 60, "Ten schools reopened in Kobani on Sunday, the local…"},
		{"limit of one rune", "<p>" + kobani + "</p>", 1, "…"},
		{"Chinese sentences join without a space", "<p>学校周日重新开学了。孩子们陆续回到了教室。</p>", 0, "学校周日重新开学了。孩子们陆续回到了教室。"},
		{"Chinese cut without spaces", "<p>国家统计局19日发布的数据显示今年前三季度国内生产总值按可比价格计算同比增长百分之六点七。</p>", 10, "国家统计局19日发…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Lede(tt.in, tt.maxLen)
			if got != tt.want {
				t.Errorf("Lede(%q, %d)\n got %q\nwant %q", tt.in, tt.maxLen, got, tt.want)
			}
			limit := tt.maxLen
			if limit <= 0 {
				limit = DefaultLedeLen
			}
			if n := utf8.RuneCountInString(got); n > limit {
				t.Errorf("Lede(…, %d) is %d runes long", tt.maxLen, n)
			}
		})
	}
}

func TestLedeDefaultLimit(t *testing.T) {
	long := "<p>" + strings.Repeat("Kurdish and Iraqi officials met again in Erbil ", 20) + "on Sunday.</p>"
	got := Lede(long, 0)
	if n := utf8.RuneCountInString(got); n > DefaultLedeLen || !strings.HasSuffix(got, "…") {
		t.Errorf("Lede(one very long sentence, 0) = %d runes %q, want at most %d ending in …", n, got, DefaultLedeLen)
	}
}

// TestLedeConcurrent runs extraction from many goroutines: the sentence model and the
// regular expressions are shared, and -race checks that sharing them is safe.
func TestLedeConcurrent(t *testing.T) {
	items := readRSS(t, "wordpress-rss.xml")
	done := make(chan string)
	for range 8 {
		go func() {
			var got string
			for range 20 {
				got = Lede(items[0].Description, 0)
			}
			done <- got
		}()
	}
	for range 8 {
		if got := <-done; got != kobani {
			t.Errorf("concurrent Lede = %q, want %q", got, kobani)
		}
	}
}
