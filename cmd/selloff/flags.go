package main

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Speeds a replay accepts (x real time), on every command that takes one.
const (
	minSpeed = 0.25
	maxSpeed = 3600.0
)

// minInterval is the shortest poll interval (as the config says): Yahoo
// rate-limits eager clients.
const minInterval = time.Second

// speedValue is --speed: a finite number within minSpeed..maxSpeed,
// checked as the flag is parsed, so a bad one is a usage error before
// anything is read or started (NaN compared false with both bounds and
// passed; Inf printed "Inf×").
type speedValue float64

func (v *speedValue) String() string { return strconv.FormatFloat(float64(*v), 'g', -1, 64) }
func (v *speedValue) Get() any       { return float64(*v) }
func (v *speedValue) Set(s string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return fmt.Errorf("want a number from %g to %g", minSpeed, maxSpeed)
	}
	if err := speedOK(x); err != nil {
		return err
	}
	*v = speedValue(x)
	return nil
}

func speedOK(x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) || x < minSpeed || x > maxSpeed {
		return fmt.Errorf("want a number from %g to %g (x real time)", minSpeed, maxSpeed)
	}
	return nil
}

func speedFlag(fs *flag.FlagSet, usage string) {
	speedFlagDefault(fs, 120, usage)
}

// speedFlagDefault is speedFlag with another default (export's 600).
func speedFlagDefault(fs *flag.FlagSet, def float64, usage string) {
	v := speedValue(def)
	fs.Var(&v, "speed", usage)
}

// intervalValue is --interval: at least minInterval when given. Its
// default (0) means "from the config, else 5s"; 0s typed on the command
// line is refused like 100ms, with the same message.
type intervalValue time.Duration

func (v *intervalValue) String() string { return time.Duration(*v).String() }
func (v *intervalValue) Get() any       { return time.Duration(*v) }
func (v *intervalValue) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("want a duration such as 5s or 1m")
	}
	if d < minInterval {
		return fmt.Errorf("at least %v (Yahoo rate-limits eager clients)", minInterval)
	}
	*v = intervalValue(d)
	return nil
}

func intervalFlag(fs *flag.FlagSet, usage string) {
	var v intervalValue
	fs.Var(&v, "interval", usage)
}

// choiceValue is a flag with a fixed set of words (--color).
type choiceValue struct {
	v    string
	from []string
}

func (c *choiceValue) String() string { return c.v }
func (c *choiceValue) Get() any       { return c.v }
func (c *choiceValue) Set(s string) error {
	for _, w := range c.from {
		if s == w {
			c.v = s
			return nil
		}
	}
	return fmt.Errorf("want %s", orList(c.from))
}

func orList(w []string) string {
	if len(w) < 2 {
		return strings.Join(w, "")
	}
	return strings.Join(w[:len(w)-1], ", ") + " or " + w[len(w)-1]
}

// colorFlag is --color on every command that draws the dashboard.
func colorFlag(fs *flag.FlagSet) {
	fs.Var(&choiceValue{v: "auto", from: []string{"auto", "always", "never"}}, "color", "colours: `auto|always|never` (auto honours NO_COLOR)")
}

func commonDashboardFlags(fs *flag.FlagSet) {
	colorFlag(fs)
	fs.String("glyphs", "", "chart glyphs: braille, block or ascii (default from config, else braille)")
	fs.String("config", "", "config file (default $XDG_CONFIG_HOME/selloff/config.yaml)")
	fs.String("log-file", "", "write logs to this file (default: no logs)")
	moneyFlags(fs)
}

func replayFlags(fs *flag.FlagSet) {
	speedFlag(fs, "replay speed, `X` = 0.25 to 3600 (x real time)")
	fs.String("at", "", "start time: HH:MM (exchange time on the main day), YYYY-MM-DDTHH:MM, RFC 3339, open, close or now (the default start)")
	fs.Bool("paused", false, "start paused")
	fs.Bool("loop", false, "start again at the end")
	fs.String("events", "", "a YAML or JSON events file merged into the timeline")
	fs.Bool("strict", false, "stop at the first bad record instead of skipping it")
	fs.Bool("spoilers", false, "show every event's text from the start (default: a replay shows an event's text when it gets there)")
	fs.String("tour", "", "run a tour: an embedded tour's `NAME` (deepseek) or a tour FILE (YAML; format in README)")
	commonDashboardFlags(fs)
}

