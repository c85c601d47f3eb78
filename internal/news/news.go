// Package news holds herald's domain types: articles found in feeds, the
// posts made from them, their states, and the errors that cross package
// boundaries. It imports nothing internal, so every other package can use it.
package news

import (
	"errors"
	"fmt"
	"time"
)

// Article is one story found in a feed.
type Article struct {
	ID     int64
	FeedID int64
	// GUID is the feed's own identifier for the item (RSS guid, Atom id,
	// JSON Feed id); the link when the feed gives none.
	GUID string
	// URL is the link to post: the canonical address with tracking
	// parameters removed.
	URL string
	// Key is the normalised URL used for deduplication (see URLKey).
	Key        string
	Title      string
	Summary    string
	Author     string
	Categories []string
	ImageURL   string
	// Lang is the article's language as a BCP 47 tag ("en", "ar",
	// "pt-BR"): its page's when herald read the page, else its feed's;
	// empty when neither says.
	Lang string
	// FeedTitle is the title of the feed the article came from, for post
	// templates, and FeedURL its address, for routing; neither is stored.
	FeedTitle string
	FeedURL   string
	// Published is the time the feed gives for the item; zero when it gives none.
	Published time.Time
	// Seen is when herald first recorded the article.
	Seen time.Time
}

// Status is where a post stands in the outbox.
type Status string

// The states of a post. Nothing leaves the outbox except through one of them.
const (
	StatusPending   Status = "pending"   // waits for an editor's approval
	StatusQueued    Status = "queued"    // due at or after NotBefore
	StatusSending   Status = "sending"   // claimed by a dispatcher with a lease
	StatusPublished Status = "published" // final
	StatusFailed    Status = "failed"    // final until an editor retries it
	StatusSkipped   Status = "skipped"   // final: stale, over a cap, or first-run backlog
	StatusCanceled  Status = "canceled"  // final: an editor stopped it
)

// Statuses lists every status in the order a post moves through them.
var Statuses = []Status{StatusPending, StatusQueued, StatusSending, StatusPublished, StatusFailed, StatusSkipped, StatusCanceled}

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Post is one message to one destination.
type Post struct {
	ID int64
	// ArticleID is zero for a free-text post written by an editor.
	ArticleID   int64
	Destination string
	Text        string
	Status      Status
	// Priority orders due posts: higher goes first.
	Priority int
	// NotBefore is the earliest time the post may be sent.
	NotBefore time.Time
	// SortAt orders posts of one priority, oldest first: the article's
	// publication time, or the creation time of a free-text post.
	SortAt    time.Time
	Attempts  int
	LastError string
	// RemoteID and RemoteURL identify the published post on the platform.
	RemoteID  string
	RemoteURL string
	// HasLink is true when the text contains a link (X prices those higher).
	HasLink     bool
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time
	// LeaseUntil is when a claim in StatusSending expires.
	LeaseUntil time.Time
}

// Priorities used by the dispatcher: editors' posts go before automatic ones.
const (
	PriorityNormal = 0
	PriorityEditor = 100
)

// Transition records one change of a post's status.
type Transition struct {
	PostID int64
	From   Status
	To     Status
	Reason string
	Actor  string
	At     time.Time
}

// Published is what a platform answered for a post it accepted.
type Published struct {
	RemoteID string
	URL      string
}

// ErrDuplicate means the platform refused the post as a duplicate of one it
// already holds. It is final and counts as published.
var ErrDuplicate = errors.New("the platform already has this post (duplicate content)")

// FailureKind says what the dispatcher should do about a failed publish.
type FailureKind int

// Kinds of publish failure.
const (
	// Transient failures (network errors, timeouts, 5xx) are retried with backoff.
	Transient FailureKind = iota + 1
	// RateLimited failures wait for the whole destination until Until.
	RateLimited
	// Permanent failures (bad credentials, forbidden, out of credits) pause
	// the destination until an editor resumes it.
	Permanent
	// Rejected failures concern this post alone (text too long, invalid):
	// the post fails and the destination goes on.
	Rejected
)

func (k FailureKind) String() string {
	switch k {
	case Transient:
		return "transient"
	case RateLimited:
		return "rate-limited"
	case Permanent:
		return "permanent"
	case Rejected:
		return "rejected"
	}
	return fmt.Sprintf("FailureKind(%d)", int(k))
}

// PublishError is a classified failure to publish.
type PublishError struct {
	Kind FailureKind
	// Status is the HTTP status the platform answered, 0 for network errors.
	Status int
	// Reason is a plain-words explanation fit for the dashboard; it never
	// contains a secret.
	Reason string
	// Until is when a rate limit resets (RateLimited); zero when unknown.
	Until time.Time
	Err   error
}

func (e *PublishError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s (HTTP %d): %s", e.Kind, e.Status, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Reason)
}

func (e *PublishError) Unwrap() error { return e.Err }
