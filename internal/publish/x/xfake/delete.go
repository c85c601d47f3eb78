package xfake

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Deleting posts: DELETE /2/tweets/:id, and v1.1's
// POST /1.1/statuses/destroy/:id.json, signed like every other call. A post
// the account has is deleted once; an unknown or deleted id is X's 404.

// notFoundProblem is X's v2 answer for a post it does not have.
func notFoundProblem(id string) string {
	return fmt.Sprintf(`{"detail":"Could not find tweet with id: [%s].","type":"https://api.twitter.com/2/problems/resource-not-found","title":"Not Found Error","status":404}`, id)
}

const notFoundV11 = `{"errors":[{"code":144,"message":"No status found with that ID."}]}`

// PushDelete queues scripted answers for the next authenticated delete
// calls, one per call, in order. A scripted call deletes nothing.
func (s *Server) PushDelete(r ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteScript = append(s.deleteScript, r...)
}

// Deleted returns the ids of the posts deleted so far, in order.
func (s *Server) Deleted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.deleted...)
}

// DeleteCalls returns how many delete requests arrived, answered or not.
func (s *Server) DeleteCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleteCalls
}

// deletePath reports whether r is a delete call, through which API, and
// for which id.
func deletePath(r *http.Request) (api, id string, ok bool) {
	switch {
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/2/tweets/"):
		return APIv2, strings.TrimPrefix(r.URL.Path, "/2/tweets/"), true
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/1.1/statuses/destroy/") && strings.HasSuffix(r.URL.Path, ".json"):
		return APIv11, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/1.1/statuses/destroy/"), ".json"), true
	}
	return "", "", false
}

func (s *Server) destroy(w http.ResponseWriter, r *http.Request, api, id string) {
	s.mu.Lock()
	s.deleteCalls++
	s.mu.Unlock()
	key := r.Method + " " + strings.TrimSuffix(r.URL.Path, id)
	if api == APIv11 {
		key = r.Method + " /1.1/statuses/destroy/:id.json"
	}
	if !s.authenticated(w, r, api, key) {
		return
	}
	h := http.Header{}
	s.mu.Lock()
	var scripted *Response
	if len(s.deleteScript) > 0 {
		scripted = &s.deleteScript[0]
		s.deleteScript = s.deleteScript[1:]
	}
	s.mu.Unlock()
	if scripted != nil {
		s.rateHeaders(h, key, true)
		for k, vs := range scripted.Header {
			h[http.CanonicalHeaderKey(k)] = vs
		}
		write(w, scripted.Status, h, pick(api, scripted.Body, cmpOr(scripted.BodyV11, scripted.Body)))
		return
	}
	if !s.rateHeaders(h, key, true) {
		write(w, http.StatusTooManyRequests, h, pick(api, tooManyV2, tooManyV11))
		return
	}
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		write(w, http.StatusBadRequest, h, invalidRequest("The `id` query parameter value ["+id+"] is not valid"))
		return
	}
	s.mu.Lock()
	found := -1
	for i, p := range s.posts {
		if p.ID == id && p.Deleted.IsZero() {
			found = i
			break
		}
	}
	if found < 0 {
		s.mu.Unlock()
		if api == APIv11 {
			write(w, http.StatusNotFound, h, notFoundV11)
		} else {
			write(w, http.StatusNotFound, h, notFoundProblem(id))
		}
		return
	}
	p := &s.posts[found]
	p.Deleted = s.now()
	delete(s.texts, p.Text)
	s.deleted = append(s.deleted, id)
	gone := *p
	s.mu.Unlock()
	if api == APIv11 {
		writeJSON(w, http.StatusOK, h, s.tweetV11(gone))
		return
	}
	writeJSON(w, http.StatusOK, h, map[string]any{"data": map[string]any{"deleted": true}})
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
