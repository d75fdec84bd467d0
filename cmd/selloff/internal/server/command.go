package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
)

const usage = `usage: ssh -p PORT HOST [command]

  (no command, with a terminal)   the dashboard (replay or live, as served)
  render [--at WHEN] [--width W] [--height H] [--color auto|always|never]
         [--position SYM:SHARES@COST ...]
                                  print one frame of the dashboard and exit
                                  (auto: colour with a terminal, ssh -t)
  summary [--at WHEN] [--format text|json|csv] [--position SYM:SHARES@COST ...]
                                  print the watchlist as a plain table (or the
                                  frame's data as JSON, the watchlist as CSV)
  help                            this text

--position (repeatable) adds a position of yours to this command's frame
only; in the dashboard, P adds one for your session.

WHEN (replay only): now (default), open, close, HH:MM (market time, the
frame's day), or YYYY-MM-DDTHH:MM (market time). In a watch party, now is
the party's clock, and while a question to the room is open no WHEN may
be past the time its answers lock (no peeking).
`

// runCommand runs a one-shot command and returns the exit status: 0 done,
// 1 failed, 2 usage.
func (s *Server) runCommand(ss *session, sess ssh.Session, args []string) int {
	stdout, stderr := io.Writer(sess), sess.Stderr()
	if len(args) == 0 {
		_, _ = io.WriteString(stderr, "selloff: the dashboard needs a terminal (ssh -t), or give a command.\n\n"+usage)
		return 2
	}
	ctx, cancel := context.WithTimeout(ss.ctx, s.cfg.CommandTimeout)
	defer cancel()
	ss.log.Info("command", "args", strings.Join(args, " "))
	switch args[0] {
	case "help", "-h", "--help":
		_, _ = io.WriteString(stdout, usage)
		return 0
	case "render":
		fs := newFlags("render", stderr)
		at := fs.String("at", "now", "when")
		w := fs.Int("width", 0, "width")
		h := fs.Int("height", 0, "height")
		color := fs.String("color", "auto", "auto, always or never")
		var ps []portfolio.Position
		positionFlag(fs, &ps)
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
			_, _ = io.WriteString(stderr, usage)
			return 2
		}
		if len(ps) > 0 && s.cfg.RenderPositions == nil {
			_, _ = io.WriteString(stderr, "selloff: render: --position is not supported by this server\n")
			return 2
		}
		r, ok := commandRenderer(sess, *color)
		if !ok {
			_, _ = fmt.Fprintf(stderr, "selloff: render: --color %q: want auto, always or never\n\n%s", clip(*color, 40), usage)
			return 2
		}
		if *w < 0 || *h < 0 {
			// 0 means "the terminal's"; a negative size is a mistake
			_, _ = fmt.Fprintf(stderr, "selloff: render: --width and --height must not be negative (got %dx%d)\n\n%s", *w, *h, usage)
			return 2
		}
		win := ssh.Window{Width: 100, Height: 30}
		if p, _, ok := sess.Pty(); ok {
			win = p.Window
		}
		if *w > 0 {
			win.Width = *w
		}
		if *h > 0 {
			win.Height = *h
		}
		win = s.clampWindow(win)
		u, err := s.updateAt(ctx, *at)
		if err != nil {
			_, _ = fmt.Fprintf(stderr, "selloff: render: %v\n", err)
			return 1
		}
		out, err := s.safeRender(u, win.Width, win.Height, r, ps)
		if err != nil {
			ss.log.Error("render", "err", err)
			_, _ = fmt.Fprintln(stderr, "selloff: render: internal error")
			return 1
		}
		_, _ = io.WriteString(stdout, strings.TrimRight(out, "\n")+"\n"+FeedLine(u))
		return 0
	case "summary":
		fs := newFlags("summary", stderr)
		at := fs.String("at", "now", "when")
		format := fs.String("format", "text", "text, json or csv")
		var ps []portfolio.Position
		positionFlag(fs, &ps)
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 || !summaryFormatOK(*format) {
			_, _ = io.WriteString(stderr, usage)
			return 2
		}
		if len(ps) > 0 && s.cfg.SummaryExtra == nil {
			_, _ = io.WriteString(stderr, "selloff: summary: --position is not supported by this server\n")
			return 2
		}
		u, err := s.updateAt(ctx, *at)
		if err != nil {
			_, _ = fmt.Fprintf(stderr, "selloff: summary: %v\n", err)
			return 1
		}
		_ = writeSummary(stdout, *format, u)
		if *format == "text" && s.cfg.SummaryExtra != nil {
			_, _ = io.WriteString(stdout, s.cfg.SummaryExtra(u, ps))
		}
		return 0
	}
	_, _ = fmt.Fprintf(stderr, "selloff: unknown command %q\n\n%s", clip(args[0], 40), usage)
	return 2
}

