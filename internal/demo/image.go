package demo

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// sectionColours tints each story's picture by its first category.
var sectionColours = map[string][2]string{
	"Local":    {"#9cc9e8", "#2b6a8e"},
	"Politics": {"#d7b8d0", "#7a3b69"},
	"Sport":    {"#b9e0b0", "#2e7d32"},
	"Weather":  {"#c9d6de", "#4f6d7a"},
	"Business": {"#ecd9a8", "#8d6e2f"},
	"Breaking": {"#f3b5b0", "#b71c1c"},
}

// storySVG draws the story's "photo": a valley landscape varied by the slug, in the section's
// colours, labelled with the section and the paper's name. Small, generated, and no network.
func storySVG(s Story) []byte {
	section := s.Categories[0]
	c, ok := sectionColours[section]
	if !ok {
		c = sectionColours["Local"]
	}
	h := fnv.New32a()
	h.Write([]byte(s.Slug))
	v := h.Sum32()
	sunX := 150 + int(v%900)
	sunY := 90 + int((v>>10)%120)
	ridge := 330 + int((v>>17)%90)
	field := 450 + int((v>>24)%60)
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675" viewBox="0 0 1200 675" role="img" aria-label="%s">`, esc(s.Caption))
	fmt.Fprintf(&b, `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="%s"/><stop offset="1" stop-color="#fdf6e3"/></linearGradient></defs>`, c[0])
	b.WriteString(`<rect width="1200" height="675" fill="url(#sky)"/>`)
	fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="48" fill="#fff3c4"/>`, sunX, sunY)
	fmt.Fprintf(&b, `<path d="M0 %d Q300 %d 600 %d T1200 %d V675 H0 Z" fill="%s" opacity="0.55"/>`, ridge, ridge-80, ridge, ridge-40, c[1])
	fmt.Fprintf(&b, `<path d="M0 %d Q400 %d 800 %d T1200 %d V675 H0 Z" fill="%s"/>`, field, field-50, field+10, field-20, c[1])
	b.WriteString(`<rect x="40" y="585" width="1120" height="60" rx="6" fill="#000" opacity="0.35"/>`)
	fmt.Fprintf(&b, `<text x="64" y="624" font-family="Georgia, serif" font-size="28" fill="#fff">%s · %s</text>`, esc(siteName), esc(section))
	b.WriteString(`</svg>`)
	return []byte(b.String())
}
