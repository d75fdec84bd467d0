package config

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/portfolio"
)

// Position is one entry of `positions:`, a lot:
//
//	positions:
//	  - symbol: NVDA
//	    shares: 100      # negative for a short
//	    cost: 140.00     # per share
//	    lot: 2024-06-03  # optional: the date the lot was opened
type Position struct {
	portfolio.Position
	Line int // where the entry starts in the file
}

// UnmarshalYAML reads one entry, checking each field where it is written
// so that an error names its line.
func (p *Position) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return lineError{n.Line, "positions: each entry is a mapping with symbol, shares and cost (and an optional lot date)"}
	}
	p.Line = n.Line
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return lineError{k.Line, fmt.Sprintf("positions: %s is given twice in one entry", quote(k.Value))}
		}
		seen[k.Value] = true
		if v.Kind != yaml.ScalarNode {
			return lineError{v.Line, fmt.Sprintf("positions: %s: want a single value", k.Value)}
		}
		val := strings.TrimSpace(v.Value)
		switch k.Value {
		case "symbol":
			p.Symbol = strings.ToUpper(val)
		case "shares", "cost":
			x, err := strconv.ParseFloat(strings.TrimPrefix(val, "$"), 64)
			if err != nil {
				return lineError{v.Line, fmt.Sprintf("positions: %s %s is not a number", k.Value, quote(v.Value))}
			}
			if k.Value == "shares" {
				p.Shares = x
			} else {
				p.Cost = x
			}
		case "lot":
			p.Lot = val
		default:
			return lineError{k.Line, fmt.Sprintf("positions: unknown key %s (want symbol, shares, cost, lot)", quote(k.Value))}
		}
	}
	for _, need := range []string{"symbol", "shares", "cost"} {
		if !seen[need] {
			return lineError{n.Line, fmt.Sprintf("positions: the entry has no %s (want symbol, shares and cost)", need)}
		}
	}
	if err := p.Check(); err != nil {
		return lineError{n.Line, fmt.Sprintf("positions: %s: %v", quote(p.Symbol), err)}
	}
	return nil
}

// Portfolio returns the configured positions as the portfolio package
// takes them.
func (c *Config) Portfolio() []portfolio.Position {
	out := make([]portfolio.Position, len(c.Positions))
	for i, p := range c.Positions {
		out[i] = p.Position
	}
	return out
}

// Alert is one entry of `alerts:`, an expression in the grammar of
// package alert ("NVDA < 120", "basket < -1T").
type Alert struct {
	alert.Alert
	Line int
}

// UnmarshalYAML parses the expression where it is written.
func (a *Alert) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineError{n.Line, `alerts: each entry is an expression such as "NVDA < 120"`}
	}
	x, err := alert.Parse(n.Value)
	if err != nil {
		return lineError{n.Line, fmt.Sprintf("alerts: %s: %v", quote(n.Value), err)}
	}
	a.Alert, a.Line = x, n.Line
	return nil
}

// AlertList returns the configured alerts.
func (c *Config) AlertList() []alert.Alert {
	out := make([]alert.Alert, len(c.Alerts))
	for i, a := range c.Alerts {
		out[i] = a.Alert
	}
	return out
}
