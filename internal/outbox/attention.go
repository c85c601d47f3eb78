package outbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// Corrections and takedowns: when an article changes after herald posted
// it (its headline is corrected, it is pulled), editors are told, in one
// place, and act from there: delete the posts on every network they went
// to, edit them in place where the network allows it (Mastodon), post a
// correction, or dismiss. Posts that have not gone out yet are rewritten
// from the new headline, or canceled, without asking: nobody saw them.
// HERALD_ON_TAKEDOWN and HERALD_ON_CORRECTION choose what herald does by
// itself when no editor is looking.

// Deleter is a publisher that can delete a post it published, by the
// remote id the network gave it. A post the network no longer has is not
// an error. Failures are *news.PublishError, classified as for Publish.
type Deleter interface {
	Delete(ctx context.Context, remoteID string) error
}

// PostEditor is a publisher that can change a published post's text in
// place (Mastodon shows it as edited).
type PostEditor interface {
	Edit(ctx context.Context, remoteID string, m news.Message) error
}

// What herald does by itself about a takedown (HERALD_ON_TAKEDOWN) and a
// correction (HERALD_ON_CORRECTION).
const (
	// PolicyAlert tells the editors and does nothing more (the default).
	PolicyAlert = "alert"
	// PolicyDelete deletes a pulled article's posts everywhere.
	PolicyDelete = "delete"
	// PolicyRepost posts a correction to every destination the article
	// went to.
	PolicyRepost = "repost"
	// PolicyEdit edits the posts in place where the network allows it
	// (Mastodon) and tells the editors about the others.
	PolicyEdit = "edit"
)

// The actions editors take on an event.
const (
	ActDelete  = "delete"
	ActEdit    = "edit"
	ActCorrect = "correct"
	ActDismiss = "dismiss"
)

// AttentionActions lists the actions, for the API's and the CLI's words.
var AttentionActions = []string{ActDelete, ActEdit, ActCorrect, ActDismiss}

// AttentionOptions configure how herald writes for changed articles and
// what it does by itself.
type AttentionOptions struct {
	// Write writes an article's post for a destination: a post that has
	// not gone out is rewritten with it, a Mastodon status edited to it.
	Write func(a *news.Article, dest string) (string, error)
	// Correction writes the correction post for a destination ("Correction:
	// {{.Title}}…").
	Correction func(a *news.Article, dest string) (string, error)
	// OnTakedown is PolicyAlert or PolicyDelete; OnCorrection PolicyAlert,
	// PolicyRepost or PolicyEdit. Empty is PolicyAlert.
	OnTakedown, OnCorrection string
	// Observe, when set, is told of every new event.
	Observe func(kind store.AttentionKind)
}

// Attention notices what changed about posted articles and carries out
// what editors, or the policy, decide. It shares the dispatcher's store,
// publishers, clock, log and audit.
type Attention struct {
	d    *Dispatcher
	o    AttentionOptions
	kick chan struct{}

	mu sync.Mutex
	// inFlight are the events whose deletion was asked while one of their
	// posts was being sent, by who asked: the post is deleted once it is
	// published. (Kept in memory: the window is one publish call.)
	inFlight map[int64]string
}

// Attention returns the corrections and takedowns desk over the
// dispatcher's destinations.
func (d *Dispatcher) Attention(o AttentionOptions) *Attention {
	if o.OnTakedown == "" {
		o.OnTakedown = PolicyAlert
	}
	if o.OnCorrection == "" {
		o.OnCorrection = PolicyAlert
	}
	return &Attention{d: d, o: o, kick: make(chan struct{}, 1), inFlight: make(map[int64]string)}
}

// ArticleChange is what was noticed about an article.
type ArticleChange struct {
	Kind store.AttentionKind
	// NewTitle is the corrected headline (corrections).
	NewTitle string
	// Detail says what was seen, in plain words: "page gone: 410",
	// "retracted by cms".
	Detail string
	// Source is where: "feed", "page" or "cms".
	Source string
	// By is who said so (an editor token's name for the CMS), or "herald".
	By string
}

