package snapshots

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Inspect prints a human-readable summary of s (what `selloff snapshot
// inspect` shows): the header, the symbols, the sessions, record counts,
// the time span and the events. name is how the snapshot was given (file
// path or embedded name). The output depends only on s.
func Inspect(w io.Writer, s *Snapshot, name string) error {
	p := &printer{w: w}
	h := s.Header
	loc := Location()

	title := h.Title
	if title == "" {
		title = "(untitled)"
	}
	p.printf("%s: %s\n", name, title)
	if h.Description != "" {
		for _, l := range wrap(h.Description, 76) {
			p.printf("  %s\n", l)
		}
	}
	p.printf("\n")
	tw := p.table()
	fmt.Fprintf(tw, "provenance\t[%s]  %s\n", strings.ToUpper(string(h.Provenance)), provenanceNote(h.Provenance))
	fmt.Fprintf(tw, "source\t%s\n", orDash(h.Source))
	fmt.Fprintf(tw, "format\t%s v%d\n", orDash(h.Format), h.Version)
	fmt.Fprintf(tw, "time zone\t%s\n", orDash(h.TimeZone))
	main := h.MainDay
	if main == "" && len(h.Sessions) > 0 {
		main = h.Sessions[0].Date + " (first session)"
	} else if d, err := time.Parse(time.DateOnly, main); err == nil {
		main += " (" + d.Format("Mon") + ")"
	}
	fmt.Fprintf(tw, "main day\t%s\n", orDash(main))
	created := "-"
	if !h.Created.IsZero() {
		created = h.Created.In(loc).Format("2006-01-02 15:04 MST")
	}
	fmt.Fprintf(tw, "created\t%s\n", created)
	p.flush(tw)

	p.printf("\nSymbols (%d)\n", len(h.Symbols))
	tw = p.table()
	fmt.Fprintln(tw, "  SYMBOL\tNAME\tKIND\tGROUPS\tBASIS\tSHARES")
	for _, sym := range h.Symbols {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", sym.Symbol, orDash(sym.Name), orDash(sym.Kind),
			orDash(strings.Join(sym.Groups, ",")), orDash(sym.PriceBasis), sharesText(sym, h.Symbols))
	}
	p.flush(tw)

	inspectNotes(p, h.Symbols)

	p.printf("\nSessions (%d)\n", len(h.Sessions))
	if len(h.Sessions) > 0 {
		tw = p.table()
		fmt.Fprintln(tw, "  DATE\tDAY\tOPEN\tCLOSE\tPREV CLOSES")
		for _, ss := range h.Sessions {
			day := "-"
			if d, err := time.Parse(time.DateOnly, ss.Date); err == nil {
				day = d.Format("Mon")
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d of %d\n", ss.Date, day, clock(ss.Open), clock(ss.Close), len(ss.PrevClose), len(h.Symbols))
		}
		p.flush(tw)
	}

	p.printf("\nRecords\n")
	tw = p.table()
	byInterval := map[string]int{}
	for _, b := range s.Bars {
		byInterval[b.Interval]++
	}
	intervals := make([]string, 0, len(byInterval))
	for iv := range byInterval {
		intervals = append(intervals, iv)
	}
	sort.Slice(intervals, func(i, j int) bool {
		di, _ := ParseInterval(intervals[i])
		dj, _ := ParseInterval(intervals[j])
		if di != dj {
			return di < dj
		}
		return intervals[i] < intervals[j]
	})
	var parts []string
	for _, iv := range intervals {
		parts = append(parts, iv+" "+thousands(int64(byInterval[iv])))
	}
	barsText := thousands(int64(len(s.Bars)))
	if len(parts) > 0 {
		barsText += "  (" + strings.Join(parts, ", ") + ")"
	}
	fmt.Fprintf(tw, "  bars\t%s\n", barsText)
	fmt.Fprintf(tw, "  quotes\t%s\n", thousands(int64(len(s.Quotes))))
	fmt.Fprintf(tw, "  events\t%s\n", thousands(int64(len(s.Events))))
	fmt.Fprintf(tw, "  unknown\t%s  (records of kinds this version does not know, skipped)\n", thousands(int64(s.Unknown)))
	fmt.Fprintf(tw, "  problems\t%s  (bad lines skipped)\n", thousands(int64(s.ProblemCount())))
	p.flush(tw)

	first, last := span(s)
	if first.IsZero() {
		p.printf("\nTime span: no records\n")
	} else {
		p.printf("\nTime span: %s to %s\n", first.In(loc).Format("2006-01-02 15:04 MST"), last.In(loc).Format("2006-01-02 15:04 MST"))
	}

	p.printf("\nEvents (%d, in the timeline's order and numbers)\n", len(s.Events))
	if len(s.Events) > 0 {
		tw = p.table()
		// the order of the chart, the timeline and [ ]: by placement (a
		// replay adds default sessions for days with bars; they close at
		// 16:00, as Placement assumes without one)
		evs := slices.Clone(s.Events)
		SortEvents(evs, s.Header.Sessions)
		for i, e := range evs {
			when := e.Time.In(loc)
			syms := ""
			if len(e.Symbols) > 0 {
				syms = "  [" + strings.Join(e.Symbols, " ") + "]"
			}
			fmt.Fprintf(tw, "  #%d\t%s\t%s\t%s%s\n", i+1, when.Format("2006-01-02 Mon"), timeWord(e), e.Title, syms)
			if len(e.Quotes) > 0 {
				qs := make([]string, 0, len(e.Quotes))
				for _, q := range e.Quotes {
					qs = append(qs, quoteText(q))
				}
				fmt.Fprintf(tw, "  \t\t\tquotes: %s\n", strings.Join(qs, ", "))
			}
		}
		p.flush(tw)
	}
	for _, wn := range s.Warnings {
		p.printf("\nwarning: %s\n", wn.Error())
	}
	return p.err
}

