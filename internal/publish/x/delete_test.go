package x_test

import (
	"context"
	"testing"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish/x"
	"github.com/heraldhq/herald/internal/publish/x/xfake"
)

// TestDelete: a post is deleted through either API, signed; a post X no
// longer has counts as gone; X's refusal is permanent, its outage
// transient, and a malformed id never reaches X.
func TestDelete(t *testing.T) {
	for _, api := range apis {
		t.Run(api, func(t *testing.T) {
			e := newEnv(t, setup{api: api})
			ctx := context.Background()
			p, err := e.pub.Publish(ctx, news.Message{Text: "Councillor arrested https://news.example/arrest"})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.pub.Delete(ctx, p.RemoteID); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if got := e.fake.Deleted(); len(got) != 1 || got[0] != p.RemoteID {
				t.Errorf("deleted %v", got)
			}
			if f := e.fake.AuthFailures(); len(f) != 0 {
				t.Errorf("auth failures: %q", f)
			}
			if err := e.pub.Delete(ctx, p.RemoteID); err != nil {
				t.Errorf("deleting a deleted post: %v", err)
			}
			e.fake.PushDelete(xfake.Forbidden("You are not allowed to delete this Tweet."))
			publishError(t, e.pub.Delete(ctx, "1234"), news.Permanent, 403)
			e.fake.PushDelete(xfake.Unavailable())
			publishError(t, e.pub.Delete(ctx, "1234"), news.Transient, 503)
			calls := e.fake.DeleteCalls()
			publishError(t, e.pub.Delete(ctx, "../2/tweets"), news.Rejected, 0)
			if e.fake.DeleteCalls() != calls {
				t.Errorf("a malformed id was sent to X")
			}
		})
	}
}

var _ interface {
	Delete(context.Context, string) error
} = (*x.Publisher)(nil)
