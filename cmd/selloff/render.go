package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/common"
)

// newRenderer makes the lipgloss renderer for output to w. auto detects the
// terminal and honours NO_COLOR; never gives plain text.
func newRenderer(w io.Writer, mode string) (*lipgloss.Renderer, error) {
	switch mode {
	case "never":
		r := lipgloss.NewRenderer(w)
		r.SetColorProfile(termenv.Ascii)
		return r, nil
	case "always":
		// The profile must be set on the renderer: termenv's option alone is
		// re-detected (and dropped) when w is not a terminal.
		r := lipgloss.NewRenderer(w)
		r.SetColorProfile(termenv.TrueColor)
		return r, nil
	case "", "auto":
		return lipgloss.NewRenderer(w), nil
	}
	return nil, usagef("--color %q: want auto, always or never", mode)
}

// replayData is a decoded snapshot ready to play: shared read-only by every
// viewer of this process.
type replayData struct {
	snap *snapshots.Snapshot
	ds   *market.Dataset
}

func loadReplayData(nameOrPath, eventsPath string, strict bool) (*replayData, error) {
	s, err := loadSnapshot(nameOrPath, strict)
	if err != nil {
		return nil, err
	}
	if err := withEvents(s, eventsPath); err != nil {
		return nil, err
	}
	ds, err := market.NewDataset(s)
	if err != nil {
		return nil, err
	}
	if _, _, ok := ds.Span(); !ok {
		return nil, noDataError(nameOrPath, s)
	}
	return &replayData{snap: s, ds: ds}, nil
}

// noDataError says why a snapshot has nothing to replay: its bars and
// quotes were all bad lines (say how many, and the first), or it holds a
// header and events only.
func noDataError(nameOrPath string, s *snapshots.Snapshot) error {
	if n := s.ProblemCount(); n > 0 && len(s.Problems) > 0 {
		return fmt.Errorf("%s: no bars or quotes to replay: %d bad line(s) skipped, the first %v (`selloff snapshot validate` lists them)",
			nameOrPath, n, s.Problems[0])
	}
	return fmt.Errorf("%s: no bars or quotes to replay (the file holds a header and events only)", nameOrPath)
}

// options are the replay options every replay of d starts from: the
// skipped-record count and a note when records of unknown kinds were
// passed over, so the status bar says the data is incomplete.
func (d *replayData) options() replay.Options {
	opt := replay.Options{Skipped: d.snap.ProblemCount()}
	if t, ok := d.dailyOnlyStart(); ok {
		// Daily bars only (a Yahoo daily download): nothing moves within a
		// day, so the replay opens on the last day's close, where its bar is
		// complete, paused; it used to play from the open into "end of
		// data" at once. The chart shows such days in the week view.
		opt.Start, opt.Paused = t, true
	}
	if n := d.snap.Unknown; n > 0 {
		opt.Note = fmt.Sprintf("%d records of unknown kinds skipped (written by a newer selloff?)", n)
	}
	for _, p := range d.snap.Problems {
		if p.Reason == truncatedReason {
			// a recording killed mid-write: say it is cut short, not that a
			// record was bad (the lines before the cut all replay)
			opt.Skipped--
			opt.Note = fmt.Sprintf("file cut short after line %d (a recording stopped mid-write?)", p.Line-1)
		}
	}
	return opt
}

// dailyOnlyStart is the close of the last session when the snapshot holds
// daily bars and nothing finer (no intraday bars, no quotes).
func (d *replayData) dailyOnlyStart() (time.Time, bool) {
	bars, daily, quotes := d.ds.Len()
	if bars > 0 || quotes > 0 || daily == 0 {
		return time.Time{}, false
	}
	_, end, ok := d.ds.Span()
	return end, ok
}

// at reads a --at time and checks that the snapshot covers it: a time on
// none of its days is refused with the span, never silently moved to its
// edge (the frame would show another day than the one asked for). A time
// on a covered day after the last record (a recording stopped early) is
// kept: the replay shows the last data, with its time.
//
// "now" is where a replay starts by itself (the zero time), as over SSH.
func (d *replayData) at(spec string) (time.Time, error) {
	if strings.EqualFold(strings.TrimSpace(spec), "now") {
		return time.Time{}, nil
	}
	t, err := snapshots.ParseTime(spec, d.snap.Header)
	if err != nil {
		return time.Time{}, usagef("--at: %v", err)
	}
	start, end, ok := d.ds.Span()
	if !ok {
		return t, nil
	}
	loc := snapshots.Location()
	start, end = market.Covered(start, end, d.snap.Header.Sessions)
	if t.Before(start) || t.After(end) {
		const layout = "Mon 2 Jan 2006 15:04"
		return time.Time{}, usagef("--at: %s ET is outside the snapshot, which covers %s to %s ET",
			t.In(loc).Format(layout), start.In(loc).Format(layout), end.In(loc).Format(layout))
	}
	return t, nil
}

// still is the update for one frame at t, exactly as a paused replay
// publishes it: what `render` and one-shots draw.
func (d *replayData) still(atSpec string) (feeds.Update, error) {
	t, err := d.at(atSpec)
	if err != nil {
		return feeds.Update{}, err
	}
	opt := d.options()
	if !t.IsZero() { // zero: "now", where the replay starts by itself
		opt.Start = t
	}
	opt.Paused = true
	rp, err := replay.New(d.ds, feeds.RealClock{}, opt)
	if err != nil {
		return feeds.Update{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	u, ok := <-rp.Subscribe(ctx)
	if !ok {
		return feeds.Update{}, fmt.Errorf("no frame at %s", atSpec)
	}
	return u, nil
}

func runRender(_ context.Context, a *app, fs *flag.FlagSet, args []string) error {
	name, err := oneArg(args, "snapshot")
	if err != nil {
		return err
	}
	w, h := get[int](fs, "width"), get[int](fs, "height")
	if w < 1 || h < 1 || w > 1000 || h > 500 {
		return usagef("--width and --height must be 1..1000 and 1..500 (got %dx%d)", w, h)
	}
	cfg, err := loadConfig(fs) // glyphs and events, as the dashboard takes them
	if err != nil {
		return err
	}
	g := pick(fs, "glyphs", cfg.Glyphs, "braille")
	if err := checkGlyphs(g); err != nil {
		return err
	}
	if err := checkFormat(fstr(fs, "format")); err != nil {
		return err
	}
	money, err := readMoney(fs, cfg)
	if err != nil {
		return err
	}
	r, err := newRenderer(a.stdout, fstr(fs, "color"))
	if err != nil {
		return err
	}
	d, err := loadReplayData(name, pick(fs, "events", cfg.Events, ""), false)
	if err != nil {
		return err
	}
	if _, err := d.withAlerts(money); err != nil {
		return err
	}
	opts := []tui.Option{tui.WithSpoilers(get[bool](fs, "spoilers")), tui.WithMoney(money.tui(nil, nil))}
	u, tr, step, err := d.renderedFrame(fs)
	if err != nil {
		return err
	}
	if tr != nil {
		u = d.tourLesson(u, tr, step)
	}
	draw := func(r *lipgloss.Renderer) string {
		if tr != nil { // a moment of a tour (tourcmd.go)
			return tui.RenderTour(u, tr, step, w, h, r, common.Glyphs(g), opts...)
		}
		return tui.RenderWith(u, w, h, r, common.Glyphs(g), opts...)
	}
	return writeFrame(a.stdout, fstr(fs, "format"), u, w, h, frameTitle(u), get[bool](fs, "spoilers"), r, draw)
}
