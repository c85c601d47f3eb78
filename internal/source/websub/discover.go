package websub

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Discover finds the hub a fetched feed names, and the topic URL the hub
// knows it by (its rel="self"), as WebSub says: Link headers first, then the
// document's own links — <atom:link rel="hub"> in RSS, <link rel="hub"> in
// Atom, "hubs" in JSON Feed. Relative URLs resolve against base, the URL the
// feed was fetched from. hub is "" when the feed names none; self is "" when
// the feed does not say.
func Discover(header http.Header, body []byte, base string) (hub, self string) {
	hub, self = linkHeader(header)
	if hub == "" || self == "" {
		h, s := documentLinks(body)
		if hub == "" {
			hub = h
		}
		if self == "" {
			self = s
		}
	}
	return resolve(base, hub), resolve(base, self)
}

func resolve(base, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	u, err := b.Parse(ref)
	if err != nil {
		return ref
	}
	return u.String()
}

// linkHeader reads RFC 8288 Link headers: `<url>; rel="hub", <url>; rel=self`.
// A rel may hold several relations separated by spaces.
func linkHeader(h http.Header) (hub, self string) {
	for _, line := range h.Values("Link") {
		for _, link := range splitLinks(line) {
			target, params, ok := strings.Cut(link, ";")
			target = strings.TrimSpace(target)
			if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			target = target[1 : len(target)-1]
			for _, p := range strings.Split(params, ";") {
				name, value, _ := strings.Cut(p, "=")
				if !strings.EqualFold(strings.TrimSpace(name), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(value), `"`)) {
					switch {
					case strings.EqualFold(rel, "hub") && hub == "":
						hub = target
					case strings.EqualFold(rel, "self") && self == "":
						self = target
					}
				}
			}
		}
	}
	return hub, self
}

// splitLinks splits a Link header at the commas between links, not those
// inside a URL or a quoted parameter.
func splitLinks(s string) []string {
	var out []string
	inURL, inQuote, start := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '<' && !inQuote:
			inURL = true
		case c == '>' && !inQuote:
			inURL = false
		case c == '"' && !inURL:
			inQuote = !inQuote
		case c == ',' && !inURL && !inQuote:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// documentLinks reads the hub and self links of a feed document's head,
// before its first item: a hub link inside an entry is the entry's, not the
// feed's.
func documentLinks(body []byte) (hub, self string) {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if bytes.HasPrefix(trimmed, []byte("{")) {
		return jsonFeedLinks(trimmed)
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	// Hub and self URLs are ASCII in every charset a feed uses; the
	// document's text is not read here.
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := dec.Token()
		if err != nil {
			// The end, or a document too broken to read further: what was
			// found so far stands.
			return hub, self
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch strings.ToLower(el.Name.Local) {
		case "item", "entry":
			return hub, self
		case "link":
			var rel, href string
			for _, a := range el.Attr {
				switch strings.ToLower(a.Name.Local) {
				case "rel":
					rel = a.Value
				case "href":
					href = a.Value
				}
			}
			for _, r := range strings.Fields(rel) {
				switch {
				case strings.EqualFold(r, "hub") && hub == "":
					hub = href
				case strings.EqualFold(r, "self") && self == "":
					self = href
				}
			}
		}
	}
}

// jsonFeedLinks reads a JSON Feed's "hubs" (the WebSub one) and "feed_url".
func jsonFeedLinks(body []byte) (hub, self string) {
	var f struct {
		FeedURL string `json:"feed_url"`
		Hubs    []struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		} `json:"hubs"`
	}
	if json.Unmarshal(body, &f) != nil {
		return "", ""
	}
	for _, h := range f.Hubs {
		if strings.EqualFold(h.Type, "WebSub") || strings.EqualFold(h.Type, "PubSubHubbub") {
			return h.URL, f.FeedURL
		}
	}
	return "", f.FeedURL
}
