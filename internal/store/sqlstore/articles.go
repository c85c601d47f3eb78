package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// ArticleSeen reports whether the article is recorded by (feed, guid) or by URL key.
func (s *DB) ArticleSeen(ctx context.Context, feedID int64, guid, key string) (bool, error) {
	var one int
	err := s.queryRow(ctx, `SELECT 1 FROM articles WHERE url_key = ? OR (feed_id = ? AND guid = ?) LIMIT 1`,
		key, feedID, guid).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: article seen: %w", err)
	}
	return true, nil
}

// AddArticle records an article and, in the same transaction, its posts.
func (s *DB) AddArticle(ctx context.Context, a *news.Article, posts ...*news.Post) (bool, error) {
	added, err := s.AddArticles(ctx, []store.NewArticle{{Article: a, Posts: posts}})
	if err != nil {
		return false, err
	}
	return added[0], nil
}

// articleChunk is the most articles one statement records: a feed's
// entries (10 to 20) take one statement, a longer batch several. The
// statement for each number of articles is prepared once, as the others
// are, so that there are at most articleChunk of them.
const articleChunk = 32

// articleRow is one article's values in insertArticles, articleFields of
// them, in the order of articleValues.
const (
	articleRow    = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	articleFields = 12
)

func (s *DB) articleValues(args []any, a *news.Article, cats string) []any {
	return append(args, nullID(a.FeedID), a.GUID, a.URL, a.Key, a.Title, a.Summary, a.Author, cats, a.ImageURL,
		a.Lang, s.d.nullTime(a.Published), s.d.time(a.Seen))
}

// insertArticles[n] records n articles in one statement. ON CONFLICT DO
// NOTHING without a target skips each article already known by its URL
// key or by its (feed, guid), an earlier row of the same statement
// included: rows are inserted in the order of VALUES. RETURNING gives the
// inserted rows in no particular order (SQLite promises none), each with
// the keys that tell which article it is.
var insertArticles = func() (q [articleChunk + 1]string) {
	for n := 1; n <= articleChunk; n++ {
		q[n] = `INSERT INTO articles (feed_id, guid, url, url_key, title, summary, author, categories,
	image_url, lang, published_at, seen_at) VALUES ` + articleRow + strings.Repeat(", "+articleRow, n-1) + `
	ON CONFLICT DO NOTHING RETURNING id, feed_id, guid, url_key`
	}
	return q
}()

// AddArticles records articles, each with its posts, in one transaction
// (a feed's entries cost one commit, not one each) and with one statement
// per articleChunk articles. An article is not recorded when one is
// already known by its URL key or by its (feed, guid), an earlier article
// of the same batch included; a concurrent insert of the same article
// waits for the first and then does nothing. Posts are added for the
// articles recorded only.
//
// Where writes take turns (SQLite), the batches of calls that arrive while
// another's transaction runs are recorded together in the next one, each
// as if alone and in the order they came: a first round over thousands of
// feeds commits a few hundred times rather than once a feed. When that
// transaction fails, each batch is tried again alone, so that one feed's
// fault is its own.
func (s *DB) AddArticles(ctx context.Context, batch []store.NewArticle) ([]bool, error) {
	if s.d.RowLocks {
		return s.addArticles(ctx, batch)
	}
	return s.adds.add(ctx, s, batch)
}

// addArticles records one batch in a transaction of its own.
func (s *DB) addArticles(ctx context.Context, batch []store.NewArticle) ([]bool, error) {
	added := make([]bool, len(batch))
	var failed *news.Article
	err := s.inTx(ctx, func(tx *tx) (err error) {
		failed, err = tx.addArticles(ctx, batch, added)
		return err
	})
	if err != nil {
		if failed == nil {
			return nil, fmt.Errorf("store: add articles: %w", err)
		}
		return nil, fmt.Errorf("store: add article %s: %w", failed.URL, err)
	}
	return added, nil
}

// addArticles records batch in t, marking the articles recorded in added.
// On failure, failed is the article at fault when it is known.
func (t *tx) addArticles(ctx context.Context, batch []store.NewArticle, added []bool) (failed *news.Article, err error) {
	cats := make([]string, len(batch))
	for i, n := range batch {
		c := n.Article.Categories
		if c == nil {
			c = []string{}
		}
		b, err := json.Marshal(c)
		if err != nil {
			return n.Article, err
		}
		cats[i] = string(b)
	}
	args := make([]any, 0, min(len(batch), articleChunk)*articleFields)
	for lo := 0; lo < len(batch); lo += articleChunk {
		chunk := batch[lo:min(lo+articleChunk, len(batch))]
		args = args[:0]
		for i, n := range chunk {
			args = t.s.articleValues(args, n.Article, cats[lo+i])
		}
		if err := t.insertArticles(ctx, chunk, args, added[lo:]); err != nil {
			if len(chunk) == 1 {
				return chunk[0].Article, err
			}
			return nil, err // which of several failed, the database does not say
		}
	}
	for i, n := range batch {
		if !added[i] {
			continue
		}
		for _, p := range n.Posts {
			p.ArticleID = n.Article.ID
			if err := t.insertPost(ctx, p); err != nil {
				return n.Article, err
			}
		}
	}
	return nil, nil
}

