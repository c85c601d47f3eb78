package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

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

const insertArticle = `INSERT INTO articles (feed_id, guid, url, url_key, title, summary, author,
	categories, image_url, lang, published_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT DO NOTHING RETURNING id`

// AddArticle records an article and, in the same transaction, its posts.
func (s *DB) AddArticle(ctx context.Context, a *news.Article, posts ...*news.Post) (bool, error) {
	added, err := s.AddArticles(ctx, []store.NewArticle{{Article: a, Posts: posts}})
	if err != nil {
		return false, err
	}
	return added[0], nil
}

// AddArticles records articles, each with its posts, in one transaction
// (a feed's entries cost one commit, not one each). ON CONFLICT DO NOTHING
// without a target covers both ways an article is already known, its URL
// key and its (feed, guid), including an earlier article of the same
// batch; a concurrent insert of the same article waits for the first and
// then does nothing.
func (s *DB) AddArticles(ctx context.Context, batch []store.NewArticle) ([]bool, error) {
	added := make([]bool, len(batch))
	cats := make([]string, len(batch))
	for i, n := range batch {
		c := n.Article.Categories
		if c == nil {
			c = []string{}
		}
		b, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("store: add article %s: %w", n.Article.URL, err)
		}
		cats[i] = string(b)
	}
	var failed *news.Article
	err := s.inTx(ctx, func(tx *tx) error {
		for i, n := range batch {
			a := n.Article
			failed = a
			err := tx.queryRow(ctx, insertArticle,
				nullID(a.FeedID), a.GUID, a.URL, a.Key, a.Title, a.Summary, a.Author, cats[i], a.ImageURL, a.Lang,
				s.d.nullTime(a.Published), s.d.time(a.Seen)).Scan(&a.ID)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			added[i] = true
			for _, p := range n.Posts {
				p.ArticleID = a.ID
				if err := tx.insertPost(ctx, p); err != nil {
					return err
				}
			}
		}
		failed = nil
		return nil
	})
	if err != nil {
		if failed == nil {
			return nil, fmt.Errorf("store: add articles: %w", err)
		}
		return nil, fmt.Errorf("store: add article %s: %w", failed.URL, err)
	}
	return added, nil
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
