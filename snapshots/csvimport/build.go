package csvimport

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// ---------------------------------------------------------------------------
// Building the snapshot

var knownETFs = map[string]string{
	"SPY": "SPDR S&P 500 ETF Trust", "QQQ": "Invesco QQQ Trust", "SMH": "VanEck Semiconductor ETF",
	"SOXX": "iShares Semiconductor ETF", "DIA": "SPDR Dow Jones Industrial Average ETF",
	"IWM": "iShares Russell 2000 ETF", "VOO": "Vanguard S&P 500 ETF", "VTI": "Vanguard Total Stock Market ETF",
	"IVV": "iShares Core S&P 500 ETF", "XLK": "Technology Select Sector SPDR Fund",
	"XLF": "Financial Select Sector SPDR Fund", "XLE": "Energy Select Sector SPDR Fund",
	"XLU": "Utilities Select Sector SPDR Fund", "XLV": "Health Care Select Sector SPDR Fund",
	"XLY": "Consumer Discretionary Select Sector SPDR Fund", "XLP": "Consumer Staples Select Sector SPDR Fund",
	"XLI": "Industrial Select Sector SPDR Fund", "XLC": "Communication Services Select Sector SPDR Fund",
	"VGT": "Vanguard Information Technology ETF", "TQQQ": "ProShares UltraPro QQQ",
	"SQQQ": "ProShares UltraPro Short QQQ", "SOXL": "Direxion Daily Semiconductor Bull 3X",
	"SOXS": "Direxion Daily Semiconductor Bear 3X", "ARKK": "ARK Innovation ETF",
	"GLD": "SPDR Gold Shares", "TLT": "iShares 20+ Year Treasury Bond ETF", "EEM": "iShares MSCI Emerging Markets ETF",
}

var knownIndices = map[string]string{
	"^GSPC": "S&P 500", "^IXIC": "Nasdaq Composite", "^SOX": "PHLX Semiconductor Index",
	"^DJI": "Dow Jones Industrial Average", "^NDX": "Nasdaq-100", "^VIX": "CBOE Volatility Index",
	"^RUT": "Russell 2000",
	"SPX":  "S&P 500", "IXIC": "Nasdaq Composite", "SOX": "PHLX Semiconductor Index", "NDX": "Nasdaq-100",
	"DJI": "Dow Jones Industrial Average", "VIX": "CBOE Volatility Index", "RUT": "Russell 2000",
}

func guessKind(sym string) (kind, name string) {
	if n, ok := knownIndices[sym]; ok {
		return snapshots.KindIndex, n
	}
	if strings.HasPrefix(sym, "^") {
		return snapshots.KindIndex, sym
	}
	if n, ok := knownETFs[sym]; ok {
		return snapshots.KindETF, n
	}
	return snapshots.KindEquity, sym
}

func (im *importer) build() (*snapshots.Snapshot, error) {
	// Time, then symbol order, then interval, then input order (file, then
	// line) so the first of repeated rows wins. Sorting indices keeps the
	// big structs still.
	order := make([]int32, len(im.bars))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		a, b := &im.bars[i], &im.bars[j]
		if a.at != b.at {
			return cmp.Compare(a.at, b.at)
		}
		if a.sym != b.sym {
			return cmp.Compare(a.sym, b.sym)
		}
		if a.Interval != b.Interval {
			return strings.Compare(a.Interval, b.Interval)
		}
		return cmp.Compare(i, j) // bars were appended in file, then line order
	})
	bars := make([]snapshots.Bar, 0, len(im.bars))
	keptFrom := make([]*keyedBar, 0, len(im.bars))
	for _, i := range order {
		b := &im.bars[i]
		if n := len(keptFrom); n > 0 {
			p := keptFrom[n-1]
			if p.sym == b.sym && p.Interval == b.Interval && p.at == b.at {
				differ := ""
				if p.Open != b.Open || p.High != b.High || p.Low != b.Low || p.Close != b.Close || p.Volume != b.Volume {
					differ = ", values differ"
				}
				where := fmt.Sprintf("line %d", p.line)
				if p.file != b.file {
					where = fmt.Sprintf("%s:%d", im.fileName(p.file), p.line)
				}
				im.problem(b.file, b.line, "%s %s %s: duplicate of %s%s; dropped", b.Symbol, b.Interval,
					b.Time.In(snapshots.Location()).Format("2006-01-02 15:04"), where, differ)
				im.stats.duplicates++
				continue
			}
		}
		keptFrom = append(keptFrom, b)
		bars = append(bars, b.Bar)
		acc := &im.symInfo[b.sym]
		acc.bars++
		if acc.volByInterval == nil {
			acc.volByInterval = map[string]bool{}
		}
		if b.Volume > 0 {
			acc.volume = true
			acc.volByInterval[b.Interval] = true
		} else if !acc.volByInterval[b.Interval] {
			acc.volByInterval[b.Interval] = false
		}
		im.files[b.file].bars++
	}
	if len(bars) == 0 {
		return nil, fmt.Errorf("import: no bars left to import (%d rows read, %d problems)", im.stats.rows, im.nProblems)
	}

	h := snapshots.Header{
		Provenance:  snapshots.Imported,
		TimeZone:    snapshots.ExchangeZone,
		Title:       im.opt.Title,
		Description: im.opt.Description,
		Created:     im.opt.Created,
	}
	if h.Created.IsZero() {
		h.Created = time.Now().UTC().Truncate(time.Second)
	}
	var mixed []string
	for i, sym := range im.symbols {
		acc := im.symInfo[i]
		if acc.bars == 0 {
			if im.filter[sym] {
				im.problem(-1, 0, "%s: asked for but no bars found", sym)
			}
			continue
		}
		kind, name := guessKind(sym)
		s := snapshots.Symbol{Symbol: sym, Name: name, Kind: kind, Currency: "USD", PriceBasis: snapshots.BasisPrinted}
		if acc.adjusted {
			s.PriceBasis = snapshots.BasisAdjusted
			if acc.printed {
				mixed = append(mixed, sym)
				im.problem(-1, 0, "%s: some rows are printed prices and some adjusted; basis marked adjusted", sym)
			}
		}
		if !acc.volume {
			s.NoVolume = true
		}
		h.Symbols = append(h.Symbols, s)
	}
	h.Sessions = im.sessions(bars)
	if im.opt.MainDay != "" {
		found := false
		for _, s := range h.Sessions {
			if s.Date == im.opt.MainDay {
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("import: main day %s is not among the imported sessions (%s to %s)",
				im.opt.MainDay, h.Sessions[0].Date, h.Sessions[len(h.Sessions)-1].Date)
		}
		h.MainDay = im.opt.MainDay
	} else {
		h.MainDay = h.Sessions[len(h.Sessions)-1].Date
	}
	if h.Title == "" {
		h.Title = im.title(h)
	}
	h.Source = im.source(h, mixed)
	return &snapshots.Snapshot{Header: h, Bars: bars}, nil
}

