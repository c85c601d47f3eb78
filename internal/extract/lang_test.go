package extract

import "testing"

func TestLanguage(t *testing.T) {
	for raw, want := range map[string]string{
		"en":      "en",
		"en-us":   "en-US",
		"en_US":   "en-US",
		" ar ":    "ar",
		"pt-BR":   "pt-BR",
		"zh-Hant": "zh-Hant",
		"":        "",
		"und":     "",
		"english": "",
		"12":      "",
	} {
		if got := Language(raw); got != want {
			t.Errorf("Language(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestParsePageLanguage(t *testing.T) {
	for _, tc := range []struct{ name, html, want string }{
		{"html lang", `<html lang="es"><head><title>Hola</title><meta property="og:locale" content="en_US"></head><body><p>Una frase larga para el resumen del artículo de hoy.</p></body></html>`, "es"},
		{"og:locale", `<html><head><title>Hello</title><meta property="og:locale" content="en_GB"></head><body><p>A long enough sentence for the summary of the article.</p></body></html>`, "en-GB"},
		{"bad lang, good locale", `<html lang="xx-not-a-tag-at-all"><head><title>Hello</title><meta property="og:locale" content="ar_AR"></head><body><p>A long enough sentence for the summary of the article.</p></body></html>`, "ar-AR"},
		{"none", `<html><head><title>Hello</title></head><body><p>A long enough sentence for the summary of the article.</p></body></html>`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePage([]byte(tc.html), "https://example.org/a/")
			if err != nil {
				t.Fatal(err)
			}
			if p.Lang != tc.want {
				t.Errorf("Lang = %q, want %q", p.Lang, tc.want)
			}
		})
	}
}
