package main

import (
	"context"
	"flag"
	"net"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/log"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/cmd/selloff/internal/server"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/snapshots/tour"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/common"
)

func runServe(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("serve takes no arguments (got %s)", strings.Join(args, " "))
	}
	perIP, err := checkServeFlags(fs)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(fs)
	if err != nil {
		return err
	}
	money, err := readMoney(fs, cfg)
	if err != nil {
		return err
	}
	logger := log.NewWithOptions(a.stderr, log.Options{ReportTimestamp: true, Prefix: "selloff"})
	if p := pick(fs, "log-file", "", ""); p != "" {
		l, closeLog, err := openLog(p)
		if err != nil {
			return err
		}
		defer closeLog()
		logger = l
	}
	log.SetDefault(logger) // wish logs through the default logger
	a.feedLog = logger
	hostKey := fstr(fs, "host-key")
	if hostKey == "" {
		if hostKey, err = server.DefaultHostKeyPath(); err != nil {
			return err
		}
	}
	glyphs := pick(fs, "glyphs", cfg.Glyphs, "braille")
	spoilers := get[bool](fs, "spoilers")

	if get[bool](fs, "tour-loop") && fstr(fs, "tour") == "" {
		return usagef("--tour-loop repeats a tour: give one with --tour NAME|FILE")
	}
	if fstr(fs, "tour") != "" {
		if src := fstr(fs, "source"); src != "replay" && !strings.HasPrefix(src, "replay:") {
			return usagef("--tour presents a replay: want --source replay or replay:FILE|NAME, not %q", src)
		}
		if err := fs.Set("watch-party", "true"); err != nil { // a tour presents a watch party
			return err
		}
	}
	plane, err := a.servePlane(ctx, fs, cfg, money)
	if err != nil {
		return err // a bad tour stops here (FILE:LINE), before serve listens
	}
	sources := plane.Sources
	srv, err := server.New(server.Config{
		Listen:         fstr(fs, "listen"),
		HostKeyPath:    hostKey,
		MaxSessions:    get[int](fs, "max-sessions"),
		PerIP:          perIP,
		IdleTimeout:    get[time.Duration](fs, "idle-timeout"),
		MaxTimeout:     get[time.Duration](fs, "max-timeout"),
		AuthorizedKeys: fstr(fs, "authorized-keys"),
		WatchParty:     get[bool](fs, "watch-party"),
		Party:          partyBackend(sources), // a relay's (serve --source nats://...); nil: the server's own
		PresenterKey:   fstr(fs, "presenter-key"),
		Logger:         logger,
		Sources:        sources,
		// every viewer sees the positions and alerts given to serve, and
		// may add their own (P in the dashboard, --position on render and
		// summary) for their session only; a firing rings that viewer's
		// bell and notifies their terminal, on their channel
		Render: func(u feeds.Update, w, h int, r *lipgloss.Renderer, g common.Glyphs) string {
			return tui.RenderWith(u, w, h, r, g, tui.WithSpoilers(spoilers), tui.WithMoney(money.tui(nil, nil)))
		},
		RenderPositions: func(u feeds.Update, w, h int, r *lipgloss.Renderer, g common.Glyphs, added []portfolio.Position) string {
			return tui.RenderWith(u, w, h, r, g, tui.WithSpoilers(spoilers), tui.WithMoney(money.adding(added).tui(nil, nil)))
		},
		Model: func(d server.SessionDeps) tea.Model {
			return tui.New(tui.Deps(d), tui.WithSpoilers(spoilers), tui.WithMoney(money.viewer(d)))
		},
		SummaryExtra: func(u feeds.Update, added []portfolio.Position) string {
			return portfolioText(u, money.adding(added).positions)
		},
		Glyphs:  common.Glyphs(glyphs),
		Version: "selloff-" + version,

		// the presenter's L ranks every viewer's paper P&L
		LeaderboardNames: fstr(fs, "leaderboard-names"),
		SessionFeed:      money.sessionAlerts(fstr(fs, "source")),
	})
	if err != nil {
		return err
	}
	logger.Info("serving", "listen", fstr(fs, "listen"), "host_key", hostKey)
	if plane.tour != nil {
		go func() {
			for presentTour(ctx, plane.tour, srv.Party(), sources.Shared, logger) && get[bool](fs, "tour-loop") {
				select { // the last step stays up a moment; a tour without holds never spins
				case <-ctx.Done():
					return
				case <-time.After(tourLoopGap):
				}
				logger.Info("tour starting again (--tour-loop)", "tour", plane.tour.Name)
			}
		}()
	}
	return srv.Run(ctx)
}

