package feed

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/fixtures"
)

// checkJSONTokens is checkJSON written the slow, obvious way, over
// json.Decoder's tokens: the reference the byte scanner must agree with on
// valid JSON.
func checkJSONTokens(doc []byte, l limits) error {
	if err := checkSize(doc, l); err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	type open struct{ object, key, isItems bool }
	var (
		stack         []open
		values, items int
		nextIsItems   bool
	)
	for {
		tok, err := d.Token()
		if err != nil {
			return nil
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			top := &stack[n-1]
			if top.key {
				if _, ok := tok.(json.Delim); !ok {
					top.key = false
					nextIsItems = n == 1 && tok == "items"
					continue
				}
			} else {
				top.key = true
			}
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if values++; values > l.Elements {
			return tooComplex("feed has too many values: more than %d", l.Elements)
		}
		if n := len(stack); n > 0 && stack[n-1].isItems {
			if items++; items > l.Items {
				return tooComplex("feed has too many entries: more than %d", l.Items)
			}
		}
		isItems := nextIsItems
		nextIsItems = false
		if d, ok := tok.(json.Delim); ok {
			if len(stack) >= l.Depth {
				return tooComplex("feed too deeply nested: more than %d levels", l.Depth)
			}
			stack = append(stack, open{object: d == '{', key: d == '{', isItems: isItems && d == '['})
		}
	}
}

var smallLimits = limits{Depth: 4, Elements: 25, Items: 3, Document: 1 << 20}

func sameVerdict(t *testing.T, doc []byte, l limits) {
	t.Helper()
	got, want := checkJSON(doc, l), checkJSONTokens(doc, l)
	if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
		t.Errorf("%s\nscanner: %v\ntokens:  %v", doc, got, want)
	}
}

func TestCheckJSONAgreesWithTokens(t *testing.T) {
	fixture := fixtures.Read("feed.json")
	docs := [][]byte{
		fixture,
		[]byte(`{"items":[{},{},{}]}`),
		[]byte(`{"items":[{},{},{},{}]}`),
		[]byte(`{"\u0069tems":[1,2,3,4]}`),
		[]byte(`{"x":{"items":[1,2,3,4]}}`),
		[]byte(`{"items":[[1,2,3,4]]}`),
		[]byte(`{"a":"x\"y,[{","items" : [ "a" , true , null , -1.5e3 ]}`),
		[]byte(`{"a":[[[[1]]]]}`),
		[]byte(`{"a":[[[1]]],"b":"]]]]"}`),
		[]byte(` [1, 2, {"a": [3, 4, {"b": 5}]}, "six", 7.0, false] `),
	}
	for _, doc := range docs {
		sameVerdict(t, doc, smallLimits)
		sameVerdict(t, doc, defaultLimits)
	}
	for _, tt := range hostile {
		if doc := tt.doc(); json.Valid(doc) {
			sameVerdict(t, doc, defaultLimits)
		}
	}
}

func FuzzCheckJSON(f *testing.F) {
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","tags":["a","b"]},{}]}`))
	f.Add([]byte(`{"a":[[[[1]]]],"items":[1,2,3,4]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if json.Valid(doc) {
			sameVerdict(t, doc, smallLimits)
		}
	})
}

// BenchmarkCheckJSON measures the scan on a JSON Feed of about 5 MiB.
func BenchmarkCheckJSON(b *testing.B) {
	fixture := fixtures.Read("feed.json")
	s := string(fixture)
	i := bytes.Index(fixture, []byte(`"items"`))
	open, end := i+bytes.IndexByte(fixture[i:], '['), bytes.LastIndexByte(fixture, ']')
	item := s[open+1 : end]
	doc := []byte(s[:open+1] + strings.Repeat(item+",", 9000) + item + s[end:])
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if err := checkJSON(doc, defaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}
