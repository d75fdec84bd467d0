package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/yahoo"
	"github.com/selloff/selloff/feeds/yahoo/stream"
	"github.com/selloff/selloff/snapshots"
)

// yahooOptions builds the backend options. The base URL: --yahoo-url, else
// SELLOFF_YAHOO_URL, else the config file, else the real hosts; then
// SELLOFF_YAHOO_COOKIE_URL, SELLOFF_YAHOO_CRUMB_URL and SELLOFF_YAHOO_API_URL
// override one host each. The User-Agent: --user-agent, else
// SELLOFF_USER_AGENT, else the config's user_agent, else a current Chrome.
// Errors go to the log (logf; nil drops them).
func (a *app) yahooOptions(fs *flag.FlagSet, cfg *config.Config) (yahoo.Options, error) {
	u := fstr(fs, "yahoo-url")
	if u == "" {
		u = a.getenv("SELLOFF_YAHOO_URL")
	}
	if u == "" && cfg != nil {
		u = cfg.YahooURL
	}
	opt := yahoo.Options{BaseURL: u, Clock: a.clock,
		CookieURL: a.getenv("SELLOFF_YAHOO_COOKIE_URL"),
		CrumbURL:  a.getenv("SELLOFF_YAHOO_CRUMB_URL"),
		APIURL:    a.getenv("SELLOFF_YAHOO_API_URL"),
		CacheFile: a.yahooCacheFile(),
	}
	ua, from := fstr(fs, "user-agent"), "--user-agent"
	if !isSet(fs, "user-agent") {
		ua, from = a.getenv("SELLOFF_USER_AGENT"), "SELLOFF_USER_AGENT"
	}
	if ua == "" && cfg != nil {
		ua, from = cfg.UserAgent, "user_agent"
	}
	if ua != "" && !config.ValidUserAgent(ua) {
		return opt, usagef("%s: empty, over 512 characters, or with a control character (it goes into an HTTP header)", from)
	}
	opt.UserAgent = ua
	return opt, nil
}

// yahooCacheFile is where the Yahoo cookie and crumb are cached:
// SELLOFF_YAHOO_CACHE (a file, or "off"), else the user cache dir. With no
// home in the environment (a service, a test) there is no cache.
func (a *app) yahooCacheFile() string {
	switch v := a.getenv("SELLOFF_YAHOO_CACHE"); v {
	case "off", "none", "0":
		return ""
	case "":
	default:
		return v
	}
	if a.getenv("HOME") == "" && a.getenv("XDG_CACHE_HOME") == "" && a.getenv("LOCALAPPDATA") == "" {
		return ""
	}
	return yahoo.DefaultCacheFile()
}

// watchSymbols resolves --symbols or the watchlist into snapshot symbols.
// Names, kinds, companies and share counts for symbols the embedded
// snapshot knows come from it (marked as such); the config's share counts
// override them; Yahoo's, when it sends them, override both.
// keptShares names the symbols the config gives share counts for: those
// are the user's overrides, and Yahoo's counts never replace them.
func keptShares(cfg *config.Config) map[string]bool {
	keep := make(map[string]bool, len(cfg.Shares))
	for sym := range cfg.Shares {
		keep[sym] = true
	}
	return keep
}

func watchSymbols(fs *flag.FlagSet, cfg *config.Config) ([]snapshots.Symbol, error) {
	type entry struct{ sym, group string }
	var list []entry
	if s := fstr(fs, "symbols"); s != "" {
		syms, err := splitSymbols(s)
		if err != nil {
			return nil, err
		}
		for _, x := range syms {
			list = append(list, entry{x, ""})
		}
	} else {
		w, err := cfg.Find(fstr(fs, "watchlist"))
		if err != nil {
			return nil, usagef("--watchlist: %v", err)
		}
		for _, x := range w.Symbols {
			list = append(list, entry{strings.ToUpper(x), w.Name})
		}
		for _, g := range w.Groups {
			for _, x := range g.Symbols {
				list = append(list, entry{strings.ToUpper(x), g.Name})
			}
		}
	}
	if len(list) > 1000 {
		return nil, usagef("%d symbols is more than selloff polls (1000)", len(list))
	}
	known := map[string]snapshots.Symbol{}
	if s, err := snapshots.Load(defaultSnapshot, snapshots.ReadOptions{}); err == nil {
		for _, x := range s.Header.Symbols {
			if x.Shares != nil {
				sh := *x.Shares
				sh.Source = "selloff's " + defaultSnapshot + " snapshot: " + sh.Source
				x.Shares = &sh
			}
			known[x.Symbol] = x
		}
	}
	seen := map[string]bool{}
	var out []snapshots.Symbol
	for _, e := range list {
		if seen[e.sym] {
			continue
		}
		seen[e.sym] = true
		s, ok := known[e.sym]
		if !ok {
			s = snapshots.Symbol{Symbol: e.sym}
		}
		if e.group != "" {
			s.Groups = []string{e.group}
		}
		if n, ok := cfg.Shares[e.sym]; ok {
			s.Shares = &snapshots.Shares{Count: n, Source: "config file"}
			if cfg.Path != "" {
				s.Shares.Source = cfg.Path
			}
		}
		out = append(out, s)
	}
	return out, nil
}

