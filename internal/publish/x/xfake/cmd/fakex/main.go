// Command fakex runs the fake X API as its own process, for herald's
// subprocess crash tests and container test. It prints its base URL as the
// first line of standard output, then serves X's paths plus a few controls:
//
//	GET  /_fake/posts    the accepted posts as JSON
//	GET  /_fake/calls    {"calls":N,"in_flight":N}
//	POST /_fake/block    hold create calls from now on
//	POST /_fake/release  let held create calls go on
//	POST /_fake/push     queue a scripted answer (JSON xfake.Response)
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/heraldhq/herald/internal/publish/x/xfake"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fakex:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, printing the base URL to stdout first.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	var o xfake.Options
	flags := flag.NewFlagSet("fakex", flag.ContinueOnError)
	listen := flags.String("listen", "127.0.0.1:0", "address to listen on")
	flags.StringVar(&o.ConsumerKey, "consumer-key", "", "consumer key the fake accepts (required)")
	flags.StringVar(&o.ConsumerSecret, "consumer-secret", "", "consumer secret (required)")
	flags.StringVar(&o.AccessToken, "access-token", "", "access token the fake accepts (required)")
	flags.StringVar(&o.AccessSecret, "access-secret", "", "access token secret (required)")
	flags.StringVar(&o.Username, "username", "herald", "the account's username")
	flags.IntVar(&o.Limit, "limit", 0, "calls per endpoint per 15 minutes before 429 (0: 10000)")
	flags.IntVar(&o.UserDailyLimit, "daily-limit", 0, "posts per 24 hours before 429 (0: none)")
	delay := flags.Duration("delay", 0, "wait this long before answering each create call")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if o.ConsumerKey == "" || o.ConsumerSecret == "" || o.AccessToken == "" || o.AccessSecret == "" {
		return fmt.Errorf("-consumer-key, -consumer-secret, -access-token and -access-secret are required")
	}

	fake := xfake.New(o)
	fake.SetDelay(*delay)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "http://%s\n", ln.Addr())

	var (
		mu      sync.Mutex
		release func()
	)
	mux := http.NewServeMux()
	mux.Handle("/", fake)
	mux.HandleFunc("GET /_fake/posts", func(w http.ResponseWriter, r *http.Request) {
		reply(w, fake.Posts())
	})
	mux.HandleFunc("GET /_fake/calls", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]int{"calls": fake.Calls(), "in_flight": fake.InFlight()})
	})
	mux.HandleFunc("POST /_fake/block", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if release == nil {
			release = fake.Block()
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_fake/release", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if release != nil {
			release()
			release = nil
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_fake/push", func(w http.ResponseWriter, r *http.Request) {
		var resp xfake.Response
		if err := json.NewDecoder(r.Body).Decode(&resp); err != nil || resp.Status == 0 {
			http.Error(w, "want a JSON response with a status", http.StatusBadRequest)
			return
		}
		fake.Push(resp)
		w.WriteHeader(http.StatusNoContent)
	})

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fake.Close() // let held calls finish so shutdown does not wait on them
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
