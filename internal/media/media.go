// Package media holds the article's image as a network takes it: fetched
// through herald's guarded fetcher, checked before it is decoded (type, byte
// size, pixel count), scaled down and re-encoded as a JPEG that fits the
// network's byte limit. Re-encoding also drops the original's metadata
// (camera, GPS position), which a newsroom's photo may still carry.
package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"mime"
	"strings"

	// The formats og:image points at: JPEG, PNG, GIF and, more and more, WebP.
	_ "image/gif"
	_ "image/png"

	_ "golang.org/x/image/webp"

	"github.com/heraldhq/herald/internal/fetch"
)

// Defaults for the zero Options.
const (
	// DefaultMaxSide is the longest side a thumbnail keeps: plenty for a
	// link card, which networks show at a few hundred pixels.
	DefaultMaxSide = 2000
	// DefaultMaxPixels refuses images larger than 40 megapixels before
	// decoding them: a decoded image takes 3 to 8 bytes a pixel.
	DefaultMaxPixels = 40_000_000
	// MinSide is the shortest side worth showing: smaller images are
	// tracking pixels and spacers, not photos.
	MinSide = 32
)

// Sentinels for errors.Is on what Thumbnail and Fit return.
var (
	// ErrNotImage: the answer is not an image herald can read (another
	// content type, an unknown format, or data that does not decode).
	ErrNotImage = errors.New("not an image herald can read (JPEG, PNG, GIF or WebP)")
	// ErrTooManyPixels: the image claims more pixels than Options.MaxPixels.
	ErrTooManyPixels = errors.New("image has too many pixels")
	// ErrTooSmall: the image is smaller than MinSide on a side.
	ErrTooSmall = errors.New("image is too small to show")
	// ErrCannotFit: no size and quality brought the image under the byte limit.
	ErrCannotFit = errors.New("image cannot be made small enough")
)

// Fetcher is what Thumbnail needs of herald's fetcher (*fetch.Fetcher).
type Fetcher interface {
	Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error)
}

// Options bound a thumbnail. MaxBytes is required; the others default.
type Options struct {
	// MaxBytes is the largest encoded image the network takes (Bluesky's
	// blobs: 1,000,000).
	MaxBytes int
	// MaxSide is the longest side of the result; DefaultMaxSide when 0.
	MaxSide int
	// MaxPixels is the most pixels an image may claim in its header to be
	// decoded at all; DefaultMaxPixels when 0.
	MaxPixels int
}

// Image is an encoded image ready to upload.
type Image struct {
	Data []byte
	// MIME is the media type of Data: always "image/jpeg".
	MIME          string
	Width, Height int
}

// Accept is what Thumbnail asks the image's server for.
const Accept = "image/jpeg, image/png, image/webp, image/gif;q=0.8"

// Thumbnail fetches the image at url through f as a guarded request (the
// address comes from a page, not from the operator, so private addresses are
// refused unless herald allows them) and returns it fitted by Fit. Its
// errors wrap the fetcher's *fetch.Error or one of this package's sentinels;
// a caller that can do without the image (a link card without a thumbnail)
// logs them and goes on.
func Thumbnail(ctx context.Context, f Fetcher, url string, o Options) (*Image, error) {
	resp, err := f.Fetch(ctx, fetch.Request{URL: url, Accept: Accept})
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	if resp.NotModified {
		return nil, fmt.Errorf("media: %s: %w: the server answered 304 to a plain request", url, ErrNotImage)
	}
	img, err := Fit(resp.Body, resp.ContentType, o)
	if err != nil {
		return nil, fmt.Errorf("media: %s: %w", url, err)
	}
	return img, nil
}

// Fit reads an encoded image and returns it as a JPEG of at most o.MaxBytes
// with no side longer than o.MaxSide. contentType is what its server said,
// "" when unknown: a type that is neither an image nor a generic binary type
// is refused (a page served in place of the image), whatever the data. The
// image's header is read first, and an image that claims more than
// o.MaxPixels pixels is refused before it is decoded. A JPEG is turned as
// its EXIF orientation says. Transparent parts are laid on white. To fit the byte limit, the quality is lowered first, then
// the size, a quarter at a time.
func Fit(data []byte, contentType string, o Options) (*Image, error) {
	if o.MaxBytes <= 0 {
		return nil, errors.New("media: Options.MaxBytes must be positive")
	}
	if o.MaxSide <= 0 {
		o.MaxSide = DefaultMaxSide
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if !imageType(contentType) {
		return nil, fmt.Errorf("%w: the server says it is %s", ErrNotImage, contentType)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotImage, err)
	}
	w, h := cfg.Width, cfg.Height
	if w <= 0 || h <= 0 || int64(w)*int64(h) > int64(o.MaxPixels) {
		return nil, fmt.Errorf("%w: %s of %d×%d, more than %d", ErrTooManyPixels, format, w, h, o.MaxPixels)
	}
	if w < MinSide || h < MinSide {
		return nil, fmt.Errorf("%w: %d×%d", ErrTooSmall, w, h)
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not decode: %v", ErrNotImage, format, err)
	}

	turn := 1
	if format == "jpeg" {
		turn = orientation(data)
	}
	side := o.MaxSide
	var buf bytes.Buffer
	for {
		dw, dh := fitSize(src.Bounds().Dx(), src.Bounds().Dy(), side)
		if dw < MinSide || dh < MinSide {
			return nil, fmt.Errorf("%w: %d bytes even at %d×%d", ErrCannotFit, buf.Len(), dw, dh)
		}
		dst := orient(scale(src, dw, dh), turn)
		for _, q := range qualities {
			buf.Reset()
			if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: q}); err != nil {
				return nil, fmt.Errorf("media: encode: %w", err)
			}
			if buf.Len() <= o.MaxBytes {
				b := dst.Bounds()
				return &Image{Data: bytes.Clone(buf.Bytes()), MIME: "image/jpeg", Width: b.Dx(), Height: b.Dy()}, nil
			}
		}
		side = max(dw, dh) * 3 / 4
	}
}

// qualities are tried in turn at each size: below 60, JPEG's blocks show
// more than a smaller image loses.
var qualities = []int{85, 75, 65}

// fitSize scales w×h down to fit side×side, keeping the aspect ratio; an
// image that already fits keeps its size.
func fitSize(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, max(1, int((int64(h)*int64(side)+int64(w)/2)/int64(w)))
	}
	return max(1, int((int64(w)*int64(side)+int64(h)/2)/int64(h))), side
}

// imageType reports whether a Content-Type may hold an image: image/*, a
// generic binary type some servers use for everything, or none at all.
func imageType(contentType string) bool {
	if strings.TrimSpace(contentType) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "image/") || mt == "application/octet-stream" || mt == "binary/octet-stream"
}