// tourLoopGap is the pause between two runs of a --tour-loop tour.
const tourLoopGap = 2 * time.Second

// presentTour runs serve --tour's tour as the party's presenter: it holds
// the presenter's seat, so viewers follow its clock, view, captions and
// question, until it ends and gives the seat up (a person may then take
// it). A step the party refuses is logged and the tour goes on. It
// reports whether the tour ran to its end.
func presentTour(ctx context.Context, t *tour.Tour, b party.Backend, src feeds.Source, logger *log.Logger) bool {
	logger.Info("tour presenting", "tour", t.Name, "steps", len(t.Steps))
	err := party.Present(ctx, party.Presentation{Tour: t, Backend: b, Source: src, After: time.After,
		Warn: func(s tour.Step, err error) {
			logger.Warn("tour step refused", "tour", t.Name, "line", s.Line, "err", err)
		}})
	switch {
	case ctx.Err() != nil:
		return false
	case err != nil:
		logger.Error("tour stopped", "tour", t.Name, "err", err)
		return false
	}
	logger.Info("tour ended: the presenter's seat is free", "tour", t.Name)
	return true
}

// maxServeSessions bounds --max-sessions: each session is a bubbletea
// program and a renderer, and the pre-auth budget grows with it.
const maxServeSessions = 100000

// checkServeFlags refuses values the server would otherwise replace with
// a default without a word (exit 2, before anything starts). It returns
// the sessions per address: --per-ip, or when not given, its default
// capped at --max-sessions.
func checkServeFlags(fs *flag.FlagSet) (perIP int, err error) {
	maxS, perIP := get[int](fs, "max-sessions"), get[int](fs, "per-ip")
	if maxS < 1 || maxS > maxServeSessions {
		return 0, usagef("--max-sessions %d: want a number of sessions from 1 to %d", maxS, maxServeSessions)
	}
	if !isSet(fs, "per-ip") {
		perIP = min(perIP, maxS)
	}
	if perIP < 1 || perIP > maxS {
		return 0, usagef("--per-ip %d: want a number of sessions from 1 to --max-sessions (%d)", perIP, maxS)
	}
	for _, name := range []string{"idle-timeout", "max-timeout"} {
		if d := get[time.Duration](fs, name); d <= 0 {
			return 0, usagef("--%s %s: want a positive duration such as 15m", name, d)
		}
	}
	if n := fstr(fs, "leaderboard-names"); n != "user" && n != "anonymous" {
		return 0, usagef("--leaderboard-names %q: want user or anonymous", n)
	}
	listen := fstr(fs, "listen")
	if _, port, err := net.SplitHostPort(listen); err != nil || port == "" {
		return 0, usagef("--listen %q: want HOST:PORT, such as 127.0.0.1:2222", listen)
	}
	return perIP, nil
}

// serveSources builds the one data plane: one decoded snapshot shared by
// every session's replay (or by the watch party's one replay), or one live
// poller.
func (a *app) serveSources(ctx context.Context, fs *flag.FlagSet, cfg *config.Config, money money) (server.Sources, error) {
	p, err := a.servePlane(ctx, fs, cfg, money)
	return p.Sources, err
}

