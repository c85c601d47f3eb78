// Package hubfake is a WebSub hub for tests. It takes subscribe and
// unsubscribe requests, verifies the subscriber's intent at its callback as
// a real hub does (a GET with hub.challenge, which must come back as the
// whole body, before anything changes), keeps leases and lets them lapse,
// takes publishers' pings (hub.mode=publish: it fetches the topic and
// distributes it), and delivers content signed with each subscriber's
// secret — or unsigned, or signed wrongly, to prove a subscriber ignores it.
package hubfake

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/source/websub"
)

// Options configure the hub. The zero value grants what is asked.
type Options struct {
	// LeaseSeconds, when above zero, is the lease granted whatever the
	// subscriber asks; otherwise the hub grants what is asked, or
	// DefaultLease.
	LeaseSeconds int
	// Method signs deliveries: sha1, sha256 (the default), sha384 or sha512.
	Method string
	// Client calls subscribers and fetches topics; default a client with a
	// 10-second timeout.
	Client *http.Client
	Clock  func() time.Time
}

// DefaultLease is the lease granted when the subscriber asks for none.
const DefaultLease = 3600

// Subscription is a verified subscription.
type Subscription struct {
	Callback string
	Topic    string
	Secret   string
	Lease    int
	Expires  time.Time
}

// Request is a subscribe or unsubscribe request the hub took, and what its
// verification found.
type Request struct {
	Mode         string
	Topic        string
	Callback     string
	Secret       string
	LeaseSeconds int // asked; 0 when the subscriber did not say
	At           time.Time
	// Verified is set once the subscriber echoed the challenge; Err says
	// why verification failed.
	Verified bool
	Err      string
}

// Hub is the fake hub, an http.Handler safe for concurrent use.
type Hub struct {
	o   Options
	url string

	mu       sync.Mutex
	refusal  string
	subs     map[string]*Subscription // by callback
	requests []*Request
	pending  sync.WaitGroup
}

// New returns a hub.
func New(o Options) *Hub {
	if o.Method == "" {
		o.Method = "sha256"
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return &Hub{o: o, subs: make(map[string]*Subscription)}
}

// SetURL tells the hub its own address, for the Link header of deliveries.
func (h *Hub) SetURL(u string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.url = u
}

// Refuse makes the hub answer every request 400 with reason as plain text
// ("" accepts them again).
func (h *Hub) Refuse(reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refusal = reason
}

// ServeHTTP takes a form POST: hub.mode subscribe or unsubscribe (answered
// 202, then verified), or publish (hub.url: answered 202, then fetched and
// distributed).
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST a form", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
		return
	}
	f := r.PostForm
	h.mu.Lock()
	refusal := h.refusal
	h.mu.Unlock()
	if refusal != "" {
		http.Error(w, refusal, http.StatusBadRequest)
		return
	}
	switch mode := f.Get("hub.mode"); mode {
	case "subscribe", "unsubscribe":
		req := &Request{Mode: mode, Topic: f.Get("hub.topic"), Callback: f.Get("hub.callback"), Secret: f.Get("hub.secret"), At: h.o.Clock()}
		if u, err := url.Parse(req.Callback); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			http.Error(w, "hub.callback is not an http(s) URL", http.StatusBadRequest)
			return
		}
		if req.Topic == "" {
			http.Error(w, "hub.topic is missing", http.StatusBadRequest)
			return
		}
		if len(req.Secret) >= 200 {
			http.Error(w, "hub.secret must be shorter than 200 bytes", http.StatusBadRequest)
			return
		}
		if s := f.Get("hub.lease_seconds"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				http.Error(w, "hub.lease_seconds is not a positive number", http.StatusBadRequest)
				return
			}
			req.LeaseSeconds = n
		}
		h.mu.Lock()
		h.requests = append(h.requests, req)
		h.pending.Add(1)
		h.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		go func() {
			defer h.pending.Done()
			h.verify(context.Background(), req)
		}()
	case "publish":
		topic := f.Get("hub.url")
		if topic == "" {
			topic = f.Get("hub.topic")
		}
		if topic == "" {
			http.Error(w, "hub.url is missing", http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.pending.Add(1)
		h.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		go func() {
			defer h.pending.Done()
			h.fetchAndPublish(context.Background(), topic)
		}()
	default:
		http.Error(w, fmt.Sprintf("hub.mode %q is not subscribe, unsubscribe or publish", mode), http.StatusBadRequest)
	}
}

