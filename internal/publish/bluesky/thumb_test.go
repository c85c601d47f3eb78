package bluesky_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish/bluesky/bskyfake"
)

// A picture too slow to fetch or scale costs the card its picture, not the
// post: it gets half the call's time.
func TestSlowPictureDoesNotCostThePost(t *testing.T) {
	e := newEnv(t)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer slow.Close()
	p := e.publisher(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := p.Publish(ctx, news.Message{PostID: 1, Text: "Ceasefire holds " + link, Link: link, Title: "Ceasefire", ImageURL: slow.URL + "/photo.jpg"})
	if err != nil || len(e.fake.Posts()) != 1 || time.Since(start) > 1800*time.Millisecond {
		t.Fatalf("published in %s: %v, %d posts", time.Since(start), err, len(e.fake.Posts()))
	}
	if card := e.fake.Posts()[0].Record.Embed; card == nil || card.External == nil || card.External.Thumb != nil {
		t.Errorf("the card: %+v", card)
	}
}

// Another try of a post whose answer failed after its picture was uploaded
// does not scale and upload the picture again.
func TestPictureUploadedOnceForTries(t *testing.T) {
	e := newEnv(t)
	p := e.publisher(t)
	e.fake.Push(bskyfake.Response{Status: http.StatusBadGateway, Body: `{"error":"UpstreamFailure","message":"try again"}`})
	m := news.Message{PostID: 1, Text: "Ceasefire holds " + link, Link: link, Title: "Ceasefire", ImageURL: e.images.URL + "/photo.jpg"}
	if _, err := p.Publish(context.Background(), m); err == nil {
		t.Fatal("the scripted failure did not fail the first try")
	}
	if _, err := p.Publish(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Calls("com.atproto.repo.uploadBlob"); n != 1 {
		t.Errorf("%d uploads for two tries, want 1", n)
	}
	if card := e.fake.Posts()[0].Record.Embed; card == nil || card.External.Thumb == nil {
		t.Errorf("the second try's card has no picture: %+v", card)
	}
}
