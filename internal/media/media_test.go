package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
)

// blueskyLimit is Bluesky's blob limit, the case this package is for.
const blueskyLimit = 1_000_000

var (
	photoOnce sync.Once
	photoJPEG []byte
)

// bigPhoto is a 6000×4000 JPEG of several MB: gradients under strong noise,
// which JPEG compresses badly, like a photo of foliage or a crowd.
func bigPhoto(t testing.TB) []byte {
	t.Helper()
	photoOnce.Do(func() { photoJPEG = noisyJPEG(6000, 4000) })
	return photoJPEG
}

// noisyJPEG makes a w×h photo of gradients under strong noise.
func noisyJPEG(w, h int) []byte {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			m.Y[y*m.YStride+x] = uint8(60 + (x*120)/w + rng.IntN(28))
		}
	}
	for y := range h / 2 {
		for x := range w / 2 {
			m.Cb[y*m.CStride+x] = uint8(100 + (y*60)/(h/2) + rng.IntN(16))
			m.Cr[y*m.CStride+x] = uint8(150 - (x*50)/(w/2) + rng.IntN(16))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		panic(err) // jpeg.Encode fails only on a bad image, which this is not
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decode(t testing.TB, img *Image) image.Image {
	t.Helper()
	if img.MIME != "image/jpeg" {
		t.Fatalf("MIME %q", img.MIME)
	}
	m, err := jpeg.Decode(bytes.NewReader(img.Data))
	if err != nil {
		t.Fatalf("the result does not decode: %v", err)
	}
	if b := m.Bounds(); b.Dx() != img.Width || b.Dy() != img.Height {
		t.Fatalf("result is %v, Image says %d×%d", b, img.Width, img.Height)
	}
	return m
}

func TestFitLargePhoto(t *testing.T) {
	photo := bigPhoto(t)
	if len(photo) < 3<<20 || len(photo) > fetch.DefaultMaxBody {
		t.Fatalf("the test photo is %d bytes: want several MB, within the fetcher's cap", len(photo))
	}
	start := time.Now()
	img, err := Fit(photo, "image/jpeg", Options{MaxBytes: blueskyLimit})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes in, %d×%d of %d bytes out in %v", len(photo), img.Width, img.Height, len(img.Data), time.Since(start))
	if len(img.Data) > blueskyLimit {
		t.Fatalf("%d bytes, over %d", len(img.Data), blueskyLimit)
	}
	// A good thumbnail: not shrunk further than the limit asks, and the
	// aspect ratio kept.
	if img.Width != DefaultMaxSide || img.Height != 1333 {
		t.Fatalf("%d×%d", img.Width, img.Height)
	}
	m := decode(t, img)
	// The mean brightness survives the scaling (the photo's is about 145).
	var sum, n int
	for y := 0; y < img.Height; y += 7 {
		for x := 0; x < img.Width; x += 7 {
			r, g, b, _ := m.At(x, y).RGBA()
			sum += int(r+g+b) / 3 >> 8
			n++
		}
	}
	if mean := sum / n; mean < 120 || mean > 170 {
		t.Fatalf("mean brightness %d", mean)
	}
}

func TestFitFormats(t *testing.T) {
	// A PNG with a transparent left half: it must come out white there.
	rgba := image.NewNRGBA(image.Rect(0, 0, 640, 480))
	for y := range 480 {
		for x := range 640 {
			a := uint8(255)
			if x < 320 {
				a = 0
			}
			rgba.SetNRGBA(x, y, color.NRGBA{R: 200, G: 30, B: 30, A: a})
		}
	}
	pal := image.NewPaletted(image.Rect(0, 0, 300, 200), []color.Color{color.Black, color.RGBA{0, 0, 255, 255}})
	for y := range 200 {
		for x := range 300 {
			pal.SetColorIndex(x, y, uint8((x/10+y/10)%2))
		}
	}
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, pal, nil); err != nil {
		t.Fatal(err)
	}
	wide := image.NewGray(image.Rect(0, 0, 4100, 900))
	for i := range wide.Pix {
		wide.Pix[i] = uint8(i)
	}

	for _, tc := range []struct {
		name        string
		data        []byte
		contentType string
		w, h        int
		check       func(t *testing.T, m image.Image)
	}{
		{"png with alpha", encodePNG(t, rgba), "image/png", 640, 480, func(t *testing.T, m image.Image) {
			if r, g, b := rgb(m.At(100, 240)); r < 245 || g < 245 || b < 245 {
				t.Errorf("transparent part is %d,%d,%d, want white", r, g, b)
			}
			if r, g, b := rgb(m.At(500, 240)); r < 180 || g > 60 || b > 60 {
				t.Errorf("opaque part is %d,%d,%d, want red", r, g, b)
			}
		}},
		{"gif", gifBuf.Bytes(), "image/gif", 300, 200, nil},
		{"wide png scaled", encodePNG(t, wide), "image/png", 2000, 439, nil},
		{"small jpeg keeps its size", encodeJPEG(t, image.NewGray(image.Rect(0, 0, 1200, 630))), "image/jpeg; charset=binary", 1200, 630, nil},
		{"octet-stream", encodeJPEG(t, image.NewGray(image.Rect(0, 0, 400, 300))), "application/octet-stream", 400, 300, nil},
		{"no content type", encodeJPEG(t, image.NewGray(image.Rect(0, 0, 400, 300))), "", 400, 300, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Fit(tc.data, tc.contentType, Options{MaxBytes: blueskyLimit})
			if err != nil {
				t.Fatal(err)
			}
			if img.Width != tc.w || img.Height != tc.h {
				t.Fatalf("%d×%d, want %d×%d", img.Width, img.Height, tc.w, tc.h)
			}
			m := decode(t, img)
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
}

func rgb(c color.Color) (r, g, b uint32) {
	r, g, b, _ = c.RGBA()
	return r >> 8, g >> 8, b >> 8
}

// bombPNG is a PNG whose header claims w×h pixels, followed by a little
// compressed data: what a decompression bomb looks like before it is opened.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func TestFitRefuses(t *testing.T) {
	good := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 800, 600)))
	for _, tc := range []struct {
		name        string
		data        []byte
		contentType string
		want        error
	}{
		{"decompression bomb", bombPNG(100000, 100000), "image/png", ErrTooManyPixels},
		{"just over the pixel cap", bombPNG(8000, 5001), "image/png", ErrTooManyPixels},
		{"truncated jpeg", good[:len(good)/2], "image/jpeg", ErrNotImage},
		{"truncated header", good[:20], "image/jpeg", ErrNotImage},
		{"a page in place of the image", []byte("<!doctype html><title>Not found</title>"), "image/jpeg", ErrNotImage},
		{"an image served as a page", good, "text/html; charset=utf-8", ErrNotImage},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"/>`), "image/svg+xml", ErrNotImage},
		{"empty", nil, "image/jpeg", ErrNotImage},
		{"tracking pixel", encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1))), "image/png", ErrTooSmall},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Fit(tc.data, tc.contentType, Options{MaxBytes: blueskyLimit})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Fit = %v, %v; want %v", img, err, tc.want)
			}
		})
	}
	if _, err := Fit(good, "image/jpeg", Options{}); err == nil {
		t.Fatal("Fit took no MaxBytes")
	}
	// A limit no JPEG can meet ends the search instead of looping.
	if _, err := Fit(good, "image/jpeg", Options{MaxBytes: 100}); !errors.Is(err, ErrCannotFit) {
		t.Fatalf("a 100-byte limit: %v", err)
	}
}

