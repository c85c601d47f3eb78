package xtext_test

import (
	"fmt"

	"github.com/heraldhq/herald/internal/xtext"
)

func ExampleParse() {
	res := xtext.Parse("Ceasefire holds in Idlib 🇸🇾 https://example.com/news/2026/05/12/ceasefire-holds-in-idlib")
	fmt.Println(res.WeightedLength, res.Valid)
	// Output: 51 true
}

func ExampleLinks() {
	for _, l := range xtext.Links("Read more at example.com/idlib, or http://t.co/abc123's thread.") {
		fmt.Println(l.URL, l.Start, l.End)
	}
	// Output:
	// example.com/idlib 13 30
	// http://t.co/abc123 35 53
}
