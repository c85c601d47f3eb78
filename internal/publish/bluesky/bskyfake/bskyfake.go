// Package bskyfake is a fake Bluesky PDS for herald's tests and demo. It
// answers the XRPC calls herald makes (createSession, refreshSession,
// getSession, createRecord, uploadBlob, deleteRecord, listRecords) the way a
// PDS does, and refuses what a PDS refuses: a wrong app password, too many
// logins, expired or unknown tokens, a post over 300 graphemes or 3,000
// bytes, facets outside the text or off UTF-8 boundaries, a thumbnail over
// 1,000,000 bytes or one that was never uploaded. It is stricter than a PDS
// in one way, on purpose: a link facet must cover exactly its URL and a tag
// facet exactly its "#tag", so a client's offsets are checked to the byte.
// Tests read back what was posted and how often the account logged in.
package bskyfake

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Bluesky's limits, as the PDS and the post lexicon set them.
const (
	MaxGraphemes  = 300
	MaxTextBytes  = 3000
	MaxThumbBytes = 1_000_000
	// MaxUploadBytes is the PDS's own limit on one uploaded blob, above
	// which it answers 413 before any lexicon is checked.
	MaxUploadBytes = 5 << 20
	// LoginWindow and LoginsPerWindow are Bluesky's limit on logins per
	// account; LoginsPerDay is the daily one.
	LoginWindow     = 5 * time.Minute
	LoginsPerWindow = 30
	LoginsPerDay    = 300

	postCollection = "app.bsky.feed.post"
	maxJSON        = 1 << 20
)

// Options configure the fake account.
type Options struct {
	// Handle is the account's handle; "herald.bsky.social" when empty.
	Handle string
	// Password is the app password; "app-pass-word-fake" when empty.
	Password string
	// DID is the account's DID; a fixed did:plc when empty.
	DID string
	// AccessTTL and RefreshTTL are how long tokens last: 2 hours and 90
	// days when zero, as on Bluesky.
	AccessTTL, RefreshTTL time.Duration
	// Clock is the fake's time; nil means time.Now.
	Clock func() time.Time
}

// Post is a post the fake holds.
type Post struct {
	URI  string
	CID  string
	Rkey string
	// Record is the record as the client sent it.
	Record Record
	Time   time.Time
}

// Record is an app.bsky.feed.post as the fake reads it.
type Record struct {
	Type      string   `json:"$type"`
	Text      string   `json:"text"`
	CreatedAt string   `json:"createdAt"`
	Langs     []string `json:"langs,omitempty"`
	Facets    []Facet  `json:"facets,omitempty"`
	Embed     *Embed   `json:"embed,omitempty"`
}

// Facet is an app.bsky.richtext.facet.
type Facet struct {
	Index struct {
		ByteStart int `json:"byteStart"`
		ByteEnd   int `json:"byteEnd"`
	} `json:"index"`
	Features []Feature `json:"features"`
}

// Feature is a facet's link, tag or mention.
type Feature struct {
	Type string `json:"$type"`
	URI  string `json:"uri,omitempty"`
	Tag  string `json:"tag,omitempty"`
	DID  string `json:"did,omitempty"`
}

// Embed is an app.bsky.embed.external.
type Embed struct {
	Type     string `json:"$type"`
	External *struct {
		URI         *string `json:"uri"`
		Title       *string `json:"title"`
		Description *string `json:"description"`
		Thumb       *Blob   `json:"thumb,omitempty"`
	} `json:"external"`
}

// Blob is a blob reference as records carry it.
type Blob struct {
	Type string `json:"$type"`
	Ref  struct {
		Link string `json:"$link"`
	} `json:"ref"`
	MimeType string `json:"mimeType"`
	Size     int    `json:"size"`
}

// Response is a scripted answer to the next createRecord call.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

type token struct {
	refresh bool
	expires time.Time
}

