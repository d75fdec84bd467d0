package market

import (
	"cmp"
	"slices"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// Player replays a dataset incrementally: it applies every observation (a
// bar opening, a bar completing, a daily bar opening or completing, a quote)
// in time order and keeps running per-symbol state. It is the "play from the
// start" counterpart of At, written independently of At's indexes: for every
// t, a Player advanced to t gives the same frame as At(t) (the property the
// tests check), and it is the fastest way to run through a whole dataset
// (headless benchmarks). A Player is not safe for concurrent use.
type Player struct {
	d    *Dataset
	st   *state
	bars [][]snapshots.Bar // per symbol: the intraday bars, a forming derived bar included
	tl   []tick
	pos  int
	now  int64
	syms []pstate
}

type tickKind uint8

// Kinds in tie order: at equal times the later kind wins, as in At.
const (
	tkDailyOpen tickKind = iota
	tkDailyClose
	tkBarClose
	tkBarOpen
	tkQuote
)

type tick struct {
	at   int64
	idx  int32 // index into the series array of kind
	sym  int32
	day  int32 // session index of the observation's date (-1: none)
	kind tickKind
	rank uint8 // tie order (daily opens and closes share a rank)
	reg  bool  // observed in a regular session
}

type pobs struct {
	price   float64
	at      int64
	ok      bool
	regular bool
}

type pstate struct {
	reg, any pobs
	day      int // session index of the accumulated date (-1: none)
	barsSeen bool
	open     float64 // first regular bar open of the date
	hi, lo   float64 // completed regular bars
	vol      int64
	partial  []int32 // regular bars opened, not yet complete
	qhi, qlo float64
	qvol     int64
	qseen    bool
	dOpen    float64 // the date's daily bar, once its open is known
	dDone    bool
	dBar     snapshots.Bar
	first    int32 // index of the date's first completed bar (-1: none)
	done     int32 // index of the date's last completed bar
	lastDone int   // index of the last completed daily bar (-1)
}

// NewPlayer returns a player at the very beginning of the dataset (before
// any observation) over the dataset's current contents.
func NewPlayer(d *Dataset) *Player {
	st := d.st.Load()
	p := &Player{d: d, st: st, bars: make([][]snapshots.Bar, len(st.series))}
	n := 0
	for i, sr := range st.series {
		p.bars[i] = sr.bars
		if sr.hasTail {
			p.bars[i] = append(slices.Clip(slices.Clone(sr.bars)), sr.tail)
		}
		n += 2*len(p.bars[i]) + 2*len(sr.daily) + len(sr.quotes)
	}
	p.tl = make([]tick, 0, n)
	for si, sr := range st.series {
		s := int32(si)
		for i, b := range p.bars[si] {
			s0 := sr.tailS // when the bar's open is known (a derived bar: its first quote)
			if i < len(sr.start) {
				s0 = sr.start[i]
			}
			day, reg := int32(st.dayOf(s0)), st.regularBar(s0)
			p.tl = append(p.tl,
				tick{at: s0, idx: int32(i), sym: s, day: day, kind: tkBarOpen, rank: 2, reg: reg},
				tick{at: b.End().UnixNano(), idx: int32(i), sym: s, day: day, kind: tkBarClose, rank: 1, reg: reg})
		}
		for i, b := range sr.daily {
			day := int32(st.dayOf(b.Time.UnixNano()))
			p.tl = append(p.tl,
				tick{at: sr.dOpen[i], idx: int32(i), sym: s, day: day, kind: tkDailyOpen, reg: true},
				tick{at: sr.dEnd[i], idx: int32(i), sym: s, day: day, kind: tkDailyClose, reg: true})
		}
		for i, q := range sr.quotes {
			t := q.Time.UnixNano()
			p.tl = append(p.tl, tick{at: t, idx: int32(i), sym: s, day: int32(st.dayOf(t)), kind: tkQuote, rank: 3, reg: st.quoteRegular(t, q.State)})
		}
	}
	// stable: within a symbol and kind, array order is kept on ties
	slices.SortStableFunc(p.tl, func(a, b tick) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.rank, b.rank)
	})
	p.Reset()
	return p
}

