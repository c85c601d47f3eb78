package compose

import (
	"net/url"
	"strings"
)

// WithUTM returns link with the campaign parameters of utm
// ("utm_source=x&utm_medium=social") added to its query, each replacing a
// parameter of the same name the link has. Only the posted link carries
// them: an article's key, which deduplicates, leaves utm_* out. A link
// that does not parse is returned as it is.
func WithUTM(link, utm string) string {
	if utm == "" {
		return link
	}
	add, err := url.ParseQuery(utm)
	if err != nil || len(add) == 0 {
		return link
	}
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	// Keep the link's own query as written, minus what utm replaces.
	var kept []string
	for _, part := range strings.Split(u.RawQuery, "&") {
		if part == "" {
			continue
		}
		name, _, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if _, ok := add[name]; !ok {
			kept = append(kept, part)
		}
	}
	// In the order utm gives them, which url.Values does not keep.
	for _, part := range strings.Split(utm, "&") {
		name, _, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil && n != "" {
			for _, v := range add[n] {
				kept = append(kept, url.QueryEscape(n)+"="+url.QueryEscape(v))
			}
			delete(add, n)
		}
	}
	u.RawQuery = strings.Join(kept, "&")
	return u.String()
}
