package fetch

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
)

// Describe says in plain words, for an editor or an operator, why a fetch
// failed: "herald could not reach that address: the connection was
// refused" rather than the dialer's "dial tcp 127.0.0.1:9: connect:
// connection refused". It does not repeat the URL. Logs keep Error's
// technical text; Describe is for pages and the command line.
func Describe(err error) string {
	if err == nil {
		return ""
	}
	var b *blockedError
	if errors.As(err, &b) {
		return b.Error()
	}
	var fe *Error
	if errors.As(err, &fe) {
		// Our own reasons already read as plain words.
		var r *reason
		if errors.As(fe.Err, &r) {
			switch {
			case errors.Is(r, ErrHTTPStatus):
				return strings.Replace(r.msg, "the server", "the site", 1)
			case errors.Is(r, ErrTimeout):
				return "the site did not answer in time (" + r.msg + ")"
			}
			return r.msg
		}
		err = fe.Err
	}
	const unreachable = "herald could not reach that address: "
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Sprintf("herald could not find that site: there is no host named %q", dnsErr.Name)
	case errors.As(err, &dnsErr) && dnsErr.IsTimeout:
		return fmt.Sprintf("herald could not look up %q in time (DNS did not answer)", dnsErr.Name)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("herald could not look up %q (DNS failed)", dnsErr.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		return unreachable + "the connection was refused (nothing is listening there)"
	case errors.Is(err, syscall.ECONNRESET):
		return unreachable + "the connection was cut off"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return unreachable + "there is no route to it from here"
	case errors.As(err, &hostnameErr):
		return "the site's certificate is not valid for its name (" + hostnameErr.Error() + ")"
	case errors.As(err, &unknownAuthority):
		return "the site's certificate is not signed by an authority herald trusts"
	case errors.As(err, &invalidCert) && invalidCert.Reason == x509.Expired:
		return "the site's certificate has expired"
	case errors.As(err, &certErr), errors.As(err, &invalidCert):
		return "the site's certificate is not valid"
	case errors.As(err, &recordErr):
		return "the site did not answer in TLS: try http:// instead of https://"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "the site did not answer in time"
	}
	return "herald could not read that page: " + err.Error()
}
