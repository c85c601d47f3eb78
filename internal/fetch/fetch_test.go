package fetch_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
)

func TestFetchConditionalGET(t *testing.T) {
	const (
		etag    = `"v2"`
		lastMod = "Tue, 03 Mar 2026 10:00:00 GMT"
		feed    = "<rss><channel><title>Herald Gazette</title></channel></rss>"
	)
	var gotINM, gotIMS []string
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotINM, gotIMS = r.Header.Values("If-None-Match"), r.Header.Values("If-Modified-Since")
		switch {
		case r.Header.Get("If-None-Match") == etag:
			w.Header().Set("ETag", etag)
			w.WriteHeader(http.StatusNotModified)
		case r.Header.Get("If-None-Match") == "" && r.Header.Get("If-Modified-Since") == lastMod:
			// No validators repeated: the fetcher must echo the request's.
			w.WriteHeader(http.StatusNotModified)
		default:
			w.Header().Set("ETag", etag)
			w.Header().Set("Last-Modified", lastMod)
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			io.WriteString(w, feed)
		}
	})
	f := newFetcher(t, fetch.Options{})

	tests := []struct {
		name          string
		etag, lastMod string
		wantINM       []string
		wantIMS       []string
		wantNotMod    bool
		wantBody      string
	}{
		{name: "first fetch sends no validators", wantBody: feed},
		{name: "matching ETag", etag: etag, wantINM: []string{etag}, wantNotMod: true},
		{name: "matching Last-Modified", lastMod: lastMod, wantIMS: []string{lastMod}, wantNotMod: true},
		{name: "both validators", etag: etag, lastMod: lastMod, wantINM: []string{etag}, wantIMS: []string{lastMod}, wantNotMod: true},
		{name: "stale ETag", etag: `"v1"`, wantINM: []string{`"v1"`}, wantBody: feed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := get(t, f, fetch.Request{URL: srv.URL + "/feed.xml", Trusted: srv.URL + "/feed.xml", ETag: tt.etag, LastModified: tt.lastMod})
			if err != nil {
				t.Fatal(err)
			}
			if !equal(gotINM, tt.wantINM) || !equal(gotIMS, tt.wantIMS) {
				t.Errorf("sent If-None-Match %q If-Modified-Since %q, want %q %q", gotINM, gotIMS, tt.wantINM, tt.wantIMS)
			}
			if resp.NotModified != tt.wantNotMod {
				t.Errorf("NotModified = %v, want %v", resp.NotModified, tt.wantNotMod)
			}
			if tt.wantNotMod {
				if resp.StatusCode != http.StatusNotModified || len(resp.Body) != 0 {
					t.Errorf("304: StatusCode %d, body %q", resp.StatusCode, resp.Body)
				}
				if resp.ETag != tt.etag || resp.LastModified != tt.lastMod {
					t.Errorf("304 validators = %q %q, want %q %q", resp.ETag, resp.LastModified, tt.etag, tt.lastMod)
				}
				return
			}
			if resp.StatusCode != http.StatusOK || string(resp.Body) != tt.wantBody {
				t.Errorf("got %d %q, want 200 %q", resp.StatusCode, resp.Body, tt.wantBody)
			}
			if resp.ETag != etag || resp.LastModified != lastMod {
				t.Errorf("validators = %q %q, want %q %q", resp.ETag, resp.LastModified, etag, lastMod)
			}
			if resp.ContentType != "application/rss+xml; charset=utf-8" {
				t.Errorf("ContentType = %q", resp.ContentType)
			}
			if resp.URL != srv.URL+"/feed.xml" {
				t.Errorf("URL = %q", resp.URL)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFetchRequestHeaders(t *testing.T) {
	var got http.Header
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
	})
	tests := []struct {
		name       string
		opts       fetch.Options
		accept     string
		wantUA     string
		wantAccept string
	}{
		{
			name:       "defaults",
			opts:       fetch.Options{Version: "1.4.0"},
			wantUA:     "herald/1.4.0 (+https://github.com/heraldhq/herald)",
			wantAccept: fetch.DefaultAccept,
		},
		{
			name:       "no version",
			wantUA:     "herald/dev (+https://github.com/heraldhq/herald)",
			wantAccept: fetch.DefaultAccept,
		},
		{
			name:       "custom User-Agent and Accept",
			opts:       fetch.Options{UserAgent: "Herald Gazette bot", Version: "1.4.0"},
			accept:     "text/html",
			wantUA:     "Herald Gazette bot",
			wantAccept: "text/html",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFetcher(t, tt.opts)
			if _, err := get(t, f, fetch.Request{URL: srv.URL, Trusted: srv.URL, Accept: tt.accept}); err != nil {
				t.Fatal(err)
			}
			if ua := got.Get("User-Agent"); ua != tt.wantUA {
				t.Errorf("User-Agent = %q, want %q", ua, tt.wantUA)
			}
			if a := got.Get("Accept"); a != tt.wantAccept {
				t.Errorf("Accept = %q, want %q", a, tt.wantAccept)
			}
			if got.Get("If-None-Match") != "" || got.Get("If-Modified-Since") != "" {
				t.Errorf("validators sent without being asked: %v", got)
			}
		})
	}
}

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFetchGzip(t *testing.T) {
	feed := []byte(strings.Repeat("<item><title>Council approves budget</title></item>", 100))
	bomb := make([]byte, 1<<20) // 1 MiB of zeros, about 1 KiB compressed
	tests := []struct {
		name    string
		body    []byte
		wantErr error
	}{
		{name: "decoded", body: feed},
		{name: "decoded size over MaxBody", body: bomb, wantErr: fetch.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			compressed := gzipped(t, tt.body)
			srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
				if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
					t.Errorf("Accept-Encoding = %q, want gzip", r.Header.Get("Accept-Encoding"))
				}
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Set("Content-Length", strconv.Itoa(len(compressed)))
				w.Write(compressed)
			})
			f := newFetcher(t, fetch.Options{MaxBody: 64 << 10})
			resp, err := get(t, f, fetch.Request{URL: srv.URL, Trusted: srv.URL})
			if tt.wantErr != nil {
				fetchErr(t, err, tt.wantErr, srv.URL)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(resp.Body, tt.body) {
				t.Errorf("body = %d bytes, want the %d decoded bytes", len(resp.Body), len(tt.body))
			}
		})
	}
}

