package bskyfake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type client struct {
	t      *testing.T
	srv    *httptest.Server
	access string
}

func (c *client) call(method, nsid, token, contentType string, body []byte) (int, map[string]any) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.srv.URL+"/xrpc/"+nsid, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

func (c *client) post(nsid string, v any) (int, map[string]any) {
	b, _ := json.Marshal(v)
	return c.call(http.MethodPost, nsid, c.access, "application/json", b)
}

func newClient(t *testing.T, s *Server) *client {
	c := &client{t: t, srv: httptest.NewServer(s)}
	t.Cleanup(c.srv.Close)
	status, out := c.post("com.atproto.server.createSession", map[string]string{"identifier": "herald.bsky.social", "password": "app-pass-word-fake"})
	if status != 200 {
		t.Fatalf("login: %d %v", status, out)
	}
	c.access = out["accessJwt"].(string)
	return c
}

func record(text string, facets ...map[string]any) map[string]any {
	r := map[string]any{"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-05-12T10:00:00.000Z"}
	if len(facets) > 0 {
		r["facets"] = facets
	}
	return map[string]any{"repo": "did:plc:heraldfake7x3tq2zkkbmaqz", "collection": "app.bsky.feed.post", "record": r}
}

func linkFacet(start, end int, uri string) map[string]any {
	return map[string]any{"index": map[string]int{"byteStart": start, "byteEnd": end},
		"features": []map[string]string{{"$type": "app.bsky.richtext.facet#link", "uri": uri}}}
}

func TestRefusesWhatAPDSRefuses(t *testing.T) {
	s := New(Options{})
	c := newClient(t, s)
	text := "é https://a.example/x"
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"301 graphemes", record(strings.Repeat("a", 301))},
		{"3,001 bytes", record(strings.Repeat("👨‍👩‍👧‍👦", 120) + "a")},
		{"facet past the end", record(text, linkFacet(3, 40, "https://a.example/x"))},
		{"facet inside a character", record(text, linkFacet(1, 21, "https://a.example/x"))},
		{"facet off its link", record(text, linkFacet(2, 21, "https://a.example/x"))},
		{"bad createdAt", map[string]any{"repo": s.DID(), "collection": "app.bsky.feed.post", "record": map[string]any{"$type": "app.bsky.feed.post", "text": "x", "createdAt": "yesterday"}}},
	} {
		status, out := c.post("com.atproto.repo.createRecord", tc.body)
		if status != 400 || out["error"] != "InvalidRequest" {
			t.Errorf("%s: %d %v", tc.name, status, out)
		}
	}
	if status, out := c.post("com.atproto.repo.createRecord", record(text, linkFacet(3, 22, "https://a.example/x"))); status != 200 {
		t.Fatalf("a good post: %d %v", status, out)
	}

	// Blobs: a thumbnail must have been uploaded, and be at most 1,000,000 bytes.
	jpeg := append([]byte("\xff\xd8\xff\xe0"), make([]byte, MaxThumbBytes)...)
	status, out := c.call(http.MethodPost, "com.atproto.repo.uploadBlob", c.access, "image/jpeg", jpeg)
	if status != 200 {
		t.Fatalf("upload: %d %v", status, out)
	}
	withThumb := func(blob any) map[string]any {
		r := record("x")
		r["record"].(map[string]any)["embed"] = map[string]any{"$type": "app.bsky.embed.external",
			"external": map[string]any{"uri": "https://a.example/x", "title": "", "description": "", "thumb": blob}}
		return r
	}
	if status, out := c.post("com.atproto.repo.createRecord", withThumb(out["blob"])); status != 400 || !strings.Contains(out["message"].(string), "too big") {
		t.Fatalf("a thumb over 1,000,000 bytes: %d %v", status, out)
	}
	unknown := map[string]any{"$type": "blob", "ref": map[string]string{"$link": "bafkreinotuploaded"}, "mimeType": "image/jpeg", "size": 10}
	if status, out := c.post("com.atproto.repo.createRecord", withThumb(unknown)); status != 400 || !strings.Contains(out["message"].(string), "Could not find blob") {
		t.Fatalf("an unknown blob: %d %v", status, out)
	}
	if status, _ := c.call(http.MethodPost, "com.atproto.repo.uploadBlob", c.access, "image/jpeg", make([]byte, MaxUploadBytes+1)); status != 413 {
		t.Fatalf("a blob over the upload limit: %d", status)
	}
}

func TestTokens(t *testing.T) {
	s := New(Options{})
	c := newClient(t, s)
	s.ExpireAccessTokens()
	status, out := c.call(http.MethodGet, "com.atproto.server.getSession", c.access, "", nil)
	if status != 400 || out["error"] != "ExpiredToken" || out["message"] != "Token has expired" {
		t.Fatalf("expired: %d %v", status, out)
	}
	if status, out := c.call(http.MethodGet, "com.atproto.server.getSession", "forged", "", nil); status != 401 {
		t.Fatalf("unknown token: %d %v", status, out)
	}
	status, out = c.post("com.atproto.server.createSession", map[string]string{"identifier": "herald.bsky.social", "password": "guess"})
	if status != 401 || out["error"] != "AuthenticationRequired" {
		t.Fatalf("wrong password: %d %v", status, out)
	}
	if s.Logins() != 1 {
		t.Fatalf("%d logins", s.Logins())
	}
}
