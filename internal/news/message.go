package news

// Message is one post as a publisher sends it: the composed text and what a
// network needs besides it to show the post well (its language, a link card).
type Message struct {
	// PostID is the outbox row's id. It stays the same for every try of
	// one post, so a network that deduplicates requests (Mastodon's
	// Idempotency-Key) can tell a retry from a new post.
	PostID int64
	// Text is the post as composed for the destination's network.
	Text string
	// Lang is the article's language as a BCP 47 tag ("en", "ar",
	// "pt-BR"); empty when unknown.
	Lang string
	// Link is the article's URL exactly as it appears in Text (with any
	// UTM parameters); empty for a post without a link.
	Link string
	// Title, Description and ImageURL describe the link for a card, from
	// the article's og: tags. Any of them may be empty.
	Title, Description, ImageURL string
}
