package outbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/news"
)

// PriorityBreaking is the priority of an article in a breaking category:
// above the rest, below editors' posts.
const PriorityBreaking = 50

// Intake is the rule by which automatic posts enter the outbox: what state
// each starts in, how urgent it is, and what it costs.
type Intake struct {
	// Approval makes every automatic post wait for an editor (pending).
	Approval bool
	// MaxAge skips a post whose article was published longer ago.
	MaxAge time.Duration
	// Breaking categories go before the rest.
	Breaking []string
}

// Judgement is what was found about an article's content before it
// becomes posts: a reason to skip it (an operator's exclusion), or to hold
// it for an editor (it looks sponsored, its link leaves the site).
type Judgement struct {
	Skip, Hold string
}

// Post makes the automatic post of article a for destination dest from its
// text, or from the error that kept the text from being written, in the
// state the judgement and the rules give it.
func (in Intake) Post(a *news.Article, dest, text string, writeErr error, j Judgement, now time.Time) *news.Post {
	p := &news.Post{
		Destination: dest,
		Status:      news.StatusQueued,
		Priority:    news.PriorityNormal,
		SortAt:      a.Published,
		NotBefore:   now,
		CreatedAt:   now,
		CreatedBy:   "feed",
	}
	if in.Approval {
		p.Status = news.StatusPending
	}
	if in.breaking(a) {
		p.Priority = PriorityBreaking
	}
	switch {
	case writeErr != nil:
		p.Status = news.StatusFailed
		p.LastError = "could not write the post: " + writeErr.Error()
		text = a.Title + " " + a.URL
	case j.Skip != "":
		p.Status, p.LastError = news.StatusSkipped, j.Skip
	case in.MaxAge > 0 && now.Sub(a.Published) > in.MaxAge:
		p.Status = news.StatusSkipped
		p.LastError = fmt.Sprintf("published %s ago, more than HERALD_MAX_AGE (%s)", now.Sub(a.Published).Round(time.Minute), in.MaxAge)
	case j.Hold != "":
		p.Status, p.LastError = news.StatusPending, j.Hold
	}
	setText(p, text)
	return p
}

func (in Intake) breaking(a *news.Article) bool {
	for _, c := range a.Categories {
		for _, b := range in.Breaking {
			if strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(b)) {
				return true
			}
		}
	}
	return false
}
