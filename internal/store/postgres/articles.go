package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/heraldhq/herald/internal/news"
)

// ArticleSeen reports whether the article is recorded by (feed, guid) or by URL key.
func (s *DB) ArticleSeen(ctx context.Context, feedID int64, guid, key string) (bool, error) {
	var one int
	err := s.pool.QueryRow(ctx, `SELECT 1 FROM articles WHERE url_key = $1 OR (feed_id = $2 AND guid = $3) LIMIT 1`,
		key, feedID, guid).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: article seen: %w", err)
	}
	return true, nil
}

// AddArticle records an article and, in the same transaction, its posts.
// ON CONFLICT DO NOTHING without a target covers both ways an article is
// already known, its URL key and its (feed, guid); a concurrent insert of the
// same article waits for the first and then does nothing.
func (s *DB) AddArticle(ctx context.Context, a *news.Article, posts ...*news.Post) (bool, error) {
	cats := a.Categories
	if cats == nil {
		cats = []string{}
	}
	var feedID any
	if a.FeedID != 0 {
		feedID = a.FeedID
	}
	added := false
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO articles (feed_id, guid, url, url_key, title, summary, author,
			categories, image_url, published_at, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT DO NOTHING RETURNING id`,
			feedID, a.GUID, a.URL, a.Key, a.Title, a.Summary, a.Author, cats, a.ImageURL, at(a.Published),
			ms(a.Seen)).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		added = true
		a.ID = id
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
	return s.article(ctx, "id = $1", id)
}

// ArticleByKey finds an article by its URL key.
func (s *DB) ArticleByKey(ctx context.Context, key string) (*news.Article, error) {
	return s.article(ctx, "url_key = $1", key)
}

func (s *DB) article(ctx context.Context, where string, arg any) (*news.Article, error) {
	var a news.Article
	var feedID pgtype.Int8
	var published, seen pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `SELECT id, feed_id, guid, url, url_key, title, summary, author, categories,
		image_url, published_at, seen_at FROM articles WHERE `+where, arg).Scan(&a.ID, &feedID, &a.GUID, &a.URL, &a.Key,
		&a.Title, &a.Summary, &a.Author, &a.Categories, &a.ImageURL, &published, &seen)
	if err != nil {
		return nil, fmt.Errorf("store: article %v: %w", arg, notFound(err))
	}
	a.FeedID = feedID.Int64
	a.Published, a.Seen = fromTS(published), fromTS(seen)
	return &a, nil
}
