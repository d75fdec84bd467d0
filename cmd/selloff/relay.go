package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/log"
	"github.com/nats-io/nats.go"

	"github.com/selloff/selloff/cmd/selloff/internal/server"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/alpaca"
	"github.com/selloff/selloff/feeds/natsfeed"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/feeds/yahoo"
	"github.com/selloff/selloff/snapshots"
)

func relayFlags(fs *flag.FlagSet) {
	fs.String("nats", "nats://127.0.0.1:4222", "NATS server `URL` (nats://HOST:PORT, or tls://HOST:PORT for TLS)")
	fs.String("nats-creds", "", "NATS credentials `FILE` (default $NATS_CREDS); never logged")
	fs.String("feed", "", "feed `NAME` (letters, digits, - and _): subjects selloff.NAME.*")
	fs.String("source", "replay", "replay, replay:FILE|NAME, or live (Yahoo's poll and stream, or Alpaca's: the live flags below)")
	speedFlag(fs, "replay speed, `X` = 0.25 to 3600 (x real time)")
	fs.String("at", "", "replay start time (as replay --at)")
	fs.Bool("paused", false, "start the replay paused")
	fs.Bool("loop", false, "replay: start again at the end")
	fs.String("events", "", "replay: a YAML or JSON events file merged into the timeline")
	yahooFlags(fs)
	streamFlags(fs)
	intervalFlag(fs, "live: poll every `DURATION`, at least 1s (default from config, else 5s)")
	fs.String("config", "", "live: config file (watchlist, provider, interval, user agent)")
	fs.Duration("max-age", natsfeed.DefaultMaxAge, "how long the feed's JetStream streams keep messages")
	fs.String("log-file", "", "write logs here instead of stderr")
	fs.String("relay-id", "", "this relay's name among the feed's relays (default HOST-PID)")
	fs.Duration("lease-ttl", natsfeed.DefaultLeaseTTL, "leader lease: a relay that dies unheard is replaced after about this long (1s to 1m)")
}

// relayOnly are the flags of one kind of relay source.
var (
	relayReplayOnly = []string{"speed", "at", "paused", "loop", "events"}
	relayLiveOnly   = []string{"symbols", "watchlist", "yahoo-url", "user-agent", "provider", "yahoo-stream-url", "no-stream", "interval", "config"}
)

// natsCreds is --nats-creds, else $NATS_CREDS.
func natsCreds(a *app, fs *flag.FlagSet) string {
	if c := fstr(fs, "nats-creds"); c != "" {
		return c
	}
	return a.getenv("NATS_CREDS")
}

