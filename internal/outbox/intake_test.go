package outbox

import (
	"errors"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
)

func TestIntake(t *testing.T) {
	now := t0
	art := func(age time.Duration, cats ...string) *news.Article {
		return &news.Article{Title: "Bridge reopens", URL: "https://news.example.org/bridge", Published: now.Add(-age), Categories: cats}
	}
	in := Intake{MaxAge: time.Hour, Breaking: []string{"Breaking"}}
	p := in.Post(art(time.Minute), "x", "Bridge reopens https://news.example.org/bridge", nil, Judgement{}, now)
	if p.Status != news.StatusQueued || p.Priority != news.PriorityNormal || !p.HasLink || !p.NotBefore.Equal(now) || p.CreatedBy != "feed" {
		t.Errorf("fresh article: %+v", p)
	}
	if p := in.Post(art(time.Minute, " breaking "), "x", "Bridge reopens", nil, Judgement{}, now); p.Priority != PriorityBreaking || p.HasLink {
		t.Errorf("breaking, no link: %+v", p)
	}
	if p := in.Post(art(2*time.Hour), "x", "Bridge reopens", nil, Judgement{}, now); p.Status != news.StatusSkipped || p.LastError != "published 2h0m0s ago, more than HERALD_MAX_AGE (1h0m0s)" {
		t.Errorf("old article: %+v", p)
	}
	if p := in.Post(art(time.Minute), "x", "", errors.New("template: no summary"), Judgement{}, now); p.Status != news.StatusFailed ||
		p.Text != "Bridge reopens https://news.example.org/bridge" || !p.HasLink {
		t.Errorf("unwritten post: %+v", p)
	}
	if p := in.Post(art(time.Minute), "x", "Bridge reopens", nil, Judgement{Hold: "held: marked sponsored"}, now); p.Status != news.StatusPending || p.LastError != "held: marked sponsored" {
		t.Errorf("held: %+v", p)
	}
	if p := in.Post(art(time.Minute), "x", "Bridge reopens", nil, Judgement{Skip: "excluded by HERALD_EXCLUDE: the title matches", Hold: "held"}, now); p.Status != news.StatusSkipped {
		t.Errorf("excluded: %+v", p)
	}
	in.Approval = true
	if p := in.Post(art(time.Minute), "x", "Bridge reopens", nil, Judgement{}, now); p.Status != news.StatusPending {
		t.Errorf("with approval: %+v", p)
	}
}
