// Package store declares what herald keeps in its database. The backends,
// sqlite/ (the default) and postgres/ (for several replicas), open their
// database and share one implementation of Store over database/sql,
// sqlstore/; every backend passes the one behavioural suite in storetest/.
package store

import (
	"context"
	"time"

	"github.com/heraldhq/herald/internal/news"
)

// Feed is a feed herald polls, with what it remembers between polls.
type Feed struct {
	ID           int64
	URL          string
	Title        string
	ETag         string
	LastModified string
	// Initialized is false until the first successful fetch, which applies
	// the first-run rule (HERALD_FIRST_RUN) instead of posting the backlog.
	Initialized bool
	LastFetch   time.Time
	LastSuccess time.Time
	LastStatus  string // "ok", "not-modified" or "error"
	LastError   string
	Failures    int
	NextFetch   time.Time
	Articles    int // articles recorded from this feed
}

// Destination is an account herald posts to, with its state.
type Destination struct {
	Name string
	// Paused is set when the platform refused the credentials or the account
	// is out of credits; an editor resumes it.
	Paused      bool
	PauseReason string
	// WaitUntil is when a rate limit lifts, or when a destination that is
	// down is next probed; zero when nothing holds it back.
	WaitUntil time.Time
	// DownSince is when the destination's network stopped answering (zero
	// while it answers); DownReason is its last failure, and Probes counts
	// the failed tries since.
	DownSince  time.Time
	DownReason string
	Probes     int
	// Trigger is the post whose failure found the outage: its try is given
	// back once a probe with another post fails too.
	Trigger int64
}

// Usage is what a destination published in a period.
type Usage struct {
	Count    int // posts published in the period
	WithLink int // of which contained a link (X prices those higher)
	// Oldest is the earliest publication in the period (zero when none).
	Oldest time.Time
	// Last is the latest publication ever, in the period or before it.
	Last time.Time
}

// ClaimRules limit what ClaimPost may take.
type ClaimRules struct {
	// MinPriority leaves lower-priority posts (during quiet hours).
	MinPriority int
	// MinInterval is the least time since the last post published or
	// being sent to the destination.
	MinInterval time.Duration
	// DailyCap is the most posts published or being sent in 24 hours (0: none).
	DailyCap int
	// Budget, when set, is the month's spending limit.
	Budget *Budget
}

// Limited is ClaimPost's answer when a rule holds posts back until a time.
type Limited struct {
	Until time.Time
	Rule  string
}

func (l *Limited) Error() string {
	return "store: " + l.Rule + " holds posts until " + l.Until.UTC().Format(time.RFC3339)
}

// AllDestinations is the destination name whose pause holds every destination.
const AllDestinations = "*"

// AuditEntry is one thing someone did.
type AuditEntry struct {
	At     time.Time
	Actor  string
	Action string
	PostID int64 // 0 when the action concerns no post
	Detail string
}

// PostFilter selects posts for listing.
type PostFilter struct {
	Statuses    []news.Status
	Destination string
	// SortBefore keeps posts whose SortAt is before it (zero: all).
	SortBefore time.Time
	Limit      int // 0 = 100
	// NewestFirst orders by last update, newest first; otherwise by due time.
	NewestFirst bool
}

// Store is everything herald keeps. Methods return news.ErrNotFound for a
// missing row and news.ErrConflict for an action the row's state forbids.
type Store interface {
	// Feeds.
	EnsureFeed(ctx context.Context, url string) (*Feed, error)
	Feed(ctx context.Context, id int64) (*Feed, error)
	Feeds(ctx context.Context) ([]*Feed, error)
	// SaveFeedState stores the outcome of a fetch (ETag, times, errors,
	// title) and releases the feed's lease.
	SaveFeedState(ctx context.Context, f *Feed) error
	// LeaseFeed takes the feed for owner until the given time, when it is due
	// (NextFetch <= now) and no other owner holds a live lease on it. It
	// returns the feed's state as stored (without the article count, which
	// would cost a count on every poll), and whether the lease was taken.
	LeaseFeed(ctx context.Context, id int64, owner string, now, until time.Time) (*Feed, bool, error)
	// RenewFeedLeases extends owner's live leases until the given time.
	RenewFeedLeases(ctx context.Context, owner string, now, until time.Time) error

	// ArticleSeen reports whether an article with this (feed, guid) or this
	// URL key is already recorded.
	ArticleSeen(ctx context.Context, feedID int64, guid, key string) (bool, error)
	// AddArticle records a and, in the same transaction, adds posts for it
	// (none when the article is only recorded). It returns false, and stores
	// nothing, when the article was already recorded (by (feed, guid) or by
	// URL key).
	AddArticle(ctx context.Context, a *news.Article, posts ...*news.Post) (bool, error)
	Article(ctx context.Context, id int64) (*news.Article, error)

	// AddPost adds a post (an editor's, or one made later for an article).
	// A second post of one article to one destination is news.ErrConflict.
	AddPost(ctx context.Context, p *news.Post) error
	Post(ctx context.Context, id int64) (*news.Post, error)
	Posts(ctx context.Context, f PostFilter) ([]*news.Post, error)
	// CountPosts counts posts by status.
	CountPosts(ctx context.Context) (map[news.Status]int, error)
	History(ctx context.Context, postID int64) ([]news.Transition, error)

	// ClaimPost takes the next due post for dest within the rules: queued
	// with NotBefore <= now, or sending with an expired lease (its holder
	// died), highest priority first, then oldest. The post moves to sending
	// with a lease until now+lease and one more attempt. The rules are
	// checked in the same transaction, counting posts other processes are
	// sending, so replicas sharing a database keep them together.
	// news.ErrNotFound when none is due; *Limited when the rules forbid one now.
	ClaimPost(ctx context.Context, dest string, now time.Time, lease time.Duration, r ClaimRules) (*news.Post, error)
	// NextDue returns when the next queued post for dest becomes due (zero
	// when there is none).
	NextDue(ctx context.Context, dest string) (time.Time, error)
	// Transition moves a post from one of the states in from to to, recording
	// reason and actor; news.ErrConflict when it is in none of them. The
	// update func, when set, may change the post's fields before it is saved.
	Transition(ctx context.Context, id int64, from []news.Status, to news.Status, reason, actor string, now time.Time, update func(*news.Post)) (*news.Post, error)

	// Published counts the posts to dest published at or after since.
	Published(ctx context.Context, dest string, since time.Time) (Usage, error)

	// ArticleByKey finds an article by its URL key.
	ArticleByKey(ctx context.Context, key string) (*news.Article, error)

	// AddAudit records an action; AuditLog lists the newest first.
	AddAudit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, limit int) ([]AuditEntry, error)

	Destination(ctx context.Context, name string) (*Destination, error)
	SaveDestination(ctx context.Context, d *Destination) error

	// WebSub subscriptions, one per feed.
	Subscriptions

	Ping(ctx context.Context) error
	Close() error
}
