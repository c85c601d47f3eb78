package websub

import (
	"strings"
	"testing"
)

func TestSignature(t *testing.T) {
	body := []byte(`<rss><channel><item><title>Council approves budget</title></item></channel></rss>`)
	const secret = "0123456789abcdef0123456789abcdef"
	for _, method := range []string{"sha1", "sha256", "sha384", "sha512"} {
		sig := Sign(method, secret, body)
		if !strings.HasPrefix(sig, method+"=") || !validSignature(sig, secret, body) {
			t.Errorf("%s: %q does not verify", method, sig)
		}
		if !validSignature(strings.ToUpper(method)+sig[len(method):], secret, body) {
			t.Errorf("%s: the method's case matters", method)
		}
	}
	// RFC 2202 and RFC 4231, test case 2.
	jefe := []byte("what do ya want for nothing?")
	for _, want := range []string{
		"sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
		"sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	} {
		if !validSignature(want, "Jefe", jefe) {
			t.Errorf("the RFC's %s does not verify", want)
		}
	}
	good := Sign("sha256", secret, body)
	for name, header := range map[string]string{
		"missing":          "",
		"no method":        strings.TrimPrefix(good, "sha256="),
		"unknown method":   "md5=" + strings.TrimPrefix(good, "sha256="),
		"not hex":          "sha256=zz" + good[9:],
		"wrong secret":     Sign("sha256", "another secret", body),
		"another method's": "sha512=" + strings.TrimPrefix(good, "sha256="),
		"cut short":        good[:len(good)-2],
		"tampered body":    Sign("sha256", secret, append([]byte("x"), body...)),
	} {
		if validSignature(header, secret, body) {
			t.Errorf("%s: %q accepted", name, header)
		}
	}
	if validSignature(Sign("sha256", "", body), "", body) {
		t.Error("a signature under an empty secret accepted")
	}
	if Sign("md5", secret, body) != "" {
		t.Error("Sign with an unknown method")
	}
}
