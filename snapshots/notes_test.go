package snapshots

import "testing"

// TestFigureNotes: without notes, the header alone says which figures are
// further from the truth than the file's provenance; with notes, the notes
// win.
func TestFigureNotes(t *testing.T) {
	orcl := Symbol{Symbol: "ORCL", PriceBasis: BasisAdjusted, Shares: &Shares{Count: 1, AsOf: "2024-11-30", Source: "FMP"}}
	arm := Symbol{Symbol: "ARM", PriceBasis: BasisPrinted, Shares: &Shares{Count: 1, Approximate: true}}
	idx := Symbol{Symbol: "^SOX", PriceBasis: BasisPrinted, NoVolume: true}
	marked := func(s Symbol, prov Provenance) map[string]string {
		out := map[string]string{}
		for _, n := range FigureNotes(s, prov) {
			if n.Marked(prov) {
				out[n.Figure] = n.Basis
			}
		}
		return out
	}
	cases := []struct {
		name string
		s    Symbol
		prov Provenance
		want map[string]string
	}{
		{"adjusted price, modelled volume", orcl, Reconstructed, map[string]string{FigurePrice: BasisAdjusted, FigureVolume: BasisModelled}},
		{"approximate shares", arm, Reconstructed, map[string]string{FigureShares: BasisApproximate, FigureVolume: BasisModelled}},
		{"no volume, no shares", idx, Reconstructed, map[string]string{}},
		{"recorded: nothing", Symbol{Symbol: "NVDA", PriceBasis: BasisPrinted}, Recorded, map[string]string{}},
		{"notes win", Symbol{Symbol: "AVGO", PriceBasis: BasisPrinted, Notes: []FigureNote{
			{Figure: FigureIntraday, Basis: BasisBorrowed, From: "^SOX"},
			{Figure: FigureVolume, Basis: BasisSourced},
		}}, Reconstructed, map[string]string{FigureIntraday: BasisBorrowed}},
	}
	for _, c := range cases {
		got := marked(c.s, c.prov)
		if len(got) != len(c.want) {
			t.Errorf("%s: marked %v, want %v", c.name, got, c.want)
			continue
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s: marked %v, want %v", c.name, got, c.want)
			}
		}
	}
	if ns := FigureNotes(orcl, Reconstructed); len(ns) != 4 || ns[0].Figure != FigurePrice || ns[0].Source == "" {
		t.Errorf("ORCL notes: %+v", ns)
	}
}
