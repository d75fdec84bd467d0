package server

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

func TestParseKeyOptions(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		opts    []string
		wantErr string // "" for accepted
	}{
		{nil, ""},
		{[]string{`from="10.0.0.0/8"`}, ""},
		{[]string{`FROM="10.0.0.1"`}, ""}, // names are case-insensitive
		{[]string{`expiry-time="20250127"`}, ""},
		{[]string{`expiry-time="202501271600"`}, ""},
		{[]string{`expiry-time="20250127160000Z"`}, ""},
		{[]string{"restrict", "pty"}, ""},
		{[]string{"no-pty", "pty"}, ""},
		{[]string{"no-port-forwarding", "no-agent-forwarding", "no-X11-forwarding", "no-user-rc"}, ""},
		{[]string{"restrict", "pty", `permitopen="localhost:80"`, `permitlisten="8080"`, "port-forwarding"}, ""},
		{[]string{"no-touch-required"}, ""},
		{[]string{"restrict"}, "no-pty"},
		{[]string{"pty", "restrict"}, "no-pty"},
		{[]string{"no-pty"}, "no-pty"},
		{[]string{`command="echo hi"`}, "command= cannot be honoured"},
		{[]string{`command="echo \"hi\""`}, "command= cannot be honoured"},
		{[]string{`environment="A=B"`}, "environment cannot be honoured"},
		{[]string{`principals="alice"`}, "principals cannot be honoured"},
		{[]string{`tunnel="1"`}, "tunnel cannot be honoured"},
		{[]string{"cert-authority"}, "cert-authority cannot be honoured"},
		{[]string{"verify-required"}, "verify-required cannot be honoured"},
		{[]string{"frobnicate"}, "unknown option"},
		{[]string{"from"}, "needs a value"},
		{[]string{`pty="yes"`}, "takes no value"},
		{[]string{`from=10.0.0.1`}, "double quotes"},
		{[]string{`from="10.0.0.1`}, "double quotes"},
		{[]string{`from="a"b"`}, "unescaped quote"},
		{[]string{`from="10.0.0.1"`, `from="10.0.0.2"`}, "multiple"},
		{[]string{`from=""`}, "empty pattern"},
		{[]string{`from="10.0.0.1,"`}, "empty pattern"},
		{[]string{`from="!"`}, "empty pattern"},
		{[]string{`from="10.0.0.1/8"`}, "host bits set"},
		{[]string{`from="10.0.0.0/33"`}, "mask longer"},
		{[]string{`from="` + strings.Repeat("a", 50) + `"`}, "longer than"},
		{[]string{`expiry-time="2025"`}, "want YYYYMMDD"},
		{[]string{`expiry-time="20251341"`}, "want YYYYMMDD"},
		{[]string{`expiry-time="2025012Z"`}, "want YYYYMMDD"},
	}
	for _, tc := range tests {
		_, err := parseKeyOptions(tc.opts, ny)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%q: %v", tc.opts, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v, want %q", tc.opts, err, tc.wantErr)
		}
	}

	// expiry-time: local to the given zone, UTC with Z, earliest wins
	o, err := parseKeyOptions([]string{`expiry-time="202501271600"`}, ny)
	if want := time.Date(2025, 1, 27, 16, 0, 0, 0, ny); err != nil || !o.expires.Equal(want) {
		t.Errorf("expiry local: %v %v", o.expires, err)
	}
	o, err = parseKeyOptions([]string{`expiry-time="20250127160000Z"`, `expiry-time="20240101Z"`, `expiry-time="20260101Z"`}, ny)
	if want := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); err != nil || !o.expires.Equal(want) {
		t.Errorf("expiry earliest: %v %v", o.expires, err)
	}
	ip := netip.MustParseAddr("10.1.2.3")
	if o.allowedAt(ip, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) != nil {
		t.Errorf("refused at the expiry instant itself (OpenSSH allows it)")
	}
	if o.allowedAt(ip, time.Date(2024, 1, 1, 0, 0, 1, 0, time.UTC)) == nil {
		t.Errorf("allowed after the expiry")
	}
}

