// Package config reads selloff's YAML configuration file:
// $XDG_CONFIG_HOME/selloff/config.yaml (os.UserConfigDir elsewhere), or the
// file given with --config. Errors name the file, the line and the reason.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/selloff/selloff/snapshots"
)

// Config is the whole file. Zero values mean "not set": flags and built-in
// defaults fill them in.
type Config struct {
	// Watchlist names the watchlist used when --watchlist is not given.
	Watchlist  string      `yaml:"watchlist"`
	Watchlists []Watchlist `yaml:"watchlists"`
	// Shares overrides share counts by symbol (for market value).
	Shares   map[string]int64 `yaml:"shares"`
	Interval Duration         `yaml:"interval"`
	Theme    string           `yaml:"theme"`  // auto, dark or light
	Glyphs   string           `yaml:"glyphs"` // braille, block or ascii
	Events   string           `yaml:"events"` // a YAML or JSON events file merged into the timeline
	YahooURL string           `yaml:"yahoo_url"`
	LogFile  string           `yaml:"log_file"`
	// UserAgent is the User-Agent sent to Yahoo (--user-agent and
	// SELLOFF_USER_AGENT override it).
	UserAgent string `yaml:"user_agent"`
	// Provider is the live data provider: yahoo (default) or alpaca.
	Provider string `yaml:"provider"`
	// YahooStreamURL is Yahoo's price streamer ("off": poll only).
	YahooStreamURL string `yaml:"yahoo_stream_url"`
	// AlpacaKeyID and AlpacaSecretKey are the Alpaca key pair, when not in
	// APCA_API_KEY_ID and APCA_API_SECRET_KEY. Keep such a file private.
	AlpacaKeyID     string `yaml:"alpaca_key_id"`
	AlpacaSecretKey string `yaml:"alpaca_secret_key"`
	// Positions are the user's lots, valued in every frame.
	Positions []Position `yaml:"positions"`
	// Alerts fire on the timeline when their condition becomes true.
	Alerts []Alert `yaml:"alerts"`

	// Path is where the config was read from ("" when none was found).
	Path string `yaml:"-"`
}

// Watchlist is a named, ordered list of symbols in groups.
type Watchlist struct {
	Name    string   `yaml:"name"`
	Groups  []Group  `yaml:"groups"`
	Symbols []string `yaml:"symbols"` // a flat list (one group named after the watchlist)
}

// Group is a tag with its symbols, in display order.
type Group struct {
	Name    string   `yaml:"name"`
	Symbols []string `yaml:"symbols"`
}

// AllSymbols lists the watchlist's symbols in order, without repeats.
func (w Watchlist) AllSymbols() []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range w.Symbols {
		add(s)
	}
	for _, g := range w.Groups {
		for _, s := range g.Symbols {
			add(s)
		}
	}
	return out
}

// Duration is a time.Duration written as "5s", "1m".
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(strings.TrimSpace(n.Value))
	if err != nil {
		return lineError{n.Line, fmt.Sprintf("interval %s: want a positive duration such as 5s or 1m", quote(n.Value))}
	}
	if v < time.Second { // 0s as 100ms, as --interval says
		return lineError{n.Line, fmt.Sprintf("interval %v: at least 1s (Yahoo rate-limits eager clients)", v)}
	}
	*d = Duration(v)
	return nil
}

type lineError struct {
	line   int
	reason string
}

func (e lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.reason) }

// Error is a problem in a config file, printed as FILE:LINE: reason.
type Error struct {
	File   string
	Line   int
	Reason string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// DefaultPath is the config file looked for when --config is not given.
func DefaultPath() (string, error) {
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "selloff", "config.yaml"), nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "selloff", "config.yaml"), nil
}

// Load reads path. When explicit is false a missing file is not an error
// (an empty Config comes back); an explicit --config must exist.
func Load(path string, explicit bool) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !explicit {
			return &Config{}, nil
		}
		return nil, &Error{File: path, Reason: err.Error()}
	}
	defer f.Close()
	c, err := Parse(f, path)
	if err != nil {
		return nil, err
	}
	c.Path = path
	return c, nil
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// MaxSize is the largest config file Parse reads (4 MiB; a config is a
// few lines). A bigger file is refused, never read in part; so is one whose
// aliases (*name) would repeat values past it.
const MaxSize = 4 << 20

