package news

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// trackingParams are query parameters that identify a campaign or a click,
// not a page: two links that differ only in them are the same article.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "yclid": true,
	"_ga": true, "_gl": true, "ref_src": true,
}

func isTracking(name string) bool {
	name = strings.ToLower(name)
	return strings.HasPrefix(name, "utm_") || trackingParams[name]
}

// CleanURL returns the link to post for raw: an absolute http(s) URL with the
// scheme and host lower-cased, the default port, the fragment and tracking
// parameters removed. The path and the remaining query keep their case and order.
func CleanURL(raw string) (string, error) {
	u, err := parseHTTP(raw)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// URLKey returns the deduplication key of raw: CleanURL with the remaining
// query parameters sorted, a leading "www." dropped and a trailing slash
// trimmed, so that trivially different links to one article share a key.
func URLKey(raw string) (string, error) {
	u, err := parseHTTP(raw)
	if err != nil {
		return "", err
	}
	host := strings.TrimPrefix(u.Host, "www.")
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(host)
	p := strings.TrimSuffix(u.EscapedPath(), "/")
	b.WriteString(p)
	if len(keys) > 0 {
		b.WriteByte('?')
		for i, k := range keys {
			vs := q[k]
			sort.Strings(vs)
			for j, v := range vs {
				if i > 0 || j > 0 {
					b.WriteByte('&')
				}
				b.WriteString(url.QueryEscape(k))
				b.WriteByte('=')
				b.WriteString(url.QueryEscape(v))
			}
		}
	}
	// The scheme is left out on purpose: http and https copies of one
	// article are one article.
	return b.String(), nil
}

// ErrNotHTTP is returned for a URL that is not an absolute http(s) URL.
var ErrNotHTTP = errors.New("not an absolute http(s) URL")

func parseHTTP(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", raw, ErrNotHTTP)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("%q: %w", raw, ErrNotHTTP)
	}
	u.User = nil
	u.Fragment = ""
	u.RawFragment = ""
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawQuery != "" {
		// Keep the query as written, minus the tracking parameters.
		parts := strings.Split(u.RawQuery, "&")
		kept := parts[:0]
		for _, p := range parts {
			if p == "" {
				continue
			}
			name, _, _ := strings.Cut(p, "=")
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
			if !isTracking(name) {
				kept = append(kept, p)
			}
		}
		u.RawQuery = escapeQuery(strings.Join(kept, "&"))
	}
	u.ForceQuery = false
	return u, nil
}

// escapeQuery percent-encodes what url.Parse lets through in a query but a link cannot
// hold: white space, control characters and the marks that end a link in text ("<", ">",
// '"'). A feed's "?s=a b" becomes "?s=a%20b", one link rather than a link and a word.
func escapeQuery(q string) string {
	if !strings.ContainsFunc(q, unsafeInQuery) {
		return q
	}
	var b strings.Builder
	for _, r := range q {
		if unsafeInQuery(r) {
			for _, c := range []byte(string(r)) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unsafeInQuery(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '>' || r == '"' || r == utf8.RuneError
}