func TestHostMatcher(t *testing.T) {
	tests := []struct {
		list string
		ip   string
		want bool
	}{
		{"10.9.9.9", "10.9.9.9", true},
		{"10.9.9.9", "10.9.9.8", false},
		{"10.0.0.0/8", "10.200.1.1", true},
		{"10.0.0.0/8", "11.0.0.1", false},
		{"0.0.0.0/0", "192.0.2.1", true},
		{"10.0.0.0/8,!10.1.0.0/16", "10.1.2.3", false},
		{"!10.1.0.0/16,10.0.0.0/8", "10.1.2.3", false}, // a negated match wins wherever it is
		{"!10.1.0.0/16,10.0.0.0/8", "10.2.2.3", true},
		{"!10.1.0.0/16", "10.2.2.3", false}, // only negations: nothing positive matched
		{"192.168.*", "192.168.4.5", true},
		{"192.168.?.5", "192.168.4.5", true},
		{"192.168.?.5", "192.168.44.5", false},
		{"*", "203.0.113.9", true},
		{"*,!203.0.113.*", "203.0.113.9", false},
		{"2001:db8::/32", "2001:db8::1", true},
		{"2001:db8::/32", "2001:db9::1", false},
		{"2001:DB8::*", "2001:db8::1", true},
		{"::1", "::1", true},
		{"127.0.0.1", "::ffff:127.0.0.1", true}, // mapped addresses are matched as IPv4
		{"127.0.0.0/8", "::ffff:127.0.0.1", true},
		{"host.example.com", "10.0.0.1", false}, // no DNS: names never match an address
	}
	for _, tc := range tests {
		m, err := parseHostMatcher(tc.list)
		if err != nil {
			t.Errorf("%q: %v", tc.list, err)
			continue
		}
		if got := m.matches(netip.MustParseAddr(tc.ip)); got != tc.want {
			t.Errorf("from=%q %s: %v, want %v", tc.list, tc.ip, got, tc.want)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"", "", true}, {"", "a", false}, {"*", "", true}, {"a*", "a", true},
		{"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false}, {"?", "", false},
		{"*a", "baaa", true}, {"a?c", "abc", true}, {"**", "x", true},
	} {
		if got := globMatch(tc.p, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}

// FuzzKeyOptions feeds arbitrary option text in front of a valid key
// through x/crypto/ssh's line parser and ours: no panic, and whatever is
// accepted can be matched against addresses in bounded time (the list and
// entry caps bound the glob matching).
func FuzzKeyOptions(f *testing.F) {
	key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMfUaYk9ugTe1WKDJlaEtc4uCkYjP1A0ajZ8wHMdaO7r"
	for _, s := range []string{
		`from="10.0.0.0/8,!10.1.0.0/16"`, `expiry-time="20991231Z"`, `restrict,pty`,
		`restrict,command="echo \"hi\""`, `from="*,!1?2.*"`, `no-pty`, `from="2001:db8::/32"`,
		`from="` + strings.Repeat("*a", 20) + `"`, `environment="A=B",x`,
	} {
		f.Add(s)
	}
	ips := []netip.Addr{netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("::ffff:192.168.0.1")}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, opts string) {
		if len(opts) > 8<<10 {
			return
		}
		_, _, options, _, err := gossh.ParseAuthorizedKey([]byte(opts + " " + key))
		if err != nil {
			return
		}
		o, err := parseKeyOptions(options, time.UTC)
		if err != nil {
			return
		}
		if o.from != nil && len(o.from.entries) > maxFromPatterns {
			t.Fatalf("%d patterns kept", len(o.from.entries))
		}
		for _, ip := range ips {
			_ = o.allowedAt(ip, now)
		}
	})
}

// FuzzHostMatcher: any from= list either fails to parse or matches any
// address without panicking, and an IPv4 address matches the same as its
// IPv4-mapped IPv6 form.
func FuzzHostMatcher(f *testing.F) {
	for _, s := range [][2]string{
		{"10.0.0.0/8,!10.1.0.0/16", "10.1.2.3"}, {"*", "::1"}, {"192.168.?.*", "192.168.4.5"},
		{"2001:db8::/32", "2001:db8::1"}, {"!*", "1.2.3.4"}, {"1.2.3.4/32", "1.2.3.4"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, list, ip string) {
		if len(list) > 4<<10 {
			return
		}
		m, err := parseHostMatcher(list)
		if err != nil {
			return
		}
		a, err := netip.ParseAddr(ip)
		if err != nil {
			return
		}
		got := m.matches(a)
		if a.Is4() {
			if mapped := netip.AddrFrom16(a.As16()); m.matches(mapped) != got {
				t.Fatalf("from=%q: %s and %s differ", list, a, mapped)
			}
		}
	})
}

// Connections are counted per IPv4 address and per IPv6 /64.
func TestSourceOf(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.7:2222":                 "192.0.2.7",
		"[::ffff:192.0.2.7]:2222":        "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:2222":    "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1%eth0]:22": "2001:db8:1:2::/64",
		"[::1]:22":                       "::/64",
	} {
		ap := netip.MustParseAddrPort(addr)
		if got := sourceOf(net.TCPAddrFromAddrPort(ap)); got != want {
			t.Errorf("sourceOf(%s) = %q, want %q", addr, got, want)
		}
	}
}
