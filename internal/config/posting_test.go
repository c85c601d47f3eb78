package config

import (
	"strings"
	"testing"
)

func TestOffsiteLinksAndExclude(t *testing.T) {
	c, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.OffsiteLinks != "hold" || c.Exclude.Regexp != nil {
		t.Errorf("defaults: offsite %q, exclude %v", c.OffsiteLinks, c.Exclude.Regexp)
	}
	c, err = Load([]string{"HERALD_OFFSITE_LINKS=post", `HERALD_EXCLUDE=(?i)^(horóscopo|sorteo)\b|/sponsored/`})
	if err != nil {
		t.Fatal(err)
	}
	if c.OffsiteLinks != "post" || c.Exclude.Regexp == nil || !c.Exclude.MatchString("Horóscopo de hoy") || c.Exclude.MatchString("El Gobierno") {
		t.Errorf("values: offsite %q, exclude %v", c.OffsiteLinks, c.Exclude.Regexp)
	}
	for _, tc := range []struct{ env, want string }{
		{"HERALD_OFFSITE_LINKS=drop", `HERALD_OFFSITE_LINKS: "drop" is not hold or post`},
		{"HERALD_EXCLUDE=(horóscopo", `HERALD_EXCLUDE: "(horóscopo" is not a regular expression: missing closing )`},
		{`HERALD_EXCLUDE=a(?<b)`, `HERALD_EXCLUDE: "a(?<b)" is not a regular expression`},
	} {
		_, err := Load([]string{tc.env})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line starting %q", tc.env, err, tc.want)
		}
	}
}
