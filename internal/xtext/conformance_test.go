package xtext

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The twitter-text conformance cases (testdata/README.md). Every case of each
// section the package implements must pass; a section that goes missing or
// comes up empty fails the test rather than passing vacuously.

func loadSection(t *testing.T, file, section string, cases any) {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests map[string]yaml.Node `yaml:"tests"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	node, ok := doc.Tests[section]
	if !ok {
		t.Fatalf("%s: no section %q", file, section)
	}
	if err := node.Decode(cases); err != nil {
		t.Fatalf("%s %s: %v", file, section, err)
	}
}

// wantCases fails the test unless n, the number of cases a section held, is
// at least min (the count when the data was copied).
func wantCases(t *testing.T, section string, n, min int) {
	t.Helper()
	if n == 0 || n < min {
		t.Fatalf("%s: %d cases, want at least %d", section, n, min)
	}
	t.Logf("%s: %d cases", section, n)
}

type weightCase struct {
	Description string `yaml:"description"`
	Text        string `yaml:"text"`
	Expected    struct {
		WeightedLength  int  `yaml:"weightedLength"`
		Valid           bool `yaml:"valid"`
		Permillage      int  `yaml:"permillage"`
		DisplayRangeEnd int  `yaml:"displayRangeEnd"`
		ValidRangeEnd   int  `yaml:"validRangeEnd"`
	} `yaml:"expected"`
}

func TestConformanceWeightedLength(t *testing.T) {
	for _, tc := range []struct {
		section string
		min     int
	}{
		{"WeightedTweetsWithDiscountedEmojiCounterTest", 22},
		{"UnicodeDirectionalMarkerCounterTest", 2},
	} {
		t.Run(tc.section, func(t *testing.T) {
			var cases []weightCase
			loadSection(t, "validate.yml", tc.section, &cases)
			wantCases(t, tc.section, len(cases), tc.min)
			for _, c := range cases {
				got := Parse(c.Text)
				want := Result{
					WeightedLength:  c.Expected.WeightedLength,
					Valid:           c.Expected.Valid,
					Permillage:      c.Expected.Permillage,
					DisplayRangeEnd: c.Expected.DisplayRangeEnd,
					ValidRangeEnd:   c.Expected.ValidRangeEnd,
				}
				if got != want {
					t.Errorf("%s\n text %q\n got  %+v\n want %+v", c.Description, abbreviate(c.Text), got, want)
				}
				if n := WeightedLength(c.Text); n != want.WeightedLength {
					t.Errorf("%s: WeightedLength = %d, want %d", c.Description, n, want.WeightedLength)
				}
			}
		})
	}
}

type urlCase struct {
	Description string   `yaml:"description"`
	Text        string   `yaml:"text"`
	Expected    []string `yaml:"expected"`
}

func linkURLs(links []Link) []string {
	urls := []string{}
	for _, l := range links {
		urls = append(urls, l.URL)
	}
	return urls
}

func TestConformanceLinks(t *testing.T) {
	for _, tc := range []struct {
		file, section string
		min           int
	}{
		{"extract.yml", "urls", 91},
		{"extract.yml", "tco_urls_with_params", 5},
		{"tlds.yml", "country", 315},
		{"tlds.yml", "generic", 1259},
	} {
		t.Run(tc.file+"/"+tc.section, func(t *testing.T) {
			var cases []urlCase
			loadSection(t, tc.file, tc.section, &cases)
			wantCases(t, tc.section, len(cases), tc.min)
			for _, c := range cases {
				want := c.Expected
				if want == nil {
					want = []string{}
				}
				if got := linkURLs(Links(c.Text)); !slices.Equal(got, want) {
					t.Errorf("%s\n text %q\n got  %q\n want %q", c.Description, abbreviate(c.Text), got, want)
				}
			}
		})
	}
}

func TestConformanceLinkIndices(t *testing.T) {
	type indexCase struct {
		Description string `yaml:"description"`
		Text        string `yaml:"text"`
		Expected    []struct {
			URL     string `yaml:"url"`
			Indices []int  `yaml:"indices"`
		} `yaml:"expected"`
	}
	for _, tc := range []struct {
		section string
		min     int
	}{
		{"urls_with_indices", 10},
		{"urls_with_directional_markers", 2},
	} {
		t.Run(tc.section, func(t *testing.T) {
			var cases []indexCase
			loadSection(t, "extract.yml", tc.section, &cases)
			wantCases(t, tc.section, len(cases), tc.min)
			for _, c := range cases {
				want := []Link{}
				for _, e := range c.Expected {
					if len(e.Indices) != 2 {
						t.Fatalf("%s: indices %v", c.Description, e.Indices)
					}
					want = append(want, Link{URL: e.URL, Start: e.Indices[0], End: e.Indices[1]})
				}
				got := Links(c.Text)
				if got == nil {
					got = []Link{}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s\n text %q\n got  %+v\n want %+v", c.Description, c.Text, got, want)
				}
			}
		})
	}
}

// TestConformanceURLsWithoutProtocol reads validate.yml's bare-domain cases
// (made for twitter-text's URL validator) as link cases: each text, all of it,
// is one link.
func TestConformanceURLsWithoutProtocol(t *testing.T) {
	type validCase struct {
		Description string `yaml:"description"`
		Text        string `yaml:"text"`
		Expected    bool   `yaml:"expected"`
	}
	var cases []validCase
	loadSection(t, "validate.yml", "urls_without_protocol", &cases)
	wantCases(t, "urls_without_protocol", len(cases), 5)
	for _, c := range cases {
		got := Links(c.Text)
		whole := len(got) == 1 && got[0].URL == c.Text
		if whole != c.Expected {
			t.Errorf("%s: Links(%q) = %+v, want whole text as a link: %v", c.Description, c.Text, got, c.Expected)
		}
	}
}

// TestTLDListMatchesTestdata checks the embedded list against the file it
// was generated from; run `go generate` after updating testdata/tlds.yml.
func TestTLDListMatchesTestdata(t *testing.T) {
	var want []string
	for _, section := range []string{"country", "generic"} {
		var cases []urlCase
		loadSection(t, "tlds.yml", section, &cases)
		for _, c := range cases {
			tld, ok := strings.CutPrefix(c.Text, "https://twitter.")
			if !ok {
				t.Fatalf("tlds.yml: unexpected text %q", c.Text)
			}
			want = append(want, strings.ToLower(tld))
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)

	set, _ := tlds()
	var got []string
	for tld := range set {
		got = append(got, tld)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("tlds.txt has %d domains, tlds.yml %d: run go generate", len(got), len(want))
	}
}

// TestConfigMatchesV3 checks the hard-coded weights against twitter-text's
// v3 configuration file.
func TestConfigMatchesV3(t *testing.T) {
	raw, err := os.ReadFile("testdata/v3.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Version                int  `json:"version"`
		MaxWeightedTweetLength int  `json:"maxWeightedTweetLength"`
		Scale                  int  `json:"scale"`
		DefaultWeight          int  `json:"defaultWeight"`
		EmojiParsingEnabled    bool `json:"emojiParsingEnabled"`
		TransformedURLLength   int  `json:"transformedURLLength"`
		Ranges                 []struct {
			Start, End rune
			Weight     int
		} `json:"ranges"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Version != 3 || cfg.MaxWeightedTweetLength != MaxWeightedLength || cfg.Scale != scale ||
		cfg.DefaultWeight != defaultWeight || !cfg.EmojiParsingEnabled || cfg.TransformedURLLength != URLLength {
		t.Errorf("v3.json %+v disagrees with the package constants", cfg)
	}
	if len(cfg.Ranges) != len(lightRanges) {
		t.Fatalf("v3.json has %d ranges, the package %d", len(cfg.Ranges), len(lightRanges))
	}
	for i, r := range cfg.Ranges {
		if got := lightRanges[i]; got.lo != r.Start || got.hi != r.End || got.weight != r.Weight {
			t.Errorf("range %d: package %+v, v3.json %+v", i, got, r)
		}
	}
}

func abbreviate(s string) string {
	if len(s) > 200 {
		return s[:100] + "…" + s[len(s)-60:]
	}
	return s
}