// verify checks the subscriber's intent, and only then applies the request.
func (h *Hub) verify(ctx context.Context, req *Request) {
	lease := req.LeaseSeconds
	switch {
	case h.o.LeaseSeconds > 0:
		lease = h.o.LeaseSeconds
	case lease == 0:
		lease = DefaultLease
	}
	q := url.Values{"hub.mode": {req.Mode}, "hub.topic": {req.Topic}, "hub.challenge": {rand.Text()}}
	if req.Mode == "subscribe" {
		q.Set("hub.lease_seconds", strconv.Itoa(lease))
	}
	err := h.call(ctx, req.Callback, q)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		req.Err = err.Error()
		return
	}
	req.Verified = true
	switch req.Mode {
	case "subscribe":
		h.subs[req.Callback] = &Subscription{Callback: req.Callback, Topic: req.Topic, Secret: req.Secret, Lease: lease,
			Expires: h.o.Clock().Add(time.Duration(lease) * time.Second)}
	case "unsubscribe":
		delete(h.subs, req.Callback)
	}
}

// call makes the verification GET and checks the echo.
func (h *Hub) call(ctx context.Context, callback string, q url.Values) error {
	u, err := url.Parse(callback)
	if err != nil {
		return err
	}
	all := u.Query()
	for k, v := range q {
		all[k] = v
	}
	u.RawQuery = all.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := h.o.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the subscriber answered %d", resp.StatusCode)
	}
	if want := q.Get("hub.challenge"); want != "" && string(body) != want {
		return fmt.Errorf("the subscriber answered %q, not the challenge", body)
	}
	return nil
}

// Deny tells the subscriber at callback that its subscription to topic is
// denied (hub.mode=denied), and drops it.
func (h *Hub) Deny(ctx context.Context, callback, topic, reason string) error {
	h.mu.Lock()
	delete(h.subs, callback)
	h.mu.Unlock()
	return h.call(ctx, callback, url.Values{"hub.mode": {"denied"}, "hub.topic": {topic}, "hub.reason": {reason}})
}

// Verify asks the subscriber at callback to confirm a request it may never
// have made, as an attacker naming herald's address would; nil when it
// echoed the challenge.
func (h *Hub) Verify(ctx context.Context, callback, mode, topic string) error {
	return h.call(ctx, callback, url.Values{"hub.mode": {mode}, "hub.topic": {topic}, "hub.challenge": {rand.Text()},
		"hub.lease_seconds": {"3600"}})
}

func (h *Hub) fetchAndPublish(ctx context.Context, topic string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, topic, nil)
	if err != nil {
		return
	}
	resp, err := h.o.Client.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return
	}
	h.Publish(ctx, topic, body, resp.Header.Get("Content-Type"))
}

// Publish delivers body to every live subscriber of topic, signed with its
// secret, and returns how many answered 2xx.
func (h *Hub) Publish(ctx context.Context, topic string, body []byte, contentType string) (int, error) {
	var errs []error
	n := 0
	for _, s := range h.Subscribers(topic) {
		status, err := h.Send(ctx, s.Callback, topic, body, contentType, websub.Sign(h.o.Method, s.Secret, body))
		switch {
		case err != nil:
			errs = append(errs, err)
		case status >= 200 && status <= 299:
			n++
		default:
			errs = append(errs, fmt.Errorf("%s answered %d", s.Callback, status))
		}
	}
	return n, errors.Join(errs...)
}

// Send posts body to callback with the X-Hub-Signature given (none when
// empty), as a hub — or someone posing as one — would, and returns the
// status of the answer.
func (h *Hub) Send(ctx context.Context, callback, topic string, body []byte, contentType, signature string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callback, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", contentType)
	h.mu.Lock()
	self := h.url
	h.mu.Unlock()
	link := fmt.Sprintf("<%s>; rel=\"self\"", topic)
	if self != "" {
		link = fmt.Sprintf("<%s>; rel=\"hub\", %s", self, link)
	}
	req.Header.Set("Link", link)
	if signature != "" {
		req.Header.Set("X-Hub-Signature", signature)
	}
	resp, err := h.o.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// Subscribers returns the live subscriptions to topic.
func (h *Hub) Subscribers(topic string) []Subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.o.Clock()
	var out []Subscription
	for _, s := range h.subs {
		if s.Topic == topic && s.Expires.After(now) {
			out = append(out, *s)
		}
	}
	slices.SortFunc(out, func(a, b Subscription) int { return a.Expires.Compare(b.Expires) })
	return out
}

// Expire ends every lease on topic now, as time would.
func (h *Hub) Expire(topic string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range h.subs {
		if s.Topic == topic {
			s.Expires = h.o.Clock()
		}
	}
}

// Requests returns the subscribe and unsubscribe requests taken so far,
// oldest first, with what their verification found.
func (h *Hub) Requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Request, len(h.requests))
	for i, r := range h.requests {
		out[i] = *r
	}
	return out
}

// Count returns how many requests of mode the hub took for topic.
func (h *Hub) Count(mode, topic string) int {
	n := 0
	for _, r := range h.Requests() {
		if r.Mode == mode && r.Topic == topic {
			n++
		}
	}
	return n
}

// Wait waits for the verifications and publications under way.
func (h *Hub) Wait() { h.pending.Wait() }
