package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// Editors' sessions on the dashboard. Signing in with an editor token makes a
// session, named by a random id in the herald_session cookie and kept in the
// database by the SHA-256 of that id, so that every replica behind a load
// balancer knows it; each session has its own random CSRF token, which every
// form and the live counter send back. Sessions end after sessionLifetime or
// at sign-out. The message about the last action (the flash) travels in a
// short-lived cookie of its own.

const (
	sessionCookie   = "herald_session"
	flashCookie     = "herald_flash"
	sessionLifetime = 12 * time.Hour
	// maxSessions bounds the sessions kept: the demo makes one for every
	// visitor.
	maxSessions = 10000
	// demoActor is who acts on the demo's dashboard, where no one signs in.
	demoActor = "demo"
	// csrfField is the form field, and csrfHeader the header, that carry the
	// session's CSRF token.
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

// flash is a one-time message about the last action.
type flash struct {
	Text string `json:"t"`
	Bad  bool   `json:"b,omitempty"`
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand since Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// createSession starts a session for editor and returns its id and CSRF
// token.
func (s *Server) createSession(ctx context.Context, editor string) (id, csrf string, err error) {
	id, csrf = randomToken(), randomToken()
	now := s.o.Clock()
	ses := store.Session{Key: sessionKey(id), Editor: editor, CSRF: csrf, Expires: now.Add(sessionLifetime)}
	if err := s.o.Store.AddSession(ctx, ses, now, maxSessions); err != nil {
		return "", "", err
	}
	return id, csrf, nil
}

// session returns the editor and CSRF token of a live session.
func (s *Server) session(ctx context.Context, id string) (editor, csrf string, ok bool) {
	if id == "" {
		return "", "", false
	}
	ses, err := s.o.Store.Session(ctx, sessionKey(id), s.o.Clock())
	if err != nil {
		if !errors.Is(err, news.ErrNotFound) {
			s.o.Log.Error("reading a dashboard session failed", "err", err)
		}
		return "", "", false
	}
	return ses.Editor, ses.CSRF, true
}

func (s *Server) deleteSession(ctx context.Context, id string) {
	if err := s.o.Store.DeleteSession(ctx, sessionKey(id)); err != nil {
		s.o.Log.Error("ending a dashboard session failed", "err", err)
	}
}

// setFlash leaves a message for the next page the browser shows.
func setFlash(w http.ResponseWriter, r *http.Request, f flash) {
	b, _ := json.Marshal(f)
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
}

// takeFlash returns the message left for this page, once.
func takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	var f flash
	if err != nil || len(b) > 2048 || json.Unmarshal(b, &f) != nil || f.Text == "" {
		return nil
	}
	return &f
}

// editorFor returns the name of the editor whose token this is, or "" when
// it is nobody's. Like the API's bearer check, it compares every token in
// constant time, so the time taken says nothing about which came close.
func (s *Server) editorFor(token string) string {
	if token == "" {
		return ""
	}
	name := ""
	for t, n := range s.o.Tokens {
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			name = n
		}
	}
	return name
}

// viewer is who looks at a dashboard page.
type viewer struct {
	// Editor is who acts: an editor's name, demoActor in the demo, or ""
	// when the dashboard is read-only.
	Editor string
	// CSRF is the session's token, for the forms.
	CSRF string
	// SignedIn is true for an editor who signed in with a token (and can
	// sign out).
	SignedIn bool
	sid      string
}

// CanAct reports whether the page shows editors' actions.
func (v viewer) CanAct() bool { return v.Editor != "" }

// currentSession returns the viewer of the request's live session.
func (s *Server) currentSession(r *http.Request) (viewer, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return viewer{}, false
	}
	editor, csrf, ok := s.session(r.Context(), c.Value)
	if !ok {
		return viewer{}, false
	}
	return viewer{Editor: editor, CSRF: csrf, SignedIn: len(s.o.Tokens) > 0, sid: c.Value}, true
}

// setSessionCookie gives the browser its session. It is Secure when the
// request came over TLS; behind a proxy that ends TLS, herald cannot tell.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, id string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/",
		MaxAge: int(sessionLifetime / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
}

// viewerFor works out who looks at a page. With editor tokens, a request
// without a live session is sent to sign in (ok is false: the answer is
// written). In the demo, a visitor without a session gets one.
func (s *Server) viewerFor(w http.ResponseWriter, r *http.Request) (viewer, bool) {
	switch {
	case s.o.Editor != nil && len(s.o.Tokens) > 0:
		if v, ok := s.currentSession(r); ok {
			return v, true
		}
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return viewer{}, false
	case s.o.Editor != nil && s.o.OpenEditing:
		if v, ok := s.currentSession(r); ok {
			return v, true
		}
		id, csrf, err := s.createSession(r.Context(), demoActor)
		if err != nil {
			s.fail(w, err)
			return viewer{}, false
		}
		s.setSessionCookie(w, r, id)
		return viewer{Editor: demoActor, CSRF: csrf, sid: id}, true
	case len(s.o.Tokens) > 0:
		// Tokens but nothing to act with: reading still needs a sign-in.
		if v, ok := s.currentSession(r); ok {
			v.Editor = ""
			return v, true
		}
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return viewer{}, false
	}
	return viewer{}, true
}