// Parse reads a config from r; name is used in errors.
func Parse(r io.Reader, name string) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, &Error{File: name, Reason: err.Error()}
	}
	if len(data) > MaxSize {
		return nil, &Error{File: name, Reason: "larger than 4 MiB: not a selloff config (a config is a few lines of YAML)"}
	}
	c := &Config{}
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err == nil && expandsPast(&root, MaxSize) {
		return nil, &Error{File: name, Reason: "aliases (*name) repeat values past 4 MiB of text; write the values out in full"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, toError(name, err)
	}
	// A second document ("---") would be ignored in silence.
	// An empty one (a file ending in "---") is fine.
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil && !emptyDoc(&extra) {
		return nil, &Error{File: name, Line: extra.Line, Reason: "a second YAML document (after ---): put everything in one"}
	} else if err != nil && !errors.Is(err, io.EOF) {
		return nil, toError(name, err)
	}
	if err := c.validate(); err != nil {
		var le lineError
		if errors.As(err, &le) {
			return nil, &Error{File: name, Line: le.line, Reason: le.reason}
		}
		// Point at the key the problem is about.
		var ke keyedError
		line := 0
		if errors.As(err, &ke) {
			line = findKeyLine(&root, ke.key, ke.at, ke.last)
		}
		return nil, &Error{File: name, Line: line, Reason: err.Error()}
	}
	return c, nil
}

func toError(name string, err error) error {
	var le lineError
	if errors.As(err, &le) {
		return &Error{File: name, Line: le.line, Reason: le.reason}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		err = errors.New(te.Errors[0])
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &Error{File: name, Line: n, Reason: plainReason(m[2])}
	}
	return &Error{File: name, Reason: plainReason(msg)}
}

