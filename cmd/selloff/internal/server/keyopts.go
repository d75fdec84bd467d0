package server

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// keyOptions is what selloff keeps of an authorized_keys line's options:
// the two that limit who may log in and when. Every other option either
// asks for something selloff never does (forwarding, X11, agents, rc
// files: honoured by construction) or cannot be honoured, and then the
// key is refused (see parseKeyOptions).
type keyOptions struct {
	from    *hostMatcher // nil: any address
	expires time.Time    // zero: never
}

// Bounds a fuzzer (or a hostile file) cannot blow up: OpenSSH's own
// limits are of the same order.
const (
	maxOptions      = 64
	maxFromPatterns = 256
	// maxPatternLen is OpenSSH's bound on one address-list entry
	// (INET6_ADDRSTRLEN + 3); longer entries make the list invalid.
	maxPatternLen = 49
)

// allowedAt reports whether a key with these options may log in from ip
// at now.
func (o keyOptions) allowedAt(ip netip.Addr, now time.Time) error {
	if !o.expires.IsZero() && now.After(o.expires) {
		return fmt.Errorf("key expired at %s", o.expires.Format(time.RFC3339))
	}
	if o.from != nil && !o.from.matches(ip) {
		return fmt.Errorf("address %s not allowed by from=", ip)
	}
	return nil
}

// parseKeyOptions reads the options of one authorized_keys line, as
// x/crypto/ssh's ParseAuthorizedKey returns them (`name` or
// `name="value"`, split at commas outside quotes). It refuses, with a
// reason, options selloff cannot honour, so that such a key is not let in
// with more than its owner allowed:
//
//   - command=, environment=, principals=, tunnel=, cert-authority,
//     verify-required: selloff runs its own program, sets no environment,
//     does no certificates, tunnels or FIDO user verification;
//   - no-pty (or restrict without a later pty): the dashboard needs one;
//   - any option OpenSSH does not know, or one written wrongly.
//
// from= and expiry-time= are honoured; the no-*-forwarding, no-user-rc
// and restrict (with pty) options are honoured by construction, since
// selloff forwards nothing and runs no rc file, as are the permit*
// options that only widen what restrict took away.
func parseKeyOptions(opts []string, loc *time.Location) (keyOptions, error) {
	var ko keyOptions
	if len(opts) > maxOptions {
		return ko, fmt.Errorf("%d options, at most %d", len(opts), maxOptions)
	}
	pty := true
	for _, opt := range opts {
		name, value, hasValue := strings.Cut(opt, "=")
		name = strings.ToLower(name)
		if hasValue {
			v, err := dequoteOption(value)
			if err != nil {
				return ko, fmt.Errorf("option %s: %w", clip(name, 32), err)
			}
			value = v
		}
		switch name {
		case "from", "expiry-time", "command", "environment", "principals", "permitopen", "permitlisten", "tunnel":
			if !hasValue {
				return ko, fmt.Errorf("option %s needs a value", name)
			}
		case "restrict", "pty", "no-pty", "no-port-forwarding", "port-forwarding", "no-agent-forwarding",
			"agent-forwarding", "no-x11-forwarding", "x11-forwarding", "no-user-rc", "user-rc",
			"no-touch-required", "cert-authority", "verify-required":
			if hasValue {
				return ko, fmt.Errorf("option %s takes no value", name)
			}
		default:
			return ko, fmt.Errorf("unknown option %q", clip(name, 32))
		}
		switch name {
		case "from":
			m, err := parseHostMatcher(value)
			if err != nil {
				return ko, fmt.Errorf("from=: %w", err)
			}
			if ko.from != nil {
				return ko, errors.New(`multiple "from" clauses`) // as OpenSSH
			}
			ko.from = m
		case "expiry-time":
			t, err := parseExpiry(value, loc)
			if err != nil {
				return ko, fmt.Errorf("expiry-time=: %w", err)
			}
			if ko.expires.IsZero() || t.Before(ko.expires) { // the earliest wins, as in OpenSSH
				ko.expires = t
			}
		case "restrict", "no-pty":
			pty = false
		case "pty":
			pty = true
		case "command":
			return ko, errors.New("option command= cannot be honoured: selloff runs its own dashboard and commands")
		case "environment", "principals", "tunnel", "cert-authority", "verify-required":
			return ko, fmt.Errorf("option %s cannot be honoured by selloff", name)
		}
	}
	if !pty {
		return ko, errors.New("no-pty (or restrict without pty) cannot be honoured: the dashboard needs a terminal")
	}
	return ko, nil
}

