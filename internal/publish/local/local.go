// Package local is the local timeline: a publisher that keeps posts in
// herald itself instead of sending them anywhere. herald uses it when no X
// credentials are configured, and in the demo; the dashboard shows what it
// published the way followers would see it.
package local

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/heraldhq/herald/internal/news"
)

// Publisher publishes to the local timeline.
type Publisher struct {
	name      string
	dashboard string
	seq       atomic.Int64
}

// New returns a local publisher for the destination name.
func New(name string) *Publisher { return NewAt(name, "") }

// NewAt returns a local publisher whose posts have an address on the
// dashboard at dashboard ("http://127.0.0.1:8080"): the timeline there,
// at the post's id.
func NewAt(name, dashboard string) *Publisher {
	p := &Publisher{name: name, dashboard: strings.TrimRight(dashboard, "/")}
	p.seq.Store(time.Now().UnixMilli())
	return p
}

// Name is the destination's name.
func (p *Publisher) Name() string { return p.name }

// Publish accepts any message with a non-empty text.
func (p *Publisher) Publish(ctx context.Context, m news.Message) (news.Published, error) {
	if err := ctx.Err(); err != nil {
		return news.Published{}, &news.PublishError{Kind: news.Transient, Reason: "canceled", Err: err}
	}
	if strings.TrimSpace(m.Text) == "" {
		return news.Published{}, &news.PublishError{Kind: news.Rejected, Reason: "the post is empty"}
	}
	id := fmt.Sprintf("local-%d", p.seq.Add(1))
	var url string
	if p.dashboard != "" {
		url = p.dashboard + "/#" + id
	}
	return news.Published{RemoteID: id, URL: url}, nil
}

// Delete takes a post off the local timeline: there is nothing to call,
// the dashboard marks it deleted.
func (p *Publisher) Delete(ctx context.Context, remoteID string) error {
	if err := ctx.Err(); err != nil {
		return &news.PublishError{Kind: news.Transient, Reason: "canceled", Err: err}
	}
	return nil
}