func TestFitLowersQualityThenSize(t *testing.T) {
	photo := noisyJPEG(2400, 1600)
	// 50 kB cannot hold 2000×1333 of noise at any quality tried: the
	// size goes down too, by quarters.
	img, err := Fit(photo, "image/jpeg", Options{MaxBytes: 50_000})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d×%d, %d bytes", img.Width, img.Height, len(img.Data))
	if len(img.Data) > 50_000 || img.Width >= DefaultMaxSide || img.Width < 500 {
		t.Fatalf("%d×%d, %d bytes", img.Width, img.Height, len(img.Data))
	}
	decode(t, img)
}

func TestScaleAverages(t *testing.T) {
	// A checkerboard of black and white pixels halves to even grey; a
	// uniform colour stays itself at any factor.
	board := image.NewGray(image.Rect(0, 0, 300, 200))
	for y := range 200 {
		for x := range 300 {
			if (x+y)%2 == 0 {
				board.Pix[y*board.Stride+x] = 255
			}
		}
	}
	out := scale(board, 150, 100)
	for i := 0; i < len(out.Pix); i += 4 {
		if v := out.Pix[i]; v < 126 || v > 129 {
			t.Fatalf("pixel %d is %d, want 127 or 128", i/4, v)
		}
	}
	flat := image.NewRGBA(image.Rect(10, 10, 1010, 710)) // not at the origin
	for i := 0; i < len(flat.Pix); i += 4 {
		copy(flat.Pix[i:], []uint8{10, 120, 230, 255})
	}
	for _, size := range [][2]int{{333, 233}, {1000, 700}, {7, 5}, {1, 1}} {
		out := scale(flat, size[0], size[1])
		for i := 0; i < len(out.Pix); i += 4 {
			if p := out.Pix[i : i+4]; p[0] != 10 || p[1] != 120 || p[2] != 230 || p[3] != 255 {
				t.Fatalf("%v: pixel %d is %v", size, i/4, p)
			}
		}
	}
}

func TestThumbnail(t *testing.T) {
	photo := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 1200, 630)))
	var accept string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept = r.Header.Get("Accept")
		switch r.URL.Path {
		case "/og.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(photo)
		case "/page":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html></html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	open := fetch.New(fetch.Options{AllowPrivate: true})

	img, err := Thumbnail(ctx, open, srv.URL+"/og.jpg", Options{MaxBytes: blueskyLimit})
	if err != nil {
		t.Fatal(err)
	}
	if img.Width != 1200 || img.Height != 630 || accept != Accept {
		t.Fatalf("%d×%d, Accept %q", img.Width, img.Height, accept)
	}
	if _, err := Thumbnail(ctx, open, srv.URL+"/missing.jpg", Options{MaxBytes: blueskyLimit}); !errors.Is(err, fetch.ErrHTTPStatus) {
		t.Fatalf("404: %v", err)
	}
	if _, err := Thumbnail(ctx, open, srv.URL+"/page", Options{MaxBytes: blueskyLimit}); !errors.Is(err, ErrNotImage) {
		t.Fatalf("a page: %v", err)
	}
	// The image's address comes from a page: the guard applies.
	guarded := fetch.New(fetch.Options{})
	if _, err := Thumbnail(ctx, guarded, srv.URL+"/og.jpg", Options{MaxBytes: blueskyLimit}); !errors.Is(err, fetch.ErrBlocked) {
		t.Fatalf("a loopback address through the guard: %v", err)
	}
}

func BenchmarkFitLargePhoto(b *testing.B) {
	photo := bigPhoto(b)
	b.SetBytes(int64(len(photo)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(photo, "image/jpeg", Options{MaxBytes: blueskyLimit}); err != nil {
			b.Fatal(err)
		}
	}
}
