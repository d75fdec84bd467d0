package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/common"
)

// listFlag is a repeatable string flag (--position A --position B).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, " ") }
func (l *listFlag) Set(s string) error {
	if len(*l) >= maxMoneyFlags {
		return usagef("at most %d of each of --position and --alert", maxMoneyFlags)
	}
	*l = append(*l, s)
	return nil
}
func (l *listFlag) Get() any { return []string(*l) }

// maxMoneyFlags bounds how many positions or alerts one command line may
// give (a config file is bounded by its size).
const maxMoneyFlags = 200

// moneyFlags are the flags of every dashboard command: the user's
// positions and alerts.
func moneyFlags(fs *flag.FlagSet) {
	fs.Var(new(listFlag), "position", "a position `SYM:SHARES@COST`, e.g. NVDA:100@140 (repeatable; negative shares for a short; replaces the config's positions)")
	fs.Var(new(listFlag), "alert", "an alert `EXPR` such as \"NVDA < 120\", \"basket < -1T\" or \"portfolio pnl < -5000\" (repeatable; replaces the config's alerts; grammar in README)")
	fs.Bool("quiet", false, "no bell when an alert fires")
}

// money is what a dashboard command values and watches for the user.
type money struct {
	positions []portfolio.Position
	alerts    []alert.Alert
	quiet     bool
}

