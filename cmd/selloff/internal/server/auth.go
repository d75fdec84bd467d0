package server

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// keySet is a parsed authorized_keys file.
type keySet struct {
	keys []gossh.PublicKey
}

// loadAuthorizedKeys parses an OpenSSH authorized_keys file. Blank lines and
// comments are skipped; a line that does not parse is an error naming it, so
// a typo does not silently lock someone out (or in).
func loadAuthorizedKeys(path string) (*keySet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
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
