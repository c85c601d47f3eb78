package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

// Editors' sessions on the dashboard. Signing in with an editor token makes a
// session kept in memory, named by a random id in the herald_session cookie;
// each session has its own random CSRF token, which every form and the live
// counter send back. Sessions end after sessionLifetime, at sign-out, or when
// herald restarts.

const (
	sessionCookie   = "herald_session"
	sessionLifetime = 12 * time.Hour
	// maxSessions bounds the memory sessions take: the demo makes one for
	// every visitor.
	maxSessions = 10000
	// demoActor is who acts on the demo's dashboard, where no one signs in.
	demoActor = "demo"
	// csrfField is the form field, and csrfHeader the header, that carry the
	// session's CSRF token.
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

// session is one signed-in browser.
type session struct {
	editor  string
	csrf    string
	expires time.Time
	// flash is a message for the next page shown, after a redirect.
	flash *flash
}

// flash is a one-time message about the last action.
type flash struct {
	Text string
	Bad  bool
}

// sessionStore keeps sessions by the SHA-256 of their id, so that the ids
// themselves (the cookies' values) are not kept.
type sessionStore struct {
	mu sync.Mutex
	m  map[string]*session
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

// create starts a session for editor and returns its id and CSRF token.
func (st *sessionStore) create(editor string, now time.Time) (id, csrf string) {
	id, csrf = randomToken(), randomToken()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.m == nil {
		st.m = make(map[string]*session)
	}
	if len(st.m) >= maxSessions {
		st.evict(now)
	}
	st.m[sessionKey(id)] = &session{editor: editor, csrf: csrf, expires: now.Add(sessionLifetime)}
	return id, csrf
}

// evict drops expired sessions and, when that is not enough, the ones
// closest to expiring.
func (st *sessionStore) evict(now time.Time) {
	for k, s := range st.m {
		if !now.Before(s.expires) {
			delete(st.m, k)
		}
	}
	for len(st.m) >= maxSessions {
		var oldest string
		for k, s := range st.m {
			if oldest == "" || s.expires.Before(st.m[oldest].expires) {
				oldest = k
			}
		}
		delete(st.m, oldest)
	}
}

// get returns the editor and CSRF token of a live session.
func (st *sessionStore) get(id string, now time.Time) (editor, csrf string, ok bool) {
	if id == "" {
		return "", "", false
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	k := sessionKey(id)
	s := st.m[k]
	if s == nil {
		return "", "", false
	}
	if !now.Before(s.expires) {
		delete(st.m, k)
		return "", "", false
	}
	return s.editor, s.csrf, true
}

func (st *sessionStore) delete(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.m, sessionKey(id))
}

// setFlash leaves a message for the session's next page.
func (st *sessionStore) setFlash(id string, f flash) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if s := st.m[sessionKey(id)]; s != nil {
		s.flash = &f
	}
}

// takeFlash returns the session's message, once.
func (st *sessionStore) takeFlash(id string) *flash {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.m[sessionKey(id)]
	if s == nil {
		return nil
	}
	f := s.flash
	s.flash = nil
	return f
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
	editor, csrf, ok := s.sessions.get(c.Value, s.o.Clock())
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
		id, csrf := s.sessions.create(demoActor, s.o.Clock())
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

// signin checks an editor's token and starts a session. Failures count
// against the address like bad API tokens, and are refused with 429 once
// there are too many.
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
	ip, now := clientIP(r), s.o.Clock()
	if s.failures.blocked(ip, now) {
		w.Header().Set("Retry-After", "60")
		s.renderPage(w, r, http.StatusTooManyRequests, "signin.html", "signin", "Sign in", viewer{},
			signinView{Next: next, Blocked: true, Error: "Too many failed attempts from your address: wait a minute and try again."})
		return
	}
	name := s.editorFor(strings.TrimSpace(r.PostForm.Get("token")))
	if name == "" {
		s.failures.add(ip, now)
		s.o.Log.Warn("refused a dashboard sign-in with a wrong token", "remote", ip)
		s.renderPage(w, r, http.StatusUnauthorized, "signin.html", "signin", "Sign in", viewer{},
			signinView{Next: next, Error: "That token is not right. Check it and try again."})
		return
	}
	if old, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.delete(old.Value)
	}
	id, _ := s.sessions.create(name, now)
	s.setSessionCookie(w, r, id)
	s.audit(r, name, "sign in", "dashboard, from "+ip)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	v, ok := s.checkForm(w, r)
	if !ok {
		return
	}
	s.sessions.delete(v.sid)
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
