package source

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// ReadFeedList reads the feeds file: one URL a line with # comments and blank
// lines, or an OPML document (as feed readers export), recognised by its
// <opml> root. Duplicates are dropped; order is kept.
func ReadFeedList(r io.Reader) ([]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, err
	}
	var urls []string
	trimmed := bytes.TrimSpace(b)
	if bytes.HasPrefix(trimmed, []byte("<")) {
		urls, err = readOPML(trimmed)
	} else {
		urls, err = readLines(b)
	}
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(urls))
	out := urls[:0]
	for _, u := range urls {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out, nil
}

func readLines(b []byte) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "#"); i >= 0 && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if err := checkFeedURL(line); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, line)
	}
	return out, sc.Err()
}

type outline struct {
	XMLURL   string    `xml:"xmlUrl,attr"`
	Outlines []outline `xml:"outline"`
}

func readOPML(b []byte) ([]string, error) {
	var doc struct {
		XMLName xml.Name
		Body    struct {
			Outlines []outline `xml:"outline"`
		} `xml:"body"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("OPML: %w", err)
	}
	if doc.XMLName.Local != "opml" {
		return nil, fmt.Errorf("a document with <%s> at its root is neither a list of URLs nor OPML", doc.XMLName.Local)
	}
	var out []string
	var walk func([]outline) error
	walk = func(os []outline) error {
		for _, o := range os {
			if u := strings.TrimSpace(o.XMLURL); u != "" {
				if err := checkFeedURL(u); err != nil {
					return fmt.Errorf("OPML: %w", err)
				}
				out = append(out, u)
			}
			if err := walk(o.Outlines); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(doc.Body.Outlines)
}

func checkFeedURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}
