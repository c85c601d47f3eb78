package fetch

import (
	"net/netip"
	"testing"
)

func TestInternalKind(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"8.8.8.8", ""},
		{"203.0.113.10", ""},
		{"151.101.1.67", ""},
		{"2606:4700::1111", ""},
		{"2a00:1450:4001:80b::200e", ""},
		{"::ffff:8.8.8.8", ""},
		{"64:ff9b::808:808", ""},
		{"0.0.0.0", "an unspecified"},
		{"::", "an unspecified"},
		{"127.0.0.1", "a loopback"},
		{"127.255.255.254", "a loopback"},
		{"::1", "a loopback"},
		{"::ffff:127.0.0.1", "a loopback"},
		{"10.0.0.1", "a private"},
		{"172.16.5.4", "a private"},
		{"172.31.255.255", "a private"},
		{"192.168.1.1", "a private"},
		{"fd00::1", "a unique-local"},
		{"fd00:ec2::254", "a unique-local"},
		{"169.254.169.254", "a link-local"},
		{"fe80::1", "a link-local"},
		{"fe80::1%eth0", "a link-local"},
		{"224.0.0.1", "a multicast"},
		{"ff02::1", "a multicast"},
		{"0.1.2.3", "a reserved"},
		{"100.64.0.1", "a carrier-grade NAT"},
		{"100.100.100.200", "a carrier-grade NAT"},
		{"192.0.0.8", "a reserved"},
		{"198.18.0.1", "a reserved"},
		{"255.255.255.255", "a reserved"},
		{"fec0::1", "a site-local"},
		{"64:ff9b::a00:1", "a private"},       // NAT64 of 10.0.0.1
		{"64:ff9b::7f00:1", "a loopback"},     // NAT64 of 127.0.0.1
		{"2002:a9fe:a9fe::1", "a link-local"}, // 6to4 of 169.254.169.254
		{"::7f00:1", "a loopback"},            // IPv4-compatible 127.0.0.1
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := internalKind(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("internalKind(%s) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}
