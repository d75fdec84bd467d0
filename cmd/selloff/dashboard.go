package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/log"
	"github.com/charmbracelet/x/term"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/common"
)

// loadConfig reads --config, or the default file if it exists.
func loadConfig(fs *flag.FlagSet) (*config.Config, error) {
	if p := fstr(fs, "config"); p != "" {
		return config.Load(p, true)
	}
	p, err := config.DefaultPath()
	if err != nil {
		return &config.Config{}, nil
	}
	return config.Load(p, false)
}

// pick returns the flag's value when set on the command line, else the
// config's, else def.
func pick(fs *flag.FlagSet, name, fromConfig, def string) string {
	if isSet(fs, name) {
		return fstr(fs, name)
	}
	if fromConfig != "" {
		return fromConfig
	}
	return def
}

// openLog returns a logger writing to path, or one that discards. Nothing
// may print to the terminal while the dashboard owns it.
func openLog(path string) (*log.Logger, func(), error) {
	if path == "" {
		return log.New(io.Discard), func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, err
	}
	return log.NewWithOptions(f, log.Options{ReportTimestamp: true}), func() { f.Close() }, nil
}

// needTerminal is the dashboard's check that it has a terminal. Commands
// call it after every usage check (a mistake in the command line is
// reported first) and before starting a source.
func (a *app) needTerminal() error {
	if !isTerminal(a.stdout) || !isTerminal(a.stdin) {
		return errors.New("the dashboard needs a terminal; to print one frame use `selloff render`")
	}
	return nil
}

// isTerminal reports whether f is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// dashboardSetup is what replay and live read before starting the
// program: the config, the glyphs (flag over config) and the log.
type dashboardSetup struct {
	cfg      *config.Config
	glyphs   string
	color    string // --color: auto, always or never
	logger   *log.Logger
	closeLog func()
	money    money
}

func openDashboard(fs *flag.FlagSet) (*dashboardSetup, error) {
	cfg, err := loadConfig(fs)
	if err != nil {
		return nil, err
	}
	glyphs := pick(fs, "glyphs", cfg.Glyphs, "braille")
	if err := checkGlyphs(glyphs); err != nil {
		return nil, err
	}
	m, err := readMoney(fs, cfg)
	if err != nil {
		return nil, err
	}
	logger, closeLog, err := openLog(pick(fs, "log-file", cfg.LogFile, ""))
	if err != nil {
		return nil, err
	}
	return &dashboardSetup{cfg: cfg, glyphs: glyphs, color: fstr(fs, "color"), logger: logger, closeLog: closeLog, money: m}, nil
}

// runDashboard runs the interactive program until the user quits or ctx
// ends (a signal).
func runDashboard(ctx context.Context, a *app, updates <-chan feeds.Update, ctl feeds.Controller, ds *dashboardSetup, opts ...tui.Option) error {
	if err := a.needTerminal(); err != nil {
		return err
	}
	r, err := newRenderer(a.stdout, ds.color)
	if err != nil {
		return err
	}
	glyphs, logger := ds.glyphs, ds.logger
	switch ds.cfg.Theme {
	case "dark":
		r.SetHasDarkBackground(true)
	case "light":
		r.SetHasDarkBackground(false)
	} // auto: the renderer asks the terminal
	m := tui.New(tui.Deps{
		Renderer: r,
		Updates:  updates,
		Control:  ctl,
		Now:      time.Now,
		Glyphs:   common.Glyphs(glyphs),
		Logger:   logger,
	}, append(opts, tui.WithMoney(ds.money.tui(a.stdout, a.getenv)))...)
	defer m.Close()
	p := tea.NewProgram(m,
		tea.WithAltScreen(),
		// Replay publishes at most 4 frames a second; 20 fps keeps keys
		// snappy and the renderer's own ticker cheap while paused.
		tea.WithFPS(20),
		tea.WithMouseCellMotion(),
		tea.WithContext(ctx),
		tea.WithInput(a.stdin),
		tea.WithOutput(a.stdout),
	)
	_, err = p.Run()
	return dashboardErr(err)
}

// dashboardErr is the command's error for how the program ended: nil when
// a signal ended it (the terminal is restored), an error after a panic
// (bubbletea wraps ErrProgramPanic in ErrProgramKilled, which alone would
// read as a clean exit 0).
func dashboardErr(err error) error {
	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		return errors.New("the dashboard stopped on an internal error (the log file, if any, has the stack)")
	case errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled):
		return nil
	}
	return err
}

func runReplay(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	name, err := oneArg(args, "snapshot")
	if err != nil {
		return err
	}
	ds, err := openDashboard(fs)
	if err != nil {
		return err
	}
	defer ds.closeLog()
	cfg, logger := ds.cfg, ds.logger
	d, err := loadReplayData(name, pick(fs, "events", cfg.Events, ""), get[bool](fs, "strict"))
	if err != nil {
		return err
	}
	if _, err := d.withAlerts(ds.money); err != nil {
		return err
	}
	opt := d.options()
	opt.Speed = get[float64](fs, "speed")
	opt.Paused = opt.Paused || get[bool](fs, "paused")
	opt.Loop = get[bool](fs, "loop")
	if at := fstr(fs, "at"); at != "" {
		t, err := d.at(at)
		if err != nil {
			return err
		}
		if !t.IsZero() { // zero: "now", where the replay starts by itself
			opt.Start = t
		}
	}
	opts := []tui.Option{tui.WithSpoilers(get[bool](fs, "spoilers"))}
	tr, err := d.loadTour(fstr(fs, "tour"))
	if err != nil {
		return err // a bad tour stops here, before anything starts
	}
	if tr != nil {
		opt.Paused = true // the tour's steps run the clock
		opts = append(opts, tui.WithTour(tr, time.After))
	}
	if err := a.needTerminal(); err != nil {
		return err
	}
	for _, p := range d.snap.Problems {
		logger.Warn("skipped", "problem", p.Error())
	}
	if line := snapshots.MoreProblemsLine(d.snap.MoreProblems); line != "" {
		logger.Warn("skipped", "problem", line)
	}
	rp, err := replay.New(d.ds, feeds.RealClock{}, opt)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rp.Start(ctx)
	if tr != nil {
		src, ctl := d.tourParty(rp)
		return runDashboard(ctx, a, src.Subscribe(ctx), ctl, ds, opts...)
	}
	return runDashboard(ctx, a, rp.Subscribe(ctx), rp, ds, opts...)
}
