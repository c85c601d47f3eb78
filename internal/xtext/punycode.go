package xtext

import "unicode/utf8"

// maxLabelLength is the longest DNS label, in ASCII (punycode) form.
const maxLabelLength = 63

// asciiLabelLen returns the length of a domain label once converted to ASCII
// the way twitter-text does it (punycode.toASCII): the label is split at the
// full stops U+3002, U+FF0E and U+FF61, each part that holds a character
// outside U+0000..U+007E becomes "xn--" and its punycode, and the parts are
// joined with ".". Counting stops once the length passes limit.
func asciiLabelLen(label string, limit int) int {
	n, parts := 0, 0
	rest := label
	for {
		i, size := indexFullStop(rest)
		part := rest
		if i >= 0 {
			part = rest[:i]
		}
		if parts > 0 {
			n++ // the "." between parts
		}
		parts++
		if isPunycodeBasic(part) {
			n += len(part)
		} else {
			n += len("xn--") + punycodeLen(part, limit-n-len("xn--")+1)
		}
		if n > limit || i < 0 {
			return n
		}
		rest = rest[i+size:]
	}
}

// indexFullStop finds the first ideographic, fullwidth or halfwidth full stop.
func indexFullStop(s string) (int, int) {
	for i, r := range s {
		if r == '\u3002' || r == '\uFF0E' || r == '\uFF61' {
			return i, utf8.RuneLen(r)
		}
	}
	return -1, 0
}

func isPunycodeBasic(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > 0x7E {
			return false
		}
	}
	return true
}

// Punycode parameters (RFC 3492, section 5).
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
)

// punycodeLen returns the length of the punycode encoding of s (RFC 3492,
// without the "xn--" prefix), or a number above limit as soon as the encoding
// grows past it.
func punycodeLen(s string, limit int) int {
	runes := make([]rune, 0, 64)
	out := 0
	for _, r := range s {
		runes = append(runes, r)
		if r < 0x80 {
			out++
		}
	}
	basic := out
	if basic > 0 {
		out++ // delimiter
	}
	n, delta, bias := rune(pcInitialN), 0, pcInitialBias
	for handled := basic; handled < len(runes); {
		if out > limit {
			return out
		}
		m := rune(utf8.MaxRune + 1)
		for _, r := range runes {
			if r >= n && r < m {
				m = r
			}
		}
		delta += int(m-n) * (handled + 1)
		n = m
		for _, r := range runes {
			if r < n {
				delta++
			}
			if r != n {
				continue
			}
			q := delta
			for k := pcBase; ; k += pcBase {
				t := k - bias
				if t < pcTMin {
					t = pcTMin
				} else if t > pcTMax {
					t = pcTMax
				}
				if q < t {
					break
				}
				out++
				q = (q - t) / (pcBase - t)
			}
			out++
			bias = punycodeAdapt(delta, handled+1, handled == basic)
			delta = 0
			handled++
		}
		delta++
		n++
	}
	return out
}

func punycodeAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}
