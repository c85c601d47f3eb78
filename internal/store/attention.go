package store

import (
	"context"
	"time"

	"github.com/heraldhq/herald/internal/news"
)

// AttentionKind is what changed about an article after herald posted it.
type AttentionKind string

// The kinds of change editors are told about.
const (
	// KindCorrection: the article's headline changed.
	KindCorrection AttentionKind = "correction"
	// KindTakedown: the article was pulled (its page answers 404 or 410,
	// or the newsroom's CMS retracted it).
	KindTakedown AttentionKind = "takedown"
)

// AttentionEvent is one change editors need to see: the article, what
// changed, and, once someone acted, what was done.
type AttentionEvent struct {
	ID        int64
	ArticleID int64
	Kind      AttentionKind
	// OldTitle is the headline herald posted; NewTitle the corrected one
	// (corrections only).
	OldTitle, NewTitle string
	// Detail says what was seen, in plain words ("page gone: 410").
	Detail string
	// Source is where the change was noticed: "feed", "page" or "cms".
	Source string
	// Open is true until an editor (or the policy) acted on it.
	Open bool
	// Resolution says what was done, ResolvedBy who did it.
	Resolution, ResolvedBy string
	CreatedAt, UpdatedAt   time.Time
	ResolvedAt             time.Time
}

// DeletionStatus is where the deletion of a published post stands.
type DeletionStatus string

// The states of a deletion: queued → sending (claimed with a lease) →
// deleted | failed; a transient failure goes back to queued, later.
const (
	DeletionQueued  DeletionStatus = "queued"
	DeletionSending DeletionStatus = "sending"
	DeletionDone    DeletionStatus = "deleted"
	DeletionFailed  DeletionStatus = "failed"
)

// Deletion is the taking back of one published post from its network.
type Deletion struct {
	ID     int64
	PostID int64
	// Destination and RemoteID are where the post was published and the
	// id the network gave it, copied from the post when it was asked for.
	Destination, RemoteID string
	Status                DeletionStatus
	Attempts              int
	NotBefore, LeaseUntil time.Time
	LastError             string
	RequestedBy, Reason   string
	// AttentionID is the event that led to it (0: none).
	AttentionID          int64
	CreatedAt, UpdatedAt time.Time
	DeletedAt            time.Time
}

// PageCheck is what herald remembers of a posted article's page between
// two checks.
type PageCheck struct {
	ArticleID int64
	// URL is the article's page; FeedURL its feed's, whose origin is
	// trusted (both read with the check, not stored).
	URL, FeedURL string
	ETag         string
	LastModified string
	// Status is the HTTP status of the last check (0: never checked, or
	// no answer).
	Status    int
	CheckedAt time.Time
	NextCheck time.Time
}

// Attention is what herald keeps about articles that changed after they
// were posted, the deletions of their posts, and the checks of their pages.
type Attention interface {
	// AddAttention records e, open, unless its article has an open event
	// of its kind: that one is then brought up to date (its new headline
	// and detail) and returned in e. created tells which.
	AddAttention(ctx context.Context, e *AttentionEvent) (created bool, err error)
	AttentionEvent(ctx context.Context, id int64) (*AttentionEvent, error)
	// AttentionEvents lists the open events, or the open and the resolved,
	// newest first.
	AttentionEvents(ctx context.Context, withResolved bool, limit int) ([]*AttentionEvent, error)
	CountOpenAttention(ctx context.Context) (int, error)
	// ResolveAttention closes an open event, saying what was done and by
	// whom; news.ErrConflict when it is not open. ReopenAttention undoes it.
	ResolveAttention(ctx context.Context, id int64, resolution, by string, now time.Time) (*AttentionEvent, error)
	ReopenAttention(ctx context.Context, id int64, now time.Time) error

	// SetArticleTitle records an article's corrected headline.
	SetArticleTitle(ctx context.Context, id int64, title string) error
	// ArticlePosts lists every post made for an article, oldest first.
	ArticlePosts(ctx context.Context, articleID int64) ([]*news.Post, error)
	// WatchedArticles lists a feed's articles that have a post published
	// at or after since, or one still waiting to go out.
	WatchedArticles(ctx context.Context, feedID int64, since time.Time) ([]*news.Article, error)

	// AddDeletion asks for a post's deletion and sets d.ID; news.ErrConflict
	// when the post has one already.
	AddDeletion(ctx context.Context, d *Deletion) error
	// ClaimDeletion takes the next due deletion for dest (queued
	// and due, or sending with an expired lease), moves it to sending until
	// lease and counts the attempt; news.ErrNotFound when none is due.
	ClaimDeletion(ctx context.Context, dest string, now, lease time.Time) (*Deletion, error)
	// SaveDeletion writes what a try made of a deletion.
	SaveDeletion(ctx context.Context, d *Deletion) error
	// PostDeletions returns the deletions of the given posts, by post.
	PostDeletions(ctx context.Context, postIDs []int64) (map[int64]*Deletion, error)
	// DeletionsByStatus lists deletions in the given states, the latest
	// changed first.
	DeletionsByStatus(ctx context.Context, statuses []DeletionStatus, limit int) ([]*Deletion, error)
	// CountDeletions counts dest's deletions done (or being sent) since a
	// time: X charges for them.
	CountDeletions(ctx context.Context, dest string, since, now time.Time) (int, error)

	// DuePageChecks lists up to limit articles whose page is due a check:
	// articles with a post published at or after since, or one waiting to
	// go out, that have no takedown recorded, whose next check has come:
	// those whose item left their feed since their last check first, then
	// the most overdue (the never checked by when they were seen).
	DuePageChecks(ctx context.Context, since, now time.Time, limit int) ([]*PageCheck, error)
	// SavePageCheck stores a check's outcome and the next one's time.
	SavePageCheck(ctx context.Context, c *PageCheck) error
	// PageLeftFeed records that an article's item left its feed at now and
	// makes its page due at once, ahead of the routine checks. Only the
	// first time counts: a page is not asked for again and again because
	// its item stays out of the feed.
	PageLeftFeed(ctx context.Context, articleID int64, now time.Time) error
}
