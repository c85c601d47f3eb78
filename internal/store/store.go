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
	// LeaseOwner names the process that holds the feed while it fetches it,
	// until LeaseUntil (PostgreSQL replicas; empty when nobody holds it).
	LeaseOwner string
	LeaseUntil time.Time
	Articles   int // articles recorded from this feed
}

// NewArticle is an article to record, with the posts made for it (none
// when it is only recorded).
type NewArticle struct {
	Article *news.Article
	Posts   []*news.Post
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
	// EnsureFeeds is EnsureFeed for a list of feeds (a feeds file), in its
	// order, without the article counts.
	EnsureFeeds(ctx context.Context, urls []string) ([]*Feed, error)
	Feed(ctx context.Context, id int64) (*Feed, error)
	Feeds(ctx context.Context) ([]*Feed, error)
	// LeasesNeeded reports whether other processes may poll the same feeds
	// (replicas sharing a PostgreSQL database), so that a feed must be leased
	// before it is fetched. SQLite is one process's database: no leases.
	LeasesNeeded() bool
	// LeaseFeeds takes for owner, until the given time, those of the feeds ids
	// that are due (NextFetch <= now) and that no other owner holds a live
	// lease on; rows another transaction is leasing are passed over. It
	// returns the state as stored (without article counts) of the feeds it
	// leased and of the others, which say when they are due or held until.
	LeaseFeeds(ctx context.Context, ids []int64, owner string, now, until time.Time) (leased, busy []*Feed, err error)
	// RenewFeedLeases extends owner's live leases until the given time.
	RenewFeedLeases(ctx context.Context, owner string, now, until time.Time) error
	// ReleaseFeedLeases gives up owner's leases (at shutdown), so that other
	// replicas take its feeds at once rather than when the leases expire.
	ReleaseFeedLeases(ctx context.Context, owner string) error
	// SaveFeedStates stores the outcome of fetches (ETag, times, errors,
	// title), in one transaction, and releases the feeds' leases. With owner
	// set, a feed is written only while owner holds it: a feed whose lease
	// was taken by another owner, or released, is left as it is and its id
	// returned in lost. Without owner (no leases), lost lists the feeds that
	// do not exist.
	SaveFeedStates(ctx context.Context, owner string, feeds []*Feed) (lost []int64, err error)

	// ArticleSeen reports whether an article with this (feed, guid) or this
	// URL key is already recorded.
	ArticleSeen(ctx context.Context, feedID int64, guid, key string) (bool, error)
	// AddArticle records a and, in the same transaction, adds posts for it
	// (none when the article is only recorded). It returns false, and stores
	// nothing, when the article was already recorded (by (feed, guid) or by
	// URL key).
	AddArticle(ctx context.Context, a *news.Article, posts ...*news.Post) (bool, error)
	// AddArticles is AddArticle for several articles (a feed's entries) in
	// one transaction: it returns, for each, whether it was new. An error
	// records none of them.
	AddArticles(ctx context.Context, batch []NewArticle) ([]bool, error)
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

	Ping(ctx context.Context) error
	Close() error
}
