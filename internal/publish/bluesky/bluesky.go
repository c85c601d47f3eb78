// Package bluesky publishes posts to a Bluesky account through its PDS (the
// AT Protocol's XRPC over HTTP): app.bsky.feed.post records with facets for
// links and hashtags, the post's languages and a link card
// (app.bsky.embed.external) whose thumbnail is the article's image, uploaded
// as a blob. It logs in once with an app password and keeps the session in
// a SessionStore, refreshing it when the access token expires, because
// Bluesky locks accounts that log in too often. Every answer becomes a
// news.Published or a *news.PublishError whose Kind tells the dispatcher what
// to do.
package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/heraldhq/herald/internal/media"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish"
)

// DefaultService is the PDS herald talks to unless HERALD_BLUESKY_SERVICE
// says otherwise.
const DefaultService = "https://bsky.social"

const (
	postCollection = "app.bsky.feed.post"
	// maxThumbBytes is the post lexicon's limit on a link card's image.
	maxThumbBytes  = 1_000_000
	defaultTimeout = 30 * time.Second
	// recentPosts is how many of the account's latest posts are read before
	// posting, to find a post an earlier try made but never heard back of.
	recentPosts = 10
	// sameTryWindow bounds how old such a post may be: older ones with the
	// same text are earlier posts an editor chose to repeat.
	sameTryWindow = 24 * time.Hour
)

// SessionStore keeps a destination's session (its tokens) across restarts,
// so that herald logs in once and then only refreshes. LoadSession returns
// nil data and no error when none was saved. The data is opaque and holds
// tokens: store it as a secret. Implementations must be safe for concurrent
// use.
type SessionStore interface {
	LoadSession(ctx context.Context, dest string) ([]byte, error)
	SaveSession(ctx context.Context, dest string, data []byte) error
}

// Options configure a Publisher.
type Options struct {
	// Name is the destination's name: the key of its session in Sessions,
	// and what Name returns. "bluesky" when empty.
	Name string
	// Credentials is the prefix of the variables the handle, app password
	// and service come from, named in errors so that an operator with
	// several accounts knows which to fix; "HERALD_BLUESKY" when empty.
	Credentials string
	// Service is the PDS's address (HERALD_BLUESKY_SERVICE); DefaultService
	// when empty.
	Service string
	// Handle (or the account's DID) and AppPassword log in: an app password
	// from Settings → App passwords, never the account's own password.
	Handle      string
	AppPassword string
	// Sessions keeps the session across restarts. Nil keeps it in memory
	// only, so every start logs in again: fine for a test, not for a
	// daemon that may restart in a loop.
	Sessions SessionStore
	// Images fetches link-card thumbnails (herald's *fetch.Fetcher, whose
	// guard applies); nil posts cards without one.
	Images media.Fetcher
	// HTTPClient carries the calls to the PDS; nil means a client with a
	// 30-second timeout.
	HTTPClient *http.Client
	// Clock gives createdAt and reads rate-limit resets; nil means time.Now.
	Clock func() time.Time
	// Logger notes what does not stop a post (a thumbnail left out, a
	// session that could not be saved); nil discards.
	Logger *slog.Logger
}

// Publisher posts to one Bluesky account. It is safe for concurrent use.
type Publisher struct {
	name, handle, password string
	service                string
	vars                   string // the credentials' prefix, for messages
	store                  SessionStore
	images                 media.Fetcher
	client                 *http.Client
	now                    func() time.Time
	log                    *slog.Logger

	// auth serialises logging in and refreshing; mu guards sess.
	auth sync.Mutex
	mu   sync.Mutex
	sess *session

	thumbs thumbCache
}

// New checks the options and returns a Publisher. It makes no call: the
// first Publish or Check logs in, or resumes the stored session.
func New(o Options) (*Publisher, error) {
	vars := o.Credentials
	if vars == "" {
		vars = "HERALD_BLUESKY"
	}
	if strings.TrimSpace(o.Handle) == "" {
		return nil, fmt.Errorf("bluesky: the handle is not set (%s_HANDLE)", vars)
	}
	if strings.TrimSpace(o.AppPassword) == "" {
		return nil, fmt.Errorf("bluesky: the app password is not set (%s_APP_PASSWORD)", vars)
	}
	service := strings.TrimRight(o.Service, "/")
	if service == "" {
		service = DefaultService
	}
	u, err := url.Parse(service)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("bluesky: the service must be an http or https address such as %s, with no user, query or fragment", DefaultService)
	}
	name := o.Name
	if name == "" {
		name = "bluesky"
	}
	client := publish.Client(o.HTTPClient, defaultTimeout)
	now := o.Clock
	if now == nil {
		now = time.Now
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Publisher{
		name: name, vars: vars, handle: strings.TrimPrefix(strings.TrimSpace(o.Handle), "@"), password: o.AppPassword,
		service: service, store: o.Sessions, images: o.Images, client: client, now: now,
		log: log.With("destination", name),
	}, nil
}

