package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/heraldhq/herald/internal/news"
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
// ON CONFLICT DO NOTHING without a target covers both ways an article is
// already known, its URL key and its (feed, guid); a concurrent insert of the
// same article waits for the first and then does nothing.
func (s *DB) AddArticle(ctx context.Context, a *news.Article, posts ...*news.Post) (bool, error) {
	cats := a.Categories
	if cats == nil {
		cats = []string{}
	}
	catsJSON, err := json.Marshal(cats)
	if err != nil {
		return false, fmt.Errorf("store: add article %s: %w", a.URL, err)
	}
	added := false
	err = s.inTx(ctx, func(tx *tx) error {
		err := tx.queryRow(ctx, `INSERT INTO articles (feed_id, guid, url, url_key, title, summary, author,
			categories, image_url, lang, published_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING RETURNING id`,
			nullID(a.FeedID), a.GUID, a.URL, a.Key, a.Title, a.Summary, a.Author, string(catsJSON), a.ImageURL, a.Lang,
			s.d.nullTime(a.Published), s.d.time(a.Seen)).Scan(&a.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		added = true
		for _, p := range posts {
			p.ArticleID = a.ID
			if err := tx.insertPost(ctx, p); err != nil {
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
