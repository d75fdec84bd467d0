package chart

import (
	"math"

	"github.com/NimbleMarkets/ntcharts/canvas/runes"
)

// volume draws per-column volume bars in the volume rows.
func (d *drawer) volume(p *plot, cols []float64, future []bool) {
	if p.vh <= 0 {
		return
	}
	mx := 0.0
	for _, v := range cols {
		mx = math.Max(mx, v)
	}
	if mx <= 0 {
		return
	}
	for c, v := range cols {
		f := v / mx * float64(p.vh)
		st := stVolume
		if future != nil && future[c] {
			st = stFuture
		}
		for r := 0; r < p.vh; r++ {
			fill := math.Min(f-float64(r), 1)
			if fill <= 0 {
				break
			}
			var ch rune
			fut := future != nil && future[c]
			switch {
			case d.ascii():
				switch {
				case fut && fill >= 0.15:
					ch = ':' // after the frame's time: lighter than '#'
				case fill >= 0.5:
					ch = '#'
				case fill >= 0.15:
					ch = '.'
				}
			case fut && d.monochrome():
				ch = '░' // without colour the dim style does not show: a light shade does
			default:
				ch = runes.LowerBlockElementFromFloat64(fill)
			}
			if ch != 0 && ch != runes.Null {
				d.g.set(c, p.volTop+p.vh-1-r, ch, st)
			}
		}
	}
}

// candle is one OHLC bucket at a column.
type candle struct {
	col        int
	o, h, l, c float64
	st         uint8
}

// candles draws candlesticks: ntcharts' candlestick runes, or ASCII
// wicks '|' and bodies 'O' (up) / '#' (down).
func (d *drawer) candles(p *plot, cs []candle) {
	if d.ascii() {
		for _, c := range cs {
			rh, rl := p.row(c.h), p.row(c.l)
			bt, bb := p.row(math.Max(c.o, c.c)), p.row(math.Min(c.o, c.c))
			body := 'O'
			if c.c < c.o {
				body = '#'
			}
			for r := rh; r <= rl; r++ {
				ch := '|'
				if r >= bt && r <= bb {
					ch = body
				}
				d.g.set(c.col, p.top+r, ch, c.st)
			}
		}
		return
	}
	scale := func(v float64) float64 {
		if p.hi <= p.lo {
			return 0
		}
		return math.Min(math.Max((v-p.lo)/(p.hi-p.lo)*float64(p.h), 0), float64(p.h)-0.001)
	}
	col := make([]rune, p.h)
	for _, c := range cs {
		clear(col)
		candleColumn(col, scale(c.l), scale(math.Min(c.o, c.c)), scale(math.Max(c.o, c.c)), scale(c.h))
		for y, r := range col {
			if r != 0 {
				d.g.set(c.col, p.top+y, r, c.st)
			}
		}
	}
}

// candleColumn draws one candlestick into a column of runes (index 0 at
// the top) from heights in rows above the bottom: ntcharts'
// graph.DrawCandlestickBottomToTop, on a rune column instead of a canvas
// (a canvas cell carries a whole lipgloss.Style; a chart of them costs
// 1.6 MB a frame).
func candleColumn(col []rune, l, bl, bh, h float64) {
	n := len(col)
	put := func(row int, r rune) {
		y := n - 1 - row
		if y < 0 || y >= n {
			return
		}
		if runes.IsCandlestick(col[y]) {
			r = runes.CombineCandlesticks(col[y], r)
		}
		col[y] = r
	}
	lf := math.Floor(l)
	lr := rune(runes.LineUp)
	if l-lf < 0.5 {
		lr = runes.LineDown
	}
	put(int(lf), lr)
	blf := math.Floor(bl)
	blr := rune(runes.LineUpHeavy)
	if bl-blf < 0.5 {
		blr = runes.LineDownHeavy
	}
	if lf < blf {
		put(int(lf), runes.LineUp)
		if blr == runes.LineUpHeavy {
			blr = runes.LineUpHeavyDown
		}
	}
	for i := int(lf + 1); i < int(blf); i++ {
		put(i, runes.LineVertical)
	}
	put(int(blf), blr)
	bhf := math.Floor(bh)
	bhr := rune(runes.LineDownHeavy)
	if bh-bhf >= 0.5 {
		bhr = runes.LineUpHeavy
	}
	if blf < bhf {
		put(int(blf), runes.LineUpHeavy)
		if bhr == runes.LineUpHeavy {
			bhr = runes.LineVerticalHeavy
		}
	}
	for i := int(blf + 1); i < int(bhf); i++ {
		put(i, runes.LineVerticalHeavy)
	}
	put(int(bhf), bhr)
	hf := math.Floor(h)
	hr := rune(runes.LineDown)
	if h-hf >= 0.5 {
		hr = runes.LineUp
	}
	if bhf < hf {
		put(int(bhf), runes.LineUp)
		if hr == runes.LineUp {
			hr = runes.LineVertical
		}
	}
	for i := int(bhf + 1); i < int(hf); i++ {
		put(i, runes.LineVertical)
	}
	put(int(hf), hr)
}
