package compose

import (
	"strings"
	"testing"
)

// Where a summary may be cut at a sentence, in the languages herald posts in: an
// abbreviation, a name with "!", a unit before lower case or a German ordinal is not a
// sentence end; a guillemet after a space closes the sentence before it.
func TestSentenceEndsLanguages(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"La Sra. López y el Dr. Pérez llegaron. Luego hablaron.", []string{"La Sra. López y el Dr. Pérez llegaron."}},
		{"Mme. Dupont est arrivée lundi. Elle a parlé.", []string{"Mme. Dupont est arrivée lundi."}},
		{"Das gilt z. B. für Berlin. Andere folgen.", []string{"Das gilt z. B. für Berlin."}},
		{"Der Umsatz stieg um 5 Mio. Euro. Dann ging er.", []string{"Der Umsatz stieg um 5 Mio. Euro."}},
		{"Am 28. November kam er. Dann ging er.", []string{"Am 28. November kam er."}},
		{"Los EE.UU. y Telefónica S.A. respondieron. Rusia calló.", []string{"Los EE.UU. y Telefónica S.A. respondieron."}},
		{"Это т.е. важно. Потом он ушёл.", []string{"Это т.е. важно."}},
		{"Il Sig. Rossi è arrivato. Poi ha parlato.", []string{"Il Sig. Rossi è arrivato."}},
		{"Yahoo! Japan cut jobs. Shares fell.", []string{"Yahoo! Japan cut jobs."}},
		{"He won Jeopardy! The show aired on Monday.", []string{"He won Jeopardy!"}},
		{"Está a 5 km. del centro. Nadie llegó.", []string{"Está a 5 km. del centro."}},
		{"She won the 110m. The crowd cheered.", []string{"She won the 110m."}},
		{"« Nous reviendrons. » Le ministre est parti.", []string{"« Nous reviendrons. »"}},
		{"经济增长６．７％。孩子们回到了教室。", []string{"经济增长６．７％。"}},
		{"停火。援助到达", []string{"停火。"}},
	} {
		var got []string
		ends := sentenceEnds(tc.in)
		for _, end := range ends[:len(ends)-1] {
			got = append(got, tc.in[:end])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("sentenceEnds(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A summary that ends in its own "..." where it is cut gets one ellipsis, not two.
func TestOneEllipsis(t *testing.T) {
	const url = "https://example.org/2026/11/story/"
	c, err := New("", 120, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Compose(Fields{
		Title:   "Ceasefire holds in Idlib",
		Summary: "The truce held overnight, residents said... and aid convoys reached the north of the province for the first time in weeks, officials said",
		URL:     url,
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "...…") || strings.Contains(out, "……") || strings.Contains(out, ".…") {
		t.Errorf("two ellipses in %q", out)
	}
	for in, want := range map[string]string{"said...": "said…", "said …": "said…", "said": "said…", "said... …": "said…"} {
		if got := withEllipsis(in); got != want {
			t.Errorf("withEllipsis(%q) = %q, want %q", in, got, want)
		}
	}
}
