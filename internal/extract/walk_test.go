package extract

import "testing"

func TestSkipNamed(t *testing.T) {
	tests := []struct {
		names string
		want  bool
	}{
		{"wp-caption-text", true},
		{"comment-respond", true},
		{"entry-meta", true},
		{"jp-relatedposts", true}, // Jetpack's related posts
		{"sharedaddy sd-sharing-enabled", true},
		{"sr-only", true},
		{"td-post-content", false},
		{"entry-content", false},
		{"has-post-thumbnail", false},
		{"post-template-default single single-post", false},
		{"article-body comments-enabled", false}, // named for the article: kept
		{"related-content", false},               // kept; its links are weeded out by link density
		{"hidden-xs", false},                     // hidden on phones only
		{"", false},
	}
	for _, tt := range tests {
		if got := skipNamed(tt.names); got != tt.want {
			t.Errorf("skipNamed(%q) = %v, want %v", tt.names, got, tt.want)
		}
	}
}

func TestOwnClasses(t *testing.T) {
	got := ownClasses("post-80090 post type-post status-publish format-standard has-post-thumbnail category-news tag-breaking post-meta")
	if skipNamed(got) != true {
		t.Errorf("ownClasses kept %q: post-meta should still mark the element", got)
	}
	if got := ownClasses("post-80090 type-post tag-breaking category-comments"); skipNamed(got) {
		t.Errorf("ownClasses(taxonomy classes) = %q, which skipNamed skips", got)
	}
}