// Name is the destination's name.
func (p *Publisher) Name() string { return p.name }

// post is an app.bsky.feed.post record.
type post struct {
	Type      string    `json:"$type"`
	Text      string    `json:"text"`
	CreatedAt string    `json:"createdAt"`
	Langs     []string  `json:"langs,omitempty"`
	Facets    []facet   `json:"facets,omitempty"`
	Embed     *external `json:"embed,omitempty"`
}

type external struct {
	Type     string `json:"$type"`
	External card   `json:"external"`
}

type card struct {
	URI         string          `json:"uri"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Thumb       json.RawMessage `json:"thumb,omitempty"`
}

// Publish posts m.Text with facets for its links and hashtags, m.Lang as
// its language and, when m.Link is set, a card for it with m.Title,
// m.Description and, when it can be had, m.ImageURL as its thumbnail; a
// missing or unusable image leaves the card without one. Before posting it
// reads the account's latest posts: one with the same text from the last
// day is taken to be this post, made by an earlier try whose answer was
// lost, and is returned instead of posting twice. Failures are
// *news.PublishError.
func (p *Publisher) Publish(ctx context.Context, m news.Message) (news.Published, error) {
	if strings.TrimSpace(m.Text) == "" {
		return news.Published{}, p.failure(news.Rejected, 0, "the post is empty", nil)
	}
	s, err := p.session(ctx)
	if err != nil {
		return news.Published{}, err
	}
	if pub, ok := p.alreadyPosted(ctx, s, m.Text); ok {
		return pub, nil
	}
	rec := post{
		Type:      postCollection,
		Text:      m.Text,
		CreatedAt: p.now().UTC().Format("2006-01-02T15:04:05.000Z"),
		Facets:    facets(m.Text, m.Link),
	}
	if lang := langTag(m.Lang); lang != "" {
		rec.Langs = []string{lang}
	}
	if m.Link != "" {
		rec.Embed = &external{Type: "app.bsky.embed.external", External: card{URI: m.Link, Title: m.Title, Description: m.Description}}
		rec.Embed.External.Thumb = p.thumb(ctx, m.ImageURL)
	}
	var created struct {
		URI string `json:"uri"`
		CID string `json:"cid"`
	}
	err = p.call(ctx, http.MethodPost, "com.atproto.repo.createRecord", nil, func(s *session) any {
		return map[string]any{"repo": s.DID, "collection": postCollection, "record": rec}
	}, &created)
	if err != nil {
		return news.Published{}, err
	}
	if created.URI == "" {
		// Safe to retry: the next try finds the post among the latest if
		// it was made.
		return news.Published{}, p.failure(news.Transient, http.StatusOK, "Bluesky answered without the post's address", nil)
	}
	return news.Published{RemoteID: created.URI, URL: p.postURL(created.URI)}, nil
}

// alreadyPosted looks for m's text among the account's latest posts. Any
// failure to look is no reason not to post: it reports false.
func (p *Publisher) alreadyPosted(ctx context.Context, s *session, text string) (news.Published, bool) {
	var list struct {
		Records []struct {
			URI   string `json:"uri"`
			Value struct {
				Text      string `json:"text"`
				CreatedAt string `json:"createdAt"`
			} `json:"value"`
		} `json:"records"`
	}
	q := url.Values{"repo": {s.DID}, "collection": {postCollection}, "limit": {fmt.Sprint(recentPosts)}}
	if err := p.call(ctx, http.MethodGet, "com.atproto.repo.listRecords", q, nil, &list); err != nil {
		p.log.Warn("bluesky: could not read the latest posts to rule out a double post", "err", err)
		return news.Published{}, false
	}
	for _, r := range list.Records {
		t, err := time.Parse(time.RFC3339Nano, r.Value.CreatedAt)
		if r.Value.Text == text && err == nil && p.now().Sub(t) < sameTryWindow {
			return news.Published{RemoteID: r.URI, URL: p.postURL(r.URI)}, true
		}
	}
	return news.Published{}, false
}

// thumb uploads the card's image and returns its blob, or nil when there is
// no image or it cannot be used.
func (p *Publisher) thumb(ctx context.Context, imageURL string) json.RawMessage {
	if imageURL == "" || p.images == nil {
		return nil
	}
	if blob := p.thumbs.get(imageURL); blob != nil {
		return blob // uploaded by an earlier try of this post
	}
	img, err := p.thumbnail(ctx, imageURL)
	if err != nil {
		p.log.Info("bluesky: link card without its image", "image_url", imageURL, "err", err)
		return nil
	}
	var up struct {
		Blob json.RawMessage `json:"blob"`
	}
	if err := p.upload(ctx, img, &up); err != nil || len(up.Blob) == 0 {
		p.log.Warn("bluesky: link card without its image: the upload failed", "image_url", imageURL, "err", err)
		return nil
	}
	p.thumbs.put(imageURL, up.Blob)
	return up.Blob
}

// thumbnail fetches and scales the card's image within half the time the
// call has left, so that a picture slow to fetch or to scale (a huge
// photo on a slow machine) costs the card its image, never the post.
func (p *Publisher) thumbnail(ctx context.Context, imageURL string) (*media.Image, error) {
	tctx := ctx
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		tctx, cancel = context.WithDeadline(ctx, time.Now().Add(time.Until(deadline)/2))
		defer cancel()
	}
	type result struct {
		img *media.Image
		err error
	}
	done := make(chan result, 1)
	go func() {
		img, err := media.Thumbnail(tctx, p.images, imageURL, media.Options{MaxBytes: maxThumbBytes})
		done <- result{img, err}
	}()
	select {
	case r := <-done:
		return r.img, r.err
	case <-tctx.Done():
		return nil, fmt.Errorf("the picture took too long to fetch and scale: %w", tctx.Err())
	}
}

// thumbCache remembers the blobs of the last few pictures uploaded, so that
// another try of a post (after a failure past the upload) does not scale
// and upload its picture again.
type thumbCache struct {
	mu    sync.Mutex
	urls  []string
	blobs map[string]json.RawMessage
}

const thumbCacheSize = 16

func (c *thumbCache) get(url string) json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.blobs[url]
}

func (c *thumbCache) put(url string, blob json.RawMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.blobs == nil {
		c.blobs = map[string]json.RawMessage{}
	}
	if _, ok := c.blobs[url]; !ok {
		c.urls = append(c.urls, url)
	}
	c.blobs[url] = blob
	for len(c.urls) > thumbCacheSize {
		delete(c.blobs, c.urls[0])
		c.urls = c.urls[1:]
	}
}

// Delete deletes the post whose RemoteID (its at:// URI) is remoteID. A post
// that is already gone is not an error.
func (p *Publisher) Delete(ctx context.Context, remoteID string) error {
	repo, collection, rkey, ok := parseATURI(remoteID)
	if !ok {
		return p.failure(news.Rejected, 0, fmt.Sprintf("%q is not the address of a Bluesky post (at://…/app.bsky.feed.post/…)", remoteID), nil)
	}
	return p.call(ctx, http.MethodPost, "com.atproto.repo.deleteRecord", nil, func(*session) any {
		return map[string]string{"repo": repo, "collection": collection, "rkey": rkey}
	}, nil)
}

// Check proves the credentials: it resumes the stored session, or logs in,
// and asks the PDS whose session it is. Its failures are *news.PublishError,
// classified as for Publish.
func (p *Publisher) Check(ctx context.Context) error {
	var who struct {
		Handle string `json:"handle"`
	}
	if err := p.call(ctx, http.MethodGet, "com.atproto.server.getSession", nil, nil, &who); err != nil {
		return err
	}
	if who.Handle == "" {
		return p.failure(news.Transient, http.StatusOK, "Bluesky's answer to getSession names no account", nil)
	}
	return nil
}

// Account is the handle of the account the session belongs to, once a
// session has been had (after Check or Publish); "" before.
func (p *Publisher) Account() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sess == nil {
		return ""
	}
	return p.sess.Handle
}

// postURL is the post's address in Bluesky's app.
func (p *Publisher) postURL(uri string) string {
	repo, _, rkey, ok := parseATURI(uri)
	if !ok {
		return ""
	}
	if h := p.Account(); h != "" {
		repo = h
	}
	return "https://bsky.app/profile/" + url.PathEscape(repo) + "/post/" + url.PathEscape(rkey)
}

// parseATURI splits at://repo/collection/rkey.
func parseATURI(uri string) (repo, collection, rkey string, ok bool) {
	rest, found := strings.CutPrefix(uri, "at://")
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] != postCollection || parts[2] == "" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// langTag returns a well-formed BCP 47 tag for the article's language, or ""
// when there is none.
func langTag(lang string) string {
	lang = strings.TrimSpace(lang)
	if lang == "" {
		return ""
	}
	tag, err := language.Parse(lang)
	if err != nil || tag == language.Und {
		return ""
	}
	return tag.String()
}