// Server is the fake PDS, an http.Handler safe for concurrent use.
type Server struct {
	opts Options
	now  func() time.Time

	mu        sync.Mutex
	posts     []Post
	blobs     map[string][]byte // cid → data
	tokens    map[string]token
	logins    int
	refreshes int
	attempts  []time.Time // login attempts, for the rate limit
	script    []Response
	cut       int // createRecord calls to commit and then leave unanswered
	lastTID   int64
	calls     map[string]int
}

// New returns a fake PDS holding one account.
func New(o Options) *Server {
	if o.Handle == "" {
		o.Handle = "herald.bsky.social"
	}
	if o.Password == "" {
		o.Password = "app-pass-word-fake"
	}
	if o.DID == "" {
		o.DID = "did:plc:heraldfake7x3tq2zkkbmaqz"
	}
	if o.AccessTTL <= 0 {
		o.AccessTTL = 2 * time.Hour
	}
	if o.RefreshTTL <= 0 {
		o.RefreshTTL = 90 * 24 * time.Hour
	}
	now := o.Clock
	if now == nil {
		now = time.Now
	}
	return &Server{opts: o, now: now, blobs: map[string][]byte{}, tokens: map[string]token{}, calls: map[string]int{}}
}

// DID is the account's DID.
func (s *Server) DID() string { return s.opts.DID }

// Posts returns the posts the account holds, oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

// Blob returns an uploaded blob's data.
func (s *Server) Blob(cid string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.blobs[cid]
	return b, ok
}

// Logins returns how many createSession calls succeeded.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// Refreshes returns how many refreshSession calls succeeded.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes
}

// Calls returns how many calls arrived for an XRPC method
// ("com.atproto.repo.createRecord"), answered well or not.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// ExpireAccessTokens makes every access token issued so far expired, as two
// hours of waiting would.
func (s *Server) ExpireAccessTokens() { s.expire(false) }

// ExpireRefreshTokens makes every refresh token issued so far expired.
func (s *Server) ExpireRefreshTokens() { s.expire(true) }

func (s *Server) expire(refresh bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.now().Add(-time.Second)
	for k, t := range s.tokens {
		if t.refresh == refresh {
			t.expires = past
			s.tokens[k] = t
		}
	}
}

// Push queues scripted answers for the next createRecord calls, one each,
// after authentication. A scripted call stores no post.
func (s *Server) Push(r ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, r...)
}

// CutNext makes the next n createRecord calls store their post and then
// close the connection without answering, as when a network fails after the
// PDS has committed.
func (s *Server) CutNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cut += n
}

// ServeHTTP answers the XRPC methods herald uses, and XRPC's 501 for others.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/xrpc/")
	if !ok {
		xrpcError(w, http.StatusNotFound, nil, "NotFound", "Not Found")
		return
	}
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
	type route struct {
		verb string
		h    func(http.ResponseWriter, *http.Request)
	}
	routes := map[string]route{
		"com.atproto.server.createSession":  {http.MethodPost, s.createSession},
		"com.atproto.server.refreshSession": {http.MethodPost, s.refreshSession},
		"com.atproto.server.getSession":     {http.MethodGet, s.authed(s.getSession)},
		"com.atproto.repo.createRecord":     {http.MethodPost, s.authed(s.createRecord)},
		"com.atproto.repo.uploadBlob":       {http.MethodPost, s.authed(s.uploadBlob)},
		"com.atproto.repo.deleteRecord":     {http.MethodPost, s.authed(s.deleteRecord)},
		"com.atproto.repo.listRecords":      {http.MethodGet, s.listRecords},
	}
	rt, ok := routes[method]
	switch {
	case !ok:
		xrpcError(w, http.StatusNotImplemented, nil, "MethodNotImplemented", "Method Not Implemented")
	case r.Method != rt.verb:
		xrpcError(w, http.StatusMethodNotAllowed, nil, "InvalidRequest", "Incorrect HTTP method ("+r.Method+") expected "+rt.verb)
	default:
		rt.h(w, r)
	}
}