// AttentionItem is an event with what editors need to judge it: the
// article, every post made from it, and their deletions.
type AttentionItem struct {
	Event     *store.AttentionEvent
	Article   *news.Article
	Posts     []*news.Post
	Deletions map[int64]*store.Deletion
}

// Changed handles a change to a recorded article: its posts that have not
// gone out are rewritten (a correction) or canceled (a takedown); if any
// went out, editors are told by an event, once per article and kind, and
// the policy is applied. It returns the event, or nil when nothing had gone
// out. For a correction, the article's recorded headline becomes the new one.
func (at *Attention) Changed(ctx context.Context, a *news.Article, c ArticleChange) (*store.AttentionEvent, error) {
	d := at.d
	now := d.o.Clock()
	ev := &store.AttentionEvent{ArticleID: a.ID, Kind: c.Kind, Detail: c.Detail, Source: c.Source, CreatedAt: now}
	if c.Kind == store.KindCorrection {
		c.NewTitle = strings.TrimSpace(c.NewTitle)
		if c.NewTitle == "" || c.NewTitle == a.Title {
			return nil, nil
		}
		ev.OldTitle, ev.NewTitle = a.Title, c.NewTitle
		if err := d.store.SetArticleTitle(ctx, a.ID, c.NewTitle); err != nil {
			return nil, err
		}
		a.Title = c.NewTitle
	}
	posts, err := d.store.ArticlePosts(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	var out []*news.Post
	for _, p := range posts {
		switch p.Status {
		case news.StatusPending, news.StatusQueued, news.StatusFailed:
			if gone, err := at.beforeItWent(ctx, a, p, c); err != nil {
				return nil, err
			} else if gone {
				out = append(out, p)
			}
		case news.StatusSending, news.StatusPublished:
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	created, err := d.store.AddAttention(ctx, ev)
	if err != nil {
		return nil, err
	}
	if !created {
		return ev, nil
	}
	log := d.o.Log.With("attention_id", ev.ID, "kind", string(ev.Kind), "article_id", a.ID, "url", a.URL, "source", c.Source, "posts", len(out))
	switch ev.Kind {
	case store.KindCorrection:
		log.Warn("needs attention: the headline changed after it was posted", "old_title", ev.OldTitle, "new_title", ev.NewTitle)
	default:
		log.Warn("needs attention: the article was taken down after it was posted", "detail", ev.Detail)
	}
	if at.o.Observe != nil {
		at.o.Observe(ev.Kind)
	}
	at.applyPolicy(ctx, ev)
	return ev, nil
}

// beforeItWent rewrites (a correction) or cancels (a takedown) a post that
// has not gone out. It reports whether the post went out meanwhile (a
// dispatcher claimed it first), which makes it one editors must judge.
func (at *Attention) beforeItWent(ctx context.Context, a *news.Article, p *news.Post, c ArticleChange) (bool, error) {
	d := at.d
	now := d.o.Clock()
	var err error
	var what string
	if c.Kind == store.KindTakedown {
		what = "canceled: the article was taken down before this post went out (" + c.Detail + ")"
		_, err = d.move(ctx, p.ID, []news.Status{p.Status}, news.StatusCanceled, what, "herald", now,
			func(p *news.Post) { p.LastError = what })
	} else {
		if at.o.Write == nil {
			return false, nil
		}
		text, werr := at.o.Write(a, p.Destination)
		if werr != nil {
			d.o.Log.Error("post not rewritten from the corrected headline", "post_id", p.ID, "destination", p.Destination, "err", werr)
			return false, nil
		}
		what = "rewritten from the corrected headline before it went out"
		_, err = d.move(ctx, p.ID, []news.Status{p.Status}, p.Status, what, "herald", now, func(p *news.Post) { setText(p, text) })
	}
	switch {
	case errors.Is(err, news.ErrConflict):
		cur, gerr := d.store.Post(ctx, p.ID)
		if gerr != nil {
			return false, gerr
		}
		*p = *cur
		return p.Status == news.StatusSending || p.Status == news.StatusPublished, nil
	case err != nil:
		return false, err
	}
	d.audit(ctx, "herald", "rewrite", p.ID, what)
	d.o.Log.Info("post changed before it went out", "post_id", p.ID, "destination", p.Destination, "article_id", a.ID, "change", what)
	return false, nil
}

// applyPolicy does what HERALD_ON_TAKEDOWN and HERALD_ON_CORRECTION say
// about a new event.
func (at *Attention) applyPolicy(ctx context.Context, ev *store.AttentionEvent) {
	var action, actor string
	switch {
	case ev.Kind == store.KindTakedown && at.o.OnTakedown == PolicyDelete:
		action, actor = ActDelete, "policy (HERALD_ON_TAKEDOWN=delete)"
	case ev.Kind == store.KindCorrection && at.o.OnCorrection == PolicyRepost:
		action, actor = ActCorrect, "policy (HERALD_ON_CORRECTION=repost)"
	case ev.Kind == store.KindCorrection && at.o.OnCorrection == PolicyEdit:
		action, actor = ActEdit, "policy (HERALD_ON_CORRECTION=edit)"
	default:
		return
	}
	if _, msg, err := at.Act(ctx, ev.ID, action, actor); err != nil {
		at.d.o.Log.Warn("the policy's action left the event open for the editors", "attention_id", ev.ID, "action", action, "err", err)
	} else {
		at.d.o.Log.Info("policy applied", "attention_id", ev.ID, "action", action, "result", msg)
	}
}

// Retract is a CMS's word that an article was pulled: a takedown, with the
// article's posts deleted at once when del is set.
func (at *Attention) Retract(ctx context.Context, rawURL, by string, del bool) (*store.AttentionEvent, error) {
	a, err := at.articleAt(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	ev, err := at.Changed(ctx, a, ArticleChange{Kind: store.KindTakedown, Detail: "retracted by " + by, Source: "cms", By: by})
	if err != nil || ev == nil || !del {
		return ev, err
	}
	if _, _, err := at.Act(ctx, ev.ID, ActDelete, by); err != nil && !errors.Is(err, news.ErrConflict) {
		return ev, err
	}
	return at.d.store.AttentionEvent(ctx, ev.ID)
}

// Correct is a CMS's word that an article's headline is now title.
func (at *Attention) Correct(ctx context.Context, rawURL, title, by string) (*store.AttentionEvent, error) {
	title = strings.Join(strings.Fields(title), " ")
	if title == "" {
		return nil, news.Invalid(`give the corrected headline: {"url": "https://…", "title": "…"}`)
	}
	a, err := at.articleAt(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	if title == a.Title {
		return nil, news.Conflict("that is the headline herald has for %s already", a.URL)
	}
	return at.Changed(ctx, a, ArticleChange{Kind: store.KindCorrection, NewTitle: title,
		Detail: "corrected by " + by, Source: "cms", By: by})
}

// articleAt finds the recorded article at an address.
func (at *Attention) articleAt(ctx context.Context, rawURL string) (*news.Article, error) {
	rawURL = strings.TrimSpace(rawURL)
	if rawURL == "" {
		return nil, news.Invalid(`give the article's address: {"url": "https://…"}`)
	}
	key, err := news.URLKey(rawURL)
	if err != nil {
		return nil, news.Invalid("%q is not a web address (it must start with http:// or https://)", rawURL).Because(err)
	}
	a, err := at.d.store.ArticleByKey(ctx, key)
	if errors.Is(err, news.ErrNotFound) {
		return nil, news.NotFound("herald has no article at %s", rawURL).Because(err)
	}
	return a, err
}

// List returns the open events, or every event, newest first, each with
// its article, posts and deletions.
func (at *Attention) List(ctx context.Context, withResolved bool, limit int) ([]AttentionItem, error) {
	evs, err := at.d.store.AttentionEvents(ctx, withResolved, limit)
	if err != nil {
		return nil, err
	}
	out := make([]AttentionItem, 0, len(evs))
	for _, ev := range evs {
		it, err := at.item(ctx, ev)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// Item returns one event with its article, posts and deletions.
func (at *Attention) Item(ctx context.Context, id int64) (AttentionItem, error) {
	ev, err := at.d.store.AttentionEvent(ctx, id)
	if errors.Is(err, news.ErrNotFound) {
		return AttentionItem{}, news.NotFound("there is no event #%d in Needs attention", id).Because(err)
	}
	if err != nil {
		return AttentionItem{}, err
	}
	return at.item(ctx, ev)
}

func (at *Attention) item(ctx context.Context, ev *store.AttentionEvent) (AttentionItem, error) {
	it := AttentionItem{Event: ev}
	var err error
	if it.Article, err = at.d.store.Article(ctx, ev.ArticleID); err != nil {
		return it, err
	}
	if it.Posts, err = at.d.store.ArticlePosts(ctx, ev.ArticleID); err != nil {
		return it, err
	}
	ids := make([]int64, len(it.Posts))
	for i, p := range it.Posts {
		ids[i] = p.ID
	}
	it.Deletions, err = at.d.store.PostDeletions(ctx, ids)
	return it, err
}

// Open counts the events waiting for an editor.
func (at *Attention) Open(ctx context.Context) (int, error) {
	return at.d.store.CountOpenAttention(ctx)
}

// Act carries out an editor's (or the policy's) action on event id and
// says what was done, in a sentence. Every action is audited. delete asks
// for the deletion of every post published from the article, on every
// network, once (and asks again for those whose deletion failed); edit
// changes the published posts in place where the network allows it;
// correct posts a correction to every destination the article went to;
// dismiss closes the event. Refusals are *news.Error.
func (at *Attention) Act(ctx context.Context, id int64, action, actor string) (AttentionItem, string, error) {
	it, err := at.Item(ctx, id)
	if err != nil {
		return it, "", err
	}
	ev := it.Event
	if !ev.Open && action != ActDelete {
		return it, "", news.Conflict("event #%d was resolved already: %s", id, resolution(ev))
	}
	var msg string
	switch action {
	case ActDelete:
		msg, err = at.deleteAll(ctx, it, actor)
	case ActEdit:
		msg, err = at.editAll(ctx, it, actor)
	case ActCorrect:
		msg, err = at.correct(ctx, it, actor)
	case ActDismiss:
		msg = "dismissed"
		_, err = at.resolve(ctx, ev, "dismissed", actor)
	default:
		return it, "", news.Invalid("there is no action %q: use %s", action, strings.Join(AttentionActions, ", "))
	}
	if err != nil {
		return it, "", err
	}
	at.d.audit(ctx, actor, "attention "+action, 0, fmt.Sprintf("event #%d (%s of article #%d): %s", id, ev.Kind, ev.ArticleID, msg))
	it, err = at.Item(ctx, id)
	return it, msg, err
}

func resolution(ev *store.AttentionEvent) string {
	if ev.ResolvedBy == "" {
		return ev.Resolution
	}
	return ev.Resolution + ", by " + ev.ResolvedBy
}

// resolve closes ev with what was done; a race lost to another editor is a
// conflict in an editor's words.
func (at *Attention) resolve(ctx context.Context, ev *store.AttentionEvent, what, actor string) (*store.AttentionEvent, error) {
	cur, err := at.d.store.ResolveAttention(ctx, ev.ID, what, actor, at.d.o.Clock())
	if errors.Is(err, news.ErrConflict) && cur != nil {
		return nil, news.Conflict("event #%d was resolved meanwhile: %s", ev.ID, resolution(cur)).Because(err)
	}
	return cur, err
}

// published are an item's posts that went out where herald can still reach
// them: published, with a remote id, to a destination herald posts to.
func (at *Attention) published(it AttentionItem) []*news.Post {
	var out []*news.Post
	for _, p := range it.Posts {
		if p.Status == news.StatusPublished && p.RemoteID != "" && at.d.known(p.Destination) {
			out = append(out, p)
		}
	}
	return out
}

// deleteAll asks for the deletion of every published post of the item's
// article that has none yet, and again for those whose deletion failed.
func (at *Attention) deleteAll(ctx context.Context, it AttentionItem, actor string) (string, error) {
	d := at.d
	now := d.o.Clock()
	asked, again := 0, 0
	var places []string
	for _, p := range at.published(it) {
		reason := fmt.Sprintf("%s of article #%d (event #%d)", it.Event.Kind, it.Article.ID, it.Event.ID)
		if del, ok := it.Deletions[p.ID]; ok {
			if del.Status != store.DeletionFailed {
				continue
			}
			del.Status, del.Attempts, del.NotBefore, del.LastError, del.UpdatedAt = store.DeletionQueued, 0, now, "", now
			if err := d.store.SaveDeletion(ctx, del); err != nil {
				return "", err
			}
			d.audit(ctx, actor, "delete", p.ID, "asked again after it failed: "+reason)
			again++
			places = append(places, platformOf(p.Destination))
			continue
		}
		err := d.store.AddDeletion(ctx, &store.Deletion{PostID: p.ID, Destination: p.Destination, RemoteID: p.RemoteID,
			Status: store.DeletionQueued, NotBefore: now, RequestedBy: actor, Reason: reason, AttentionID: it.Event.ID,
			CreatedAt: now})
		if errors.Is(err, news.ErrConflict) {
			continue // asked for meanwhile
		}
		if err != nil {
			return "", err
		}
		d.audit(ctx, actor, "delete", p.ID, fmt.Sprintf("deletion from %s asked: %s", p.Destination, reason))
		asked++
		places = append(places, platformOf(p.Destination))
	}
	for _, p := range it.Posts {
		if p.Status == news.StatusSending {
			at.mu.Lock()
			at.inFlight[it.Event.ID] = actor
			at.mu.Unlock()
		}
	}
	if asked+again == 0 {
		if !it.Event.Open {
			return "", news.Conflict("event #%d was resolved already (%s) and no deletion of its posts failed", it.Event.ID, resolution(it.Event))
		}
		if len(at.published(it)) == 0 {
			return "", news.Conflict("none of the article's posts is published where herald can delete it")
		}
	}
	msg := fmt.Sprintf("deleting %s from %s", plural(asked+again, "post"), strings.Join(slices.Compact(places), ", "))
	if asked+again == 0 {
		msg = "every post is deleted or being deleted already"
	}
	if it.Event.Open {
		if _, err := at.resolve(ctx, it.Event, "delete: "+msg, actor); err != nil {
			return "", err
		}
	}
	at.Kick()
	return msg, nil
}

// editAll changes the published posts in place, where the network allows
// it, to what herald writes for the corrected article. The event is
// resolved when every published post was edited; otherwise it stays open
// for the others.
func (at *Attention) editAll(ctx context.Context, it AttentionItem, actor string) (string, error) {
	d := at.d
	if it.Event.Kind != store.KindCorrection {
		return "", news.Conflict("only a corrected headline can be edited in; a taken-down article's posts can be deleted")
	}
	if at.o.Write == nil {
		return "", news.Invalid("herald cannot write posts here")
	}
	pubs := at.published(it)
	edited, failed := 0, []string{}
	var others []string
	for _, p := range pubs {
		if del, ok := it.Deletions[p.ID]; ok && del.Status != store.DeletionFailed {
			continue
		}
		ed, ok := d.publisher(p.Destination).(PostEditor)
		if !ok {
			others = append(others, p.Destination)
			continue
		}
		text, err := at.o.Write(it.Article, p.Destination)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", p.Destination, err))
			continue
		}
		callCtx, cancel := context.WithTimeout(ctx, d.o.PublishTimeout)
		err = ed.Edit(callCtx, p.RemoteID, news.Message{PostID: p.ID, Text: text, Link: it.Article.URL, Title: it.Article.Title})
		cancel()
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", p.Destination, err))
			d.o.Log.Warn("post not edited", "post_id", p.ID, "destination", p.Destination, "err", err)
			continue
		}
		what := fmt.Sprintf("edited on %s by %s: the corrected headline", p.Destination, actor)
		if _, err := d.move(ctx, p.ID, []news.Status{news.StatusPublished}, news.StatusPublished, what, actor, d.o.Clock(),
			func(p *news.Post) { setText(p, text) }); err != nil {
			return "", err
		}
		d.audit(ctx, actor, "edit published", p.ID, what)
		d.o.Log.Info("published post edited", "post_id", p.ID, "destination", p.Destination)
		edited++
	}
	switch {
	case len(failed) > 0:
		return "", news.Conflict("edited %s; not edited: %s", plural(edited, "post"), strings.Join(failed, "; "))
	case edited == 0 && len(others) > 0:
		return "", news.Conflict("none of the posts is on a network that edits posts in place (Mastodon does); %s cannot: delete or post a correction",
			strings.Join(slices.Compact(others), ", "))
	case edited == 0:
		return "", news.Conflict("none of the article's posts is published where herald can edit it")
	case len(others) > 0:
		return fmt.Sprintf("edited %s; still to decide: %s, which cannot edit posts", plural(edited, "post"),
			strings.Join(slices.Compact(others), ", ")), nil
	}
	msg := "edited " + plural(edited, "post")
	_, err := at.resolve(ctx, it.Event, "edit: "+msg, actor)
	return msg, err
}

// correct posts a correction, written from the corrected article, to every
// destination the article went to, ahead of automatic posts.
func (at *Attention) correct(ctx context.Context, it AttentionItem, actor string) (string, error) {
	d := at.d
	if it.Event.Kind != store.KindCorrection {
		return "", news.Conflict("only a corrected headline can be corrected; a taken-down article's posts can be deleted")
	}
	if at.o.Correction == nil {
		return "", news.Invalid("herald cannot write corrections here")
	}
	var dests []string
	for _, p := range at.published(it) {
		if !slices.Contains(dests, p.Destination) {
			dests = append(dests, p.Destination)
		}
	}
	if len(dests) == 0 {
		return "", news.Conflict("none of the article's posts is published: there is nothing to correct")
	}
	texts := make(map[string]string, len(dests))
	for _, dest := range dests {
		text, err := at.o.Correction(it.Article, dest)
		if err == nil {
			err = CheckText(d.rules(dest).rule(), text)
		}
		if err != nil {
			return "", news.Invalid("herald could not write the correction for %s: %v", dest, err).Because(err)
		}
		texts[dest] = text
	}
	// Resolved first, so that two editors acting at once post one correction.
	if _, err := at.resolve(ctx, it.Event, "correct: a correction posted to "+strings.Join(dests, ", "), actor); err != nil {
		return "", err
	}
	now := d.o.Clock()
	var made []string
	for _, dest := range dests {
		p := &news.Post{Destination: dest, Status: news.StatusQueued, Priority: news.PriorityEditor, CreatedBy: actor,
			CreatedAt: now, SortAt: now, NotBefore: now}
		setText(p, texts[dest])
		if err := d.store.AddPost(ctx, p); err != nil {
			if rerr := d.store.ReopenAttention(ctx, it.Event.ID, d.o.Clock()); rerr != nil {
				d.o.Log.Error("event not reopened after its correction failed", "attention_id", it.Event.ID, "err", rerr)
			}
			return "", err
		}
		d.audit(ctx, actor, "correct", p.ID, fmt.Sprintf("correction of article #%d for %s (event #%d)", it.Article.ID, dest, it.Event.ID))
		made = append(made, fmt.Sprintf("#%d to %s", p.ID, dest))
	}
	d.Kick()
	return "correction queued: " + strings.Join(made, ", "), nil
}

// publisher returns the publisher of a destination, or nil.
func (d *Dispatcher) publisher(name string) Publisher {
	for _, p := range d.pubs {
		if p.Name() == name {
			return p
		}
	}
	return nil
}

func platformOf(dest string) string {
	if dest == "x" {
		return "X"
	}
	return dest
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// Kick makes Run look for due deletions now.
func (at *Attention) Kick() {
	select {
	case at.kick <- struct{}{}:
	default:
	}
}

// wait sleeps until next (at most a few seconds: other replicas ask for
// deletions too), a kick, or the end of ctx.
func (at *Attention) wait(ctx context.Context, next time.Time) {
	w := min(next.Sub(at.d.o.Clock()), 5*time.Second)
	w = max(w, 10*time.Millisecond)
	t := time.NewTimer(w)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-at.kick:
	case <-t.C:
	}
}