// runRelay owns one upstream (a replay clock, or a live poll) and
// publishes it to NATS for any number of serve nodes (serve --source
// nats://HOST:PORT/FEED).
func runRelay(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("relay takes no arguments (got %s)", strings.Join(args, " "))
	}
	feed := fstr(fs, "feed")
	if feed == "" {
		return usagef("relay needs --feed NAME (the name serve nodes give in nats://HOST:PORT/NAME)")
	}
	if err := natsfeed.CheckFeed(feed); err != nil {
		return usagef("--feed: %v", err)
	}
	natsURL := fstr(fs, "nats")
	if _, err := natsfeed.ParseURL(natsURL); err != nil {
		return usagef("--nats: %v", err)
	}
	if d := get[time.Duration](fs, "max-age"); d <= 0 {
		return usagef("--max-age %s: want a positive duration such as 26h", d)
	}
	src := fstr(fs, "source")
	live := src == "live"
	if !live && src != "replay" && !strings.HasPrefix(src, "replay:") {
		return usagef("--source %q: want replay, replay:FILE|NAME or live", src)
	}
	wrong, kind := relayLiveOnly, "live"
	if live {
		wrong, kind = relayReplayOnly, "replay"
	}
	var bad []string
	for _, name := range wrong {
		if isSet(fs, name) {
			bad = append(bad, "--"+name)
		}
	}
	if len(bad) > 0 {
		return usagef("%s: only with --source %s", strings.Join(bad, ", "), kind)
	}
	logger := log.NewWithOptions(a.stderr, log.Options{ReportTimestamp: true, Prefix: "selloff relay"})
	if p := fstr(fs, "log-file"); p != "" {
		l, closeLog, err := openLog(p)
		if err != nil {
			return err
		}
		defer closeLog()
		logger = l
	}
	id := fstr(fs, "relay-id")
	if id == "" {
		host, _ := os.Hostname()
		id = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	ttl := get[time.Duration](fs, "lease-ttl")
	if ttl < time.Second || ttl > time.Minute {
		return usagef("--lease-ttl %s: want 1s to 1m", ttl)
	}
	said := func(kv ...any) {
		logger.Info("relaying", append([]any{"feed", feed, "server", natsfeed.Redact(natsURL), "relay", id}, kv...)...)
	}
	var (
		start natsfeed.StartFunc
		err   error
	)
	if live {
		start, err = a.relayLive(fs, logger, said)
	} else {
		start, err = relayReplay(fs, strings.TrimPrefix(strings.TrimPrefix(src, "replay"), ":"), logger, said)
	}
	if err != nil {
		return err
	}

	nc, err := natsfeed.Connect(natsURL, natsfeed.ConnectOptions{
		Name:    "selloff relay " + feed,
		Creds:   natsCreds(a, fs),
		OnState: func(s string) { logger.Info("NATS "+s, "server", natsfeed.Redact(natsURL)) },
	})
	if err != nil {
		return err
	}
	defer nc.Close()
	pub, err := newPublisherRetrying(ctx, nc, feed, natsfeed.PublisherOptions{MaxAge: get[time.Duration](fs, "max-age")}, logger)
	if err != nil {
		return err
	}
	logger.Info("joining the feed's relays", "feed", feed, "relay", id, "lease_ttl", ttl)
	return natsfeed.Lead(ctx, nc, pub, feeds.RealClock{}, natsfeed.RelayOptions{
		ID:       id,
		LeaseTTL: ttl,
		OnState:  func(s string) { logger.Info(s, "feed", feed, "relay", id) },
		OnError:  func(err error) { logger.Warn("publish failed (retrying with the next update)", "err", err) },
		Party:    relayParty(logger),
	}, start)
}

// relayReplay checks a replay relay's flags and returns how it starts its
// clock when it leads: where the last leader's clock was, else as the
// flags say.
func relayReplay(fs *flag.FlagSet, file string, logger *log.Logger, said func(kv ...any)) (natsfeed.StartFunc, error) {
	d, err := loadReplayData(file, fstr(fs, "events"), false)
	if err != nil {
		return nil, err
	}
	opt := d.options()
	opt.Speed = get[float64](fs, "speed")
	opt.Loop = get[bool](fs, "loop")
	if get[bool](fs, "paused") {
		opt.Paused = true
	}
	if at := fstr(fs, "at"); at != "" {
		t, err := d.at(at)
		if err != nil {
			return nil, err
		}
		if !t.IsZero() {
			opt.Start = t
		}
	}
	// check the options now, not when this relay first leads
	if _, err := replay.New(d.ds, feeds.RealClock{}, opt); err != nil {
		return nil, err
	}
	recs := natsfeed.SnapshotRecords(d.snap)
	return func(lctx context.Context, last *natsfeed.State) (feeds.Source, snapshots.Header, []snapshots.Record, error) {
		o := opt
		if last != nil { // take over where the last leader was
			o.Start = last.Time
			if c := last.Clock; c != nil {
				o.Speed, o.Paused, o.Loop = c.Speed, c.Paused, c.Loop
			}
		}
		rp, err := replay.New(d.ds, feeds.RealClock{}, o)
		if err != nil && last != nil {
			// the last leader's time is outside this relay's data
			logger.Warn("cannot continue the last leader's clock: starting afresh", "err", err)
			rp, err = replay.New(d.ds, feeds.RealClock{}, opt)
		}
		if err != nil {
			return nil, snapshots.Header{}, nil, err
		}
		rp.Start(lctx)
		said("records", len(recs))
		return rp, d.snap.Header, recs, nil
	}, nil
}