// timeWord is an event's time as the timeline shows it: "09:30", or the
// precision word ("morning", "afternoon", "evening", "(date)"), never a
// made-up clock time.
func timeWord(e Event) string {
	switch e.Precision {
	case PrecisionExact:
		return e.Time.In(Location()).Format("15:04")
	case PrecisionDate:
		return "(date)"
	}
	return e.Precision
}

// inspectNotes lists the figure notes that are further from the truth than
// "sourced", each distinct note once with the symbols it applies to.
func inspectNotes(p *printer, syms []Symbol) {
	type group struct {
		n    FigureNote
		syms []string
	}
	type key struct{ figure, basis, from, detail string }
	var groups []*group
	index := map[key]*group{}
	for _, s := range syms {
		for _, n := range s.Notes {
			if n.Basis == BasisSourced {
				continue
			}
			k := key{n.Figure, n.Basis, n.From, n.Detail} // sources differ; the claim is the same
			g := index[k]
			if g == nil {
				g = &group{n: n}
				index[k] = g
				groups = append(groups, g)
			}
			g.syms = append(g.syms, s.Symbol)
		}
	}
	if len(groups) == 0 {
		return
	}
	p.printf("\nFigure notes (%d: figures not as a source printed them)\n", len(groups))
	for _, g := range groups {
		head := g.n.Figure + " " + g.n.Basis
		if g.n.From != "" {
			head += " from " + g.n.From
		}
		p.printf("  %s: %s\n", head, strings.Join(g.syms, " "))
		for _, l := range wrap(g.n.Detail, 72) {
			p.printf("      %s\n", l)
		}
	}
}

// quoteText is one event quote in a line: "AVGO 199.60 (-18.4%)", with
// "low", "report", "pre" and "at 09:35" where they apply.
func quoteText(q EventQuote) string {
	parts := []string{q.Symbol}
	if q.Price != nil {
		parts = append(parts, strconv.FormatFloat(*q.Price, 'f', 2, 64))
	}
	if q.ChangePct != nil {
		v, cmp := *q.ChangePct, ""
		switch { // a bound as the source named it: "over 11%" is <-11%
		case q.Bound == BoundOver && v < 0, q.Bound == BoundUnder && v >= 0:
			v, cmp = v+q.TolerancePct, "<"
		case q.Bound == BoundOver, q.Bound == BoundUnder:
			v, cmp = v-q.TolerancePct, ">"
		}
		v = math.Round(v*1e4) / 1e4
		pct := strconv.FormatFloat(v, 'f', -1, 64) + "%"
		if v > 0 {
			pct = "+" + pct
		}
		pct = cmp + pct
		if q.Price != nil {
			pct = "(" + pct + ")"
		}
		parts = append(parts, pct)
	}
	for _, w := range []string{q.Extent, q.Session} {
		if w != "" {
			parts = append(parts, w)
		}
	}
	if q.At != nil {
		parts = append(parts, "at "+q.At.In(Location()).Format("01-02 15:04"))
	}
	return strings.Join(parts, " ")
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) table() *tabwriter.Writer {
	return tabwriter.NewWriter(errWriter{p}, 0, 0, 2, ' ', 0)
}

