package demo

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"math"
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

// storyJPEG is the story's picture as a JPEG, for link cards: networks that
// upload an article's image (Bluesky) take JPEG, PNG, GIF or WebP, not SVG.
// It is the same landscape as storySVG, drawn without the label.
func storyJPEG(s Story) []byte {
	const w, h = 1200, 675
	c, ok := sectionColours[s.Categories[0]]
	if !ok {
		c = sectionColours["Local"]
	}
	sky, hill, paper := hexColour(c[0]), hexColour(c[1]), hexColour("#fdf6e3")
	sunColour := hexColour("#fff3c4")
	hf := fnv.New32a()
	hf.Write([]byte(s.Slug))
	v := hf.Sum32()
	sunX, sunY := 150+int(v%900), 90+int((v>>10)%120)
	ridge, field := 330+int((v>>17)%90), 450+int((v>>24)%60)

	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		t := float64(y) / h
		row := mix(sky, paper, t)
		for x := range w {
			px := row
			dx, dy := x-sunX, y-sunY
			if dx*dx+dy*dy <= 48*48 {
				px = sunColour
			}
			if float64(y) >= float64(ridge)-40*math.Sin(math.Pi*float64(x)/600) {
				px = mix(px, hill, 0.55)
			}
			if float64(y) >= float64(field)-25*math.Sin(2*math.Pi*float64(x)/800) {
				px = hill
			}
			if y >= 585 && y < 645 && x >= 40 && x < 1160 {
				px = mix(px, color.RGBA{A: 255}, 0.35)
			}
			img.SetRGBA(x, y, px)
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	return b.Bytes()
}

func hexColour(s string) color.RGBA {
	var r, g, b uint8
	fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b)
	return color.RGBA{r, g, b, 255}
}

// mix is a blended towards b by t (0: a, 1: b).
func mix(a, b color.RGBA, t float64) color.RGBA {
	m := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 255}
}