var (
	unknownField    = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	cannotUnmarshal = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `[^`]*`)? into (\\S+)$")
)

// quote quotes a value from the file for a message, cut short (see
// snapshots.QuoteShort).
func quote(s string) string { return snapshots.QuoteShort(s) }

// keyLike reports whether k looks like a key someone meant to write.
func keyLike(k string) bool { return snapshots.KeyLike(k) }

// plainReason words the YAML decoder's reasons for a user: "field colour
// not found in type config.Config" (a Go type name) becomes
// "unknown key "colour"".
func plainReason(r string) string {
	if m := unknownField.FindStringSubmatch(r); m != nil {
		if !keyLike(m[1]) {
			// not a key anyone meant: a file given by mistake (a password
			// file) must not have its text printed
			return "not a selloff config: this line is not a key: value line (its text is not shown)"
		}
		return fmt.Sprintf("unknown key %q", m[1])
	}
	if m := cannotUnmarshal.FindStringSubmatch(r); m != nil {
		if m[2] == "config.Config" {
			return "not a selloff config: the file must be key: value lines (its text is not shown)"
		}
		// the decoder quotes 7 bytes of the value: leave them out
		what := map[string]string{"!!str": "text", "!!int": "a number", "!!float": "a number", "!!bool": "true/false",
			"!!map": "a mapping (key: value lines)", "!!seq": "a list", "!!null": "nothing"}[m[1]]
		if what == "" {
			what = m[1]
		}
		return fmt.Sprintf("%s where a %s is wanted", what, strings.TrimPrefix(m[2], "config."))
	}
	return r
}

type keyedError struct {
	key    string
	reason string
	at     string // a value under key the problem is about (its line wins), or ""
	last   bool   // the last place at is found, not the first (a duplicate)
}

func (e keyedError) Error() string { return e.reason }

func (c *Config) validate() error {
	switch c.Theme {
	case "", "auto", "dark", "light":
	default:
		return keyedError{"theme", fmt.Sprintf("theme %s: want auto, dark or light", quote(c.Theme)), "", false}
	}
	switch c.Provider {
	case "", "yahoo", "alpaca":
	default:
		return keyedError{"provider", fmt.Sprintf("provider %q: want yahoo or alpaca", c.Provider), "", false}
	}
	switch c.Glyphs {
	case "", "braille", "block", "ascii":
	default:
		return keyedError{"glyphs", fmt.Sprintf("glyphs %s: want braille, block or ascii", quote(c.Glyphs)), "", false}
	}
	if c.Interval != 0 && time.Duration(c.Interval) < time.Second {
		return keyedError{"interval", fmt.Sprintf("interval %v: at least 1s (Yahoo rate-limits eager clients)", time.Duration(c.Interval)), "", false}
	}
	if c.UserAgent != "" && !validUserAgent(c.UserAgent) {
		return keyedError{"user_agent", "user_agent: empty, over 512 characters, or with a control character (it goes into an HTTP header)", "", false}
	}
	names := map[string]bool{}
	for i, w := range c.Watchlists {
		if w.Name == "" {
			return keyedError{"watchlists", fmt.Sprintf("watchlist %d has no name", i+1), "", false}
		}
		if names[w.Name] {
			return keyedError{"watchlists", fmt.Sprintf("watchlist %s is defined twice", quote(w.Name)), w.Name, true}
		}
		names[w.Name] = true
		if _, bad := snapshots.CleanText(w.Name); bad {
			return keyedError{"watchlists", fmt.Sprintf("watchlist %s: the name has a control character", quote(w.Name)), w.Name, false}
		}
		for _, g := range w.Groups {
			if _, bad := snapshots.CleanText(g.Name); bad {
				return keyedError{"watchlists", fmt.Sprintf("watchlist %s: group %s has a control character", quote(w.Name), quote(g.Name)), g.Name, false}
			}
		}
		if len(w.AllSymbols()) == 0 {
			return keyedError{"watchlists", fmt.Sprintf("watchlist %s has no symbols", quote(w.Name)), w.Name, false}
		}
		for _, s := range w.AllSymbols() {
			if !ValidSymbol(s) {
				return keyedError{"watchlists", fmt.Sprintf("watchlist %s: bad symbol %s", quote(w.Name), quote(s)), s, false}
			}
		}
	}
	if c.Watchlist != "" && !names[c.Watchlist] && c.Watchlist != DefaultWatchlistName {
		return keyedError{"watchlist", fmt.Sprintf("watchlist %s is not defined", quote(c.Watchlist)), "", false}
	}
	for s, n := range c.Shares {
		if !ValidSymbol(s) {
			return keyedError{"shares", fmt.Sprintf("shares: bad symbol %s", quote(s)), s, false}
		}
		if n <= 0 {
			return keyedError{"shares", fmt.Sprintf("shares for %s must be positive", s), s, false}
		}
	}
	return nil
}

// expandsPast reports whether n's text, counting every alias as the value
// it names, passes limit bytes. Each node costs at least 8, so the walk
// itself stops after limit/8 steps however the aliases nest.
func expandsPast(n *yaml.Node, limit int) bool {
	used := 0
	var walk func(n *yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		if n.Kind == yaml.AliasNode {
			return n.Alias != nil && walk(n.Alias)
		}
		used += len(n.Value) + 8
		if used > limit {
			return true
		}
		for _, c := range n.Content {
			if walk(c) {
				return true
			}
		}
		return false
	}
	return walk(n)
}

// emptyDoc reports whether a YAML document holds nothing (or null).
func emptyDoc(n *yaml.Node) bool {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return true
		}
		n = n.Content[0]
	}
	return n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "")
}

// findKeyLine returns the line of the top-level key, or of the scalar
// equal to at under it (the bad entry itself: the first one, or the last
// with last, for a duplicate) when at is given; 0 when neither is found.
func findKeyLine(root *yaml.Node, key, at string, last bool) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return 0
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			if at != "" {
				if lines := findScalars(n.Content[i+1], at, nil); len(lines) > 0 {
					if last {
						return lines[len(lines)-1]
					}
					return lines[0]
				}
			}
			return n.Content[i].Line
		}
	}
	return 0
}

// findScalars appends the lines of the scalars equal to v under n, in
// document order.
func findScalars(n *yaml.Node, v string, lines []int) []int {
	if n.Kind == yaml.ScalarNode && n.Value == v {
		lines = append(lines, n.Line)
	}
	for _, c := range n.Content {
		lines = findScalars(c, v, lines)
	}
	return lines
}

// ValidSymbol accepts ticker-like symbols (snapshots.TickerLike).
func ValidSymbol(s string) bool { return snapshots.TickerLike(s) }

// DefaultWatchlistName is the built-in AI basket.
const DefaultWatchlistName = "ai-basket"

// DefaultWatchlist is the AI basket with its groups, as in the embedded
// snapshot.
func DefaultWatchlist() Watchlist {
	return Watchlist{Name: DefaultWatchlistName, Groups: []Group{
		{Name: "chips", Symbols: []string{"NVDA", "AVGO", "TSM", "ASML", "AMD", "ARM", "MRVL", "MU", "SMCI"}},
		{Name: "power", Symbols: []string{"VST", "CEG"}},
		{Name: "platforms", Symbols: []string{"MSFT", "GOOGL", "META", "AMZN", "ORCL", "AAPL"}},
		{Name: "benchmarks", Symbols: []string{"QQQ", "SPY", "^IXIC", "^GSPC", "^SOX"}},
	}}
}

// Find returns the named watchlist (the built-in one for "ai-basket" unless
// the file redefines it).
func (c *Config) Find(name string) (Watchlist, error) {
	if name == "" {
		name = c.Watchlist
	}
	if name == "" {
		name = DefaultWatchlistName
	}
	for _, w := range c.Watchlists {
		if w.Name == name {
			return w, nil
		}
	}
	if name == DefaultWatchlistName {
		return DefaultWatchlist(), nil
	}
	var have []string
	for _, w := range c.Watchlists {
		have = append(have, w.Name)
	}
	have = append(have, DefaultWatchlistName)
	return Watchlist{}, fmt.Errorf("no watchlist %q (have: %s)", name, strings.Join(have, ", "))
}

// validUserAgent reports whether s can be sent as a User-Agent header:
// printable, at most 512 bytes, not blank.
func validUserAgent(s string) bool {
	if strings.TrimSpace(s) == "" || len(s) > 512 {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// ValidUserAgent is validUserAgent for flags and the environment.
func ValidUserAgent(s string) bool { return validUserAgent(s) }
