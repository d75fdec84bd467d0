package yahoo

// What Live and Fetch take from Yahoo's quote for the snapshot's symbols.

import (
	"time"

	"github.com/selloff/selloff/snapshots"
)

// fillSymbolsLocked completes the configured symbols with what Yahoo says.
func (l *Live) fillSymbolsLocked(set QuoteSet, now time.Time) {
	asOf := now.In(snapshots.Location()).Format(time.DateOnly)
	for i := range l.symbols {
		s := &l.symbols[i]
		q, ok := set.Quotes[s.Symbol]
		if !ok {
			continue
		}
		if s.Kind == "" && q.Kind == "" {
			s.Kind = snapshots.KindEquity
		}
		if s.Currency == "" {
			s.Currency = q.Currency
		}
		if s.PriceBasis == "" {
			s.PriceBasis = snapshots.BasisPrinted
		}
		if !fillFromQuote(s, q, l.opt.KeepShares) {
			continue
		}
		if sh := sharesOf(q, asOf); sh != nil {
			s.Shares = sh
		}
	}
}

// fillFromQuote completes s's kind and name from Yahoo's quote and
// reports whether Yahoo's share count may be taken for it: an equity, not
// a share class whose company count is carried by another symbol, and not
// a symbol whose count is the user's (keep).
func fillFromQuote(s *snapshots.Symbol, q Quote, keep map[string]bool) bool {
	if s.Kind == "" {
		s.Kind = q.Kind
	}
	if s.Name == "" {
		s.Name = q.Name
	}
	return s.Kind == snapshots.KindEquity && (s.Company == "" || s.Shares != nil) && !keep[s.Symbol]
}

// sharesOf turns a quote's share count into snapshot shares (nil: none).
func sharesOf(q Quote, asOf string) *snapshots.Shares {
	if q.Shares <= 0 {
		return nil
	}
	sh := &snapshots.Shares{Count: q.Shares, AsOf: asOf, Source: "Yahoo quote sharesOutstanding"}
	if q.SharesFromCap {
		// said by the decoder, not guessed from marketCap == price x shares,
		// which holds for most real sharesOutstanding answers too
		sh.Source = "Yahoo quote marketCap / price"
		sh.Approximate = true
	}
	return sh
}