// yahooFlags are the flags of every command that asks Yahoo for a
// watchlist's data (live, record, fetch).
func yahooFlags(fs *flag.FlagSet) {
	fs.String("symbols", "", "comma-separated symbols (default: the watchlist)")
	fs.String("watchlist", "", "a watchlist from the config (default: ai-basket)")
	fs.String("yahoo-url", "", "one base URL for Yahoo's cookie, crumb and data hosts (also SELLOFF_YAHOO_URL)")
	userAgentFlag(fs)
}

// userAgentFlag is --user-agent, on every command that talks to Yahoo.
func userAgentFlag(fs *flag.FlagSet) {
	fs.String("user-agent", "", "the User-Agent sent to Yahoo (also SELLOFF_USER_AGENT, config user_agent; default a current Chrome)")
}

// streamFlags are the flags of the commands that run a live source (live,
// record): the provider and its price stream.
func streamFlags(fs *flag.FlagSet) {
	fs.String("provider", "", "yahoo or alpaca (default from config, else yahoo); alpaca needs APCA_API_KEY_ID and APCA_API_SECRET_KEY")
	fs.String("yahoo-stream-url", "", "Yahoo's price streamer websocket URL (also SELLOFF_YAHOO_STREAM_URL; off: no stream)")
	fs.Bool("no-stream", false, "poll only: no streamed prices between polls")
}

func liveFlags(fs *flag.FlagSet) {
	yahooFlags(fs)
	streamFlags(fs)
	intervalFlag(fs, "poll every `DURATION`, at least 1s (default from config, else 5s)")
	fs.String("record", "", "also record what arrives into this snapshot file")
	fs.String("events", "", "a YAML or JSON events file merged into the timeline")
	commonDashboardFlags(fs)
}

func serveFlags(fs *flag.FlagSet) {
	fs.String("listen", "127.0.0.1:2222", "address to listen on (loopback unless told otherwise)")
	fs.String("host-key", "", "ed25519 host key path, created on first start (default under the user data dir)")
	fs.String("source", "replay", "replay, replay:FILE|NAME, live, or nats://HOST:PORT/FEED (tls://... for TLS: a relay's feed)")
	fs.String("nats-creds", "", "with --source nats://: NATS credentials `FILE` (default $NATS_CREDS); never logged")
	fs.Int("max-sessions", 100, "most concurrent sessions")
	fs.Int("per-ip", 10, "most concurrent sessions from one address")
	fs.Duration("idle-timeout", 15*time.Minute, "end a session after this long without input")
	fs.Duration("max-timeout", 4*time.Hour, "end a session after this long in any case")
	fs.String("authorized-keys", "", "only keys listed in this authorized_keys file may connect (re-read when it changes)")
	fs.Bool("watch-party", false, "one replay clock for everyone, driven by the presenter")
	fs.String("presenter-key", "", "with --watch-party: the public key (authorized_keys line or SHA256 fingerprint) that drives")
	fs.String("leaderboard-names", "anonymous", "with --watch-party: the leaderboard (L) names viewers by SSH user or anonymous number: user|anonymous")
	fs.String("tour", "", "present the watch party with a tour: an embedded tour's `NAME` (deepseek) or a tour FILE; implies --watch-party")
	fs.Bool("tour-loop", false, "with --tour: start the tour again when it ends (a booth, a lobby)")
	speedFlag(fs, "replay speed, `X` = 0.25 to 3600 (x real time)")
	fs.String("at", "", "replay start time (as replay --at)")
	fs.String("symbols", "", "live: comma-separated symbols")
	intervalFlag(fs, "live: poll every `DURATION`, at least 1s")
	fs.String("yahoo-url", "", "live: Yahoo base URL")
	userAgentFlag(fs)
	fs.String("provider", "", "live: yahoo or alpaca")
	fs.String("yahoo-stream-url", "", "live: Yahoo's price streamer URL (off: no stream)")
	fs.String("events", "", "a YAML or JSON events file merged into the timeline")
	fs.String("config", "", "config file")
	fs.String("log-file", "", "write logs here instead of stderr")
	fs.Bool("spoilers", false, "show every event's text from the start (default: a replay shows an event's text when it gets there)")
	moneyFlags(fs)
}