// Reset goes back to before the first observation.
func (p *Player) Reset() {
	p.pos = 0
	p.now = minInt64
	p.syms = make([]pstate, len(p.st.symbols))
	for i := range p.syms {
		p.syms[i] = pstate{day: -1, first: -1, lastDone: -1}
	}
}

const minInt64 = -1 << 63

// Len is the number of observations in the timeline.
func (p *Player) Len() int { return len(p.tl) }

// AdvanceTo applies every observation at or before t and returns how many
// it applied. Going backwards resets and plays again from the start.
func (p *Player) AdvanceTo(t time.Time) int {
	ns := t.UnixNano()
	if ns < p.now {
		p.Reset()
	}
	p.now = ns
	n := 0
	for p.pos < len(p.tl) && p.tl[p.pos].at <= ns {
		p.apply(p.tl[p.pos])
		p.pos++
		n++
	}
	return n
}

func (p *Player) see(ps *pstate, o pobs) {
	ps.any = o
	if o.regular {
		ps.reg = o
	}
}

// dayFor resets the accumulator when an observation of a later date comes.
// It reports whether the observation counts for the accumulated date: not
// when its date has no session, nor when it belongs to an earlier date (a
// bar that started before midnight and completes after it).
func (p *Player) dayFor(ps *pstate, day int32) bool {
	if day < 0 || int(day) < ps.day {
		return false
	}
	if int(day) != ps.day {
		*ps = pstate{reg: ps.reg, any: ps.any, day: int(day), first: -1, lastDone: ps.lastDone, partial: ps.partial[:0]}
	}
	return true
}

func (p *Player) apply(tk tick) {
	ps := &p.syms[tk.sym]
	sr := p.st.series[tk.sym]
	bars := p.bars[tk.sym]
	switch tk.kind {
	case tkBarOpen:
		b := &bars[tk.idx]
		p.see(ps, pobs{price: b.Open, at: tk.at, ok: true, regular: tk.reg})
		if p.dayFor(ps, tk.day) {
			ps.barsSeen = true
			if tk.reg {
				if ps.open == 0 {
					ps.open = b.Open
				}
				ps.partial = append(ps.partial, tk.idx)
			}
		}
	case tkBarClose:
		b := &bars[tk.idx]
		p.see(ps, pobs{price: b.Close, at: tk.at, ok: true, regular: tk.reg})
		if p.dayFor(ps, tk.day) {
			if ps.first < 0 {
				ps.first = tk.idx
			}
			ps.done = tk.idx
			if tk.reg {
				ps.hi = maxPos(ps.hi, b.High)
				ps.lo = minPos(ps.lo, b.Low)
				ps.vol += b.Volume
				if i := slices.Index(ps.partial, tk.idx); i >= 0 {
					ps.partial = slices.Delete(ps.partial, i, i+1)
				}
			}
		}
	case tkDailyOpen, tkDailyClose:
		b := &sr.daily[tk.idx]
		price := b.Open
		if tk.kind == tkDailyClose {
			price = b.Close
			ps.lastDone = int(tk.idx)
		}
		// ties with bars and quotes: they come later in the timeline and win
		p.see(ps, pobs{price: price, at: tk.at, ok: true, regular: true})
		if p.dayFor(ps, tk.day) {
			ps.dBar = *b
			if tk.kind == tkDailyOpen {
				ps.dOpen = b.Open
			} else {
				ps.dDone = true
			}
		}
	case tkQuote:
		q := &sr.quotes[tk.idx]
		p.see(ps, pobs{price: q.Price, at: tk.at, ok: true, regular: tk.reg})
		if p.dayFor(ps, tk.day) {
			if tk.reg {
				ps.qhi = maxPos(ps.qhi, q.Price)
				ps.qlo = minPos(ps.qlo, q.Price)
			}
			ps.qvol = q.Volume
			ps.qseen = true
		}
	}
}

