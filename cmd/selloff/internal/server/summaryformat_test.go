package server

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// TestSummaryFormats: `ssh host summary --format json|csv` prints the
// frame's data and the watchlist table; an unknown format is a usage error.
func TestSummaryFormats(t *testing.T) {
	ts := startServer(t, nil)
	c := mustDial(t, ts.addr)

	out, errOut, code := run(t, c, "summary --at close --format json")
	if code != 0 {
		t.Fatalf("summary json: code %d err %q", code, errOut)
	}
	var d struct {
		SchemaVersion int `json:"schema_version"`
		Symbols       []struct {
			Symbol    string   `json:"symbol"`
			Last      *float64 `json:"last"`
			ChangePct *float64 `json:"change_pct"`
		} `json:"symbols"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("summary json is not JSON: %v\n%s", err, out)
	}
	if d.SchemaVersion != 1 || len(d.Symbols) == 0 {
		t.Fatalf("summary json: %+v", d)
	}
	for _, s := range d.Symbols {
		if s.Symbol == "ZZZ" && s.Last != nil {
			t.Errorf("ZZZ has no price but json says %v", *s.Last)
		}
		if s.Symbol == "NVDA" && (s.Last == nil || s.ChangePct == nil) {
			t.Errorf("NVDA without figures")
		}
	}

	out, errOut, code = run(t, c, "summary --format csv")
	if code != 0 {
		t.Fatalf("summary csv: code %d err %q", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 1+len(d.Symbols) || recs[0][1] != "symbol" {
		t.Fatalf("summary csv: %v %d records\n%s", err, len(recs), out)
	}

	_, errOut, code = run(t, c, "summary --format yaml")
	if code != 2 || !strings.Contains(errOut, "usage:") {
		t.Errorf("summary --format yaml: code %d err %q", code, errOut)
	}
}