// commandRenderer is the renderer of a one-shot render: --color never (or
// auto without a terminal, or with NO_COLOR) gives plain text, always and
// auto on a terminal give 256 colours on a dark background (a one-shot
// does not query the terminal: the answer would land in its output).
func commandRenderer(sess ssh.Session, mode string) (*lipgloss.Renderer, bool) {
	_, _, pty := sess.Pty()
	switch {
	case mode == "never" || mode == "auto" && (!pty || noColor(sess)):
		return plainRenderer(sess), true
	case mode == "always" || mode == "auto":
		r := lipgloss.NewRenderer(sess, termenv.WithProfile(termenv.ANSI256), termenv.WithUnsafe())
		r.SetColorProfile(termenv.ANSI256)
		r.SetHasDarkBackground(true)
		return r, true
	}
	return nil, false
}

// maxCommandPositions bounds --position on one command.
const maxCommandPositions = 200

// positionFlag adds the repeatable --position SYM:SHARES@COST to fs,
// read by portfolio.Parse (a bad one fails the parse, naming its part).
func positionFlag(fs *flag.FlagSet, ps *[]portfolio.Position) {
	fs.Func("position", "a position SYM:SHARES@COST (repeatable)", func(v string) error {
		if len(*ps) >= maxCommandPositions {
			return fmt.Errorf("at most %d positions", maxCommandPositions)
		}
		p, err := portfolio.Parse(v)
		if err != nil {
			return err
		}
		*ps = append(*ps, p)
		return nil
	})
}

func newFlags(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {}
	return fs
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}

func (s *Server) safeRender(u feeds.Update, w, h int, r *lipgloss.Renderer, ps []portfolio.Position) (out string, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("panic in Render: %v", rec)
		}
	}()
	if len(ps) > 0 && s.cfg.RenderPositions != nil {
		return s.cfg.RenderPositions(u, w, h, r, s.cfg.Glyphs, ps), nil
	}
	return s.cfg.Render(u, w, h, r, s.cfg.Glyphs), nil
}

// updateAt returns the update a one-shot command prints: the source's
// current state (in a watch party, the party's clock), or (replay) the
// state at a given time, on a private replay so no viewer's clock moves.
func (s *Server) updateAt(ctx context.Context, at string) (feeds.Update, error) {
	src := s.cfg.Sources
	var rs feeds.Source
	var ctl feeds.Controller
	at = strings.TrimSpace(at)
	now := at == "" || strings.EqualFold(at, "now")
	if s.cfg.WatchParty && now {
		// the party's clock: where the presenter has it, paused or not
		return s.partyNow(ctx)
	}
	if src.PerSession != nil {
		var err error
		if rs, ctl, err = src.PerSession(ctx); err != nil {
			return feeds.Update{}, err
		}
	} else {
		rs = src.Shared
	}
	ch := rs.Subscribe(ctx)
	u, err := next(ctx, ch)
	if err != nil {
		return u, err
	}
	if now {
		return u, nil
	}
	if ctl == nil {
		return u, fmt.Errorf("--at %s needs a replay source (this server is %s)", at, u.Mode)
	}
	cmd, err := parseAt(at, u.Frame)
	if err != nil {
		return u, err
	}
	if s.party != nil {
		// no peeking over SSH either, while a question's answers are open
		if lim, ok := s.party.Limit(); ok && !cmd.At.Before(lim) {
			return u, noPeeking(lim)
		}
	}
	if c := u.Clock; c != nil && !c.Start.IsZero() {
		// as the CLI does: a day the snapshot does not cover is refused,
		// not moved to the edge of the data in silence
		lo, hi := market.Covered(c.Start, c.End, u.Frame.Sessions)
		if cmd.At.Before(lo) || cmd.At.After(hi) {
			const layout = "Mon 2 Jan 2006 15:04"
			return u, fmt.Errorf("--at: %s ET is outside the snapshot, which covers %s to %s ET",
				cmd.At.In(snapshots.Location()).Format(layout), lo.Format(layout), hi.Format(layout))
		}
	}
	// Pause first, so the only update after the seek is the seek's own.
	if err := ctl.Control(feeds.Command{Op: feeds.OpPause}); err != nil {
		return u, err
	}
	for u.Clock == nil || !u.Clock.Paused {
		if u, err = next(ctx, ch); err != nil {
			return u, err
		}
	}
	seq := u.Seq
	if err := ctl.Control(cmd); err != nil {
		return u, err
	}
	for u.Seq <= seq {
		if u, err = next(ctx, ch); err != nil {
			return u, err
		}
	}
	return u, nil
}

// partyNow is the watch party's current update: the shared replay's
// state, with the seat (who presents) as a viewer that does not present
// sees it.
func (s *Server) partyNow(ctx context.Context) (feeds.Update, error) {
	u, err := next(ctx, s.cfg.Sources.Shared.Subscribe(ctx))
	if err != nil {
		return u, err
	}
	if u.Clock != nil {
		c := *u.Clock
		c.Party = true
		c.Presenter = s.party.Presenter()
		c.Follows = c.Presenter != ""
		l := s.party.Status("")
		c.Lesson = &l
		u.Clock = &c
	}
	return u, nil
}