func TestFetchBodyLimit(t *testing.T) {
	const max = 1 << 10
	chunk := bytes.Repeat([]byte("a"), 100)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantLen int
		wantErr error
	}{
		{
			name: "Content-Length over the limit",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(max+1))
				w.Write(bytes.Repeat([]byte("a"), max+1))
			},
			wantErr: fetch.ErrTooLarge,
		},
		{
			name: "chunked over the limit",
			handler: func(w http.ResponseWriter, r *http.Request) {
				for range 11 {
					w.Write(chunk)
					w.(http.Flusher).Flush()
				}
			},
			wantErr: fetch.ErrTooLarge,
		},
		{
			name: "endless stream",
			handler: func(w http.ResponseWriter, r *http.Request) {
				for r.Context().Err() == nil {
					if _, err := w.Write(chunk); err != nil {
						return
					}
					w.(http.Flusher).Flush()
				}
			},
			wantErr: fetch.ErrTooLarge,
		},
		{
			name: "Content-Length exactly the limit",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(max))
				w.Write(bytes.Repeat([]byte("a"), max))
			},
			wantLen: max,
		},
		{
			name: "chunked exactly the limit",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.(http.Flusher).Flush()
				w.Write(bytes.Repeat([]byte("a"), max))
			},
			wantLen: max,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.handler)
			f := newFetcher(t, fetch.Options{MaxBody: max})
			resp, err := get(t, f, fetch.Request{URL: srv.URL, Trusted: srv.URL})
			if tt.wantErr != nil {
				fetchErr(t, err, tt.wantErr, srv.URL)
				if !strings.Contains(err.Error(), "1 KiB") {
					t.Errorf("message %q does not give the limit", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Body) != tt.wantLen {
				t.Errorf("body = %d bytes, want %d", len(resp.Body), tt.wantLen)
			}
		})
	}
}

func TestFetchTimeout(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{
			name: "never answers",
			handler: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			},
		},
		{
			name: "body trickles forever",
			handler: func(w http.ResponseWriter, r *http.Request) {
				for {
					if _, err := w.Write([]byte("<")); err != nil {
						return
					}
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(10 * time.Millisecond):
					}
				}
			},
		},
		{
			name: "stalls mid-body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "1000")
				w.Write([]byte("<rss>"))
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.handler)
			f := newFetcher(t, fetch.Options{Timeout: 200 * time.Millisecond})
			_, err := get(t, f, fetch.Request{URL: srv.URL, Trusted: srv.URL})
			fetchErr(t, err, fetch.ErrTimeout, srv.URL)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%v: want errors.Is context.DeadlineExceeded too", err)
			}
		})
	}
}

