package bluesky

import (
	"fmt"
	"strings"
	"testing"
)

func TestFacets(t *testing.T) {
	const link = "https://example.com/a?b=c#frag"
	for _, tc := range []struct {
		text, link string
		want       []string // what each facet covers, and its kind
	}{
		{"#Syria ceasefire #1 a#b #Idlib. #طوفان_الأقصى!", "", []string{"tag #Syria", "tag #Idlib", "tag #طوفان_الأقصى"}},
		{"Read " + link + ".", link, []string{"link " + link}},
		{"Twice: " + link + " " + link, link, []string{"link " + link, "link " + link}},
		// Other links with a scheme are linked too; a bare domain is not.
		{"See http://b.com/x, example.org and (https://c.org/y)", "", []string{"link http://b.com/x", "link https://c.org/y"}},
		{"#" + strings.Repeat("a", 65) + " #" + strings.Repeat("b", 64), "", []string{"tag #" + strings.Repeat("b", 64)}},
		{"🇸🇾\u200d#emoji 👨‍👩‍👧‍👦 #ok", "", []string{"tag #ok"}},
	} {
		var got []string
		for _, f := range facets(tc.text, tc.link) {
			covered := tc.text[f.Index.ByteStart:f.Index.ByteEnd]
			ft := f.Features[0]
			switch ft.Type {
			case linkType:
				if ft.URI != covered {
					t.Errorf("%q: link %q covers %q", tc.text, ft.URI, covered)
				}
				got = append(got, "link "+covered)
			case tagType:
				if "#"+ft.Tag != covered {
					t.Errorf("%q: tag %q covers %q", tc.text, ft.Tag, covered)
				}
				got = append(got, "tag "+covered)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("facets(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestLangTag(t *testing.T) {
	for in, want := range map[string]string{"ar": "ar", "EN-us": "en-US", " pt-BR ": "pt-BR", "": "", "not a language": "", "und": ""} {
		if got := langTag(in); got != want {
			t.Errorf("langTag(%q) = %q, want %q", in, got, want)
		}
	}
}