func (p *printer) flush(tw *tabwriter.Writer) {
	if err := tw.Flush(); err != nil && p.err == nil {
		p.err = err
	}
}

type errWriter struct{ p *printer }

func (e errWriter) Write(b []byte) (int, error) {
	if e.p.err != nil {
		return 0, e.p.err
	}
	n, err := e.p.w.Write(b)
	e.p.err = err
	return n, err
}

func provenanceNote(p Provenance) string {
	switch p {
	case Recorded:
		return "captured from a live feed as it happened"
	case Reconstructed:
		return "built from published facts; not a recording"
	case Imported:
		return "converted from someone else's bar files"
	}
	return ""
}

func sharesText(sym Symbol, all []Symbol) string {
	if sym.Shares == nil {
		if sym.Company != "" {
			for _, o := range all {
				if o.Symbol != sym.Symbol && o.Company == sym.Company && o.Shares != nil {
					return "counted on " + o.Symbol
				}
			}
		}
		if sym.NoVolume {
			return "-  (no volume data)"
		}
		return "-"
	}
	sh := sym.Shares
	s := thousands(sh.Count)
	var meta []string
	if sh.Approximate {
		s = "~" + s
		meta = append(meta, "approximate")
	}
	if sh.AsOf != "" {
		meta = append(meta, "as of "+sh.AsOf)
	}
	if sh.Source != "" {
		meta = append(meta, sh.Source)
	}
	if len(meta) > 0 {
		s += " (" + strings.Join(meta, ", ") + ")"
	}
	if sym.NoVolume {
		s += "  (no volume data)"
	}
	return s
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(Location()).Format("15:04")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// thousands formats n with comma separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(text) {
		if cur.Len() > 0 && cur.Len()+1+len(w) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// span is the earliest and latest record time.
func span(s *Snapshot) (first, last time.Time) {
	see := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	for _, b := range s.Bars {
		see(b.Time)
	}
	for _, q := range s.Quotes {
		see(q.Time)
	}
	for _, e := range s.Events {
		see(e.Time)
	}
	return first, last
}

// Validate reads a whole snapshot leniently and returns its problems, each
// FILE:LINE: reason: bad lines, a bad header (line 1), and a truncated end.
// It keeps the first MaxProblems bad lines (plus a truncated end) and
// counts the rest in more, so its memory stays bounded whatever the file.
// No problems means the file is good. The error is for input that could not
// be read at all (an I/O error), not for problems in it.
func Validate(r io.Reader, name string) (problems []Problem, more int, err error) {
	rd, err := NewReader(r, ReadOptions{Name: name})
	if err != nil {
		if p, ok := asProblem(err); ok {
			return []Problem{p}, 0, nil
		}
		return nil, 0, err
	}
	var rec Record
	for {
		err := rd.next(&rec)
		if err == nil {
			continue
		}
		problems, more := rd.Problems(), rd.MoreProblems()
		if errors.Is(err, io.EOF) {
			return problems, more, nil
		}
		if p, ok := asProblem(err); ok {
			return append(problems, p), more, nil
		}
		return problems, more, err
	}
}

func asProblem(err error) (Problem, bool) {
	var te *TruncatedError
	if errors.As(err, &te) {
		return Problem{File: te.File, Line: te.Line, Reason: "truncated: " + te.Reason}, true
	}
	var p Problem
	if errors.As(err, &p) {
		return p, true
	}
	return Problem{}, false
}
