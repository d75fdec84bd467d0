package main

import (
	"errors"
	"flag"
	"slices"
	"strings"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/portfolio"
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
	fs.Var(new(listFlag), "position", "a position SYM:SHARES@COST, e.g. NVDA:100@140 (repeatable; negative shares for a short; replaces the config's positions)")
	fs.Var(new(listFlag), "alert", `an alert such as "NVDA < 120", "basket < -1T" or "portfolio pnl < -5000" (repeatable; replaces the config's alerts)`)
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
