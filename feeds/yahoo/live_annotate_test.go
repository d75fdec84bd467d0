package yahoo

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

// A recording with Annotate writes a fired alert and the basket's new low
// of the day into the file as events, at the time of the frame that saw
// them; the live frames do not carry them; the file reads back strictly
// and replays with them on the timeline.
func TestRecordingWritesAlertsAndBasketLowsAsEvents(t *testing.T) {
	fx := newFixture(t, Options{})
	a, err := alert.Parse("NVDA < 120")
	if err != nil {
		t.Fatal(err)
	}
	ann := alert.NewAnnotator([]alert.Alert{a}, nil)
	var buf bytes.Buffer
	rec := &tap{}
	l := newLive(t, fx, LiveOptions{
		Symbols:  watch("NVDA", "AVGO"),
		Annotate: ann.Step,
		Record: func(h snapshots.Header) (Recorder, error) {
			var err error
			rec.w, err = snapshots.NewWriter(&buf, h, snapshots.WriteOptions{FlushEvery: -1})
			return rec, err
		},
	})
	var crossed time.Time
	var lastLive *market.Frame
	for i := range 20 {
		p := 122.0 - float64(i)*0.25 // below 120 from poll 9 on (119.75)
		if i == 9 {
			crossed = fx.clock.Now()
		}
		fx.fake.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Name: "NVIDIA Corporation", Price: p, PrevClose: 142.62, Volume: int64(1000 * (i + 1)), Shares: 24490000000, Time: fx.clock.Now()})
		fx.fake.SetPrice("AVGO", 199.7, fx.clock.Now())
		l.Poll(fx.ctx)
		u, _ := l.hub.Latest()
		lastLive = u.Frame
		fx.clock.Advance(DefaultInterval)
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := rec.w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, e := range lastLive.Events {
		if e.Outlet == alert.RecordedOutlet {
			t.Errorf("a live frame carries the recording's event %+v", e)
		}
	}
	snap, err := snapshots.Decode(&buf, snapshots.ReadOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	var fired, lows []snapshots.Event
	for _, e := range snap.Events {
		switch {
		case e.Outlet != alert.RecordedOutlet:
		case strings.HasPrefix(e.ID, "selloff-alert-"):
			fired = append(fired, e)
		case strings.HasPrefix(e.ID, "selloff-basket-low-"):
			lows = append(lows, e)
		}
	}
	if len(fired) != 1 {
		t.Fatalf("fired alerts in the file: %+v (all events %+v)", fired, snap.Events)
	}
	if e := fired[0]; !e.Time.Equal(crossed) || e.Title != "Alert: NVDA < 120: 119.75" || len(e.Symbols) != 1 || e.Symbols[0] != "NVDA" {
		t.Errorf("the firing: %+v, want at %s", e, crossed.Format("15:04:05"))
	}
	// falling all along: one new low, then none within alert.ExtremeGap
	if len(lows) != 1 || !strings.HasPrefix(lows[0].Title, "AI basket: new low of the day, -") {
		t.Errorf("basket lows: %+v", lows)
	}
	if st := l.Stats(); st.Late != 0 {
		t.Errorf("records dropped as late: %+v", st)
	}
	// replayed, the day is annotated: the firing is on the timeline
	ds, err := market.NewDataset(snap)
	if err != nil {
		t.Fatal(err)
	}
	f := ds.At(fx.clock.Now())
	found := false
	for _, e := range f.Events {
		found = found || e.ID == fired[0].ID
	}
	if !found {
		t.Errorf("the replay's timeline has no %s: %+v", fired[0].ID, f.Events)
	}
}
