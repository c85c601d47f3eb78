package local

import (
	"context"
	"errors"
	"testing"

	"github.com/heraldhq/herald/internal/news"
)

func TestPublish(t *testing.T) {
	p := New("local")
	a, err := p.Publish(context.Background(), "Council approves budget https://news.example/a")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p.Publish(context.Background(), "Second")
	if a.RemoteID == "" || a.RemoteID == b.RemoteID {
		t.Errorf("ids %q and %q", a.RemoteID, b.RemoteID)
	}
	var pe *news.PublishError
	if _, err := p.Publish(context.Background(), "  "); !errors.As(err, &pe) || pe.Kind != news.Rejected {
		t.Errorf("empty post: %v", err)
	}
}
