package store

import (
	"context"
	"time"
)

// SubState is where a feed's WebSub subscription stands.
type SubState string

// The states of a subscription.
const (
	// SubNoHub: the feed names no hub; herald only polls it.
	SubNoHub SubState = "none"
	// SubSubscribing: a subscribe request is due or sent, and the hub has
	// not confirmed it yet.
	SubSubscribing SubState = "subscribing"
	// SubActive: the hub confirmed; it pushes until Expires, and herald
	// renews before then.
	SubActive SubState = "active"
	// SubRefused: the hub refused, denied or could not be reached; herald
	// tries again after NextAction. Reason says why.
	SubRefused SubState = "refused"
	// SubUnsubscribing: the feed left the feed list; herald asks the hub to
	// stop, and forgets the subscription once it has.
	SubUnsubscribing SubState = "unsubscribing"
)

// SubStates lists every state.
var SubStates = []SubState{SubNoHub, SubSubscribing, SubActive, SubRefused, SubUnsubscribing}

// Subscription is a feed's WebSub subscription: the hub that pushes the
// feed to herald, and how far that has got. There is at most one per feed.
type Subscription struct {
	ID     int64
	FeedID int64
	// FeedURL is the feed's URL, read with the subscription.
	FeedURL string
	// Callback is the unguessable last segment of the callback URL the hub
	// was given; it changes whenever the hub or topic does.
	Callback string
	// Hub is the hub's URL; empty when the feed names none.
	Hub string
	// Topic is the URL the hub knows the feed by (its rel="self").
	Topic string
	// Secret signs the hub's notifications (HMAC of the body).
	Secret string
	State  SubState
	// Reason is the last refusal or failure, in plain words.
	Reason string
	// Failures counts the failed requests in a row.
	Failures int
	// LeaseSeconds is the lease the hub granted; Expires is when it ends.
	LeaseSeconds int
	Expires      time.Time
	// RequestedAt is when the last subscribe or unsubscribe request was sent.
	RequestedAt time.Time
	// NextAction is when the subscription next needs work: a request, a
	// renewal, a retry (zero: none).
	NextAction time.Time
	UpdatedAt  time.Time
	// Version counts the changes to the row: SaveSubscription and
	// DeleteSubscription act only on the version they read, so that of
	// several replicas one sends each request.
	Version int64
}

// Live reports whether the hub pushes the feed at now.
func (s *Subscription) Live(now time.Time) bool {
	return s.State == SubActive && s.Expires.After(now)
}

// Subscriptions is what herald keeps of its WebSub subscriptions.
type Subscriptions interface {
	// AddSubscription records a feed's first subscription and sets its ID
	// and Version; news.ErrConflict when the feed has one already.
	AddSubscription(ctx context.Context, s *Subscription) error
	// SaveSubscription stores every field of s when the row is still at
	// s.Version, and moves s.Version on; news.ErrConflict when someone
	// changed it since it was read, news.ErrNotFound when it is gone.
	SaveSubscription(ctx context.Context, s *Subscription) error
	// DeleteSubscription removes the row when it is still at s.Version;
	// news.ErrConflict otherwise.
	DeleteSubscription(ctx context.Context, s *Subscription) error
	// FeedSubscription returns a feed's subscription (news.ErrNotFound when
	// it has none); SubscriptionByCallback finds one by its callback.
	FeedSubscription(ctx context.Context, feedID int64) (*Subscription, error)
	SubscriptionByCallback(ctx context.Context, callback string) (*Subscription, error)
	// AllSubscriptions lists every subscription, in feed order.
	AllSubscriptions(ctx context.Context) ([]*Subscription, error)
	// DueSubscriptions lists up to limit subscriptions whose NextAction has
	// come, the most overdue first.
	DueSubscriptions(ctx context.Context, now time.Time, limit int) ([]*Subscription, error)
}