// relayLive checks a live relay's flags and returns how it starts its
// poll when it leads: a new live source (a relay taking over has no clock
// to continue: it simply starts polling), its records and freshness
// published through a natsfeed.LiveRecorder. The header goes out when
// the first poll ends, with the symbols as the provider filled them in.
func (a *app) relayLive(fs *flag.FlagSet, logger *log.Logger, said func(kv ...any)) (natsfeed.StartFunc, error) {
	cfg, err := loadConfig(fs)
	if err != nil {
		return nil, err
	}
	p, err := provider(fs, cfg)
	if err != nil {
		return nil, err
	}
	syms, err := watchSymbols(fs, cfg)
	if err != nil {
		return nil, err
	}
	iv, err := pollInterval(fs, cfg)
	if err != nil {
		return nil, err
	}
	a.feedLog = logger // the source's state changes and errors
	newSource := func(rec *natsfeed.LiveRecorder) (liveSource, error) {
		if p == "alpaca" {
			return a.newAlpacaSource(fs, cfg, syms, func(h snapshots.Header) (alpaca.Recorder, error) { return rec.Open(h) })
		}
		return a.newYahooLive(fs, cfg, syms, iv, func(h snapshots.Header) (yahoo.Recorder, error) { return rec.Open(h) })
	}
	// the flags are checked now, not when this relay first leads (no
	// request goes out until the source runs)
	if _, err := newSource(natsfeed.NewLiveRecorder()); err != nil {
		return nil, err
	}
	return func(lctx context.Context, _ *natsfeed.State) (feeds.Source, snapshots.Header, []snapshots.Record, error) {
		rec := natsfeed.NewLiveRecorder()
		src, err := newSource(rec)
		if err != nil {
			return nil, snapshots.Header{}, nil, err
		}
		go src.Run(lctx)
		logger.Info("polling: the feed starts when the first poll ends", "provider", p, "symbols", len(syms), "interval", iv)
		h, err := rec.Header(lctx)
		if err != nil {
			return nil, snapshots.Header{}, nil, err
		}
		said("provider", p, "symbols", len(h.Symbols))
		return natsfeed.LiveSource(src, rec), h, nil, nil
	}, nil
}

