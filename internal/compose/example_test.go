package compose_test

import (
	"fmt"
	"log"

	"github.com/heraldhq/herald/internal/compose"
)

func ExampleComposer_Compose() {
	tags, err := compose.ParseHashtags("Syria=#Syria,Kurdistan=#Kurds")
	if err != nil {
		log.Fatal(err)
	}
	c, err := compose.New("", 120, tags)
	if err != nil {
		log.Fatal(err)
	}
	post, err := c.Compose(compose.Fields{
		Title:      "Ceasefire holds in Idlib",
		Summary:    "The truce brokered on Sunday held overnight, residents said. The first aid convoys in weeks crossed into the province at dawn.",
		URL:        "https://example.com/news/ceasefire",
		Categories: []string{"Syria", "World"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(post)
	// Output:
	// Ceasefire holds in Idlib
	//
	// The truce brokered on Sunday held overnight, residents said.
	//
	// https://example.com/news/ceasefire
}
