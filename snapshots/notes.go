package snapshots

// Per-figure provenance. A symbol's row shows four kinds of figure: the
// price, the share count (hence the market value), the volume and the
// intraday path. FigureNotes says for each where it comes from and how far
// from the truth it is: the symbol's own Notes where the file has them,
// else what the header says (the price basis, the share count's source,
// the file's provenance and source), so recorded and imported files get
// the same answer from their headers.

// Figures in the order FigureNotes returns them.
var figureOrder = []string{FigurePrice, FigureShares, FigureVolume, FigureIntraday}

// FigureNotes returns the provenance of each figure of s, in the order
// price, shares, volume, intraday (shares only when s has a share count or
// a note for it). prov is the file's provenance; a derived note names the
// header field it comes from, and the file's source text (Header.Source)
// is for the caller to show once.
func FigureNotes(s Symbol, prov Provenance) []FigureNote {
	out := make([]FigureNote, 0, len(figureOrder))
	for _, fig := range figureOrder {
		if n, ok := noteFor(s, fig); ok {
			out = append(out, n)
			continue
		}
		if n, ok := derivedNote(s, fig, prov); ok {
			out = append(out, n)
		}
	}
	return out
}

func noteFor(s Symbol, fig string) (FigureNote, bool) {
	for _, n := range s.Notes {
		if n.Figure == fig {
			return n, true
		}
	}
	return FigureNote{}, false
}

// headerSource is how a derived note names where it comes from: the
// header field, the file's own source text being shown once beside them.
func headerSource(field string) string {
	return "file header, " + field + " (and the file's source)"
}

// derivedNote is the note a header implies for fig when the symbol has
// none.
func derivedNote(s Symbol, fig string, prov Provenance) (FigureNote, bool) {
	n := FigureNote{Figure: fig, Basis: BasisSourced, Source: headerSource("provenance " + string(prov))}
	switch fig {
	case FigurePrice:
		n.Source = headerSource("price_basis")
		if s.PriceBasis == BasisAdjusted {
			n.Basis = BasisAdjusted
			n.Detail = "dividend-adjusted values, not prices that traded: levels a little below the printed prices, percentage moves right (header: price_basis adjusted)"
		} else {
			n.Detail = "prices as the source printed them (header: price_basis " + orDash(s.PriceBasis) + ")"
		}
	case FigureShares:
		if s.Shares == nil {
			return FigureNote{}, false
		}
		n.Source = "file header, shares: " + orDash(s.Shares.Source)
		n.Detail = "shares outstanding as of " + orDash(s.Shares.AsOf)
		if s.Shares.Approximate {
			n.Basis = BasisApproximate
			n.Detail = "an approximate count (header: shares approximate), as of " + orDash(s.Shares.AsOf) + ": the market value is approximate too"
		}
	case FigureVolume:
		switch {
		case s.NoVolume:
			n.Source = headerSource("no_volume")
			n.Detail = "the source records no volume for this symbol: shown as unknown"
		case prov == Reconstructed:
			n.Basis = BasisModelled
			n.Detail = "per-minute volume is modelled; the day's total is the official one at the close"
		case prov == Recorded:
			n.Detail = "cumulative volume as the live feed reported it"
		default:
			n.Detail = "volume as in the imported bars"
		}
	case FigureIntraday:
		switch prov {
		case Reconstructed:
			n.Basis = BasisModelled
			n.Detail = "a reconstruction between real anchors (see the file's source), not a recording"
		case Recorded:
			n.Detail = "recorded from a live feed as it happened"
		default:
			n.Detail = "bars as in the imported files"
		}
	default:
		return FigureNote{}, false
	}
	return n, true
}

// Marked reports whether a figure is further from the truth than the
// file's provenance badge says, so that the dashboard marks it: adjusted,
// approximate and borrowed figures always; a modelled one unless it is the
// intraday path of a reconstruction (which is what RECONSTRUCTED says).
// A modelled volume is marked until the close, where the day's official
// total holds: that is for the caller, which knows the time.
func (n FigureNote) Marked(prov Provenance) bool {
	switch n.Basis {
	case BasisAdjusted, BasisApproximate, BasisBorrowed:
		return true
	case BasisModelled:
		return !(n.Figure == FigureIntraday && prov == Reconstructed)
	}
	return false
}