// newPublisherRetrying creates the feed's streams, waiting with back-off
// while the NATS server is not there yet (and saying so).
func newPublisherRetrying(ctx context.Context, nc *nats.Conn, feed string, opt natsfeed.PublisherOptions, logger *log.Logger) (*natsfeed.Publisher, error) {
	wait := 250 * time.Millisecond
	for {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		p, err := natsfeed.NewPublisher(cctx, nc, feed, opt)
		cancel()
		if err == nil {
			return p, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		logger.Warn("NATS JetStream not ready (is nats-server running with -js?)", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*time.Second)
	}
}

// natsSources is serve's data plane from a relay: one NATS subscriber
// that every session subscribes to (like live: nobody gets a controller).
func (a *app) natsSources(ctx context.Context, fs *flag.FlagSet, src string, money money) (server.Sources, error) {
	natsURL, feed, err := natsfeed.FeedURL(src)
	if err != nil {
		return server.Sources{}, usagef("--source: %v", err)
	}
	logf := func(msg string, kv ...any) {
		if a.feedLog != nil {
			a.feedLog.Info(msg, kv...)
		}
	}
	nc, err := natsfeed.Connect(natsURL, natsfeed.ConnectOptions{
		Name:    "selloff serve " + feed,
		Creds:   natsCreds(a, fs),
		OnState: func(s string) { logf("NATS "+s, "server", natsfeed.Redact(natsURL), "feed", feed) },
	})
	if err != nil {
		return server.Sources{}, err
	}
	context.AfterFunc(ctx, nc.Close)
	opt := natsfeed.SubscriberOptions{
		OnError: func(err error) { logf("feed problem", "feed", feed, "err", err) },
	}
	if len(money.alerts) > 0 {
		// a replay relay's firings go on the node's timeline, as a local
		// replay's do; a live relay's frames are watched per session
		// (sessionAlerts)
		opt.ReplayEvents = money.replayEvents
	}
	sub, err := natsfeed.NewSubscriber(nc, feed, feeds.RealClock{}, opt)
	if err != nil {
		return server.Sources{}, err
	}
	sub.Start(ctx)
	logf("following a relay", "server", natsfeed.Redact(natsURL), "feed", feed)
	if get[bool](fs, "watch-party") {
		return natsPartySources(ctx, nc, sub, feed, logf)
	}
	return server.LiveSources(sub), nil
}

// recordFromNATS is snapshot record --from-nats URL --feed NAME: it writes
// a relay's feed to a snapshot file (the header at once, the day so far,
// then new records) until ctx ends or --until.
func recordFromNATS(ctx context.Context, a *app, fs *flag.FlagSet, out string) error {
	var bad []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "o", "until", "from-nats", "feed", "nats-creds":
		default:
			bad = append(bad, "--"+f.Name)
		}
	})
	if len(bad) > 0 {
		return usagef("%s: not with --from-nats (the relay owns the upstream; only -o, --until, --feed and --nats-creds apply)", strings.Join(bad, ", "))
	}
	natsURL, feed := fstr(fs, "from-nats"), fstr(fs, "feed")
	if natsURL == "" {
		return usagef("--feed is for --from-nats URL (record a relay's feed)")
	}
	if _, err := natsfeed.ParseURL(natsURL); err != nil {
		return usagef("--from-nats: %v", err)
	}
	if feed == "" {
		return usagef("--from-nats needs --feed NAME (the relay's --feed)")
	}
	if err := natsfeed.CheckFeed(feed); err != nil {
		return usagef("--feed: %v", err)
	}
	if u := fstr(fs, "until"); u != "" {
		until, err := parseUntil(u, a.clock.Now())
		if err != nil {
			return usagef("--until: %v", err)
		}
		if !until.After(a.clock.Now()) {
			return usagef("--until %s is already past", until.In(snapshots.Location()).Format("2006-01-02 15:04 MST"))
		}
		var stop context.CancelFunc
		ctx, stop = context.WithDeadline(ctx, until)
		defer stop()
	}
	nc, err := natsfeed.Connect(natsURL, natsfeed.ConnectOptions{Name: "selloff record " + feed, Creds: natsCreds(a, fs)})
	if err != nil {
		return err
	}
	defer nc.Close()
	var (
		w        *snapshots.Writer
		written  int
		refused  int
		lastNote string
	)
	say := func(s string) {
		lastNote = s
		fmt.Fprintln(a.stderr, s)
	}
	fmt.Fprintf(a.stderr, "recording feed %s from %s to %s; ctrl+c stops\n", feed, natsfeed.Redact(natsURL), out)
	terr := natsfeed.Tail(ctx, nc, feed, feeds.RealClock{}, natsfeed.TailOptions{
		OnHead: func(h snapshots.Header) error {
			var err error
			w, err = snapshots.Create(out, h, snapshots.WriteOptions{Gzip: strings.HasSuffix(out, ".gz")})
			return err
		},
		OnRecords: func(recs []snapshots.Record) error {
			for _, r := range recs {
				if err := w.Write(r); err != nil {
					if w.Err() != nil { // the file stopped taking records
						return err
					}
					refused++
					continue
				}
				written++
			}
			return nil
		},
		OnNote: say,
	})
	if w == nil {
		if terr != nil {
			return fmt.Errorf("recording feed %s: %w", feed, terr)
		}
		why := "no relay published feed " + feed
		if lastNote != "" {
			why = lastNote
		}
		return recordedNothing(out, feeds.Health{LastErr: why})
	}
	cerr := w.Close()
	if refused > 0 {
		fmt.Fprintf(a.stderr, "%d records refused (they break the file format's rules)\n", refused)
	}
	if written == 0 {
		os.Remove(out)
		why := "the feed had no records"
		if terr != nil {
			why = terr.Error()
		}
		return recordedNothing(out, feeds.Health{LastErr: why})
	}
	if terr != nil {
		return fmt.Errorf("recording to %s stopped: %w (the records before the failure are in the file)", out, terr)
	}
	if cerr != nil {
		return fmt.Errorf("closing %s: %w", out, cerr)
	}
	fmt.Fprintf(a.stderr, "recording closed: %s (%d records)\n", out, written)
	return nil
}
