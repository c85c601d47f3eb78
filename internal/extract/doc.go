// Package extract turns what a newsroom publishes — feed fields and article pages — into
// the plain text herald posts: clean titles (Text), and the article's lede (Lede), its
// first real sentence or two, never a caption, byline, dateline, ticker, share prompt,
// newsletter box or comment form.
//
// The lede is found in two steps. A walk over the HTML leaves out the elements that cannot
// hold it — figures and captions, headings, quotes, forms, navigation, and anything whose
// class, id or role names a byline, share box, newsletter, ticker, comment area or the
// like — and yields the remaining paragraphs in order. Each paragraph is then judged by
// its text: labels ("Breaking:", "Photo:", "Related:"), bylines, prompts and link lists are
// passed over, a caption run into the text is cut off at its credit, and what opens a story
// before its first word — datelines, agency credits, bylines, editors' notes and update
// stamps, in English, Spanish, French, German, Portuguese, Italian, Arabic, Russian,
// Ukrainian and Chinese (openings.go) — is stripped. A paragraph of sentence length without
// a full stop is a standfirst, and the lede, when no sentence came before it; TitledLede
// also leaves out the headline repeated at the head of the text. Sentences are split by
// Sentences.
//
// ParsePage reads an article page: its metadata (Open Graph, Twitter, JSON-LD, canonical
// link), and its lede, from the page's own description when that is a real sentence, else
// from the body through go-readability.
//
// Everything here is a pure function of its input and safe for concurrent use. Bad
// markup does not make it panic, and its cost grows in step with the size of the input
// (BenchmarkParsePageSize and BenchmarkLedeSize measure it).
package extract