func (s *Server) createSession(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Identifier string `json:"identifier"`
		Password   string `json:"password"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	s.mu.Lock()
	now := s.now()
	var window, day int
	kept := s.attempts[:0]
	for _, t := range s.attempts {
		if now.Sub(t) < 24*time.Hour {
			kept = append(kept, t)
			day++
			if now.Sub(t) < LoginWindow {
				window++
			}
		}
	}
	s.attempts = kept
	if window >= LoginsPerWindow || day >= LoginsPerDay {
		limit, policy, oldest := LoginsPerWindow, fmt.Sprintf("%d;w=%d", LoginsPerWindow, int(LoginWindow.Seconds())), now
		for _, t := range s.attempts {
			if now.Sub(t) < LoginWindow && t.Before(oldest) {
				oldest = t
			}
		}
		reset := oldest.Add(LoginWindow)
		if day >= LoginsPerDay {
			limit, policy, reset = LoginsPerDay, fmt.Sprintf("%d;w=86400", LoginsPerDay), s.attempts[0].Add(24*time.Hour)
		}
		s.mu.Unlock()
		xrpcError(w, http.StatusTooManyRequests, rateHeaders(limit, 0, reset, policy), "RateLimitExceeded", "Rate Limit Exceeded")
		return
	}
	s.attempts = append(s.attempts, now)
	id := strings.ToLower(strings.TrimPrefix(in.Identifier, "@"))
	if (id != strings.ToLower(s.opts.Handle) && in.Identifier != s.opts.DID) || in.Password != s.opts.Password {
		s.mu.Unlock()
		xrpcError(w, http.StatusUnauthorized, nil, "AuthenticationRequired", "Invalid identifier or password")
		return
	}
	s.logins++
	access, refresh := s.issueLocked()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, nil, s.session(access, refresh))
}

func (s *Server) refreshSession(w http.ResponseWriter, r *http.Request) {
	tok := bearer(r)
	s.mu.Lock()
	t, ok := s.tokens[tok]
	switch {
	case !ok || !t.refresh:
		s.mu.Unlock()
		xrpcError(w, http.StatusBadRequest, nil, "InvalidToken", "Token could not be verified")
		return
	case !s.now().Before(t.expires):
		s.mu.Unlock()
		xrpcError(w, http.StatusBadRequest, nil, "ExpiredToken", "Token has expired")
		return
	}
	delete(s.tokens, tok) // a refresh token is used once
	s.refreshes++
	access, refresh := s.issueLocked()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, nil, s.session(access, refresh))
}

func (s *Server) session(access, refresh string) map[string]any {
	return map[string]any{
		"accessJwt": access, "refreshJwt": refresh, "handle": s.opts.Handle, "did": s.opts.DID,
		"active": true, "email": "newsroom@example.com", "emailConfirmed": true,
	}
}

// issueLocked makes a new pair of tokens. They look like JWTs (three
// base64url parts) but the fake only ever compares them whole.
func (s *Server) issueLocked() (access, refresh string) {
	now := s.now()
	access, refresh = newToken("at+jwt"), newToken("refresh+jwt")
	s.tokens[access] = token{expires: now.Add(s.opts.AccessTTL)}
	s.tokens[refresh] = token{refresh: true, expires: now.Add(s.opts.RefreshTTL)}
	return access, refresh
}

func newToken(typ string) string {
	b := make([]byte, 24)
	rand.Read(b)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"typ":"`+typ+`","alg":"ES256K"}`)) + "." + enc.EncodeToString(b[:12]) + "." + enc.EncodeToString(b[12:])
}

