package local

import (
	"context"
	"errors"
	"testing"

	"github.com/heraldhq/herald/internal/news"
)

func TestPublish(t *testing.T) {
	p := New("local")
	a, err := p.Publish(context.Background(), news.Message{Text: "Council approves budget https://news.example/a"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p.Publish(context.Background(), news.Message{Text: "Second"})
	if a.RemoteID == "" || a.RemoteID == b.RemoteID {
		t.Errorf("ids %q and %q", a.RemoteID, b.RemoteID)
	}
	var pe *news.PublishError
	if _, err := p.Publish(context.Background(), news.Message{Text: "  "}); !errors.As(err, &pe) || pe.Kind != news.Rejected {
		t.Errorf("empty post: %v", err)
	}
}

// TestPublishAt: with the dashboard's address, every post has a URL there,
// so that the log line for a published post names where to see it.
func TestPublishAt(t *testing.T) {
	p := NewAt("local", "http://127.0.0.1:8080/")
	res, err := p.Publish(context.Background(), news.Message{Text: "Council approves budget"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://127.0.0.1:8080/#" + res.RemoteID; res.URL != want {
		t.Errorf("URL %q, want %q", res.URL, want)
	}
}