func TestFetchContext(t *testing.T) {
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	f := newFetcher(t, fetch.Options{})
	tests := []struct {
		name    string
		ctx     func() (context.Context, context.CancelFunc)
		want    error
		notWant error
	}{
		{
			name: "canceled by the caller",
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(50*time.Millisecond, cancel)
				return ctx, cancel
			},
			want:    context.Canceled,
			notWant: fetch.ErrTimeout,
		},
		{
			name: "caller's deadline",
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			},
			want: fetch.ErrTimeout,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			_, err := f.Fetch(ctx, fetch.Request{URL: srv.URL, Trusted: srv.URL})
			fetchErr(t, err, tt.want, srv.URL)
			if tt.notWant != nil && errors.Is(err, tt.notWant) {
				t.Errorf("%v: should not match %v", err, tt.notWant)
			}
		})
	}
}

func TestFetchRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			io.WriteString(w, "arrived")
			return
		}
		http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("GET /ping-pong/{side}", func(w http.ResponseWriter, r *http.Request) {
		other := map[string]string{"a": "b", "b": "a"}[r.PathValue("side")]
		http.Redirect(w, r, "/ping-pong/"+other, http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("GET /to", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", r.URL.Query().Get("u"))
		w.WriteHeader(http.StatusFound)
	})
	srv := startServer(t, mux.ServeHTTP)

	tests := []struct {
		name         string
		maxRedirects int
		path         string
		wantErr      error
		wantFinal    string
	}{
		{name: "5 redirects followed", path: "/hop/5", wantFinal: "/hop/0"},
		{name: "6 redirects refused", path: "/hop/6", wantErr: fetch.ErrTooManyRedirects},
		{name: "loop", path: "/loop", wantErr: fetch.ErrTooManyRedirects},
		{name: "two-step loop", path: "/ping-pong/a", wantErr: fetch.ErrTooManyRedirects},
		{name: "MaxRedirects 1 allows 1", maxRedirects: 1, path: "/hop/1", wantFinal: "/hop/0"},
		{name: "MaxRedirects 1 refuses 2", maxRedirects: 1, path: "/hop/2", wantErr: fetch.ErrTooManyRedirects},
		{name: "negative MaxRedirects follows none", maxRedirects: -1, path: "/hop/1", wantErr: fetch.ErrTooManyRedirects},
		{name: "redirect to ftp", path: "/to?u=ftp://files.herald.test/feed.xml", wantErr: fetch.ErrNotHTTP},
		{name: "redirect to file", path: "/to?u=file:///etc/passwd", wantErr: fetch.ErrNotHTTP},
		{name: "redirect to javascript", path: "/to?u=javascript:alert(1)", wantErr: fetch.ErrNotHTTP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFetcher(t, fetch.Options{MaxRedirects: tt.maxRedirects})
			resp, err := get(t, f, fetch.Request{URL: srv.URL + tt.path, Trusted: srv.URL + tt.path})
			if tt.wantErr != nil {
				fetchErr(t, err, tt.wantErr, srv.URL+tt.path)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.URL != srv.URL+tt.wantFinal || string(resp.Body) != "arrived" {
				t.Errorf("got %s %q, want %s", resp.URL, resp.Body, srv.URL+tt.wantFinal)
			}
		})
	}
}

func TestFetchHTTPStatus(t *testing.T) {
	now := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name           string
		status         int
		retryAfter     string
		wantRetryAfter time.Duration
		wantText       string
	}{
		{name: "404", status: 404, wantText: "404 Not Found"},
		{name: "410", status: 410, wantText: "410 Gone"},
		{name: "500", status: 500, wantText: "500 Internal Server Error"},
		{name: "404 ignores Retry-After", status: 404, retryAfter: "120"},
		{name: "429 seconds", status: 429, retryAfter: "120", wantRetryAfter: 2 * time.Minute, wantText: "retry after 2m0s"},
		{name: "503 HTTP-date", status: 503, retryAfter: "Tue, 03 Mar 2026 10:01:30 GMT", wantRetryAfter: 90 * time.Second},
		{name: "429 date in the past", status: 429, retryAfter: "Tue, 03 Mar 2026 09:00:00 GMT"},
		{name: "429 garbage", status: 429, retryAfter: "soon"},
		{name: "429 without Retry-After", status: 429},
		{name: "unfollowed 300", status: 300, wantText: "300 Multiple Choices"},
		{name: "unknown status", status: 599, wantText: "599"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, "error page")
			})
			f := newFetcher(t, fetch.Options{Now: func() time.Time { return now }})
			_, err := get(t, f, fetch.Request{URL: srv.URL + "/feed", Trusted: srv.URL + "/feed"})
			fe := fetchErr(t, err, fetch.ErrHTTPStatus, srv.URL+"/feed")
			if fe.Status != tt.status {
				t.Errorf("Status = %d, want %d", fe.Status, tt.status)
			}
			if fe.RetryAfter != tt.wantRetryAfter {
				t.Errorf("RetryAfter = %v, want %v", fe.RetryAfter, tt.wantRetryAfter)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("message %q does not contain %q", err, tt.wantText)
			}
		})
	}
}