// dequoteOption undoes OpenSSH's quoting of an option value: the value
// must be one double-quoted string; \" inside stands for ".
func dequoteOption(v string) (string, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", errors.New(`value must be in double quotes`)
	}
	in := v[1 : len(v)-1]
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c == '\\' && i+1 < len(in) && in[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		if c == '"' {
			return "", errors.New("unescaped quote inside the value")
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

// parseExpiry reads OpenSSH's expiry-time: YYYYMMDD, YYYYMMDDHHMM or
// YYYYMMDDHHMMSS, in loc (the system's time zone) or in UTC with a
// trailing Z.
func parseExpiry(v string, loc *time.Location) (time.Time, error) {
	if s, ok := strings.CutSuffix(v, "Z"); ok {
		v, loc = s, time.UTC
	}
	var layout string
	switch len(v) {
	case 8:
		layout = "20060102"
	case 12:
		layout = "200601021504"
	case 14:
		layout = "20060102150405"
	default:
		return time.Time{}, fmt.Errorf("%q: want YYYYMMDD[HHMM[SS]][Z]", clip(v, 32))
	}
	t, err := time.ParseInLocation(layout, v, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want YYYYMMDD[HHMM[SS]][Z]", clip(v, 32))
	}
	return t, nil
}

// hostMatcher is a from= pattern list as OpenSSH matches it with UseDNS
// off (its default): comma-separated entries, each an address or a CIDR
// block ("10.0.0.0/8", host bits zero) or a wildcard pattern (* and ?)
// matched against the address as text; "!" before an entry negates it.
// An address is allowed when some entry matches and no negated one does.
type hostMatcher struct {
	entries []hostPattern
}

type hostPattern struct {
	neg    bool
	prefix netip.Prefix // valid: a CIDR block or one address
	glob   string       // otherwise, lower case
}

func parseHostMatcher(list string) (*hostMatcher, error) {
	parts := strings.Split(list, ",")
	if len(parts) > maxFromPatterns {
		return nil, fmt.Errorf("%d patterns, at most %d", len(parts), maxFromPatterns)
	}
	m := &hostMatcher{}
	for _, p := range parts {
		var hp hostPattern
		if rest, ok := strings.CutPrefix(p, "!"); ok {
			hp.neg, p = true, rest
		}
		if p == "" {
			return nil, errors.New("empty pattern")
		}
		if len(p) > maxPatternLen {
			return nil, fmt.Errorf("pattern %q… longer than %d characters", clip(p, 32), maxPatternLen)
		}
		prefix, isAddr, err := parseCIDR(p)
		if err != nil {
			return nil, err
		}
		if isAddr {
			hp.prefix = prefix
		} else {
			hp.glob = strings.ToLower(p)
		}
		m.entries = append(m.entries, hp)
	}
	return m, nil
}

// parseCIDR reads an address or ADDR/BITS as OpenSSH's addr_pton_cidr
// does: not an address at all is not an error (the entry is a wildcard
// pattern), but a mask too long for the family, or host bits set under
// the mask, is.
func parseCIDR(p string) (netip.Prefix, bool, error) {
	addrPart, bitsPart, hasBits := strings.Cut(p, "/")
	a, err := netip.ParseAddr(addrPart)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false, nil
	}
	a = a.Unmap()
	bits := a.BitLen()
	if hasBits {
		if bitsPart == "" || bitsPart[0] < '0' || bitsPart[0] > '9' {
			return netip.Prefix{}, false, nil
		}
		n, err := strconv.Atoi(bitsPart)
		if err != nil || n > 128 {
			return netip.Prefix{}, false, nil
		}
		if n > a.BitLen() {
			return netip.Prefix{}, false, fmt.Errorf("%q: mask longer than the address", p)
		}
		bits = n
	}
	pf := netip.PrefixFrom(a, bits)
	if pf.Masked().Addr() != a {
		return netip.Prefix{}, false, fmt.Errorf("%q: host bits set under the /%d mask", p, bits)
	}
	return pf, true, nil
}

func (m *hostMatcher) matches(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	text := ip.String()
	ok := false
	for _, e := range m.entries {
		var hit bool
		if e.prefix.IsValid() {
			hit = e.prefix.Contains(ip)
		} else {
			hit = globMatch(e.glob, text)
		}
		if hit {
			if e.neg {
				return false
			}
			ok = true
		}
	}
	return ok
}

// globMatch matches s against a pattern of * (any run) and ? (any one
// byte), case-insensitively, in O(len(pattern)·len(s)) at worst.
func globMatch(pattern, s string) bool {
	s = strings.ToLower(s)
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
