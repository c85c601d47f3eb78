package sqlstore_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
)

// BenchmarkAddArticles records feeds read for the first time: batches of
// 15 new articles of WordPress-like sizes, without posts, into a fresh
// SQLite database, as a first round over many feeds does.
func BenchmarkAddArticles(b *testing.B) {
	const perBatch, feeds = 15, 1000
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "herald.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	urls := make([]string, feeds)
	for i := range urls {
		urls[i] = "https://site" + strconv.Itoa(i) + ".example/feed/"
	}
	fs, err := db.EnsureFeeds(ctx, urls)
	if err != nil {
		b.Fatal(err)
	}
	seen := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	const summary = `The council voted late on Tuesday to approve the plan, which had been debated for more than a year and drew hundreds of residents to the public hearings held in the old town hall. Officials said the work would begin in the spring.`
	batch := make([]store.NewArticle, perBatch)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		f := fs[n%feeds]
		site := "site" + strconv.Itoa(n%feeds) + ".example"
		for j := range batch {
			id := strconv.Itoa(n*100 + j)
			link := "https://" + site + "/2026/11/council-budget-vote-" + id + "/"
			batch[j] = store.NewArticle{Article: &news.Article{
				FeedID:     f.ID,
				GUID:       "https://" + site + "/?p=" + id,
				URL:        link,
				Key:        site + "/2026/11/council-budget-vote-" + id,
				Title:      "The council and the budget: what the harvest vote means for the valley (" + id + ")",
				Summary:    summary,
				Author:     "Lina Haddad",
				Categories: []string{"Local", "council", "Politics"},
				ImageURL:   "https://" + site + "/wp-content/uploads/2026/11/photo-" + id + "-1024x683.jpg",
				Lang:       "en",
				Published:  seen.Add(-time.Duration(j) * time.Hour),
				Seen:       seen,
			}}
		}
		added, err := db.AddArticles(ctx, batch)
		if err != nil {
			b.Fatal(err)
		}
		for j, ok := range added {
			if !ok || batch[j].Article.ID == 0 {
				b.Fatalf("article %d of batch %d not added", j, n)
			}
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*perBatch), "ns/article")
}
