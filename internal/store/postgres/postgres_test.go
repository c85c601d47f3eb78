package postgres

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store/postgres/pgtest"
	"github.com/heraldhq/herald/internal/store/sqlstore"
	"github.com/heraldhq/herald/internal/store/storetest"
)

func TestStore(t *testing.T) {
	pgtest.URL(t)
	storetest.Run(t, func(t *testing.T) storetest.Opener { return storetest.Handles(Open, pgtest.Schema(t)) })
}

// connect opens a plain connection to the test's schema, to look at the
// database as it is.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return conn
}

// Replicas starting together on an empty database both come up: the
// advisory lock makes one wait while the other migrates.
func TestOpenRace(t *testing.T) {
	url := pgtest.Schema(t)
	const replicas = 4
	ctx := context.Background()
	dbs := make([]*sqlstore.DB, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() { dbs[i], errs[i] = Open(ctx, url) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
			continue
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	if t.Failed() {
		return
	}
	conn := connect(t, url)
	var versions, tables int
	if err := conn.QueryRow(ctx, `SELECT COUNT(*) FROM schema_version`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if want := migrationCount(t); versions != want {
		t.Errorf("schema_version has %d rows, want %d (a migration ran more than once)", versions, want)
	}
	if err := conn.QueryRow(ctx, `SELECT COUNT(*) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name = 'posts'`).Scan(&tables); err != nil || tables != 1 {
		t.Errorf("posts table in the test schema: %d, %v", tables, err)
	}
}

// A database made before categories were JSON text (migrations 001 to 003,
// categories TEXT[]) migrates with its articles' categories kept.
func TestMigrateCategoriesToJSON(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Schema(t)
	conn := connect(t, url)
	if _, err := conn.Exec(ctx, `CREATE TABLE schema_version (version INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for v, name := range []string{"001_init.sql", "002_audit.sql", "003_leases.sql"} {
		body, err := migrations.ReadFile("migrations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := conn.Exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, v+1); err != nil {
			t.Fatal(err)
		}
	}
	cats := []string{"Local", `Politics, "Kurdistan"`, "Économie", `back\slash`}
	var feedID, withCats, without int64
	if err := conn.QueryRow(ctx, `INSERT INTO feeds (url, created_at) VALUES ('https://news.example/feed', now()) RETURNING id`).
		Scan(&feedID); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `INSERT INTO articles (feed_id, guid, url, url_key, categories, seen_at)
		VALUES ($1, 'a', 'https://news.example/a', 'news.example/a', $2, now()) RETURNING id`, feedID, cats).Scan(&withCats); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `INSERT INTO articles (feed_id, guid, url, url_key, seen_at)
		VALUES ($1, 'b', 'https://news.example/b', 'news.example/b', now()) RETURNING id`, feedID).Scan(&without); err != nil {
		t.Fatal(err)
	}

	db := storetest.Handles(Open, url)(t)
	got, err := db.Article(ctx, withCats)
	if err != nil || !slices.Equal(got.Categories, cats) {
		t.Errorf("categories after the migration = %q, %v; want %q", got.Categories, err, cats)
	}
	got, err = db.Article(ctx, without)
	if err != nil || got.Categories == nil || len(got.Categories) != 0 {
		t.Errorf("no categories after the migration = %#v, %v; want none", got.Categories, err)
	}
	var versions int
	if err := conn.QueryRow(ctx, `SELECT COUNT(*) FROM schema_version`).Scan(&versions); err != nil || versions != migrationCount(t) {
		t.Errorf("schema_version rows = %d, %v; want %d", versions, err, migrationCount(t))
	}
	var def string
	if err := conn.QueryRow(ctx, `SELECT column_default FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'articles' AND column_name = 'categories'`).Scan(&def); err != nil ||
		!strings.HasPrefix(def, "'[]'") {
		t.Errorf("categories default = %q, %v", def, err)
	}
}

// Neither a URL that does not parse nor a server that does not answer
// shows the password in the error.
func TestOpenBadURL(t *testing.T) {
	for _, url := range []string{
		"postgres://herald:s3cret@[::1",
		"postgres://herald:s3cret@127.0.0.1:1/herald?connect_timeout=2",
	} {
		_, err := Open(context.Background(), url)
		if err == nil {
			t.Fatalf("Open(%q) succeeded", url)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

// migrationCount is how many migrations the package embeds.
func migrationCount(t *testing.T) int {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("embedded migrations: %v %v", names, err)
	}
	return len(names)
}

// BenchmarkClaim claims and publishes 1,000 queued posts with 1 and with 3
// replicas (separate pools) working at once, spacing and cap rules on.
func BenchmarkClaim(b *testing.B) {
	for _, replicas := range []int{1, 3} {
		b.Run(fmt.Sprintf("replicas=%d", replicas), func(b *testing.B) {
			const n = 1000
			var claimed int
			for b.Loop() {
				b.StopTimer()
				url := pgtest.Schema(b)
				dbs := make([]*sqlstore.DB, replicas)
				for i := range dbs {
					db, err := Open(context.Background(), url)
					if err != nil {
						b.Fatal(err)
					}
					dbs[i] = db
				}
				now := time.Now()
				for i := range n {
					p := &news.Post{Destination: "x", Text: fmt.Sprint(i), Status: news.StatusQueued, SortAt: now, NotBefore: now, CreatedAt: now}
					if err := dbs[0].AddPost(context.Background(), p); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				var wg sync.WaitGroup
				var total atomic.Int64
				for _, db := range dbs {
					wg.Go(func() {
						ctx := context.Background()
						for {
							now := time.Now()
							p, err := db.ClaimPost(ctx, "x", now, outbox.Limits{DailyCap: n + 1, Lease: time.Minute}.Rules())
							if err != nil {
								return
							}
							if _, err := db.Transition(ctx, p.ID, []news.Status{news.StatusSending}, news.StatusPublished, "", "bench", now, outbox.Settle(news.StatusPublished, now, nil)); err != nil {
								b.Error(err)
								return
							}
							total.Add(1)
						}
					})
				}
				wg.Wait()
				b.StopTimer()
				if total.Load() != n {
					b.Fatalf("claimed %d of %d", total.Load(), n)
				}
				claimed += n
				for _, db := range dbs {
					db.Close()
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(claimed)/b.Elapsed().Seconds(), "posts/s")
		})
	}
}
