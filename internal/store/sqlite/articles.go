package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/heraldhq/herald/internal/news"
)

// ArticleSeen reports whether the article is recorded by (feed, guid) or by URL key.
func (s *DB) ArticleSeen(ctx context.Context, feedID int64, guid, key string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM articles WHERE url_key = ? OR (feed_id = ? AND guid = ?) LIMIT 1`,
		key, feedID, guid).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: article seen: %w", err)
	}
	return true, nil
}

// AddArticle records an article and, in the same transaction, its posts.
func (s *DB) AddArticle(ctx context.Context, a *news.Article, posts ...*news.Post) (bool, error) {
	cats, err := json.Marshal(a.Categories)
	if err != nil {
		return false, err
	}
	if a.Categories == nil {
		cats = []byte("[]")
	}
	var feedID any
	if a.FeedID != 0 {
		feedID = a.FeedID
	}
	added := false
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO articles (feed_id, guid, url, url_key, title, summary, author,
			categories, image_url, published_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`,
			feedID, a.GUID, a.URL, a.Key, a.Title, a.Summary, a.Author, string(cats), a.ImageURL, ms(a.Published), ms(a.Seen))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		added = true
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, p := range posts {
			p.ArticleID = a.ID
			if err := insertPost(ctx, tx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: add article %s: %w", a.URL, err)
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
	var published, seen sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT id, feed_id, guid, url, url_key, title, summary, author, categories,
		image_url, published_at, seen_at FROM articles WHERE `+where, arg).Scan(&a.ID, &feedID, &a.GUID, &a.URL, &a.Key,
		&a.Title, &a.Summary, &a.Author, &cats, &a.ImageURL, &published, &seen)
	if err != nil {
		return nil, fmt.Errorf("store: article %v: %w", arg, notFound(err))
	}
	a.FeedID = feedID.Int64
	a.Published, a.Seen = fromMS(published), fromMS(seen)
	if err := json.Unmarshal([]byte(cats), &a.Categories); err != nil {
		return nil, fmt.Errorf("store: article %v: categories: %w", arg, err)
	}
	return &a, nil
}