func pollInterval(fs *flag.FlagSet, cfg *config.Config) (time.Duration, error) {
	d := get[time.Duration](fs, "interval")
	if !isSet(fs, "interval") && cfg.Interval > 0 {
		d = time.Duration(cfg.Interval)
	}
	if d == 0 {
		d = 5 * time.Second
	}
	if d < minInterval {
		// the flag refuses these as it is parsed; a config's interval is
		// checked as the config is read
		return 0, usagef("--interval %v: at least %v (Yahoo rate-limits eager clients)", d, minInterval)
	}
	return d, nil
}

// errNothingRecorded is what closing a recording says when no record
// reached it: the file (header only, if it was created) is removed, so no
// file is named that holds nothing.
var errNothingRecorded = errors.New("nothing was recorded, so no file was written")

// recorderFor returns LiveOptions.Record for --record PATH and a func that
// closes the file once the live source has stopped. recorded says how many
// records reached the file; with none, close removes it and returns
// errNothingRecorded. onFail, when set, is called once if the file stops
// taking records (a full disk, a file-size limit), so the caller can stop
// rather than record nothing.
func recorderFor(path string, recorded func() int, onFail func(error)) (func(snapshots.Header) (yahoo.Recorder, error), func() error) {
	if path == "" {
		return nil, func() error { return nil }
	}
	var w *snapshots.Writer
	closed := make(chan struct{})
	open := func(h snapshots.Header) (yahoo.Recorder, error) {
		var err error
		w, err = snapshots.Create(path, h, snapshots.WriteOptions{Gzip: strings.HasSuffix(path, ".gz")})
		if err != nil && onFail != nil {
			go onFail(err) // no file: the recording cannot start
		}
		if err == nil && onFail != nil {
			go func(w *snapshots.Writer) {
				select {
				case <-w.Failed():
					onFail(w.Err())
				case <-closed:
				}
			}(w)
		}
		return w, err
	}
	var once sync.Once
	closeFn := func() error {
		once.Do(func() { close(closed) })
		n := recorded()
		var err error
		if w != nil {
			err = w.Close()
		}
		if n == 0 {
			if w != nil {
				os.Remove(path)
			}
			return errNothingRecorded
		}
		return err
	}
	return open, closeFn
}

// newLive makes the one Yahoo poller.
func (a *app) newLive(fs *flag.FlagSet, cfg *config.Config, record string) (*yahoo.Live, func() error, error) {
	return a.newLiveRecording(fs, cfg, record, nil)
}

// newLiveRecording is newLive; onRecordFail is called once if the
// recording file stops taking records (see recorderFor).
func (a *app) newLiveRecording(fs *flag.FlagSet, cfg *config.Config, record string, onRecordFail func(error)) (*yahoo.Live, func() error, error) {
	syms, err := watchSymbols(fs, cfg)
	if err != nil {
		return nil, nil, err
	}
	iv, err := pollInterval(fs, cfg)
	if err != nil {
		return nil, nil, err
	}
	if record != "" {
		if _, err := os.Stat(record); err == nil {
			return nil, nil, fmt.Errorf("%s exists; selloff does not overwrite a recording (choose another name)", record)
		}
	}
	var live *yahoo.Live
	rec, closeRec := recorderFor(record, func() int { return live.Stats().Recorded }, onRecordFail)
	live, err = a.newYahooLive(fs, cfg, syms, iv, rec)
	if err != nil {
		return nil, nil, err
	}
	return live, closeRec, nil
}

// newYahooLive makes the Yahoo poller for syms, recording to rec (nil:
// no recording; a file's, or a relay's publisher).
func (a *app) newYahooLive(fs *flag.FlagSet, cfg *config.Config, syms []snapshots.Symbol, iv time.Duration, rec func(snapshots.Header) (yahoo.Recorder, error)) (*yahoo.Live, error) {
	yopt, err := a.yahooOptions(fs, cfg)
	if err != nil {
		return nil, err
	}
	var logf func(string, ...any)
	if lg := a.feedLog; lg != nil {
		logf = func(format string, args ...any) { lg.Info(fmt.Sprintf(format, args...)) }
		u := yahoo.NewBackend(yopt).URLs()
		lg.Info("yahoo", "user_agent", u.UserAgent, "cookie", strings.Join(u.Cookie, ", "), "crumb", u.Crumb, "api", u.API, "cache", u.CacheFile)
	}
	yopt.Logf = logf
	client := yahoo.NewClient(yahoo.NewBackend(yopt))
	st, err := a.yahooStream(fs, cfg, yopt, syms)
	if err != nil {
		return nil, err
	}
	return yahoo.NewLive(client, a.clock, yahoo.LiveOptions{Symbols: syms, KeepShares: keptShares(cfg), Interval: iv, Record: rec, Annotate: a.annotate, Logf: logf, Stream: st})
}

