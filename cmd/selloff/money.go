package main

import (
	"flag"
	"strings"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
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
}

// money is what a dashboard command values and watches for the user.
type money struct {
	positions []portfolio.Position
}

// readMoney parses --position (which replaces the config's positions when
// given) and returns the user's positions; a bad one is a usage error
// naming it and its bad part.
func readMoney(fs *flag.FlagSet, cfg *config.Config) (money, error) {
	var m money
	flags := get[[]string](fs, "position")
	if len(flags) == 0 {
		m.positions = cfg.Portfolio()
		return m, nil
	}
	for _, s := range flags {
		p, err := portfolio.Parse(s)
		if err != nil {
			return money{}, usagef("--position %q: %v", s, err)
		}
		m.positions = append(m.positions, p)
	}
	return m, nil
}
