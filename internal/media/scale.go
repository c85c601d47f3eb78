package media

import (
	"image"
	"image/color"
	"math"
)

// scale shrinks src to dw×dh (no larger than src) by area averaging: each
// destination pixel is the mean of the source area it covers, weighted by
// how much of each source pixel falls in it, which is what a downscale by a
// large factor needs to keep detail without aliasing. It works a source row
// at a time, so besides the result it holds three rows of floats, whatever
// the size of src. (golang.org/x/image/draw's kernel scalers hold a float
// buffer of the destination's width by the source's height: 256 MB to bring
// a 24-megapixel photo down to 2000 pixels.) Transparent pixels are laid on
// white, as a JPEG has no transparency.
func scale(src image.Image, dw, dh int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	sx, sy := float64(sw)/float64(dw), float64(sh)/float64(dh)
	cols := spans(sw, dw, sx)
	norm := float32(1 / (sx * sy))

	row := make([]float32, 3*sw)
	hrow := make([]float32, 3*dw)
	cur := make([]float32, 3*dw)  // destination row d
	next := make([]float32, 3*dw) // destination row d+1
	d := 0
	flush := func() {
		px := dst.Pix[d*dst.Stride:]
		for x := range dw {
			px[4*x] = clamp(cur[3*x] * norm)
			px[4*x+1] = clamp(cur[3*x+1] * norm)
			px[4*x+2] = clamp(cur[3*x+2] * norm)
			px[4*x+3] = 0xff
		}
		cur, next = next, cur
		clear(next)
		d++
	}
	for j := range sh {
		readRow(src, b.Min.Y+j, row)
		clear(hrow)
		for i, c := range cols {
			r, g, bl := row[3*i], row[3*i+1], row[3*i+2]
			k := 3 * c.d
			hrow[k] += r * c.w
			hrow[k+1] += g * c.w
			hrow[k+2] += bl * c.w
			if c.w < 1 && c.d+1 < dw {
				w := 1 - c.w
				hrow[k+3] += r * w
				hrow[k+4] += g * w
				hrow[k+5] += bl * w
			}
		}
		rs := spanOf(j, dh, sy)
		for rs.d > d {
			flush()
		}
		for k, v := range hrow {
			cur[k] += v * rs.w
		}
		if rs.w < 1 && rs.d+1 < dh {
			w := 1 - rs.w
			for k, v := range hrow {
				next[k] += v * w
			}
		}
	}
	for d < dh {
		flush()
	}
	return dst
}

// span says where source pixel i falls: the share w of it in destination
// pixel d, the rest (1-w) in d+1.
type span struct {
	d int
	w float32
}

func spans(sn, dn int, s float64) []span {
	out := make([]span, sn)
	for i := range out {
		out[i] = spanOf(i, dn, s)
	}
	return out
}

func spanOf(i, dn int, s float64) span {
	d := int(float64(i) / s)
	if d >= dn {
		return span{d: dn - 1, w: 1}
	}
	// The source pixel [i, i+1) meets the destination pixel's right edge
	// (d+1)·s, in source units, when that edge lies inside it.
	w := math.Min(1, float64(d+1)*s-float64(i))
	return span{d: d, w: float32(w)}
}

func clamp(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// readRow writes row y of src as red, green and blue over white into row,
// three floats a pixel. The decoders' own image types are read directly;
// anything else goes through At.
func readRow(src image.Image, y int, row []float32) {
	b := src.Bounds()
	switch m := src.(type) {
	case *image.YCbCr:
		for i := range b.Dx() {
			x := b.Min.X + i
			yi, ci := m.YOffset(x, y), m.COffset(x, y)
			r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
			row[3*i], row[3*i+1], row[3*i+2] = float32(r), float32(g), float32(bl)
		}
	case *image.Gray:
		px := m.Pix[m.PixOffset(b.Min.X, y):]
		for i := range b.Dx() {
			v := float32(px[i])
			row[3*i], row[3*i+1], row[3*i+2] = v, v, v
		}
	case *image.RGBA: // premultiplied: over white is c + (255 - a)
		px := m.Pix[m.PixOffset(b.Min.X, y):]
		for i := range b.Dx() {
			p := px[4*i : 4*i+4]
			white := float32(255 - p[3])
			row[3*i], row[3*i+1], row[3*i+2] = float32(p[0])+white, float32(p[1])+white, float32(p[2])+white
		}
	case *image.NRGBA:
		px := m.Pix[m.PixOffset(b.Min.X, y):]
		for i := range b.Dx() {
			p := px[4*i : 4*i+4]
			a := float32(p[3]) / 255
			white := 255 * (1 - a)
			row[3*i], row[3*i+1], row[3*i+2] = float32(p[0])*a+white, float32(p[1])*a+white, float32(p[2])*a+white
		}
	case *image.Paletted: // GIF
		var pal [256][3]float32
		for k, c := range m.Palette {
			r, g, bl, a := c.RGBA()
			white := float32(0xffff - a)
			pal[k] = [3]float32{(float32(r) + white) / 257, (float32(g) + white) / 257, (float32(bl) + white) / 257}
		}
		px := m.Pix[m.PixOffset(b.Min.X, y):]
		for i := range b.Dx() {
			c := pal[px[i]]
			row[3*i], row[3*i+1], row[3*i+2] = c[0], c[1], c[2]
		}
	default:
		for i := range b.Dx() {
			r, g, bl, a := src.At(b.Min.X+i, y).RGBA()
			white := float32(0xffff - a)
			row[3*i] = (float32(r) + white) / 257
			row[3*i+1] = (float32(g) + white) / 257
			row[3*i+2] = (float32(bl) + white) / 257
		}
	}
}