// Frame returns the market at the player's time.
func (p *Player) Frame() *Frame {
	st := p.st
	ns := p.now
	n := len(st.symbols)
	f := &Frame{
		Time:       time.Unix(0, ns).In(snapshots.Location()),
		Title:      st.title,
		Source:     st.source,
		Provenance: st.prov,
		Sessions:   st.sessions,
		Session:    st.sessionAtOrBefore(ns),
		Symbols:    st.symbols,
		Quotes:     make([]Quote, n),
		Intraday:   make([][]snapshots.Bar, n),
		Daily:      make([][]snapshots.Bar, n),
		Events:     st.events,
	}
	state := marketState(st, ns)
	for i := range st.symbols {
		ps := &p.syms[i]
		sr := st.series[i]
		f.Daily[i] = sr.daily
		q := &f.Quotes[i]
		q.Symbol = st.symbols[i].Symbol
		q.State = state
		q.Source = p.d.source
		if ps.reg.ok {
			q.Price, q.HasPrice, q.Updated = ps.reg.price, true, time.Unix(0, ps.reg.at).In(snapshots.Location())
		}
		if ps.any.ok && !ps.any.regular && (!ps.reg.ok || ps.any.at > ps.reg.at) {
			q.ExtPrice, q.HasExt, q.Updated = ps.any.price, true, time.Unix(0, ps.any.at).In(snapshots.Location())
		}
		if q.HasPrice && state == snapshots.StateRegular && p.d.staleAfter > 0 && ns-q.Updated.UnixNano() > int64(p.d.staleAfter) {
			q.Stale = true
		}
		if f.Session < 0 {
			continue
		}
		q.Carried = ps.reg.ok && ps.reg.at < st.sess[f.Session].day
		if ps.day == f.Session {
			if ps.first >= 0 {
				f.Intraday[i] = p.bars[i][ps.first : ps.done+1 : ps.done+1]
			}
			q.Open, q.High, q.Low, q.Volume = ps.open, ps.hi, ps.lo, ps.vol
			for _, b := range ps.partial {
				o := p.bars[i][b].Open
				q.High = maxPos(q.High, o)
				q.Low = minPos(q.Low, o)
			}
			if ps.qseen {
				q.High = maxPos(q.High, ps.qhi)
				q.Low = minPos(q.Low, ps.qlo)
				q.Volume = max(q.Volume, ps.qvol)
			}
			if !ps.barsSeen {
				if ps.dOpen > 0 && q.Open == 0 {
					q.Open = ps.dOpen
				}
				if ps.dDone {
					q.High = maxPos(q.High, ps.dBar.High)
					q.Low = minPos(q.Low, ps.dBar.Low)
					q.Volume = max(q.Volume, ps.dBar.Volume)
				}
			}
		}
		q.PrevClose = st.sessions[f.Session].PrevClose[q.Symbol]
		if !(q.PrevClose > 0) {
			q.PrevClose = 0
			day := st.sess[f.Session].day
			for k := ps.lastDone; k >= 0; k-- {
				if sr.daily[k].Time.UnixNano() < day {
					q.PrevClose = sr.daily[k].Close
					break
				}
			}
		}
		if st.symbols[i].NoVolume {
			q.Volume = 0
		}
	}
	return f
}

// marketState is pre, regular, post or closed at ns.
func marketState(st *state, ns int64) string {
	if k := st.dayOf(ns); k >= 0 {
		s := st.sess[k]
		switch {
		case ns >= s.pre && ns < s.open:
			return snapshots.StatePre
		case ns >= s.open && ns < s.close:
			return snapshots.StateRegular
		case ns >= s.close && ns < s.post:
			return snapshots.StatePost
		}
	}
	return snapshots.StateClosed
}