func next(ctx context.Context, ch <-chan feeds.Update) (feeds.Update, error) {
	select {
	case u, ok := <-ch:
		if !ok {
			return u, errors.New("the source stopped")
		}
		if u.Frame == nil {
			return u, errors.New("the source sent no frame")
		}
		return u, nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return feeds.Update{}, errors.New("timed out waiting for data")
		}
		return feeds.Update{}, errors.New("session ended")
	}
}

// parseAt turns --at into a seek, read as the rest of the app reads times
// (snapshots.ParseTime): HH:MM on the frame's day, a date and time, RFC
// 3339, or that day's open or close; all in market time.
func parseAt(at string, f *market.Frame) (feeds.Command, error) {
	h := snapshots.Header{Sessions: f.Sessions}
	if s, ok := f.CurrentSession(); ok {
		h.MainDay = s.Date
	} else if !f.Time.IsZero() {
		h.MainDay = f.Time.In(snapshots.Location()).Format("2006-01-02")
	}
	t, err := snapshots.ParseTime(at, h)
	if err != nil {
		return feeds.Command{}, fmt.Errorf("--at: %w", err)
	}
	return feeds.Command{Op: feeds.OpSeek, At: t}, nil
}

// Summary prints a frame's watchlist as a plain table: symbol, last,
// change, % change and market-value change in billions. Unknown values are
// "-", never 0.
func Summary(u feeds.Update) string {
	f := u.Frame
	var b strings.Builder
	if f == nil {
		return "no data\n"
	}
	title := f.Title
	if title == "" {
		title = "selloff"
	}
	fmt.Fprintf(&b, "%s  %s ET  (%s", title, f.Time.In(snapshots.Location()).Format("2006-01-02 15:04"), u.Mode)
	if f.Provenance != "" && u.Mode != feeds.ModeLive && u.Mode != feeds.ModeRecording {
		// a replay's data is recorded, reconstructed or imported; live data
		// is just live ("live, recorded" read as if it were being recorded)
		fmt.Fprintf(&b, ", %s", f.Provenance)
	}
	b.WriteString(")\n")
	b.WriteString(FeedLine(u))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "SYMBOL\tLAST\tCHG\t%CHG\tΔ$B\t\n")
	for i, sym := range f.Symbols {
		if i >= len(f.Quotes) {
			break
		}
		q := f.Quotes[i]
		last, chg, pct, dv := "-", "-", "-", "-"
		if q.HasPrice {
			last = common.ASCII(common.Price(q.Price))
		}
		if abs, p, ok := q.Change(); ok {
			chg = common.ASCII(common.Change(abs, q.Price))
			pct = common.ASCII(common.Pct(p))
		}
		if vc, ok := f.MarketValue(i); ok {
			dv = billions(vc.Delta)
		}
		if q.Stale && q.HasPrice {
			last += "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", sym.Symbol, last, chg, pct, dv)
	}
	_ = tw.Flush()
	basket := f.Basket(nil)
	if len(basket.Items) > 0 {
		fmt.Fprintf(&b, "basket %s across %d companies", common.ASCII(common.Dollars(basket.Delta)), len(basket.Items))
		if len(basket.Missing) > 0 {
			fmt.Fprintf(&b, " (no share count: %s)", strings.Join(basket.Missing, ", "))
		}
		b.WriteString("\n")
	}
	if hasStale(f) {
		b.WriteString("* stale quote\n")
	}
	return b.String()
}

// FeedLine says why a live frame may be empty or old: the feed's state,
// detail and last error in full, one line ("" when a replay is healthy).
func FeedLine(u feeds.Update) string {
	h := u.Health
	live := u.Mode == feeds.ModeLive || u.Mode == feeds.ModeRecording
	if !live && (h.State == feeds.HealthOK || h.State == "") && h.LastErr == "" {
		return ""
	}
	state := string(h.State)
	if state == "" {
		state = string(feeds.HealthOK)
	}
	line := "feed: " + state
	if h.Detail != "" {
		line += " (" + h.Detail + ")"
	}
	if h.LastErr != "" {
		line += "; error"
		if !h.ErrAt.IsZero() {
			line += " at " + h.ErrAt.In(snapshots.Location()).Format("15:04:05")
		}
		line += ": " + h.LastErr
	}
	return common.ASCII(line) + "\n"
}

func hasStale(f *market.Frame) bool {
	for _, q := range f.Quotes {
		if q.Stale && q.HasPrice {
			return true
		}
	}
	return false
}

// billions formats a dollar change in billions with one decimal: "-531.2",
// "+3.1", "0.0".
func billions(v float64) string {
	b := v / 1e9
	if math.Abs(b) < 0.05 {
		return "0.0"
	}
	s := strconv.FormatFloat(b, 'f', 1, 64)
	if b > 0 {
		s = "+" + s
	}
	return s
}