// plane is serve's data plane: its sources, and for a replay the data and
// the --tour that presents it (checked against the data).
type plane struct {
	server.Sources
	data *replayData
	tour *tour.Tour
}

func (a *app) servePlane(ctx context.Context, fs *flag.FlagSet, cfg *config.Config, money money) (plane, error) {
	src := fstr(fs, "source")
	events := pick(fs, "events", cfg.Events, "")
	switch {
	case src == "replay" || strings.HasPrefix(src, "replay:"):
		name := strings.TrimPrefix(strings.TrimPrefix(src, "replay"), ":")
		d, err := loadReplayData(name, events, false)
		if err != nil {
			return plane{}, err
		}
		if _, err := d.withAlerts(money); err != nil {
			return plane{}, err
		}
		tr, err := d.loadTour(fstr(fs, "tour"))
		if err != nil {
			return plane{}, err
		}
		opt := d.options()
		opt.Speed = get[float64](fs, "speed") // in range: checked as the flag was parsed
		if at := fstr(fs, "at"); at != "" {
			t, err := d.at(at)
			if err != nil {
				return plane{}, err
			}
			if !t.IsZero() { // zero: "now", where the replay starts by itself
				opt.Start = t
			}
		}
		if tr != nil {
			opt.Paused = true // the tour's steps run the clock
		}
		srcs, err := server.ReplaySources(ctx, d.ds, feeds.RealClock{}, opt, get[bool](fs, "watch-party"))
		return plane{Sources: srcs, data: d, tour: tr}, err
	case isNATSSource(src):
		srcs, err := a.natsSources(ctx, fs, src, money)
		return plane{Sources: srcs}, err
	case src == "live":
		// alerts: each session evaluates them on its frames (sessionAlerts)
		live, err := a.startLiveForServe(ctx, fs, cfg)
		if err != nil {
			return plane{}, err
		}
		return plane{Sources: server.LiveSources(live)}, nil
	}
	return plane{}, usagef("--source %q: want replay, replay:FILE|NAME, live or nats://HOST:PORT/FEED", src)
}

// adding is m with a viewer's own positions after serve's.
func (m money) adding(added []portfolio.Position) money {
	m.positions = append(append([]portfolio.Position(nil), m.positions...), added...)
	return m
}

// viewer is what one SSH viewer's dashboard takes: the bell and the
// desktop notification go to that viewer's terminal (the session's
// renderer writes to their channel, and their TERM and environment say
// which notification it takes), never to the server's or another's.
func (m money) viewer(d server.SessionDeps) tui.Money {
	if d.Renderer == nil {
		return m.tui(nil, nil)
	}
	return m.tui(d.Renderer.Output(), d.Env)
}

// sessionAlerts is how serve rings alerts on a feed it does not replay
// itself. With --source live each dashboard session evaluates them on the
// live frames it reads (liveAlerts, as in selloff live), so a firing
// reaches every viewer, each with their own bell and notification, and
// once per crossing in each session. With --source nats:// the same for a
// live relay's frames (natsAlerts); a replay relay's firings are on the
// timeline the node rebuilds (natsSources). Nil for a replay (its firings
// are in its events already) or without alerts.
func (m money) sessionAlerts(source string) func(context.Context, <-chan feeds.Update) <-chan feeds.Update {
	if len(m.alerts) == 0 {
		return nil
	}
	switch {
	case source == "live":
		return func(ctx context.Context, in <-chan feeds.Update) <-chan feeds.Update {
			return liveAlerts(ctx, in, m)
		}
	case isNATSSource(source):
		return func(ctx context.Context, in <-chan feeds.Update) <-chan feeds.Update {
			return natsAlerts(ctx, in, m)
		}
	}
	return nil
}

// isNATSSource reports whether --source names a relay's feed.
func isNATSSource(source string) bool {
	return strings.HasPrefix(source, "nats://") || strings.HasPrefix(source, "tls://")
}
