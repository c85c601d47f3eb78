package extract

import (
	"strings"

	"golang.org/x/text/language"
)

// Language returns raw, a language as feeds and pages write it ("en-us",
// "en_US" as og:locale has it, "ar"), as a well-formed BCP 47 tag ("en-US"),
// or "" when raw is empty, "und" or not a language tag.
func Language(raw string) string {
	raw = strings.ReplaceAll(strings.TrimSpace(raw), "_", "-")
	if raw == "" {
		return ""
	}
	tag, err := language.Parse(raw)
	if err != nil || tag == language.Und {
		return ""
	}
	return tag.String()
}
