package compose

import (
	"fmt"
	"strings"
	"unicode"
)

// ParseHashtags reads a category-to-hashtag mapping written as
// "Syria=#Syria,Kurdistan=#Kurds", as an operator sets it in configuration.
// Blank entries are ignored; an entry without "=", an empty category, a
// hashtag that is not '#' followed by letters, digits or '_', or a category
// given twice (categories match without regard to case) is an error that
// names the entry.
func ParseHashtags(s string) (map[string]string, error) {
	tags := make(map[string]string)
	seen := make(map[string]string) // category key → category as written
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		cat, tag, ok := strings.Cut(entry, "=")
		if !ok {
			return nil, fmt.Errorf("compose: hashtags: entry %q: want Category=#Hashtag", entry)
		}
		cat, tag = strings.TrimSpace(cat), strings.TrimSpace(tag)
		key := categoryKey(cat)
		if key == "" {
			return nil, fmt.Errorf("compose: hashtags: entry %q has no category before '='", entry)
		}
		if err := checkHashtag(tag); err != nil {
			return nil, fmt.Errorf("compose: hashtags: entry %q: %w", entry, err)
		}
		if prev, ok := seen[key]; ok {
			return nil, fmt.Errorf("compose: hashtags: category %q is given twice (as %q and %q)", cat, prev, cat)
		}
		seen[key] = cat
		tags[cat] = tag
	}
	return tags, nil
}

// checkHashtag accepts what X links as a hashtag: '#' and then letters,
// marks, digits or '_', not digits alone.
func checkHashtag(tag string) error {
	body, ok := strings.CutPrefix(tag, "#")
	if !ok {
		return fmt.Errorf("hashtag %q must start with '#'", tag)
	}
	if body == "" {
		return fmt.Errorf("hashtag %q is empty", tag)
	}
	letters := false
	for _, r := range body {
		switch {
		case unicode.IsLetter(r) || unicode.IsMark(r) || r == '_':
			letters = true
		case unicode.IsDigit(r):
		default:
			return fmt.Errorf("hashtag %q may hold only letters, digits and '_', not %q", tag, r)
		}
	}
	if !letters {
		return fmt.Errorf("hashtag %q needs a letter: X does not link digits alone", tag)
	}
	return nil
}

// categoryKey is how categories are matched: without regard to case or to
// runs of white space.
func categoryKey(cat string) string {
	return strings.ToLower(strings.Join(strings.Fields(cat), " "))
}

// dedupeFold drops the hashtags that repeat an earlier one, which X treats
// alike whatever their case.
func dedupeFold(tags []string) []string {
	var out []string
	for _, t := range tags {
		dup := false
		for _, o := range out {
			if strings.EqualFold(o, t) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out
}
