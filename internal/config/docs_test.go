package config

import (
	"os"
	"strings"
	"testing"
)

// TestEveryVariableDocumented: every variable of the Config struct has its
// row in the README's table and its entry in config/example.env, so that
// herald config, the README and the example never disagree on the names.
func TestEveryVariableDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("../../config/example.env")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Variables(nil) {
		if v.Client {
			continue
		}
		if !strings.Contains(string(readme), "| `"+v.Name+"` |") {
			t.Errorf("README.md has no row for %s", v.Name)
		}
		if !strings.Contains(string(example), v.Name+"=") {
			t.Errorf("config/example.env does not mention %s", v.Name)
		}
	}
}
