package feed

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/mmcdole/gofeed"
)

// prepare makes a feed document ready for gofeed: UTF-8 (toUTF8) and within
// the limits. An RSS or Atom document is checked by the skimming scanner
// (scanXML), whose skim comes back when the scanner could follow it, or by
// checkXML otherwise; a JSON Feed by checkJSON.
func prepare(body []byte, contentType string, l limits) (doc []byte, s *skim, err error) {
	doc, _ = toUTF8(body, contentType)
	switch gofeed.DetectFeedType(bytes.NewReader(doc[:min(len(doc), detectWindow)])) {
	case gofeed.FeedTypeRSS, gofeed.FeedTypeAtom:
		s, ok, err := scanXML(doc, l)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			return doc, s, nil
		}
		err = checkXML(doc, l)
		return doc, nil, err
	case gofeed.FeedTypeJSON:
		return doc, nil, checkJSON(doc, l)
	default:
		return nil, nil, ErrNotFeed
	}
}

// detectWindow is how much of the document gofeed looks at to tell RSS,
// Atom and JSON apart.
const detectWindow = 4096

// gofeedParse runs gofeed on a document read, turning a panic on input
// nobody foresaw into an error for this feed rather than the end of the
// process. gofeed's search of RSS bodies for a picture is off: Parse does
// its own (firstImage), which reads tokens up to the picture rather than
// each body into a tree.
func gofeedParse(doc []byte) (f *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the feed parser failed: %v", r)
		}
	}()
	p := gofeed.NewParser()
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	f, err = p.Parse(bytes.NewReader(doc))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, ErrNotFeed
		}
		return nil, fmt.Errorf("malformed feed: %w", err)
	}
	return f, nil
}
