package yahoo

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

// TestContractRealYahoo talks to the real Yahoo. It runs only with
// SELLOFF_LIVE_TEST=1 and never in CI: it needs the network, and Yahoo may
// rate-limit or change at any time (that is what it is there to notice).
func TestContractRealYahoo(t *testing.T) {
	if os.Getenv("SELLOFF_LIVE_TEST") != "1" {
		t.Skip("contract test against the real Yahoo: set SELLOFF_LIVE_TEST=1 to run it (needs the network; never in CI)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opt := Options{Clock: feeds.RealClock{}, BaseURL: os.Getenv("SELLOFF_YAHOO_URL")}
	for _, s := range Doctor(ctx, opt, "NVDA") {
		t.Logf("doctor %-6s ok=%v %s %v", s.Name, s.OK, s.Detail, s.Err)
		if !s.OK {
			t.Errorf("doctor step %s failed: %v", s.Name, s.Err)
		}
	}
	c := NewClient(NewBackend(opt))
	set, err := c.Quotes(ctx, []string{"NVDA", "^GSPC", "SMH", "NOSUCHSYMBOLXYZ"})
	if err != nil {
		t.Fatal(err)
	}
	nv, ok := set.Quotes["NVDA"]
	if !ok || !nv.HasPrice || nv.Kind != snapshots.KindEquity || nv.Shares <= 0 || nv.PrevClose <= 0 {
		t.Errorf("NVDA = %+v", nv)
	}
	if ix := set.Quotes["^GSPC"]; ix.Kind != snapshots.KindIndex || ix.Shares != 0 || !ix.HasPrice {
		t.Errorf("^GSPC = %+v", ix)
	}
	if _, ok := set.Quotes["NOSUCHSYMBOLXYZ"]; ok {
		t.Error("an unknown symbol came back")
	}
	now := time.Now()
	ch, err := c.Chart(ctx, ChartParams{Symbol: "NVDA", Start: now.Add(-4 * 24 * time.Hour), End: now, IncludeExt: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("chart: %d bars, %d dropped, meta %+v", len(ch.Bars), ch.Dropped, ch.Meta)
	if ch.Meta.Symbol != "NVDA" || ch.Meta.PrevClose <= 0 {
		t.Errorf("meta %+v", ch.Meta)
	}
}
