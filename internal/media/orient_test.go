package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"testing"
)

// exifJPEG is m as a JPEG whose Exif segment gives orientation o, in the
// byte order of a camera (big-endian, "MM") or of a phone (little, "II").
func exifJPEG(t testing.TB, m image.Image, o int, order binary.ByteOrder) []byte {
	plain := encodeJPEG(t, m)
	tiff := make([]byte, 8+2+12+4)
	if order == binary.BigEndian {
		copy(tiff, "MM")
	} else {
		copy(tiff, "II")
	}
	order.PutUint16(tiff[2:], 42)
	order.PutUint32(tiff[4:], 8)
	order.PutUint16(tiff[8:], 1)       // one entry
	order.PutUint16(tiff[10:], 0x0112) // Orientation
	order.PutUint16(tiff[12:], 3)      // SHORT
	order.PutUint32(tiff[14:], 1)
	order.PutUint16(tiff[18:], uint16(o))
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(2+len(seg)))
	out := append([]byte{}, plain[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, plain[2:]...)
}

// A photo is turned as its EXIF orientation says before it is re-encoded,
// which drops the tag: the red corner, the stored image's top left, ends
// where a browser shows it.
func TestFitOrientation(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 96, 48))
	for y := range 48 {
		for x := range 96 {
			c := color.RGBA{128, 128, 128, 255}
			if x < 24 && y < 24 {
				c = color.RGBA{230, 20, 20, 255}
			}
			src.Set(x, y, c)
		}
	}
	const top, bottom, left, right = 6, 41, 6, -1 // right: from the far edge
	for _, tc := range []struct {
		o      int
		w, h   int
		cx, cy int // where the red corner is
	}{
		{1, 96, 48, left, top}, {2, 96, 48, right, top}, {3, 96, 48, right, bottom}, {4, 96, 48, left, bottom},
		{5, 48, 96, left, top}, {6, 48, 96, right, top}, {7, 48, 96, right, 89}, {8, 48, 96, left, 89},
	} {
		for _, order := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
			data := exifJPEG(t, src, tc.o, order)
			if got := orientation(data); got != tc.o {
				t.Errorf("orientation %d (%v) read as %d", tc.o, order, got)
			}
			img, err := Fit(data, "image/jpeg", Options{MaxBytes: blueskyLimit})
			if err != nil {
				t.Fatal(err)
			}
			if img.Width != tc.w || img.Height != tc.h {
				t.Errorf("orientation %d: %d×%d, want %d×%d", tc.o, img.Width, img.Height, tc.w, tc.h)
				continue
			}
			m := decode(t, img)
			x := tc.cx
			if x < 0 {
				x = tc.w - 7
			}
			if r, g, _ := rgb(m.At(x, tc.cy)); r < 180 || g > 80 {
				t.Errorf("orientation %d: the red corner is not at %d,%d", tc.o, x, tc.cy)
			}
			if r, g, _ := rgb(m.At(tc.w/2, tc.h/2)); r > 160 || g < 100 {
				t.Errorf("orientation %d: the middle is not grey", tc.o)
			}
		}
	}
}

// A broken Exif segment is no orientation, never a panic.
func TestOrientationBroken(t *testing.T) {
	good := exifJPEG(t, image.NewGray(image.Rect(0, 0, 40, 40)), 6, binary.LittleEndian)
	at := bytes.Index(good, []byte("Exif")) + 6 // the TIFF header
	cases := map[string][]byte{
		"not a jpeg":      []byte("GIF89a"),
		"cut in the ifd":  good[:at+12],
		"cut in a length": good[:5],
		"offset past the end": func() []byte {
			b := bytes.Clone(good)
			binary.LittleEndian.PutUint32(b[at+4:], 1<<30)
			return b
		}(),
		"more entries than the segment holds": func() []byte {
			b := bytes.Clone(good)
			binary.LittleEndian.PutUint16(b[at+8:], 0xFFFF)
			binary.LittleEndian.PutUint16(b[at+10:], 0x0100) // the first is the width
			return b
		}(),
		"orientation 9": func() []byte {
			b := bytes.Clone(good)
			binary.LittleEndian.PutUint16(b[at+18:], 9)
			return b
		}(),
		"segment length past the end": func() []byte {
			b := bytes.Clone(good)
			binary.BigEndian.PutUint16(b[4:], 0xFFFF)
			return b
		}(),
	}
	for name, data := range cases {
		if got := orientation(data); got != 1 {
			t.Errorf("%s: orientation %d, want 1", name, got)
		}
	}
}