func runLive(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("live takes no arguments (got %s); use --symbols", strings.Join(args, " "))
	}
	ds, err := openDashboard(fs)
	if err != nil {
		return err
	}
	defer ds.closeLog()
	a.feedLog = ds.logger
	a.annotate = alert.NewAnnotator(ds.money.alerts, ds.money.positions).Step
	live, closeRec, err := a.newSource(fs, ds.cfg, fstr(fs, "record"), nil)
	if err != nil {
		return err
	}
	if err := a.needTerminal(); err != nil {
		// before the poller starts: no request to Yahoo for a dashboard
		// that cannot be shown
		_ = closeRec()
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- live.Run(ctx) }()
	updates := live.Subscribe(ctx)
	uiErr := runDashboard(ctx, a, liveAlerts(ctx, updates, ds.money), nil, ds)
	cancel()
	runErr := <-done // the source writes out what it holds before returning
	if err := closeRec(); errors.Is(err, errNothingRecorded) && uiErr == nil {
		uiErr = recordedNothing(fstr(fs, "record"), live.Health())
	} else if err != nil && uiErr == nil {
		uiErr = fmt.Errorf("closing the recording: %w", err)
	}
	if runErr != nil && !errors.Is(runErr, context.Canceled) && uiErr == nil {
		uiErr = runErr
	}
	return uiErr
}

func runSnapshotRecord(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("record takes no arguments (got %s)", strings.Join(args, " "))
	}
	out := fstr(fs, "o")
	if out == "" {
		return usagef("record needs -o FILE")
	}
	if fstr(fs, "from-nats") != "" || isSet(fs, "feed") {
		return recordFromNATS(ctx, a, fs, out)
	}
	cfg, err := loadConfig(fs)
	if err != nil {
		return err
	}
	m, err := readMoney(fs, cfg)
	if err != nil {
		return err
	}
	// the alerts that fire, and the basket's new lows and highs, are
	// written into the file as events
	a.annotate = alert.NewAnnotator(m.alerts, m.positions).Step
	var until time.Time
	if u := fstr(fs, "until"); u != "" {
		until, err = parseUntil(u, a.clock.Now())
		if err != nil {
			return usagef("--until: %v", err)
		}
		if !until.After(a.clock.Now()) {
			return usagef("--until %s is already past", until.In(snapshots.Location()).Format("2006-01-02 15:04 MST"))
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// A write failure (disk full, file-size limit) stops the recording at
	// once: running on to --until would record nothing.
	failed := make(chan error, 1)
	live, closeRec, err := a.newSource(fs, cfg, out, func(err error) {
		select {
		case failed <- err:
		default:
		}
		cancel()
	})
	if err != nil {
		return err
	}
	if !until.IsZero() {
		var stop context.CancelFunc
		ctx, stop = context.WithDeadline(ctx, until)
		defer stop()
	}
	done := make(chan error, 1)
	go func() { done <- live.Run(ctx) }()
	fmt.Fprintf(a.stderr, "recording to %s; ctrl+c stops\n", out)
	updates := live.Subscribe(ctx)
	var last feeds.Health
	for u := range updates {
		if u.Health.LastErr != last.LastErr && u.Health.LastErr != "" {
			fmt.Fprintf(a.stderr, "%s: %s\n", u.Health.State, u.Health.LastErr)
		}
		last = u.Health
	}
	runErr := <-done
	cerr := closeRec()
	select {
	case err := <-failed:
		return fmt.Errorf("recording to %s stopped: %w (the records before the failure are in the file)", out, err)
	default:
	}
	if runErr != nil && !errors.Is(runErr, context.Canceled) && !errors.Is(runErr, context.DeadlineExceeded) {
		return runErr
	}
	if errors.Is(cerr, errNothingRecorded) {
		return recordedNothing(out, live.Health())
	}
	if cerr != nil {
		return fmt.Errorf("closing %s: %w", out, cerr)
	}
	fmt.Fprintf(a.stderr, "recording closed: %s (%d records)\n", out, recordedBy(live))
	return nil
}

// recordedNothing is the error of a recording that got no record: it says
// so, and why when the feed said, and names no file.
func recordedNothing(path string, h feeds.Health) error {
	msg := "nothing was recorded, so no file was written"
	if path != "" {
		msg = "nothing was recorded, so " + path + " was not written"
	}
	if h.LastErr != "" {
		msg += " (" + h.LastErr + ")"
	}
	return errors.New(msg)
}

// parseUntil reads --until: HH:MM (today, exchange time), close (16:00
// today), YYYY-MM-DDTHH:MM or RFC 3339.
func parseUntil(s string, now time.Time) (time.Time, error) {
	loc := snapshots.Location()
	day := now.In(loc)
	if s == "close" {
		s = "16:00"
	}
	if t, err := time.ParseInLocation("15:04", s, loc); err == nil {
		return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, loc), nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q: want HH:MM, close, YYYY-MM-DDTHH:MM or RFC 3339", s)
}

func runSnapshotFetch(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("fetch takes no arguments (got %s)", strings.Join(args, " "))
	}
	date, out := fstr(fs, "date"), fstr(fs, "o")
	if date == "" || out == "" {
		return usagef("fetch needs --date YYYY-MM-DD and -o FILE")
	}
	if _, err := time.Parse("2006-01-02", date); err != nil {
		return usagef("--date %q: want YYYY-MM-DD", date)
	}
	cfg, err := loadConfig(fs)
	if err != nil {
		return err
	}
	syms, err := watchSymbols(fs, cfg)
	if err != nil {
		return err
	}
	yopt, err := a.yahooOptions(fs, cfg)
	if err != nil {
		return err
	}
	client := yahoo.NewClient(yahoo.NewBackend(yopt))
	res, err := client.Fetch(ctx, yahoo.FetchOptions{Date: date, Symbols: syms, KeepShares: keptShares(cfg), Clock: a.clock})
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(a.stderr, "warning:", w)
	}
	if err := saveAtomically(out, res.Snapshot); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %d bars, %d symbols, %s (%d requests); replay it with: selloff replay %s\n",
		out, len(res.Snapshot.Bars), len(res.Snapshot.Header.Symbols), date, res.Requests, out)
	return nil
}

