package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
)

// Editors' actions from the dashboard's forms. Each goes through the Editor
// under the editor's name, so that it is recorded, then redirects back with
// a message; a text the server refuses comes back on its page to be fixed.

// done leaves a message for the next page and redirects to it.
func (s *Server) done(w http.ResponseWriter, r *http.Request, v viewer, fallback string, f flash) {
	setFlash(w, r, f)
	http.Redirect(w, r, localPath(r.PostForm.Get("return"), fallback), http.StatusSeeOther)
}

// actionError says in plain words why the editor layer refused an action.
func (s *Server) actionError(err error, what string) flash {
	if r, ok := news.Refusal(err); ok {
		return flash{Text: sentence(r.Message), Bad: true}
	}
	s.o.Log.Error("dashboard action failed", "action", what, "err", err)
	return flash{Text: what + ": something went wrong on our side; the log has the details.", Bad: true}
}

func (s *Server) postAction(w http.ResponseWriter, r *http.Request, v viewer) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, http.StatusNotFound, "There is no such post.")
		return
	}
	ctx := r.Context()
	ed := s.o.Editor
	label := fmt.Sprintf("Post #%d", id)
	action := r.PathValue("action")
	// The actions that keep the post apply the editor's changes in the form
	// first: its text, and its time when the action does not set one.
	const keep, keepText, drop = 2, 1, 0
	simple := map[string]struct {
		fn    func(context.Context, int64, string) (*news.Post, error)
		edits int
		msg   string
	}{
		"approve": {ed.Approve, keep, "approved; it is queued"},
		"reject":  {ed.Reject, drop, "rejected; it will not be posted"},
		"cancel":  {ed.Cancel, drop, "canceled; it will not be posted"},
		"retry":   {ed.Retry, keepText, "queued again"},
		"publish": {ed.PublishNow, keepText, "goes out next"},
	}
	switch action {
	case "edit":
		changed, ok := s.applyEdits(w, r, v, id, true)
		if !ok {
			return
		}
		if !changed {
			s.done(w, r, v, "/queue", flash{Text: label + ": nothing to change."})
			return
		}
		s.done(w, r, v, "/queue", flash{Text: label + " saved."})
	case "raise":
		if _, err := ed.Raise(ctx, id, v.Editor); err != nil {
			s.done(w, r, v, "/queue", s.actionError(err, label))
			return
		}
		s.done(w, r, v, "/queue", flash{Text: label + " moved ahead of the other queued posts."})
	default:
		a, ok := simple[action]
		if !ok {
			s.renderError(w, r, http.StatusNotFound, "There is no such action.")
			return
		}
		if a.edits != drop {
			if _, ok := s.applyEdits(w, r, v, id, a.edits == keep); !ok {
				return
			}
		}
		if _, err := a.fn(ctx, id, v.Editor); err != nil {
			s.done(w, r, v, "/queue", s.actionError(err, label))
			return
		}
		s.done(w, r, v, "/queue", flash{Text: label + " " + a.msg + "."})
	}
}

// applyEdits saves what the editor changed in a post's form: its text and,
// when withTime, its time. It returns whether anything changed; when the
// change is refused it has answered (ok false): a refused change comes back
// on its page with the reason, so that nothing typed is lost.
func (s *Server) applyEdits(w http.ResponseWriter, r *http.Request, v viewer, id int64, withTime bool) (changed, ok bool) {
	ctx := r.Context()
	label := fmt.Sprintf("Post #%d", id)
	text, hasText := r.PostForm["text"]
	at := strings.TrimSpace(r.PostForm.Get("at"))
	if !hasText && (at == "" || !withTime) {
		return false, true
	}
	cur, err := s.o.Store.Post(ctx, id)
	if err != nil {
		s.done(w, r, v, "/queue", s.actionError(err, label))
		return false, false
	}
	var c outbox.Change
	d := &draft{At: at}
	if hasText {
		if t := formText(text[0]); t != cur.Text {
			d.Text, c.Text = t, &t
		}
	}
	if withTime && at != "" {
		t, err := parseLocalTime(at, r.PostForm.Get("tz"))
		if err != nil {
			d.Text, d.Error = formText(r.PostForm.Get("text")), "The time: "+err.Error()+"."
			s.showDraft(w, r, v, cur, d)
			return false, false
		}
		if !t.Equal(cur.NotBefore.Truncate(time.Minute)) {
			c.At = &t
		}
	}
	if c == (outbox.Change{}) {
		return false, true
	}
	if _, err := s.o.Editor.Edit(ctx, id, v.Editor, c); err != nil {
		if errors.Is(err, news.ErrInvalid) {
			d.Error = sentence(err.Error())
			s.showDraft(w, r, v, cur, d)
		} else {
			s.done(w, r, v, "/queue", s.actionError(err, label))
		}
		return false, false
	}
	return true, true
}