func renderFlags(fs *flag.FlagSet) {
	fs.String("at", "close", "the instant to draw (HH:MM, YYYY-MM-DDTHH:MM, RFC 3339, open, close or now: where a replay starts)")
	fs.Int("width", 160, "columns")
	fs.Int("height", 45, "rows")
	colorFlag(fs)
	fs.String("glyphs", "", "chart glyphs: braille, block or ascii (default from config, else braille)")
	fs.String("events", "", "a YAML or JSON events file merged into the timeline (default from config)")
	fs.String("config", "", "config file (default $XDG_CONFIG_HOME/selloff/config.yaml)")
	fs.Bool("spoilers", false, "show every event's text from the start (default: a replay shows an event's text when it gets there)")
	moneyFlags(fs)
}

func importFlags(fs *flag.FlagSet) {
	fs.String("o", "", "output snapshot file (.jsonl or .jsonl.gz; gzip when the name ends in .gz)")
	fs.String("title", "", "snapshot title")
	fs.String("main-day", "", "the session the snapshot is about (YYYY-MM-DD)")
	fs.Bool("strict", false, "fail on the first bad row instead of skipping and reporting it")
	fs.Bool("force", false, "replace -o OUT if it exists (never when OUT is one of the inputs)")
}

func recordFlags(fs *flag.FlagSet) {
	yahooFlags(fs)
	streamFlags(fs)
	fs.String("o", "", "output snapshot file")
	intervalFlag(fs, "poll every `DURATION`, at least 1s (default from config, else 5s)")
	fs.String("until", "", "stop at this exchange time (HH:MM today, YYYY-MM-DDTHH:MM, RFC 3339, or close)")
	fs.String("config", "", "config file")
	moneyFlags(fs) // alerts that fire are written into the file as events
	fs.String("from-nats", "", "record a relay's feed instead of Yahoo: NATS server `URL` (nats:// or tls://; with --feed)")
	fs.String("feed", "", "with --from-nats: the feed `NAME` the relay publishes")
	fs.String("nats-creds", "", "with --from-nats: NATS credentials `FILE` (default $NATS_CREDS); never logged")
}

func fetchFlags(fs *flag.FlagSet) {
	yahooFlags(fs)
	fs.String("date", "", "the session date, YYYY-MM-DD (within the last 30 days)")
	fs.String("o", "", "output snapshot file")
	fs.String("config", "", "config file")
}

func doctorFlags(fs *flag.FlagSet) {
	fs.String("yahoo-url", "", "Yahoo base URL (also SELLOFF_YAHOO_URL)")
	fs.String("symbol", "NVDA", "the symbol used for the quote and chart checks")
	fs.String("config", "", "config file (for user_agent and yahoo_url)")
	fs.String("yahoo-stream-url", "", "Yahoo's price streamer URL to check (off: skip the stream check)")
	userAgentFlag(fs)
}

func fstr(fs *flag.FlagSet, name string) string {
	if f := fs.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}

func get[T any](fs *flag.FlagSet, name string) T {
	var zero T
	f := fs.Lookup(name)
	if f == nil {
		return zero
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return zero
	}
	v, _ := g.Get().(T)
	return v
}

// isSet reports whether the flag was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

func splitSymbols(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		p = strings.ToUpper(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		for _, r := range p {
			if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("^.-=_", r)) {
				return nil, usagef("bad symbol %q", p)
			}
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, usagef("no symbols in %q", s)
	}
	return out, nil
}

func oneArg(args []string, what string) (string, error) {
	switch len(args) {
	case 0:
		return "", nil
	case 1:
		if strings.TrimSpace(args[0]) == "" {
			// "" is not "no argument": falling back to the embedded
			// snapshot would answer about a file never named
			return "", usagef("empty %s name", what)
		}
		return args[0], nil
	}
	return "", usagef("expected at most one %s, got %d arguments: %s", what, len(args), strings.Join(args, " "))
}

func checkGlyphs(g string) error {
	switch g {
	case "", "braille", "block", "ascii":
		return nil
	}
	return usagef("--glyphs %q: want braille, block or ascii", g)
}
