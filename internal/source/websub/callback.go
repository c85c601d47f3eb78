package websub

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// ServeHTTP answers a hub at a subscription's callback (CallbackPattern):
// GET is the hub verifying a request herald made, POST a notification.
func (s *Subscriber) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	switch r.Method {
	case http.MethodGet:
		s.verify(w, r, id)
	case http.MethodPost:
		s.notify(w, r, id)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verify answers the hub's verification of intent: the challenge is echoed
// only for a request herald made, at this callback, for this topic and
// mode; anything else is 404, so that no one can subscribe herald to
// anything by naming its address.
func (s *Subscriber) verify(w http.ResponseWriter, r *http.Request, id string) {
	q := r.URL.Query()
	mode, topic, challenge := q.Get("hub.mode"), q.Get("hub.topic"), q.Get("hub.challenge")
	// One retry: a replica or the request's own sender may move the row on
	// between the read and the write.
	for range 2 {
		sub, err := s.o.Store.SubscriptionByCallback(r.Context(), id)
		switch {
		case errors.Is(err, news.ErrNotFound) && challenge != "" && s.leftVerified(id, mode, topic):
			s.o.Log.Info("the feed's former WebSub hub confirmed the unsubscription", "topic", topic)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, challenge)
			return
		case errors.Is(err, news.ErrNotFound):
			s.o.Log.Debug("WebSub verification for an unknown callback refused", "mode", mode, "topic", topic)
			http.NotFound(w, r)
			return
		case err != nil:
			s.o.Log.Error("WebSub verification failed", "err", err)
			http.Error(w, "try again later", http.StatusServiceUnavailable)
			return
		}
		var answer string
		var keep func(context.Context, *store.Subscription) error
		switch {
		case topic != sub.Topic || sub.Hub == "":
		case mode == "subscribe" && challenge != "" && wanted(sub):
			s.confirm(sub, q.Get("hub.lease_seconds"))
			answer, keep = challenge, s.o.Store.SaveSubscription
		case mode == "unsubscribe" && challenge != "" && sub.State == store.SubUnsubscribing:
			answer, keep = challenge, s.o.Store.DeleteSubscription
		case mode == "denied" && wanted(sub):
			s.denied(sub, q.Get("hub.reason"))
			answer, keep = "ok", s.o.Store.SaveSubscription
		}
		if keep == nil {
			s.o.Log.Debug("WebSub verification of a request herald did not make refused", "feed_url", sub.FeedURL,
				"mode", mode, "topic", topic)
			http.NotFound(w, r)
			return
		}
		err = keep(r.Context(), sub)
		switch {
		case errors.Is(err, news.ErrConflict):
			continue
		case errors.Is(err, news.ErrNotFound) && mode == "unsubscribe":
			err = nil // gone already: what the hub asks about is done
		case errors.Is(err, news.ErrNotFound):
			http.NotFound(w, r)
			return
		}
		if err != nil {
			s.o.Log.Error("WebSub verification failed", "err", err)
			http.Error(w, "try again later", http.StatusServiceUnavailable)
			return
		}
		log := s.o.Log.With("feed_url", sub.FeedURL, "hub", sub.Hub)
		switch mode {
		case "subscribe":
			s.remember(sub)
			log.Info("the WebSub hub confirmed the subscription: new articles are pushed", "lease", time.Duration(sub.LeaseSeconds)*time.Second,
				"until", sub.Expires.UTC().Format(time.RFC3339))
		case "unsubscribe":
			s.forget(sub)
			log.Info("the WebSub hub confirmed the unsubscription")
		case "denied":
			s.remember(sub)
			log.Warn("the WebSub hub denied the subscription", "reason", sub.Reason,
				"retry_at", sub.NextAction.UTC().Format(time.RFC3339))
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, answer)
		return
	}
	http.Error(w, "try again later", http.StatusServiceUnavailable)
}

// wanted reports whether herald asked for sub and still wants it.
func wanted(sub *store.Subscription) bool {
	return sub.State == store.SubSubscribing || sub.State == store.SubActive || sub.State == store.SubRefused
}

// maxLeaseSeconds bounds a lease a hub grants: a year is renewed anyway.
const maxLeaseSeconds = 365 * 24 * 60 * 60

