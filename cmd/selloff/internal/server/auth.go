package server

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// keySet is a parsed authorized_keys file.
type keySet struct {
	keys []gossh.PublicKey
}

// parseAuthorizedKeys parses an OpenSSH authorized_keys file. Blank lines and
// comments are skipped; a line that does not parse is an error naming it, so
// a typo does not silently lock someone out (or in).
func parseAuthorizedKeys(path string, data []byte) (*keySet, error) {
	ks := &keySet{}
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("authorized keys %s:%d: %w", path, n+1, err)
		}
		ks.keys = append(ks.keys, key)
	}
	if len(ks.keys) == 0 {
		return nil, fmt.Errorf("authorized keys %s: no keys", path)
	}
	return ks, nil
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

	mu   sync.Mutex
	keys *keySet // nil while the file is bad
	sum  [sha256.Size]byte
	err  error
}

// openAuthorizedKeys reads the file once; a bad file at start is an error.
func openAuthorizedKeys(path string, logger *log.Logger) (*authorizedKeys, error) {
	data, err := readKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	ks, err := parseAuthorizedKeys(path, data)
	if err != nil {
		return nil, err
	}
	return &authorizedKeys{path: path, log: logger, keys: ks, sum: sha256.Sum256(data)}, nil
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

// allows reports whether key may connect, reading the file again first.
func (a *authorizedKeys) allows(key ssh.PublicKey) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refreshLocked()
	return a.keys != nil && a.keys.allows(key)
}

func (a *authorizedKeys) refreshLocked() {
	data, err := readKeyFile(a.path)
	var ks *keySet
	if err == nil {
		sum := sha256.Sum256(data)
		if a.err == nil && sum == a.sum {
			return
		}
		if ks, err = parseAuthorizedKeys(a.path, data); err == nil {
			a.keys, a.err, a.sum = ks, nil, sum
			a.log.Info("authorized keys reloaded", "path", a.path, "keys", len(ks.keys))
			return
		}
	} else {
		err = fmt.Errorf("authorized keys: %w", err)
	}
	if a.err == nil || a.err.Error() != err.Error() {
		a.log.Error("authorized keys unusable: refusing new clients until fixed", "err", err)
	}
	a.keys, a.err = nil, err
}

func (ks *keySet) allows(key ssh.PublicKey) bool {
	for _, k := range ks.keys {
		if ssh.KeysEqual(k, key) {
			return true
		}
	}
	return false
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