// readMoney parses --position and --alert (each replaces the config's
// list when given); a bad one is a usage error naming it and its bad
// part, as is an alert about positions that are not held.
func readMoney(fs *flag.FlagSet, cfg *config.Config) (money, error) {
	m := money{quiet: get[bool](fs, "quiet")}
	if flags := get[[]string](fs, "position"); len(flags) > 0 {
		for _, s := range flags {
			p, err := portfolio.Parse(s)
			if err != nil {
				return money{}, usagef("--position %q: %v", s, err)
			}
			m.positions = append(m.positions, p)
		}
	} else {
		m.positions = cfg.Portfolio()
	}
	if flags := get[[]string](fs, "alert"); len(flags) > 0 {
		for _, s := range flags {
			a, err := alert.Parse(s)
			if err != nil {
				var e *alert.Error
				if errors.As(err, &e) {
					return money{}, usagef("--alert %q: %v\n%s", s, err, indent(e.Caret()))
				}
				return money{}, usagef("--alert %q: %v", s, err)
			}
			m.alerts = append(m.alerts, a)
		}
	} else {
		m.alerts = cfg.AlertList()
	}
	held := portfolio.Symbols(m.positions)
	for _, a := range m.alerts {
		switch {
		case a.Kind == alert.Portfolio && len(held) == 0:
			return money{}, usagef("alert %q is about your positions, and none are given (--position or positions: in the config)", a.Text)
		case a.Kind == alert.Symbol && a.NeedsPosition() && !slices.Contains(held, a.Symbol):
			return money{}, usagef("alert %q is about your position in %s, and you have none (--position %s:SHARES@COST)", a.Text, a.Symbol, a.Symbol)
		}
	}
	return m, nil
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// withAlerts evaluates the alerts over the snapshot's session days,
// minute by minute (alert.ScanSessions: what a replay would fire), and
// puts each firing on the timeline as a user event at its time. It
// returns the firings.
func (d *replayData) withAlerts(m money) ([]alert.Firing, error) {
	if len(m.alerts) == 0 {
		return nil, nil
	}
	fired := alert.ScanSessions(d.ds, m.alerts, m.positions, time.Minute)
	if len(fired) == 0 {
		return nil, nil
	}
	s := *d.snap
	s.Events = append(append([]snapshots.Event(nil), d.snap.Events...), alert.Events(fired)...) // the dataset sorts them
	ds, err := market.NewDataset(&s)
	if err != nil {
		return nil, err
	}
	d.snap, d.ds = &s, ds
	return fired, nil
}

// replayEvents is what a replay of ds fires, as timeline events (the
// scan withAlerts makes): a node fed by a replay relay adds them to the
// dataset it rebuilds (natsfeed.SubscriberOptions.ReplayEvents).
func (m money) replayEvents(ds *market.Dataset) []snapshots.Event {
	if len(m.alerts) == 0 {
		return nil
	}
	return alert.Events(alert.ScanSessions(ds, m.alerts, m.positions, time.Minute))
}

// tui is what the dashboard takes; the bell rings on w (nil: no bell),
// and a desktop notification goes to w when the terminal takes one
// (notifier; getenv nil: none).
func (m money) tui(w io.Writer, getenv func(string) string) tui.Money {
	tm := tui.Money{Positions: m.positions, Quiet: m.quiet}
	if w != nil && !m.quiet {
		tm.Bell = func() { _, _ = w.Write([]byte("\a")) }
	}
	if len(m.alerts) > 0 {
		tm.Notify = notifier(w, getenv)
	}
	return tm
}

// liveAlerts passes live updates on with the alerts evaluated on each
// frame as it arrives (alert.Watcher): each firing joins the timeline as a
// user event at the frame's time, on that frame and every later one. The
// frame is copied, never changed in place (frames are shared). Without
// alerts the channel is returned as it is.
func liveAlerts(ctx context.Context, in <-chan feeds.Update, m money) <-chan feeds.Update {
	return watchAlerts(ctx, in, m, false)
}

// natsAlerts is liveAlerts for a node fed by a relay: a live relay's
// frames are watched as liveAlerts does; a replay relay's pass on as they
// are (the node put the replay's firings on its timeline when it rebuilt
// the dataset: money.replayEvents), and a live run after one starts
// unarmed.
func natsAlerts(ctx context.Context, in <-chan feeds.Update, m money) <-chan feeds.Update {
	return watchAlerts(ctx, in, m, true)
}

func watchAlerts(ctx context.Context, in <-chan feeds.Update, m money, passReplay bool) <-chan feeds.Update {
	if len(m.alerts) == 0 {
		return in
	}
	out := make(chan feeds.Update)
	w := alert.NewWatcher(m.alerts, m.positions)
	go func() {
		defer close(out)
		var fired []snapshots.Event
		for u := range in {
			switch {
			case passReplay && u.Mode == feeds.ModeReplay:
				w.Reset()
				fired = nil
			case u.Frame != nil:
				if fs := w.Step(u.Frame); len(fs) > 0 {
					fired = append(fired, alert.Events(fs)...)
					if len(fired) > maxLiveFirings {
						fired = fired[len(fired)-maxLiveFirings:]
					}
				}
				if len(fired) > 0 {
					f := *u.Frame
					f.Events = append(append(make([]snapshots.Event, 0, len(f.Events)+len(fired)), f.Events...), fired...)
					sort.SliceStable(f.Events, func(i, j int) bool { return f.Events[i].Time.Before(f.Events[j].Time) })
					u.Frame = &f
				}
			}
			select {
			case out <- u:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// maxLiveFirings bounds the firings a live session keeps on its timeline.
const maxLiveFirings = 500

// portfolioText is the plain-text portfolio for `ssh ... summary`: a line
// per position and the totals ("" without positions).
func portfolioText(u feeds.Update, positions []portfolio.Position) string {
	if len(positions) == 0 || u.Frame == nil {
		return ""
	}
	s := portfolio.Value(u.Frame, positions)
	usd := func(v float64, signed bool) string {
		out := "$" + common.Number(math.Abs(v), 2)
		switch {
		case v < 0 && out != "$0.00":
			out = "-" + out
		case signed && out != "$0.00":
			out = "+" + out
		}
		return common.ASCII(out)
	}
	pct := func(v float64) string { return common.ASCII(common.Pct(v)) }
	var b strings.Builder
	b.WriteString("\nyour positions (last regular-session prices):\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, r := range s.Rows {
		head := fmt.Sprintf("%s\t%s @ %s", r.Symbol, strconv.FormatFloat(r.Shares, 'f', -1, 64), common.ASCII(common.Number(r.Cost, 2)))
		switch {
		case r.NotYet:
			fmt.Fprintf(tw, "%s\tnot held yet (lot %s)\n", head, r.Lot)
		case r.Missing != "":
			fmt.Fprintf(tw, "%s\tmissing: %s\n", head, r.Missing)
		default:
			today := "today unknown (no trade yet)"
			if r.TodayOK {
				today = "today " + usd(r.Today, true) + " " + pct(r.TodayPct)
			}
			fmt.Fprintf(tw, "%s\tvalue %s\t%s\ttotal %s %s\n", head, usd(r.Value, false), today, usd(r.Total, true), pct(r.TotalPct))
		}
	}
	_ = tw.Flush()
	if s.Valued == 0 {
		b.WriteString("portfolio: no position priced\n")
		return b.String()
	}
	today := "today unknown"
	if s.TodayOK() {
		today = "today " + usd(s.Today, true) + " " + pct(s.TodayPct)
	}
	fmt.Fprintf(&b, "portfolio: value %s, %s, total %s %s", usd(s.Value, false), today, usd(s.Total, true), pct(s.TotalPct))
	if len(s.Missing) > 0 {
		fmt.Fprintf(&b, " (partial: %s missing, not counted)", strings.Join(s.Missing, ", "))
	}
	b.WriteString("\n")
	return b.String()
}