// confirm makes sub active for the lease the hub granted (what herald asked
// for when the hub does not say), to be renewed at four fifths of it.
func (s *Subscriber) confirm(sub *store.Subscription, leaseParam string) {
	lease, err := strconv.Atoi(leaseParam)
	if err != nil || lease <= 0 {
		lease = s.o.LeaseSeconds
	}
	lease = min(lease, maxLeaseSeconds)
	now := s.now()
	d := time.Duration(lease) * time.Second
	sub.State, sub.LeaseSeconds, sub.Expires = store.SubActive, lease, now.Add(d)
	sub.NextAction = now.Add(max(d*4/5, time.Second))
	sub.Failures, sub.Reason, sub.UpdatedAt = 0, "", now
}

// denied records the hub's refusal of sub; herald asks again later.
func (s *Subscriber) denied(sub *store.Subscription, why string) {
	now := s.now()
	sub.State, sub.Failures = store.SubRefused, sub.Failures+1
	sub.Reason = "the hub denied the subscription"
	if why = clean(why); why != "" {
		sub.Reason += ": " + why
	}
	sub.NextAction, sub.UpdatedAt = now.Add(s.retry(sub.Failures)), now
}

// clean keeps a hub's words printable and short.
func clean(s string) string {
	r := []rune(s)
	out := r[:0]
	for _, c := range r {
		if c >= ' ' && c != 0x7f {
			out = append(out, c)
		}
	}
	if len(out) > 200 {
		return string(out[:200]) + "…"
	}
	return string(out)
}

// notify takes a notification: its body, up to the fetcher's cap, is
// handed on only when X-Hub-Signature is its HMAC under the subscription's
// secret. Whatever the outcome the hub gets 202, as WebSub asks, so that a
// forger learns nothing; only a notification herald could not take while
// shutting down gets 503, for the hub to send it again.
func (s *Subscriber) notify(w http.ResponseWriter, r *http.Request, id string) {
	r.Body = http.MaxBytesReader(w, r.Body, fetch.DefaultMaxBody)
	result, d := s.check(r, id)
	if result == ResultAccepted {
		select {
		case s.queue <- d:
		case <-s.stopped:
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		case <-r.Context().Done():
			return
		}
	}
	s.o.Observe(result)
	w.WriteHeader(http.StatusAccepted)
}

func (s *Subscriber) check(r *http.Request, id string) (string, delivery) {
	sub, err := s.o.Store.SubscriptionByCallback(r.Context(), id)
	if err != nil {
		if !errors.Is(err, news.ErrNotFound) {
			s.o.Log.Error("WebSub notification: reading the subscription failed", "err", err)
		}
		s.o.Log.Debug("WebSub notification at an unknown callback ignored", "remote", r.RemoteAddr)
		return ResultUnknown, delivery{}
	}
	log := s.o.Log.With("feed_url", sub.FeedURL, "hub", sub.Hub)
	if sub.Hub == "" || sub.State == store.SubUnsubscribing || sub.State == store.SubNoHub {
		log.Debug("WebSub notification for a subscription herald no longer wants ignored", "state", sub.State)
		return ResultUnknown, delivery{}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			log.Warn("WebSub notification ignored: larger than the feed size limit; the next poll reads the feed",
				"limit_bytes", tooLarge.Limit)
			return ResultTooLarge, delivery{}
		}
		log.Debug("WebSub notification not read", "err", err)
		return ResultUnknown, delivery{}
	}
	if !validSignature(r.Header.Get("X-Hub-Signature"), sub.Secret, body) {
		log.Debug("WebSub notification ignored: its X-Hub-Signature is missing or does not match", "remote", r.RemoteAddr)
		return ResultBadSignature, delivery{}
	}
	return ResultAccepted, delivery{feedURL: sub.FeedURL, body: body, contentType: r.Header.Get("Content-Type")}
}

// deliverLoop hands queued notifications to Deliver.
func (s *Subscriber) deliverLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case d := <-s.queue:
			start := s.now()
			if err := s.o.Deliver(ctx, d.feedURL, d.body, d.contentType); err != nil {
				if ctx.Err() == nil {
					s.o.Log.Warn("a feed pushed by its WebSub hub was not read; the next poll reads it",
						"feed_url", d.feedURL, "err", err)
				}
				continue
			}
			s.o.Log.Debug("read a feed pushed by its WebSub hub", "feed_url", d.feedURL, "bytes", len(d.body),
				"took", s.now().Sub(start))
		}
	}
}
