package accounts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Clients names the client of a request for rate limits and logs without
// keeping its address: a keyed hash of its network. An IPv6 client is one
// /64 (whoever is given IPv6 can use 2^64 addresses), an IPv4 client one
// address (IPv4-mapped IPv6 counts as IPv4).
type Clients struct {
	// Key is the HMAC key (32 random bytes from the secrets file, so that
	// a database thief cannot map ids back to addresses by trying them).
	Key []byte
	// TrustedHeader, when set (e.g. "X-Forwarded-For"), names the header
	// the app's own proxy appends the client address to; its last entry
	// is used. Leave it empty unless such a proxy is always in front, or
	// clients choose their own ids.
	TrustedHeader string
}

// ID is the client id of r: 24 hex characters.
func (c Clients) ID(r *http.Request) string {
	m := hmac.New(sha256.New, c.Key)
	m.Write([]byte(ClientNetwork(c.IP(r))))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// IP is the peer address of r, or the last entry of TrustedHeader.
func (c Clients) IP(r *http.Request) string {
	if h := c.TrustedHeader; h != "" {
		if v := r.Header.Values(h); len(v) > 0 {
			parts := strings.Split(v[len(v)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ClientNetwork is the rate-limiting unit of an address: the /64 of an
// IPv6 address, an IPv4 address itself, or the text as is if it is no
// address (a Unix socket, say).
func ClientNetwork(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}