func TestFetchMaxAge(t *testing.T) {
	tests := []struct {
		cacheControl []string
		want         time.Duration
	}{
		{nil, 0},
		{[]string{"max-age=300"}, 5 * time.Minute},
		{[]string{"public, max-age=60, must-revalidate"}, time.Minute},
		{[]string{"no-cache", "Max-Age=\"120\""}, 2 * time.Minute},
		{[]string{"s-maxage=600"}, 0},
		{[]string{"max-age=-5"}, 0},
		{[]string{"max-age=soon"}, 0},
		{[]string{"max-age=99999999999999999999"}, 0},
		{[]string{"max-age=9999999999"}, (1 << 31) * time.Second},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.cacheControl, "|"), func(t *testing.T) {
			srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
				for _, v := range tt.cacheControl {
					w.Header().Add("Cache-Control", v)
				}
			})
			resp, err := get(t, newFetcher(t, fetch.Options{}), fetch.Request{URL: srv.URL, Trusted: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if resp.MaxAge != tt.want {
				t.Errorf("MaxAge = %v, want %v", resp.MaxAge, tt.want)
			}
		})
	}
}

func TestFetchNotHTTP(t *testing.T) {
	f := newFetcher(t, fetch.Options{})
	for _, u := range []string{
		"ftp://files.herald.test/feed.xml",
		"file:///etc/passwd",
		"gopher://herald.test/",
		"mailto:desk@herald.test",
		"javascript:alert(1)",
		"herald.test/feed.xml",
		"http:///feed.xml",
		"https://:443/feed.xml",
		"",
		"http://[::1",
	} {
		t.Run(u, func(t *testing.T) {
			for _, trusted := range []string{"", u} {
				_, err := get(t, f, fetch.Request{URL: u, Trusted: trusted})
				fetchErr(t, err, fetch.ErrNotHTTP, u)
			}
		})
	}
}

func TestErrorMessageHidesPassword(t *testing.T) {
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "desk" || p != "s3cret" {
			t.Errorf("basic auth = %q %q %v", u, p, ok)
		}
		http.NotFound(w, r)
	})
	u := strings.Replace(srv.URL, "http://", "http://desk:s3cret@", 1) + "/private.xml"
	_, err := get(t, newFetcher(t, fetch.Options{}), fetch.Request{URL: u, Trusted: u})
	if err == nil {
		t.Fatal("want an error")
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret") || !strings.Contains(msg, "desk:xxxxx@") {
		t.Errorf("message %q should name the URL with its password hidden", msg)
	}
}

func BenchmarkFetch304(b *testing.B) {
	const etag = `"a1b2c3"`
	srv := startServer(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		io.WriteString(w, "<rss/>")
	})
	f := newFetcher(b, fetch.Options{})
	req := fetch.Request{URL: srv.URL + "/feed.xml", Trusted: srv.URL + "/feed.xml", ETag: etag}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := f.Fetch(ctx, req)
		if err != nil || !resp.NotModified {
			b.Fatalf("got %+v, %v; want 304", resp, err)
		}
	}
}

func BenchmarkFetch304Parallel(b *testing.B) {
	const etag = `"a1b2c3"`
	srv := startServer(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		w.WriteHeader(http.StatusNotModified)
	})
	f := newFetcher(b, fetch.Options{})
	req := fetch.Request{URL: srv.URL + "/feed.xml", Trusted: srv.URL + "/feed.xml", ETag: etag}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := f.Fetch(context.Background(), req)
			if err != nil || !resp.NotModified {
				b.Errorf("got %+v, %v; want 304", resp, err)
				return
			}
		}
	})
}

// TestFetchReusesConnections checks that answers the fetcher does not read
// (304, error pages) are drained so polling keeps one connection per host.
func TestFetchReusesConnections(t *testing.T) {
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/not-modified":
			w.WriteHeader(http.StatusNotModified)
		case "/gone":
			w.WriteHeader(http.StatusGone)
			io.WriteString(w, strings.Repeat("This feed has moved. ", 100))
		default:
			io.WriteString(w, "<rss/>")
		}
	})
	f := newFetcher(t, fetch.Options{})
	for i := range 30 {
		path := []string{"/feed.xml", "/not-modified", "/gone"}[i%3]
		_, _ = get(t, f, fetch.Request{URL: srv.URL + path, Trusted: srv.URL + path, ETag: `"x"`})
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("30 sequential fetches used %d connections, want 1", n)
	}
}
