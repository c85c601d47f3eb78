package websub

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"strings"
)

// signatureHashes are the methods WebSub allows in X-Hub-Signature.
var signatureHashes = map[string]func() hash.Hash{
	"sha1":   sha1.New,
	"sha256": sha256.New,
	"sha384": sha512.New384,
	"sha512": sha512.New,
}

// Sign returns the X-Hub-Signature value of body under secret with method
// (sha1, sha256, sha384 or sha512); "" for another method.
func Sign(method, secret string, body []byte) string {
	h, ok := signatureHashes[method]
	if !ok {
		return ""
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write(body)
	return method + "=" + hex.EncodeToString(mac.Sum(nil))
}

// validSignature reports whether header, "method=hex", is body's HMAC under
// secret. The comparison takes the same time however much of it matches.
func validSignature(header, secret string, body []byte) bool {
	method, sig, ok := strings.Cut(strings.TrimSpace(header), "=")
	h, known := signatureHashes[strings.ToLower(method)]
	if !ok || !known || secret == "" {
		return false
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write(body)
	return hmac.Equal(mac.Sum(nil), got)
}
