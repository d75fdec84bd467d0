package deepseek

import (
	"fmt"
	"strings"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// Per-figure provenance (Symbol.Notes): where each figure of a row comes
// from and how far from the truth it is, for the provenance view.

// Sources of the daily bars, as the fact sheet's section 1 names them.
const (
	srcGW  = "GW: yfinance printed prices, growwanalysis/nasdaq100 @ 51b1d5b data/<T>.csv"
	srcHK  = "HK: IBKR daily bars, heliar-k/market-base @ ea74518 data/"
	srcUS  = "US: yfinance dividend-adjusted prices, 0Ustinian0/Project0 @ 5246e91 data/SP500/<T>.csv"
	linkGW = "https://github.com/growwanalysis/nasdaq100"
	linkHK = "https://github.com/heliar-k/market-base"
	linkUS = "https://github.com/0Ustinian0/Project0"
	linkFM = "https://github.com/hamletj/finance_assistant"
)

// dailySource is the daily table's source for each symbol (selloff-facts §1).
var dailySource = map[string]string{
	"NVDA": srcGW, "AVGO": srcGW, "TSM": srcHK, "ASML": srcGW, "AMD": srcGW, "ARM": srcGW,
	"MRVL": srcGW, "MU": srcGW, "SMCI": srcUS, "ORCL": srcUS, "VST": srcUS, "CEG": srcGW,
	"MSFT": srcGW, "GOOGL": srcGW, "META": srcGW, "AMZN": srcGW, "AAPL": srcGW,
	"QQQ": srcHK, "SPY": srcHK, "^IXIC": srcHK, "^GSPC": srcHK, "^SOX": srcHK,
}

func linkOf(src string) string {
	switch src {
	case srcGW:
		return linkGW
	case srcUS:
		return linkUS
	}
	return linkHK
}

// notes builds the provenance notes of one symbol. donors maps each session
// day to the series whose shape it borrowed ("" for its own facts).
func (f *facts) notes(s symbolInfo, donors map[string]string) []snapshots.FigureNote {
	src := dailySource[s.sym]
	var out []snapshots.FigureNote
	price := snapshots.FigureNote{Figure: snapshots.FigurePrice, Basis: snapshots.BasisSourced,
		Source: "daily OHLC, selloff-daily-ohlcv.md (" + src + ")", Link: linkOf(src),
		Detail: "prices that traded; the daily open, high, low and close are exact"}
	switch {
	case s.basis == basisAdjusted:
		price.Basis = snapshots.BasisAdjusted
		price.Detail = "dividend-adjusted values, not prices that traded: levels a little below the printed prices " +
			"(by the dividends paid up to the file's date), percentage moves right (selloff-facts §7)"
	case s.sym == "SMCI":
		price.Detail = "from a dividend-adjusted file, but SMCI pays no dividend: the values are the printed prices"
	}
	out = append(out, price)

	if sh := s.shares; sh != nil {
		n := snapshots.FigureNote{Figure: snapshots.FigureShares, Basis: snapshots.BasisSourced, Source: sh.Source, Link: linkHK,
			Detail: "the count on the filing's cover page as of " + sh.AsOf}
		switch {
		case strings.HasPrefix(sh.Source, fmpWA):
			n.Link = linkFM
			n.Detail = "a quarterly weighted average, not the count on the day: a weaker source than a cover page (selloff-facts §7)"
		case sh.Source == memo:
			n.Link = ""
		}
		switch {
		case s.sym == "TSM":
			n.Basis = snapshots.BasisApproximate
			n.Detail = "FMP's Q4 2024 weighted average read as ADR equivalents (1 ADR = 5 ordinary shares): " +
				"that reading and the ratio are the fact sheet's, unsourced, so the market value may be off by as much as the reading is"
		case sh.Approximate:
			n.Basis = snapshots.BasisApproximate
			n.Detail = fmt.Sprintf("a round figure from memory (%.2fB), not found in any source reached: "+
				"the market value is approximate, perhaps off by several percent", float64(sh.Count)/1e9)
		}
		if len(sh.Classes) > 0 && !f.hasSymbols(sh.Classes) {
			n.Basis = snapshots.BasisApproximate
			n.Detail = "all of Alphabet's classes (A 5,833M + B 860M + C 5,497M, 10-K cover page, as of " + sh.AsOf + "); " +
				"this snapshot has no GOOG, so the class C shares are valued at the class A price. " +
				"GOOG closed about 1% above GOOGL on 27 Jan: the market value reads about 0.5% low, " +
				"and the day's loss about $1.5B too big (-$102.4B against -$100.9B with each class at its own price)"
		}
		out = append(out, n)
	}

	if !s.noVolume {
		d := "each minute's volume is the day's consolidated volume spread over a U-shaped profile (busy open, " +
			"closing auction) with noise; the minutes of a day sum exactly to the official total, so the cumulative " +
			"volume is right at the 16:00 close and modelled before it"
		if s.kind == snapshots.KindIndex {
			d += "; an index's daily volume is as the source stores it, not verified"
		}
		out = append(out, snapshots.FigureNote{Figure: snapshots.FigureVolume, Basis: snapshots.BasisModelled,
			Source: "daily volume, selloff-daily-ohlcv.md (" + src + ")", Link: linkOf(src), Detail: d})
	}

	intraday := snapshots.FigureNote{Figure: snapshots.FigureIntraday, Basis: snapshots.BasisModelled,
		Source: "half-hour checkpoint closes and high/low bars of real IBKR 5-minute bars, selloff-intraday-checkpoints.md (HK)",
		Link:   linkHK,
		Detail: "the 1-minute path passes exactly through the real checkpoint closes and touches the day's high and low " +
			"in their real 5-minute bars (on 27 Jan also the whole first 5-minute bar); the minutes between are a seeded random bridge"}
	// "^SOX (27, 28 Jan), AMZN (24 Jan)": each donor once, with its days.
	var order []string
	days := map[string][]string{}
	for _, day := range SessionDays {
		if d := donors[day]; d != "" {
			if days[d] == nil {
				order = append(order, d)
			}
			days[d] = append(days[d], day)
		}
	}
	var borrowed []string
	for _, d := range order {
		var ds []string
		for _, day := range days[d] {
			ds = append(ds, strings.TrimSuffix(shortDay(day), " Jan"))
		}
		borrowed = append(borrowed, d+" ("+strings.Join(ds, ", ")+" Jan)")
	}
	if len(borrowed) > 0 {
		intraday.Basis = snapshots.BasisBorrowed
		intraday.From = strings.Join(borrowed, ", ")
		intraday.Source = "no intraday facts for " + s.sym + " (selloff-intraday-checkpoints.md): the checkpoint shape and " +
			"high/low bar times of another series, mapped onto " + s.sym + "'s own daily range"
		intraday.Detail = "only the daily open, high, low and close are real; the path between borrows the shape of " +
			intraday.From + ". Rebuilt this way, series with real bars land about 0.5% from their real 5-minute closes " +
			"on average and up to about 4% at worst (each rebuilt from its proxy with its own bars left out)"
	}
	if f.pinned(s.sym) {
		// No figure, time or event here: the provenance view is read at
		// any time of the replay, and the quotes are the timeline's to
		// show once their events are reached.
		intraday.Detail += "; pinned to the figures events quote (see the timeline)"
	}
	out = append(out, intraday)
	return out
}

// hasSymbols reports whether every class trades as a symbol of the snapshot.
func (f *facts) hasSymbols(cs []snapshots.ShareClass) bool {
	for _, c := range cs {
		found := false
		for _, s := range symbolTable {
			found = found || s.sym == c.Symbol
		}
		if !found {
			return false
		}
	}
	return true
}

// pinned reports whether an event quote pins sym's path on some day.
func (f *facts) pinned(sym string) bool {
	for _, day := range SessionDays {
		if len(f.pins[day][sym]) > 0 {
			return true
		}
	}
	return false
}

// shortDay turns "2025-01-27" into "27 Jan".
func shortDay(day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return t.Format("2 Jan")
}