// showDraft shows the page a refused edit came from again, with the
// editor's text and the reason, so that nothing typed is lost.
func (s *Server) showDraft(w http.ResponseWriter, r *http.Request, v viewer, p *news.Post, d *draft) {
	if d.Text == "" {
		d.Text = p.Text
	}
	drafts := map[int64]*draft{p.ID: d}
	switch localPath(r.PostForm.Get("return"), "/queue") {
	case "/pending":
		s.showPosts(w, r, v, news.StatusPending, http.StatusUnprocessableEntity, drafts)
	case "/failed":
		s.showPosts(w, r, v, news.StatusFailed, http.StatusUnprocessableEntity, drafts)
	default:
		s.showQueue(w, r, v, http.StatusUnprocessableEntity, drafts)
	}
}

// createPost adds an editor's posts, from the compose page: one for each
// destination ticked, each with its own text when the page gave it one.
func (s *Server) createPost(w http.ResponseWriter, r *http.Request, v viewer) {
	ctx := r.Context()
	f := r.PostForm
	cv := composeView{
		URL:   strings.TrimSpace(f.Get("url")),
		Title: f.Get("title"),
		Text:  formText(f.Get("text")),
		At:    strings.TrimSpace(f.Get("at")),
	}
	cv.Fetched = cv.URL != ""
	// chosen marks a form that offered the destinations to tick.
	chosen := f.Has("chosen")
	dr := outbox.Draft{URL: cv.URL, Text: cv.Text, Destinations: f["to"], Destination: f.Get("destination")}
	ticked := map[string]bool{}
	for _, n := range append(slices.Clone(f["to"]), f.Get("destination")) {
		ticked[n] = true
	}
	for _, name := range s.o.Editor.Destinations() {
		d := composeDest{Name: name, Checked: ticked[name] || !chosen}
		if t, ok := f["text-"+name]; ok {
			d.Own, d.Text = true, formText(t[0])
			if d.Checked {
				if dr.Texts == nil {
					dr.Texts = map[string]string{}
				}
				dr.Texts[name] = d.Text
			}
		}
		cv.Dests = append(cv.Dests, d)
	}
	refuse := func(msg string) {
		cv.Error = msg
		s.showCompose(w, r, v, http.StatusUnprocessableEntity, cv)
	}
	if chosen && len(dr.Destinations) == 0 && dr.Destination == "" {
		refuse("Choose at least one destination to post to.")
		return
	}
	if f.Get("when") == "at" {
		if cv.At == "" {
			refuse("Choose the date and time to post at, or post now.")
			return
		}
		at, err := parseLocalTime(cv.At, f.Get("tz"))
		if err != nil {
			refuse("The time: " + err.Error() + ".")
			return
		}
		dr.At = at
	}
	posts, err := s.o.Editor.Create(ctx, v.Editor, dr)
	if err != nil {
		if rf, ok := news.Refusal(err); ok {
			refuse(sentence(rf.Message))
			return
		}
		s.o.Log.Error("dashboard: create post", "err", err)
		refuse("Something went wrong on our side; the log has the details.")
		return
	}
	var which []string
	for _, p := range posts {
		which = append(which, fmt.Sprintf("#%d to %s", p.ID, p.Destination))
	}
	what := "Post " + strings.Join(which, ", post ")
	verb := "is"
	if len(posts) > 1 {
		verb = "are"
	}
	msg := fmt.Sprintf("%s %s queued to go now.", what, verb)
	if first := posts[0]; first.NotBefore.After(s.o.Clock()) {
		msg = fmt.Sprintf("%s %s scheduled for %s.", what, verb, first.NotBefore.UTC().Format("2 Jan 2006 15:04 UTC"))
	}
	s.done(w, r, v, "/queue", flash{Text: msg})
}

func (s *Server) pauseAll(w http.ResponseWriter, r *http.Request, v viewer) {
	if err := s.o.Editor.PauseAll(r.Context(), v.Editor); err != nil {
		s.done(w, r, v, "/status", s.actionError(err, "Pause"))
		return
	}
	s.done(w, r, v, "/status", flash{Text: "Auto-posting is paused: nothing is posted until you resume."})
}

func (s *Server) resumeAll(w http.ResponseWriter, r *http.Request, v viewer) {
	if err := s.o.Editor.ResumeAll(r.Context(), v.Editor); err != nil {
		s.done(w, r, v, "/status", s.actionError(err, "Resume"))
		return
	}
	s.done(w, r, v, "/status", flash{Text: "Auto-posting is running again."})
}

func (s *Server) resumeDestination(w http.ResponseWriter, r *http.Request, v viewer) {
	name := r.PathValue("name")
	if err := s.o.Editor.ResumeDestination(r.Context(), name, v.Editor); err != nil {
		s.done(w, r, v, "/status", s.actionError(err, "Resume "+name))
		return
	}
	s.done(w, r, v, "/status", flash{Text: "Posting to " + name + " resumed."})
}