// authed checks the access token and answers as a PDS does when it is
// missing, unknown, a refresh token or expired.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request)) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := bearer(r)
		if tok == "" {
			xrpcError(w, http.StatusUnauthorized, nil, "AuthenticationRequired", "Authentication Required")
			return
		}
		s.mu.Lock()
		t, ok := s.tokens[tok]
		now := s.now()
		s.mu.Unlock()
		switch {
		case !ok:
			xrpcError(w, http.StatusUnauthorized, nil, "InvalidToken", "Token could not be verified")
		case t.refresh:
			xrpcError(w, http.StatusBadRequest, nil, "InvalidToken", "Invalid token type")
		case !now.Before(t.expires):
			xrpcError(w, http.StatusBadRequest, nil, "ExpiredToken", "Token has expired")
		default:
			h(w, r)
		}
	}
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, nil, map[string]any{"handle": s.opts.Handle, "did": s.opts.DID, "active": true})
}

func (s *Server) uploadBlob(w http.ResponseWriter, r *http.Request) {
	mimeType := r.Header.Get("Content-Type")
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxUploadBytes+1))
	switch {
	case err != nil:
		xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", "could not read the blob")
		return
	case len(data) > MaxUploadBytes:
		xrpcError(w, http.StatusRequestEntityTooLarge, nil, "PayloadTooLarge", "request entity too large")
		return
	case mimeType == "" || len(data) == 0:
		xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", "a blob needs a body and a Content-Type")
		return
	}
	sniffed := http.DetectContentType(data)
	if strings.HasPrefix(mimeType, "image/") && sniffed != mimeType {
		xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", fmt.Sprintf("the blob is %s, not %s", sniffed, mimeType))
		return
	}
	cid := cidOf("bafkrei", data)
	s.mu.Lock()
	s.blobs[cid] = data
	s.mu.Unlock()
	blob := Blob{Type: "blob", MimeType: mimeType, Size: len(data)}
	blob.Ref.Link = cid
	writeJSON(w, http.StatusOK, nil, map[string]any{"blob": blob})
}