// actor checks an editor's form post: editing must be on, and the form
// must pass checkForm. It answers 403 itself when not (ok is false), and
// nothing changes.
func (s *Server) actor(w http.ResponseWriter, r *http.Request) (viewer, bool) {
	if s.o.Editor == nil || (len(s.o.Tokens) == 0 && !s.o.OpenEditing) {
		s.refuse(w, r, "herald is read-only: set HERALD_EDITOR_TOKENS to let editors act")
		return viewer{}, false
	}
	v, ok := s.checkForm(w, r)
	if ok && v.Editor == "" {
		s.refuse(w, r, "you cannot act on this dashboard")
		return viewer{}, false
	}
	return v, ok
}

func (s *Server) refuse(w http.ResponseWriter, r *http.Request, msg string) {
	s.o.Log.Warn("refused a dashboard action", "remote", clientIP(r), "path", r.URL.Path, "why", msg)
	s.renderError(w, r, http.StatusForbidden, msg)
}

// checkForm checks a dashboard form post: it must come from this site, from
// a live session, with the session's CSRF token.
func (s *Server) checkForm(w http.ResponseWriter, r *http.Request) (viewer, bool) {
	refuse := func(msg string) (viewer, bool) {
		s.refuse(w, r, msg)
		return viewer{}, false
	}
	if err := s.crossOrigin.Check(r); err != nil {
		return refuse("the form was sent from another site")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return refuse("the form could not be read")
	}
	v, ok := s.currentSession(r)
	if !ok {
		if len(s.o.Tokens) > 0 {
			return refuse("your session has ended: sign in again")
		}
		return refuse("your session has ended: reload the page and try again")
	}
	if !validCSRF(v.CSRF, r.PostForm.Get(csrfField)) {
		return refuse("the form has expired: reload the page and try again")
	}
	return v, true
}

func validCSRF(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// localPath returns p when it is a path on this site, else fallback, so a
// redirect never leaves herald.
func localPath(p, fallback string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`) || strings.ContainsAny(p, "\r\n\\") {
		return fallback
	}
	if u, err := url.Parse(p); err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return p
}

type signinView struct {
	Next    string
	Error   string
	Blocked bool
}

func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	if len(s.o.Tokens) == 0 {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	next := localPath(r.URL.Query().Get("next"), "/")
	if _, ok := s.currentSession(r); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderPage(w, r, http.StatusOK, "signin.html", "signin", "Sign in", viewer{}, signinView{Next: next})
}

// signin checks an editor's token and starts a session. A valid token
// always signs in; wrong ones count like wrong API tokens, and are refused
// with 429 once there are too many.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	if len(s.o.Tokens) == 0 {
		s.renderError(w, r, http.StatusForbidden, "no editors are configured (HERALD_EDITOR_TOKENS): there is nothing to sign in to")
		return
	}
	if err := s.crossOrigin.Check(r); err != nil {
		s.renderError(w, r, http.StatusForbidden, "the form was sent from another site")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	r.ParseForm()
	next := localPath(r.PostForm.Get("next"), "/")
	ip := clientIP(r)
	name := s.editorFor(strings.TrimSpace(r.PostForm.Get("token")))
	if name == "" {
		if s.wrongToken(r, "dashboard") {
			w.Header().Set("Retry-After", "60")
			s.renderPage(w, r, http.StatusTooManyRequests, "signin.html", "signin", "Sign in", viewer{},
				signinView{Next: next, Blocked: true, Error: "Too many failed attempts: wait a minute and try again."})
			return
		}
		s.renderPage(w, r, http.StatusUnauthorized, "signin.html", "signin", "Sign in", viewer{},
			signinView{Next: next, Error: "That token is not right. Check it and try again."})
		return
	}
	if old, err := r.Cookie(sessionCookie); err == nil {
		s.deleteSession(r.Context(), old.Value)
	}
	id, _, err := s.createSession(r.Context(), name)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.setSessionCookie(w, r, id)
	s.audit(r, name, "sign in", "dashboard, from "+ip)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	v, ok := s.checkForm(w, r)
	if !ok {
		return
	}
	s.deleteSession(r.Context(), v.sid)
	s.clearSessionCookie(w, r)
	s.audit(r, v.Editor, "sign out", "dashboard, from "+clientIP(r))
	if len(s.o.Tokens) > 0 {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// audit records a dashboard event that is not an editor action on a post.
func (s *Server) audit(r *http.Request, actor, action, detail string) {
	err := s.o.Store.AddAudit(r.Context(), store.AuditEntry{At: s.o.Clock(), Actor: actor, Action: action, Detail: detail})
	if err != nil {
		s.o.Log.Error("audit log not written", "actor", actor, "action", action, "err", err)
	}
}
