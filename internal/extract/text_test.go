package extract

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Ten schools reopen in Kobani", "Ten schools reopen in Kobani"},
		{"empty", "", ""},
		// A title the feed double-encoded ("SDF&amp;#8217;s … &amp;amp;"), after the feed
		// parser decoded the XML layer.
		{"double-encoded title", "SDF&#8217;s new recruits finish training for Raqqa &amp; Tabqa campaign",
			"SDF’s new recruits finish training for Raqqa & Tabqa campaign"},
		// Exactly one layer goes: a third layer of encoding stays visible rather than
		// being guessed away.
		{"amp amp decoded once", "Erbil &amp;amp; Baghdad", "Erbil &amp; Baghdad"},
		{"entity decoded once", "SDF&amp;#8217;s", "SDF&#8217;s"},
		{"lone ampersand", "Raqqa & Tabqa", "Raqqa & Tabqa"},
		{"ampersand in a word", "AT&T and R&D", "AT&T and R&D"},
		{"ampersand at the end", "Tom &", "Tom &"},
		{"numeric entities", "&#8220;Kobani&#8221; &#x2013; &#1583;&#1605;&#1588;&#1602;", "“Kobani” – دمشق"},
		{"named entities", "caf&eacute; &hellip; &euro;5 &copy; 2016", "café … €5 © 2016"},
		{"nbsp", "Raqqa&nbsp;&nbsp;campaign\u00a0begins", "Raqqa campaign begins"},
		{"br", "Kobani<br>Ten schools<br/>reopen", "Kobani Ten schools reopen"},
		{"blocks", "<p>One.</p><p>Two.</p><div>Three</div><li>Four</li>", "One. Two. Three Four"},
		{"inline elements", "<p>The <strong>SDF</strong> said <a href=\"/x\">on Thursday</a></p>", "The SDF said on Thursday"},
		{"whitespace", "  Ten\n\tschools \r\n reopen  ", "Ten schools reopen"},
		{"CDATA leftover", "<![CDATA[Erbil &amp; Baghdad agree]]>", "Erbil & Baghdad agree"},
		{"CDATA around markup", "<![CDATA[<p>Ten schools</p>]]> reopen", "Ten schools reopen"},
		{"unclosed CDATA", "<![CDATA[Ten schools", "Ten schools"},
		{"CDATA end only", "Ten schools]]>", "Ten schools"},
		{"escaped CDATA", "&lt;![CDATA[Erbil &amp; Baghdad]]&gt;", "Erbil & Baghdad"},
		{"comments dropped", "Ten <!-- ad slot --> schools", "Ten schools"},
		{"script and style dropped", "<script>var a = '<p>';</script><style>p{}</style>Ten schools", "Ten schools"},
		{"escaped markup is stripped, not shown", "&lt;p&gt;Ten schools&lt;/p&gt;", "Ten schools"},
		{"less-than in text", "Turnout < 40% in 3<4 districts", "Turnout < 40% in 3<4 districts"},
		{"invalid UTF-8 dropped", "Kobani\xff\xfe schools", "Kobani schools"},
		{"invisible characters", "Ten\u200b sch\u00adools\ufeff", "Ten schools"},
		{"zero-width non-joiner kept", "می\u200cخواهم", "می\u200cخواهم"},
		{"NFC", "cafe\u0301", "café"},
		{"broken markup", "<p><b>Ten <i>schools</b> reopen</p></div></span>", "Ten schools reopen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
			// Text without markup skips the HTML parser, which would say the same.
			if got := parsedText(tt.in); got != tt.want {
				t.Errorf("parsedText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTextDeepNesting(t *testing.T) {
	// A pathological page must not exhaust the stack: the walkers do not recurse.
	in := strings.Repeat("<div><span>", 50000) + "Kobani"
	if got := Text(in); got != "Kobani" {
		t.Errorf("Text(deeply nested) = %q, want %q", got, "Kobani")
	}
}

// FuzzText holds Text's shortcut for text without markup to what the HTML
// parser gives.
func FuzzText(f *testing.F) {
	for _, s := range []string{"Ten schools reopen", " a\r\n\tb ", "caf\u0065\u0301", "x\xffy", "]]", "[Video] 3 > 2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Text(s), parsedText(s); got != want {
			t.Fatalf("Text(%q) = %q, the parser gives %q", s, got, want)
		}
	})
}