// sessions lists the exchange dates that have bars. A session's PrevClose
// for a symbol is its daily close, else its last intraday close before
// 16:00, on the date before — where the dates before include those of
// dropped rows, so a day whose rows were all dropped leaves the next day's
// previous close missing rather than a stale one.
func (im *importer) sessions(bars []snapshots.Bar) []snapshots.Session {
	loc := snapshots.Location()
	type day struct {
		date  int                // YYYYMMDD
		bars  bool               // has kept bars (a session)
		daily map[string]float64 // daily closes on this date
		intra map[string]float64 // last intraday close before 16:00
	}
	byDate := map[int]*day{}
	get := func(date int) *day {
		d := byDate[date]
		if d == nil {
			d = &day{date: date, daily: map[string]float64{}, intra: map[string]float64{}}
			byDate[date] = d
		}
		return d
	}
	for _, b := range bars { // in time order: the last intraday bar wins
		t := b.Time.In(loc)
		y, m, dd := t.Date()
		d := get(y*10000 + int(m)*100 + dd)
		d.bars = true
		if b.Interval == "1d" {
			d.daily[b.Symbol] = b.Close
		} else if t.Hour() < 16 {
			d.intra[b.Symbol] = b.Close
		}
	}
	for date := range im.droppedDates {
		get(date)
	}
	days := make([]*day, 0, len(byDate))
	for _, d := range byDate {
		days = append(days, d)
	}
	slices.SortFunc(days, func(a, b *day) int { return cmp.Compare(a.date, b.date) })
	var kept []string
	for i, s := range im.symbols {
		if im.symInfo[i].bars > 0 {
			kept = append(kept, s)
		}
	}
	out := make([]snapshots.Session, 0, len(days))
	for i, dd := range days {
		if !dd.bars {
			continue
		}
		y, m, d := dd.date/10000, time.Month(dd.date/100%100), dd.date%100
		s := snapshots.Session{
			Date:  fmt.Sprintf("%04d-%02d-%02d", y, m, d),
			Open:  time.Date(y, m, d, 9, 30, 0, 0, loc),
			Close: time.Date(y, m, d, 16, 0, 0, 0, loc),
		}
		if i > 0 {
			prev := days[i-1]
			for _, sym := range kept {
				v, ok := prev.daily[sym]
				if !ok {
					v, ok = prev.intra[sym]
				}
				if ok {
					if s.PrevClose == nil {
						s.PrevClose = map[string]float64{}
					}
					s.PrevClose[sym] = v
				}
			}
		}
		out = append(out, s)
	}
	return out
}

