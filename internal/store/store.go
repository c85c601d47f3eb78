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

// ClaimRules are the outbox's rules for taking a post, which ClaimPost
// applies in its transaction so that replicas sharing a database keep them
// together. The store reads what the rules need and writes what they
// decide; it decides nothing itself.
type ClaimRules interface {
	// MinPriority leaves posts of a lower priority where they are.
	MinPriority() int
	// Since says which of the destination's recent use the rules read:
	// posts published or being sent since day (zero: none needed), and
	// since month, with their links (zero: none needed).
	Since(now time.Time) (day, month time.Time)
	// Admit refuses every claim now (with an error ClaimPost returns as it
	// is), or lets the claim go on.
	Admit(now time.Time, u Use) error
	// Defer changes a post that may not go now although it is due (it does
	// not fit what is left to spend) and reports whether it did; the store
	// records the change and looks for the next post.
	Defer(p *news.Post, u Use, now time.Time) (reason string, deferred bool)
	// Claim changes the post taken to be sent, and says why.
	Claim(p *news.Post, now time.Time) (reason string)
}

// Use is what a destination has published or is sending (a live lease).
type Use struct {
	// Day counts the posts since the day's start that Since gave; Oldest
	// is the earliest of them, and Last the latest ever (zero times when
	// none).
	Day          int
	Oldest, Last time.Time
	// Month counts the posts since the month's start, WithLink those of
	// them that hold a link.
	Month, WithLink int
	// Deletes counts the posts deleted (or being deleted) since the
	// month's start: X charges for those too.
	Deletes int
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

// Session is an editor's signed-in browser on the dashboard, kept by the
// SHA-256 of its cookie's value.
type Session struct {
	Key     string
	Editor  string
	CSRF    string
	Expires time.Time
}

// PostFilter selects posts for listing.
type PostFilter struct {
	Statuses    []news.Status
	Destination string
	// ArticleID keeps the posts of one article (zero: all).
	ArticleID int64
	// SortBefore keeps posts whose SortAt is before it (zero: all).
	SortBefore time.Time
	Limit      int // 0 = 100
	// Order is how the posts are listed: in due order (the default), by
	// last change, or newest made first.
	Order PostOrder
	// After, when set, lists the posts that come after it in the order
	// (ByUpdate and ByID only): a page's cursor.
	After *Cursor
}

// PostOrder is an order of listed posts.
type PostOrder int

// The orders of listed posts.
const (
	// ByDue lists posts as they are due: priority, then due time.
	ByDue PostOrder = iota
	// ByUpdate lists the latest published or changed first.
	ByUpdate
	// ByID lists the newest made first; it never changes, so pages by it
	// read every post once.
	ByID
)

// Cursor is where a page of posts ended: the last post's id and, for
// ByUpdate, its time in that order.
type Cursor struct {
	At time.Time
	ID int64
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

	// AddPost adds posts (an editor's, or ones made later for an article)
	// in one transaction: all of them, or none. A second post of one
	// article to one destination is news.ErrConflict.
	AddPost(ctx context.Context, posts ...*news.Post) error
	Post(ctx context.Context, id int64) (*news.Post, error)
	Posts(ctx context.Context, f PostFilter) ([]*news.Post, error)
	// CountPosts counts posts by status.
	CountPosts(ctx context.Context) (map[news.Status]int, error)
	History(ctx context.Context, postID int64) ([]news.Transition, error)

	// ClaimPost takes the next due post for dest within the rules: queued
	// with NotBefore <= now, or sending with an expired lease (its holder
	// died), in the outbox's order (highest priority first, then the
	// oldest SortAt, then the first made), and records what r.Claim makes
	// of it. The rules are applied in the same transaction, counting posts
	// other processes are sending, so replicas sharing a database keep
	// them together. news.ErrNotFound when none is due; Admit's error when
	// the rules forbid one now.
	ClaimPost(ctx context.Context, dest string, now time.Time, r ClaimRules) (*news.Post, error)
	// NextDue returns when the next queued post for dest becomes due (zero
	// when there is none).
	NextDue(ctx context.Context, dest string) (time.Time, error)
	// Transition moves a post from one of the states in from to to, recording
	// reason and actor; news.ErrConflict when it is in none of them. The
	// update func, when set, makes the transition's other changes to the
	// post (the outbox's state machine) before it is saved.
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

	// A destination's session on its network (Bluesky's tokens), opaque
	// and secret, shared by replicas so that none logs in again:
	// LoadSession returns nil data and no error when none was saved.
	LoadSession(ctx context.Context, dest string) ([]byte, error)
	SaveSession(ctx context.Context, dest string, data []byte) error

	// Editors' dashboard sessions, shared by replicas. AddSession drops
	// the expired ones, and past max the ones closest to expiring; Session
	// returns news.ErrNotFound for none or an expired one.
	AddSession(ctx context.Context, s Session, now time.Time, max int) error
	Session(ctx context.Context, key string, now time.Time) (*Session, error)
	DeleteSession(ctx context.Context, key string) error
	// Failed sign-ins, shared by replicas: AddSignInFailure records one
	// (forgetting those older than keep), SignInFailures counts those since
	// a time from one address and from all.
	AddSignInFailure(ctx context.Context, addr string, at time.Time, keep time.Duration) error
	SignInFailures(ctx context.Context, addr string, since time.Time) (fromAddr, total int, err error)
	// WebSub subscriptions, one per feed.
	Subscriptions
	// Articles that changed after they were posted, and what was done.
	Attention

	Ping(ctx context.Context) error
	Close() error
}
