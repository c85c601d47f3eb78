package feed

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/mmcdole/gofeed"
)

// parse reads a feed document with gofeed, after making it UTF-8 (toUTF8)
// and checking it against the limits (checkXML, checkJSON).
func parse(body []byte, contentType string, l limits) (*gofeed.Feed, error) {
	doc, _ := toUTF8(body, contentType)
	var err error
	switch gofeed.DetectFeedType(bytes.NewReader(doc[:min(len(doc), detectWindow)])) {
	case gofeed.FeedTypeRSS, gofeed.FeedTypeAtom:
		err = checkXML(doc, l)
	case gofeed.FeedTypeJSON:
		err = checkJSON(doc, l)
	default:
		return nil, ErrNotFeed
	}
	if err != nil {
		return nil, err
	}
	f, err := gofeedParse(doc)
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, ErrNotFeed
		}
		return nil, fmt.Errorf("malformed feed: %w", err)
	}
	return f, nil
}

// detectWindow is how much of the document gofeed looks at to tell RSS,
// Atom and JSON apart.
const detectWindow = 4096

// gofeedParse runs gofeed, turning a panic on input nobody foresaw into an
// error for this feed rather than the end of the process.
func gofeedParse(doc []byte) (f *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the feed parser failed: %v", r)
		}
	}()
	return gofeed.NewParser().Parse(bytes.NewReader(doc))
}