func runDoctor(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("doctor takes no arguments")
	}
	sym := strings.ToUpper(fstr(fs, "symbol"))
	cfg, err := loadConfig(fs)
	if err != nil {
		return err
	}
	yopt, err := a.yahooOptions(fs, cfg)
	if err != nil {
		return err
	}
	u := yahoo.NewBackend(yopt).URLs()
	fmt.Fprintf(a.stdout, "User-Agent: %s\ncookie:     %s\ncrumb:      %s\nAPI:        %s\n",
		u.UserAgent, strings.Join(u.Cookie, ", then "), u.Crumb, u.API)
	if u.CacheFile != "" {
		fmt.Fprintf(a.stdout, "cache:      %s (doctor neither reads nor writes it)\n", u.CacheFile)
	}
	extra := a.doctorExtra
	st, err := a.yahooStream(fs, cfg, yopt, []snapshots.Symbol{{Symbol: sym}})
	if err != nil {
		return err
	}
	if c, ok := st.(*stream.Client); ok {
		fmt.Fprintf(a.stdout, "stream:     %s\n", c.URL())
		extra = append([]func(context.Context) yahoo.Step{streamStep(c)}, extra...)
	}
	steps := yahoo.Doctor(ctx, yopt, sym, extra...)
	for _, s := range steps {
		mark := "ok  "
		text := s.Detail
		if !s.OK {
			mark = "FAIL"
			if s.Err != nil {
				text = s.Err.Error()
			}
		}
		fmt.Fprintf(a.stdout, "%s %-7s %s\n", mark, s.Name, text)
	}
	if !yahoo.AllOK(steps) {
		return errors.New("doctor: Yahoo is not reachable as selloff needs it (see above)")
	}
	fmt.Fprintln(a.stdout, "Yahoo works: selloff live should too.")
	return nil
}

// startLiveForServe starts the one poller every SSH session shares.
func (a *app) startLiveForServe(ctx context.Context, fs *flag.FlagSet, cfg *config.Config) (feeds.Source, error) {
	live, _, err := a.newSource(fs, cfg, "", nil)
	if err != nil {
		return nil, err
	}
	go live.Run(ctx)
	return live, nil
}

// streamStep is doctor's check of the price stream: connect, subscribe and
// get a ping answered, as the live source will.
func streamStep(c *stream.Client) func(context.Context) yahoo.Step {
	return func(ctx context.Context) yahoo.Step {
		if err := stream.Probe(ctx, c.Options()); err != nil {
			// the step is named already: "FAIL stream  connect: ...",
			// not "stream  stream: connect: ..."
			if msg, ok := strings.CutPrefix(err.Error(), "stream: "); ok {
				err = errors.New(msg)
			}
			return yahoo.Step{Name: "stream", Err: err}
		}
		return yahoo.Step{Name: "stream", OK: true, Detail: "connected, subscribed, ping answered"}
	}
}
