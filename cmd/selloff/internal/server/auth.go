package server

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// keySet is a parsed authorized_keys file.
type keySet struct {
	keys []authorizedKey
}

// authorizedKey is one usable line: the key and the options that limit
// where from and until when it may log in.
type authorizedKey struct {
	key  gossh.PublicKey
	opts keyOptions
	line int
}

// parseAuthorizedKeys parses an OpenSSH authorized_keys file. Blank lines and
// comments are skipped; a line that does not parse is an error naming it, so
// a typo does not silently lock someone out (or in). A line whose options
// selloff cannot honour (command=, no-pty, ...) is left out: its key does
// not get in through that line, and refused names it as FILE:LINE: why.
func parseAuthorizedKeys(path string, data []byte, loc *time.Location) (ks *keySet, refused []string, err error) {
	ks = &keySet{}
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, options, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, nil, fmt.Errorf("authorized keys %s:%d: %w", path, n+1, err)
		}
		opts, err := parseKeyOptions(options, loc)
		if err != nil {
			refused = append(refused, fmt.Sprintf("%s:%d: %v", path, n+1, err))
			continue
		}
		ks.keys = append(ks.keys, authorizedKey{key: key, opts: opts, line: n + 1})
	}
	if len(ks.keys) == 0 {
		if len(refused) > 0 {
			return nil, refused, fmt.Errorf("authorized keys %s: no usable keys (%s)", path, strings.Join(refused, "; "))
		}
		return nil, nil, fmt.Errorf("authorized keys %s: no keys", path)
	}
	return ks, refused, nil
}

// authorizedKeys is the --authorized-keys file, read again on each key
// authentication and parsed again when its content changed (a hash, so
// a same-size edit within one mtime tick, or a copy that keeps the old
// mtime, is seen too), so keys can be added or revoked without
// restarting the server, as OpenSSH reads authorized_keys on each login.
// It fails closed: while the file is missing or has a bad line, no new
// client gets in, and the log says why. Sessions already open stay.
type authorizedKeys struct {
	path string
	log  *log.Logger
	loc  *time.Location // expiry-time= without Z is in this zone

	mu   sync.Mutex
	keys *keySet           // nil while the file is bad
	sum  [sha256.Size]byte // of the content last parsed
	err  error
	// unread: the file could not be read last time (sum is stale)
	unread bool
}

// openAuthorizedKeys reads the file once; a bad file at start is an error.
func openAuthorizedKeys(path string, logger *log.Logger) (*authorizedKeys, error) {
	data, err := readKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	ks, refused, err := parseAuthorizedKeys(path, data, time.Local)
	if err != nil {
		return nil, err
	}
	logRefusedKeys(logger, refused)
	return &authorizedKeys{path: path, log: logger, loc: time.Local, keys: ks, sum: sha256.Sum256(data)}, nil
}

func logRefusedKeys(logger *log.Logger, refused []string) {
	for _, r := range refused {
		logger.Warn("authorized keys: key refused, its options cannot be honoured: " + r)
	}
}

// readKeyFile reads an authorized_keys file, at most 1 MiB of it.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 1<<20))
}

// allows reports whether key may connect from ip at now, reading the
// file again first. When the key is listed but its options keep it out
// (from=, expiry-time=), the error says why and where.
func (a *authorizedKeys) allows(key ssh.PublicKey, ip netip.Addr, now time.Time) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refreshLocked()
	if a.keys == nil {
		return false, nil
	}
	return a.keys.allows(key, ip, now, a.path)
}

func (a *authorizedKeys) refreshLocked() {
	data, err := readKeyFile(a.path)
	var ks *keySet
	if err == nil {
		sum := sha256.Sum256(data)
		if sum == a.sum && !a.unread {
			return // same content: same keys, or the same error already logged
		}
		var refused []string
		ks, refused, err = parseAuthorizedKeys(a.path, data, a.loc)
		logRefusedKeys(a.log, refused)
		a.sum, a.unread = sum, false
		if err == nil {
			a.keys, a.err, a.sum = ks, nil, sum
			a.log.Info("authorized keys reloaded", "path", a.path, "keys", len(ks.keys))
			return
		}
	} else {
		err = fmt.Errorf("authorized keys: %w", err)
		a.unread = true
	}
	if a.err == nil || a.err.Error() != err.Error() {
		a.log.Error("authorized keys unusable: refusing new clients until fixed", "err", err)
	}
	a.keys, a.err = nil, err
}

// allows is true when some line lists key and its options let it in (as
// OpenSSH, a later line for the same key may allow what an earlier one
// did not); otherwise the error is the first line's reason.
func (ks *keySet) allows(key ssh.PublicKey, ip netip.Addr, now time.Time, path string) (bool, error) {
	var first error
	for _, k := range ks.keys {
		if !ssh.KeysEqual(k.key, key) {
			continue
		}
		err := k.opts.allowedAt(ip, now)
		if err == nil {
			return true, nil
		}
		if first == nil {
			first = fmt.Errorf("%s:%d: %w", path, k.line, err)
		}
	}
	return false, first
}

// keyMatcher matches a public key against a presenter key given as an
// authorized_keys line ("ssh-ed25519 AAAA... comment") or a fingerprint
// ("SHA256:..." as printed by ssh-keygen -l).
type keyMatcher struct {
	key         gossh.PublicKey
	fingerprint string
}

func parseKeyMatcher(s string) (*keyMatcher, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if strings.HasPrefix(s, "SHA256:") {
		return &keyMatcher{fingerprint: s}, nil
	}
	key, _, _, _, err := gossh.ParseAuthorizedKey([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("presenter key: want an authorized_keys line or a SHA256: fingerprint: %w", err)
	}
	return &keyMatcher{key: key}, nil
}

func (m *keyMatcher) matches(key ssh.PublicKey) bool {
	if m == nil || key == nil {
		return false
	}
	if m.key != nil {
		return ssh.KeysEqual(m.key, key)
	}
	return gossh.FingerprintSHA256(key) == m.fingerprint
}
