package yahoo

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// DefaultCacheTTL is how long a cached cookie and crumb are trusted. Yahoo's
// A3 cookie lives a year; a day keeps a start from asking getcrumb while
// a refused crumb (401) is dropped at once anyway.
const DefaultCacheTTL = 24 * time.Hour

// DefaultCacheFile is where selloff keeps the session: the user cache dir
// (os.UserCacheDir) + selloff/yahoo-session.json. "" when there is none.
func DefaultCacheFile() string {
	d, err := os.UserCacheDir()
	if err != nil || d == "" {
		return ""
	}
	return filepath.Join(d, "selloff", "yahoo-session.json")
}

// resetJar is a cookie jar that a new handshake can empty.
type resetJar struct {
	mu sync.Mutex
	j  *cookiejar.Jar
}

func newResetJar() *resetJar {
	j, _ := cookiejar.New(nil) // no public-suffix list: .yahoo.com cookies still reach query1
	return &resetJar{j: j}
}

func (r *resetJar) SetCookies(u *url.URL, cs []*http.Cookie) {
	r.mu.Lock()
	j := r.j
	r.mu.Unlock()
	j.SetCookies(u, cs)
}

func (r *resetJar) Cookies(u *url.URL) []*http.Cookie {
	r.mu.Lock()
	j := r.j
	r.mu.Unlock()
	return j.Cookies(u)
}

// Reset forgets every cookie.
func (r *resetJar) Reset() {
	j, _ := cookiejar.New(nil)
	r.mu.Lock()
	r.j = j
	r.mu.Unlock()
}

// sessionCache is the file's content. The cookie values and the crumb are
// a login of sorts: the file is 0600 in a 0700 directory.
type sessionCache struct {
	Version int       `json:"version"`
	Crumb   string    `json:"crumb"`
	Cookies []cookie  `json:"cookies"`
	CrumbAt string    `json:"crumb_url"` // the getcrumb URL it came from
	Expires time.Time `json:"expires"`
}

type cookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func (b *Backend) cacheTTL() time.Duration {
	if b.opt.CacheTTL > 0 {
		return b.opt.CacheTTL
	}
	return DefaultCacheTTL
}

// loadCache installs a cached session that is still good: same crumb URL,
// not expired, a valid crumb and an A1/A3 cookie. Anything else is ignored.
func (b *Backend) loadCache() {
	if b.opt.CacheFile == "" {
		return
	}
	data, err := os.ReadFile(b.opt.CacheFile)
	if err != nil || len(data) > 64<<10 {
		return
	}
	var c sessionCache
	if json.Unmarshal(data, &c) != nil || c.Version != 1 || c.CrumbAt != b.crumbURL || badCrumb(c.Crumb) != "" {
		return
	}
	if !b.clock.Now().Before(c.Expires) {
		b.logf("yahoo: the cached session expired at %s; a new handshake follows", c.Expires.Format(time.RFC3339))
		return
	}
	var cs []*http.Cookie
	for _, k := range c.Cookies {
		if k.Name != "" && k.Value != "" && len(cs) < 20 {
			cs = append(cs, &http.Cookie{Name: k.Name, Value: k.Value, Path: "/"})
		}
	}
	for _, raw := range []string{b.apiURL, b.crumbURL} {
		if u, err := url.Parse(raw); err == nil {
			b.jar.SetCookies(u, cs)
		}
	}
	if !b.hasCookie() {
		b.jar.Reset()
		return
	}
	b.crumb = c.Crumb
	b.gen++
	b.fromCache = true
	b.logf("yahoo: using the cached session from %s", b.opt.CacheFile)
}

// saveCache writes the session after a handshake (best effort: a cache
// that cannot be written only costs a handshake at the next start).
func (b *Backend) saveCache(crumb string) {
	if b.opt.CacheFile == "" {
		return
	}
	u, err := url.Parse(b.crumbURL)
	if err != nil {
		return
	}
	c := sessionCache{Version: 1, Crumb: crumb, CrumbAt: b.crumbURL, Expires: b.clock.Now().Add(b.cacheTTL())}
	for _, k := range b.jar.Cookies(u) {
		c.Cookies = append(c.Cookies, cookie{Name: k.Name, Value: k.Value})
	}
	data, _ := json.Marshal(c)
	if err := writePrivate(b.opt.CacheFile, data); err != nil {
		b.logf("yahoo: cannot write the session cache: %v", err)
	}
}

// dropCache removes the cached session (Yahoo refused it).
func (b *Backend) dropCache() {
	if b.opt.CacheFile == "" {
		return
	}
	if err := os.Remove(b.opt.CacheFile); err != nil && !errors.Is(err, os.ErrNotExist) {
		b.logf("yahoo: cannot remove the session cache: %v", err)
	}
}

// writePrivate writes data to path atomically, readable by the user only.
func writePrivate(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".yahoo-session-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
