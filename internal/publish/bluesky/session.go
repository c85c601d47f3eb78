package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/heraldhq/herald/internal/media"
	"github.com/heraldhq/herald/internal/news"
)

// maxAnswer caps what is read of any answer; the PDS's are small.
const maxAnswer = 1 << 20

// session is what createSession and refreshSession answer, and what is
// kept in the SessionStore (with the service and login it belongs to, so a
// change of either in the configuration starts a new one).
type session struct {
	DID     string `json:"did"`
	Handle  string `json:"handle"`
	Access  string `json:"accessJwt"`
	Refresh string `json:"refreshJwt"`
	Service string `json:"service,omitempty"`
	Login   string `json:"login,omitempty"`
}

// session returns the session in use: the one in memory, else the stored
// one, else a new login.
func (p *Publisher) session(ctx context.Context) (*session, error) {
	if s := p.current(); s != nil {
		return s, nil
	}
	p.auth.Lock()
	defer p.auth.Unlock()
	if s := p.current(); s != nil {
		return s, nil
	}
	s, err := p.load(ctx)
	if err != nil {
		return nil, err
	}
	if s == nil {
		if s, err = p.login(ctx); err != nil {
			return nil, err
		}
		p.save(ctx, s)
	}
	p.set(s)
	return s, nil
}

func (p *Publisher) current() *session {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sess
}

func (p *Publisher) set(s *session) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sess = s
}

// load reads the stored session; nil when there is none for this service
// and login. A store that cannot be read is a transient failure rather than
// a reason to log in: logins are what Bluesky limits.
func (p *Publisher) load(ctx context.Context) (*session, error) {
	if p.store == nil {
		return nil, nil
	}
	data, err := p.store.LoadSession(ctx, p.name)
	if err != nil {
		return nil, p.failure(news.Transient, 0, "cannot read the stored Bluesky session: "+err.Error(), err)
	}
	if len(data) == 0 {
		return nil, nil
	}
	var s session
	if err := json.Unmarshal(data, &s); err != nil || s.Access == "" || s.Refresh == "" || s.DID == "" {
		p.log.Warn("bluesky: the stored session is unreadable; logging in again")
		return nil, nil
	}
	if s.Service != p.service || !strings.EqualFold(s.Login, p.handle) {
		return nil, nil
	}
	return &s, nil
}

func (p *Publisher) save(ctx context.Context, s *session) {
	if p.store == nil {
		return
	}
	s.Service, s.Login = p.service, p.handle
	data, err := json.Marshal(s)
	if err == nil {
		err = p.store.SaveSession(ctx, p.name, data)
	}
	if err != nil {
		p.log.Warn("bluesky: cannot store the session; a restart will log in again", "err", err)
	}
}

// renew replaces a session whose access token the PDS refused: with one
// another caller (or another herald sharing the store) got meanwhile, else
// by refreshing it, else, when the refresh token is refused too, by logging
// in.
func (p *Publisher) renew(ctx context.Context, failed *session) (*session, error) {
	p.auth.Lock()
	defer p.auth.Unlock()
	if s := p.current(); s != nil && s.Access != failed.Access {
		return s, nil
	}
	if s, err := p.load(ctx); err == nil && s != nil && s.Access != failed.Access {
		p.set(s)
		return s, nil
	}
	s, err := p.refresh(ctx, failed)
	if errors.Is(err, errRefreshRefused) {
		s, err = p.login(ctx)
	}
	if err != nil {
		return nil, err
	}
	p.save(ctx, s)
	p.set(s)
	return s, nil
}

// errRefreshRefused: the refresh token is expired, revoked or unknown.
var errRefreshRefused = errors.New("bluesky: the refresh token was refused")

func (p *Publisher) login(ctx context.Context) (*session, error) {
	body, _ := json.Marshal(map[string]string{"identifier": p.handle, "password": p.password})
	resp, data, err := p.do(ctx, http.MethodPost, "com.atproto.server.createSession", nil, "", "application/json", body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, p.classifyLogin(answerOf(resp, data))
	}
	return p.readSession(resp, data)
}

func (p *Publisher) refresh(ctx context.Context, s *session) (*session, error) {
	resp, data, err := p.do(ctx, http.MethodPost, "com.atproto.server.refreshSession", nil, s.Refresh, "", nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		a := answerOf(resp, data)
		if a.tokenRefused() {
			return nil, errRefreshRefused
		}
		return nil, p.classify(a)
	}
	return p.readSession(resp, data)
}

func (p *Publisher) readSession(resp *http.Response, data []byte) (*session, error) {
	var s session
	if err := json.Unmarshal(data, &s); err != nil || s.Access == "" || s.Refresh == "" || s.DID == "" {
		return nil, p.failure(news.Transient, resp.StatusCode, "Bluesky's session answer holds no tokens", err)
	}
	return &s, nil
}

// call makes an authenticated XRPC call and decodes a success into out (when
// not nil). body, when not nil, makes the JSON request body for the session
// in use.
func (p *Publisher) call(ctx context.Context, method, nsid string, query url.Values, body func(*session) any, out any) error {
	return p.authed(ctx, method, nsid, query, func(s *session) (string, []byte, error) {
		if body == nil {
			return "", nil, nil
		}
		payload, err := json.Marshal(body(s))
		if err != nil {
			return "", nil, p.failure(news.Rejected, 0, "the post cannot be sent to Bluesky as JSON", err)
		}
		return "application/json", payload, nil
	}, out)
}

// upload sends an image with uploadBlob.
func (p *Publisher) upload(ctx context.Context, img *media.Image, out any) error {
	return p.authed(ctx, http.MethodPost, "com.atproto.repo.uploadBlob", nil, func(*session) (string, []byte, error) {
		return img.MIME, img.Data, nil
	}, out)
}

// authed makes an XRPC call with the session's access token, the body that
// request makes for the session in use, and decodes a success into out.
// An access token the PDS refuses is renewed once and the call made again.
func (p *Publisher) authed(ctx context.Context, method, nsid string, query url.Values,
	request func(*session) (contentType string, payload []byte, err error), out any) error {
	s, err := p.session(ctx)
	if err != nil {
		return err
	}
	for try := 0; ; try++ {
		ct, payload, err := request(s)
		if err != nil {
			return err
		}
		resp, data, err := p.do(ctx, method, nsid, query, s.Access, ct, payload)
		if err != nil {
			return err
		}
		if resp.StatusCode/100 == 2 {
			return p.decode(resp, data, out)
		}
		a := answerOf(resp, data)
		if try == 0 && a.tokenRefused() {
			if s, err = p.renew(ctx, s); err != nil {
				return err
			}
			continue
		}
		return p.classify(a)
	}
}

func (p *Publisher) decode(resp *http.Response, data []byte, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return p.failure(news.Transient, resp.StatusCode, "Bluesky's answer is not JSON", err)
	}
	return nil
}

// do sends one XRPC request and reads the answer. Its error is already
// classified: not reaching the PDS, or not reading all of a success, is
// transient.
func (p *Publisher) do(ctx context.Context, method, nsid string, query url.Values, token, contentType string, body []byte) (*http.Response, []byte, error) {
	u := p.service + "/xrpc/" + nsid
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, nil, p.failure(news.Permanent, 0, "cannot build a request to Bluesky from the service address", err)
	}
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, nil, p.unreachable(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil && resp.StatusCode/100 == 2 {
		return nil, nil, p.failure(news.Transient, resp.StatusCode, "Bluesky's answer was cut off", err)
	}
	return resp, data, nil
}