func (s *Server) createRecord(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Repo       string          `json:"repo"`
		Collection string          `json:"collection"`
		Rkey       string          `json:"rkey"`
		Record     json.RawMessage `json:"record"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if resp, ok := s.nextScripted(); ok {
		write(w, resp.Status, resp.Header, resp.Body)
		return
	}
	if in.Repo != s.opts.DID && !strings.EqualFold(in.Repo, s.opts.Handle) {
		xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", "Could not find repo: "+in.Repo)
		return
	}
	if in.Collection != postCollection {
		xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", "herald's fake takes only "+postCollection)
		return
	}
	var rec Record
	dec := json.NewDecoder(bytes.NewReader(in.Record))
	if err := dec.Decode(&rec); err != nil {
		xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", "Invalid app.bsky.feed.post record: "+err.Error())
		return
	}
	if msg := s.validate(rec); msg != "" {
		xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", "Invalid app.bsky.feed.post record: "+msg)
		return
	}

	s.mu.Lock()
	now := s.now()
	rkey := s.nextTIDLocked(now)
	p := Post{URI: "at://" + s.opts.DID + "/" + postCollection + "/" + rkey, CID: cidOf("bafyrei", in.Record), Rkey: rkey, Record: rec, Time: now}
	s.posts = append(s.posts, p)
	cut := s.cut > 0
	if cut {
		s.cut--
	}
	s.mu.Unlock()
	if cut {
		hangUp(w)
		return
	}
	writeJSON(w, http.StatusOK, nil, map[string]any{
		"uri": p.URI, "cid": p.CID, "validationStatus": "valid",
		"commit": map[string]any{"cid": cidOf("bafyrei", []byte(p.URI+"commit")), "rev": rkey},
	})
}

// validate checks a post as the PDS and the post lexicon do, and its facets
// more strictly (see the package comment). It returns what is wrong, or "".
func (s *Server) validate(rec Record) string {
	if rec.Type != postCollection {
		return fmt.Sprintf("Record/$type must be %s", postCollection)
	}
	if !utf8.ValidString(rec.Text) {
		return "Record/text must be valid UTF-8"
	}
	if n := uniseg.GraphemeClusterCount(rec.Text); n > MaxGraphemes {
		return fmt.Sprintf("Record/text must not be longer than %d graphemes", MaxGraphemes)
	}
	if len(rec.Text) > MaxTextBytes {
		return fmt.Sprintf("Record/text must not be longer than %d characters", MaxTextBytes)
	}
	if _, err := time.Parse(time.RFC3339Nano, rec.CreatedAt); err != nil {
		return "Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)"
	}
	if len(rec.Langs) > 3 {
		return "Record/langs must not have more than 3 elements"
	}
	for _, l := range rec.Langs {
		if l == "" || strings.ContainsAny(l, " _") {
			return "Record/langs must be a well-formed BCP 47 language tag"
		}
	}
	for i, f := range rec.Facets {
		bs, be := f.Index.ByteStart, f.Index.ByteEnd
		where := fmt.Sprintf("Record/facets/%d", i)
		switch {
		case bs < 0 || be > len(rec.Text) || bs >= be:
			return fmt.Sprintf("%s/index [%d, %d) is outside the text of %d bytes", where, bs, be, len(rec.Text))
		case !boundary(rec.Text, bs) || !boundary(rec.Text, be):
			return fmt.Sprintf("%s/index [%d, %d) splits a UTF-8 character", where, bs, be)
		case len(f.Features) == 0:
			return where + "/features must not be empty"
		}
		covered := rec.Text[bs:be]
		for _, ft := range f.Features {
			switch ft.Type {
			case "app.bsky.richtext.facet#link":
				if ft.URI == "" || covered != ft.URI {
					return fmt.Sprintf("%s covers %q, not its link %q", where, covered, ft.URI)
				}
			case "app.bsky.richtext.facet#tag":
				if ft.Tag == "" || strings.HasPrefix(ft.Tag, "#") || uniseg.GraphemeClusterCount(ft.Tag) > 64 || covered != "#"+ft.Tag {
					return fmt.Sprintf("%s covers %q, not its tag %q", where, covered, ft.Tag)
				}
			case "app.bsky.richtext.facet#mention":
				if !strings.HasPrefix(ft.DID, "did:") {
					return where + " mention needs a DID"
				}
			default:
				return fmt.Sprintf("%s has an unknown feature %q", where, ft.Type)
			}
		}
	}
	if e := rec.Embed; e != nil {
		if e.Type != "app.bsky.embed.external" || e.External == nil {
			return "Record/embed: herald's fake takes only app.bsky.embed.external"
		}
		x := e.External
		if x.URI == nil || x.Title == nil || x.Description == nil {
			return "Record/embed/external must have the properties \"uri\", \"title\" and \"description\""
		}
		if !strings.HasPrefix(*x.URI, "http://") && !strings.HasPrefix(*x.URI, "https://") {
			return "Record/embed/external/uri must be a valid uri"
		}
		if t := x.Thumb; t != nil {
			s.mu.Lock()
			data, ok := s.blobs[t.Ref.Link]
			s.mu.Unlock()
			switch {
			case t.Type != "blob" || !ok:
				return "Could not find blob: " + t.Ref.Link
			case t.Size != len(data):
				return "Record/embed/external/thumb size does not match the blob"
			case !strings.HasPrefix(t.MimeType, "image/"):
				return "Record/embed/external/thumb mimeType must be image/*"
			case len(data) > MaxThumbBytes:
				return fmt.Sprintf("Record/embed/external/thumb file too big (max %d bytes)", MaxThumbBytes)
			}
		}
	}
	return ""
}

func boundary(s string, i int) bool { return i == len(s) || utf8.RuneStart(s[i]) }

func (s *Server) deleteRecord(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Repo       string `json:"repo"`
		Collection string `json:"collection"`
		Rkey       string `json:"rkey"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.Repo != s.opts.DID && !strings.EqualFold(in.Repo, s.opts.Handle) {
		xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", "Could not find repo: "+in.Repo)
		return
	}
	s.mu.Lock()
	for i, p := range s.posts {
		if in.Collection == postCollection && p.Rkey == in.Rkey {
			s.posts = append(s.posts[:i], s.posts[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	// Deleting a record that is not there is not an error on a PDS.
	writeJSON(w, http.StatusOK, nil, map[string]any{"commit": map[string]any{"cid": cidOf("bafyrei", []byte(in.Rkey)), "rev": in.Rkey}})
}

// listRecords lists the account's posts, newest first, as a PDS does
// without reverse=true. It needs no authentication.
func (s *Server) listRecords(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if repo := q.Get("repo"); repo != s.opts.DID && !strings.EqualFold(repo, s.opts.Handle) {
		xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", "Could not find repo: "+repo)
		return
	}
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", "limit must be between 1 and 100")
			return
		}
		limit = n
	}
	records := []map[string]any{}
	s.mu.Lock()
	if q.Get("collection") == postCollection {
		for i := len(s.posts) - 1; i >= 0 && len(records) < limit; i-- {
			p := s.posts[i]
			records = append(records, map[string]any{"uri": p.URI, "cid": p.CID, "value": p.Record})
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, nil, map[string]any{"records": records})
}

func (s *Server) nextScripted() (Response, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.script) == 0 {
		return Response{}, false
	}
	r := s.script[0]
	s.script = s.script[1:]
	return r, true
}

// nextTIDLocked makes a record key in atproto's TID form: microseconds since
// 1970 above a 10-bit clock id, in base32-sortable, always increasing.
func (s *Server) nextTIDLocked(now time.Time) string {
	v := now.UnixMicro()<<10 | 7
	if v <= s.lastTID {
		v = s.lastTID + 1<<10
	}
	s.lastTID = v
	const alphabet = "234567abcdefghijklmnopqrstuvwxyz"
	var b [13]byte
	for i := 12; i >= 0; i-- {
		b[i] = alphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}

var cidEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// cidOf makes a CID-shaped name from the content's hash.
func cidOf(prefix string, data []byte) string {
	sum := sha256.Sum256(data)
	return prefix + strings.ToLower(cidEncoding.EncodeToString(sum[:]))
}

// RateHeaders are the headers a PDS sends with a rate limit.
func rateHeaders(limit, remaining int, reset time.Time, policy string) http.Header {
	h := http.Header{}
	h.Set("RateLimit-Limit", strconv.Itoa(limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("RateLimit-Policy", policy)
	return h
}

// RateLimited is the answer a PDS gives when a limit is used up; reset is
// when it resets.
func RateLimited(reset time.Time) Response {
	return Response{
		Status: http.StatusTooManyRequests,
		Header: rateHeaders(5000, 0, reset, "5000;w=3600"),
		Body:   `{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`,
	}
}

func bearer(r *http.Request) string {
	v := r.Header.Get("Authorization")
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return ""
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", "Wrong request encoding (Content-Type): "+ct)
		return false
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxJSON))
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		xrpcError(w, http.StatusBadRequest, nil, "InvalidRequest", "Invalid JSON body")
		return false
	}
	return true
}

// hangUp closes the connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func xrpcError(w http.ResponseWriter, status int, h http.Header, name, message string) {
	b, _ := json.Marshal(map[string]string{"error": name, "message": message})
	write(w, status, h, string(b))
}

func writeJSON(w http.ResponseWriter, status int, h http.Header, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		xrpcError(w, http.StatusInternalServerError, nil, "InternalServerError", err.Error())
		return
	}
	write(w, status, h, string(b))
}

func write(w http.ResponseWriter, status int, h http.Header, body string) {
	for k, vs := range h {
		w.Header()[http.CanonicalHeaderKey(k)] = vs
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	io.WriteString(w, body)
}
