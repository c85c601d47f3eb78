package demo

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHandlerAt: served at another address, the newsroom links within that
// address, while an article's canonical address stays under BaseURL.
func TestHandlerAt(t *testing.T) {
	const name = "http://valley-courier.example.com:8080"
	clock := &fakeClock{t: testStart}
	n := New(Options{Every: testEvery, Clock: clock.Now, BaseURL: name})
	mux := http.NewServeMux()
	mux.Handle(sitePrefix+"/", http.StripPrefix(sitePrefix, n.HandlerAt(func(r *http.Request) string {
		return "http://" + r.Host + sitePrefix + "/"
	})))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mirror := srv.URL + sitePrefix

	s := n.Stories()[0]
	path := strings.TrimPrefix(s.URL, name)
	resp, err := http.Get(mirror + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	page := string(body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", mirror+path, resp.StatusCode)
	}
	for _, want := range []string{`<link rel="canonical" href="` + s.URL + `">`, `<meta property="og:url" content="` + s.URL + `">`,
		`href="` + mirror + `/feed/"`, `<a class="site-title" href="` + mirror + `/"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(strings.ReplaceAll(page, s.URL, ""), name) {
		t.Error("the page links to the newsroom's name beyond its canonical address")
	}
	// Through Handler, the links are under BaseURL as before.
	rec := httptest.NewRecorder()
	n.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if !strings.Contains(rec.Body.String(), `href="`+name+`/feed/"`) {
		t.Error("Handler does not link under BaseURL")
	}
}