// addQueue gathers AddArticles calls on a database where writes take
// turns. The first caller to find no transaction running leads: it records
// every batch waiting, its own among them, in one transaction, wakes their
// callers, and hands the lead to the first of those that came meanwhile.
type addQueue struct {
	mu      sync.Mutex
	waiting []*addCall
	busy    bool // a leader is at work
	// together, when set, is told how many batches each transaction
	// records (tests).
	together func(n int)
}

type addCall struct {
	ctx   context.Context
	batch []store.NewArticle
	added []bool
	err   error
	wake  chan struct{}
	lead  bool // woken to lead, not done
}

func (q *addQueue) add(ctx context.Context, s *DB, batch []store.NewArticle) ([]bool, error) {
	c := &addCall{ctx: ctx, batch: batch, wake: make(chan struct{}, 1)}
	q.mu.Lock()
	q.waiting = append(q.waiting, c)
	lead := !q.busy
	q.busy = true
	q.mu.Unlock()
	if !lead {
		<-c.wake
		if !c.lead {
			return c.added, c.err
		}
	}
	q.mu.Lock()
	calls := q.waiting
	q.waiting = nil
	q.mu.Unlock()

	if q.together != nil {
		q.together(len(calls))
	}
	s.addTogether(calls)
	for _, o := range calls {
		if o != c {
			o.wake <- struct{}{}
		}
	}

	q.mu.Lock()
	if len(q.waiting) > 0 {
		next := q.waiting[0]
		next.lead = true
		next.wake <- struct{}{}
	} else {
		q.busy = false
	}
	q.mu.Unlock()
	return c.added, c.err
}

// addTogether records the calls' batches in one transaction, or each in
// its own when that fails. The shared transaction does not end with the
// leader's context: the other callers' batches are in it.
func (s *DB) addTogether(calls []*addCall) {
	if len(calls) > 1 {
		added := make([][]bool, len(calls))
		ctx := context.WithoutCancel(calls[0].ctx)
		err := s.inTx(ctx, func(tx *tx) error {
			for i, c := range calls {
				added[i] = make([]bool, len(c.batch))
				if _, err := tx.addArticles(ctx, c.batch, added[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			for i, c := range calls {
				c.added = added[i]
			}
			return
		}
	}
	for _, c := range calls {
		c.added, c.err = s.addArticles(c.ctx, c.batch)
	}
}

// insertArticles records chunk's articles, whose values are args, marks
// those inserted in added and sets their ids. A row inserted is the
// chunk's first article not marked yet with the row's (feed, guid, URL
// key), feed 0 being NULL: two entries share all three only when the
// second repeats the first, and then only the first can be inserted. The
// URL key alone would not do: an earlier entry with the key may have been
// skipped for its (feed, guid), and the row be a later entry's.
func (t *tx) insertArticles(ctx context.Context, chunk []store.NewArticle, args []any, added []bool) error {
	rows, err := t.query(ctx, insertArticles[len(chunk)], args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	// The entries of the chunk by URL key: first[key] is the first, next[i]
	// the one after i with the same key, or -1.
	first := make(map[string]int, len(chunk))
	next := make([]int, len(chunk))
	for i := len(chunk) - 1; i >= 0; i-- {
		next[i] = -1
		if j, ok := first[chunk[i].Article.Key]; ok {
			next[i] = j
		}
		first[chunk[i].Article.Key] = i
	}
	for rows.Next() {
		var id int64
		var feedID sql.NullInt64
		var guid, key string
		if err := rows.Scan(&id, &feedID, &guid, &key); err != nil {
			return err
		}
		i, ok := first[key]
		for ok && i >= 0 {
			if a := chunk[i].Article; !added[i] && a.FeedID == feedID.Int64 && a.GUID == guid {
				break
			}
			i = next[i]
		}
		if !ok || i < 0 {
			return fmt.Errorf("recorded an article of no entry of the batch: feed %d, guid %q, key %q", feedID.Int64, guid, key)
		}
		added[i], chunk[i].Article.ID = true, id
	}
	return rows.Err()
}

// Article returns one article.
func (s *DB) Article(ctx context.Context, id int64) (*news.Article, error) {
	return s.article(ctx, "id = ?", id)
}

// ArticleByKey finds an article by its URL key.
func (s *DB) ArticleByKey(ctx context.Context, key string) (*news.Article, error) {
	return s.article(ctx, "url_key = ?", key)
}

func (s *DB) article(ctx context.Context, where string, arg any) (*news.Article, error) {
	var a news.Article
	var feedID sql.NullInt64
	var cats string
	err := s.queryRow(ctx, `SELECT id, feed_id, guid, url, url_key, title, summary, author, categories,
		image_url, lang, published_at, seen_at FROM articles WHERE `+where, arg).Scan(&a.ID, &feedID, &a.GUID, &a.URL, &a.Key,
		&a.Title, &a.Summary, &a.Author, &cats, &a.ImageURL, &a.Lang, timeInto(&a.Published), timeInto(&a.Seen))
	if err != nil {
		return nil, fmt.Errorf("store: article %v: %w", arg, notFound(err))
	}
	a.FeedID = feedID.Int64
	if err := json.Unmarshal([]byte(cats), &a.Categories); err != nil {
		return nil, fmt.Errorf("store: article %v: categories: %w", arg, err)
	}
	return &a, nil
}