func (im *importer) title(h snapshots.Header) string {
	ivs := map[string]bool{}
	var list []string
	for _, f := range im.files {
		for _, iv := range f.intervals {
			if !ivs[iv] {
				ivs[iv] = true
				list = append(list, iv)
			}
		}
	}
	sort.Slice(list, func(i, j int) bool { return intervalLess(list[i], list[j]) })
	for i, iv := range list {
		if iv == "1d" {
			list[i] = "daily"
		}
	}
	what := fmt.Sprintf("%d symbols", len(h.Symbols))
	if len(h.Symbols) <= 3 {
		names := make([]string, len(h.Symbols))
		for i, s := range h.Symbols {
			names[i] = s.Symbol
		}
		what = strings.Join(names, ", ")
	}
	span := h.Sessions[0].Date
	if n := len(h.Sessions); n > 1 {
		span += " to " + h.Sessions[n-1].Date
	}
	return fmt.Sprintf("Imported %s bars: %s, %s", strings.Join(list, " + "), what, span)
}

func intervalLess(a, b string) bool {
	da, _ := snapshots.ParseInterval(a)
	db, _ := snapshots.ParseInterval(b)
	return da < db
}

// source is the header's free text: the inputs and what was dropped or
// assumed, so a reader of the file knows what it holds.
func (im *importer) source(h snapshots.Header, mixed []string) string {
	var b strings.Builder
	b.WriteString("Imported by selloff from ")
	for i, f := range im.files {
		if i > 0 {
			b.WriteString("; ")
		}
		iv := strings.Join(f.intervals, ",")
		if iv == "" {
			iv = "no bars"
		}
		fmt.Fprintf(&b, "%s (%d rows, %d %s bars", path.Base(strings.ReplaceAll(f.name, `\`, "/")), f.rows, f.bars, iv)
		if im.naiveUTC[i] {
			b.WriteString(", times without offset read as UTC")
		}
		b.WriteString(")")
	}
	b.WriteString(". ")
	st := im.stats
	dropped := st.missing + st.bad + st.outOfRange + st.duplicates
	if dropped == 0 {
		b.WriteString("No rows dropped.")
	} else {
		fmt.Fprintf(&b, "Dropped %d rows: %d with a price missing, %d with a bad value, %d outside [low, high], %d duplicates.",
			dropped, st.missing, st.bad, st.outOfRange, st.duplicates)
	}
	if st.unsorted > 0 {
		fmt.Fprintf(&b, " %d rows were out of time order and were sorted.", st.unsorted)
	}
	if st.filtered > 0 {
		fmt.Fprintf(&b, " %d rows of other symbols skipped.", st.filtered)
	}
	if len(st.unknownVol) > 0 {
		syms := make([]string, 0, len(st.unknownVol))
		total := 0
		for s, n := range st.unknownVol {
			if _, kept := im.symIndex[s]; kept && im.symInfo[im.symIndex[s]].bars > 0 {
				syms = append(syms, s)
				total += n
			}
		}
		if total > 0 {
			sort.Slice(syms, func(i, j int) bool { return im.symIndex[syms[i]] < im.symIndex[syms[j]] })
			parts := make([]string, len(syms))
			for i, s := range syms {
				parts[i] = fmt.Sprintf("%s %d", s, st.unknownVol[s])
			}
			fmt.Fprintf(&b, " Volume unknown (stored as 0) on %d rows: %s.", total, strings.Join(parts, ", "))
		}
	}
	var novol, adj []string
	for _, s := range h.Symbols {
		if s.NoVolume {
			novol = append(novol, s.Symbol)
		}
		if s.PriceBasis == snapshots.BasisAdjusted {
			adj = append(adj, s.Symbol)
		}
	}
	if len(novol) > 0 {
		fmt.Fprintf(&b, " No volume recorded for %s.", strings.Join(novol, ", "))
	}
	// Symbols with volume in some intervals only (an index's daily volume
	// but zero on its intraday bars): NoVolume cannot say that.
	partial := map[string][]string{} // interval -> symbols
	var ivs []string
	for i, sym := range im.symbols {
		acc := im.symInfo[i]
		if !acc.volume {
			continue
		}
		for iv, has := range acc.volByInterval {
			if !has {
				if partial[iv] == nil {
					ivs = append(ivs, iv)
				}
				partial[iv] = append(partial[iv], sym)
			}
		}
	}
	slices.SortFunc(ivs, func(a, b string) int {
		if intervalLess(a, b) {
			return -1
		}
		if intervalLess(b, a) {
			return 1
		}
		return 0
	})
	for _, iv := range ivs {
		fmt.Fprintf(&b, " No volume on the %s bars of %s.", iv, strings.Join(partial[iv], ", "))
	}
	if len(adj) > 0 {
		fmt.Fprintf(&b, " Dividend-adjusted prices for %s.", strings.Join(adj, ", "))
	}
	if len(mixed) > 0 {
		fmt.Fprintf(&b, " Mixed printed and adjusted rows for %s.", strings.Join(mixed, ", "))
	}
	b.WriteString(" Sessions assumed 09:30-16:00 exchange time.")
	return b.String()
}
