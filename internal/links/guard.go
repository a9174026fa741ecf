package links

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// Guard decides which addresses the live checker may connect to. The zero
// Guard refuses loopback, private, link-local, shared (CGNAT), unspecified
// and multicast addresses: a public page must not make the checker probe the
// operator's own network (server-side request forgery).
type Guard struct {
	AllowLoopback bool // permit 127.0.0.0/8 and ::1
	AllowPrivate  bool // permit RFC 1918, fc00::/7, link-local and 100.64.0.0/10
}

// BlockedError is returned by the dialer when the guard refuses an address.
type BlockedError struct {
	Addr netip.Addr
}

// Error describes the refused address.
func (e *BlockedError) Error() string {
	return fmt.Sprintf("address %s is not public; refused by the SSRF guard", e.Addr)
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// Allowed reports whether the guard lets the checker connect to addr.
func (g Guard) Allowed(addr netip.Addr) bool {
	addr = addr.Unmap()
	switch {
	case !addr.IsValid(), addr.IsUnspecified(), addr.IsMulticast(), addr.IsInterfaceLocalMulticast():
		return false
	case addr.IsLoopback():
		return g.AllowLoopback
	case addr.IsPrivate(), addr.IsLinkLocalUnicast(), addr.IsLinkLocalMulticast(), cgnat.Contains(addr):
		return g.AllowPrivate
	}
	return true
}

// control is a net.Dialer Control function: it runs after name resolution,
// on the address actually being connected to, so a host name that resolves
// to a public address once and a private one the next time (DNS rebinding)
// cannot slip past.
func (g Guard) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("ssrf guard: unparsable address %q: %w", address, err)
	}
	if !g.Allowed(addr) {
		return &BlockedError{Addr: addr.Unmap()}
	}
	return nil
}

// dialer returns a dial function that applies the guard to every connection.
func (g Guard) dialer(timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: g.control}
	return d.DialContext
}
