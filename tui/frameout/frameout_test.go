package frameout_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/frameout"
)

var loadDataset = sync.OnceValues(func() (*market.Dataset, error) {
	s, err := snapshots.ReadFile(filepath.Join("..", "..", "snapshots", "data", "deepseek-week.jsonl.gz"), snapshots.ReadOptions{})
	if err != nil {
		return nil, err
	}
	return market.NewDataset(s)
})

// update is what a paused replay of the embedded snapshot publishes at s
// (exchange time "2006-01-02 15:04").
func update(t testing.TB, s string) feeds.Update {
	t.Helper()
	ds, err := loadDataset()
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", s, snapshots.Location())
	if err != nil {
		t.Fatal(err)
	}
	start, end, _ := ds.Span()
	return feeds.Update{Source: "replay", Seq: 1, Mode: feeds.ModeReplay, Frame: ds.At(at),
		Health: feeds.Health{State: feeds.HealthOK},
		Clock:  &feeds.ClockStatus{Speed: 600, Paused: true, Start: start, End: end}}
}

func colour() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	return r
}

func TestSVGIsXMLWithTheFiguresAndStaysStable(t *testing.T) {
	u := update(t, "2025-01-27 14:50")
	frame := tui.Render(u, 100, 30, colour(), common.GlyphsBraille)
	var buf bytes.Buffer
	if err := frameout.SVG(&buf, frame, frameout.SVGOptions{Width: 100, Height: 30, Title: "27 Jan <14:50> & co"}); err != nil {
		t.Fatal(err)
	}
	// well-formed XML, and its text is the frame's
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	var text strings.Builder
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
		case xml.CharData:
			text.Write(tok)
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q", root)
	}
	nvda := u.Frame.Quotes[u.Frame.Index("NVDA")]
	for _, want := range []string{common.Price(nvda.Price), "NVDA", "27 Jan <14:50> & co", "▇", "│"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("SVG text lacks %q", want)
		}
	}
	if !strings.Contains(buf.String(), "monospace") || !strings.Contains(buf.String(), `fill="#`) {
		t.Error("no monospace font stack or no colours")
	}
	golden.RequireEqual(t, buf.Bytes())
}

func TestSVGRefusesSilly(t *testing.T) {
	for _, sz := range [][2]int{{0, 5}, {5, 0}, {1001, 5}, {5, 501}} {
		if err := frameout.SVG(io.Discard, "x", frameout.SVGOptions{Width: sz[0], Height: sz[1]}); err == nil {
			t.Errorf("%v accepted", sz)
		}
	}
}

// FuzzSVG: whatever bytes a frame holds, the SVG is well-formed XML.
func FuzzSVG(f *testing.F) {
	f.Add("\x1b[31mred\x1b[0m <&> \x00\x07 ⣿▇ 字")
	f.Add("\x1b[38;2;1;2;3;48;5;200;1;3;4;7;9mX\n\ny\r\n\x1b]8;;http://x\x07l\x1b]8;;\x07")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		var buf bytes.Buffer
		if err := frameout.SVG(&buf, s, frameout.SVGOptions{Width: 20, Height: 5, Title: s}); err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(&buf)
		for {
			_, err := dec.Token()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("not XML for %q: %v", s, err)
			}
		}
	})
}

func TestJSONFollowsTheSchemaAndHasTheClose(t *testing.T) {
	u := update(t, "2025-01-27 16:00")
	var buf bytes.Buffer
	if err := frameout.JSON(&buf, u, false); err != nil {
		t.Fatal(err)
	}
	checkSchema(t, buf.Bytes())
	var d frameout.Frame
	if err := json.Unmarshal(buf.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	var nvda *frameout.Symbol
	for i := range d.Symbols {
		if d.Symbols[i].Symbol == "NVDA" {
			nvda = &d.Symbols[i]
		}
	}
	if nvda == nil || nvda.Last == nil || *nvda.Last != 118.42 || nvda.ChangePct == nil || *nvda.ChangePct != -16.97 {
		t.Fatalf("NVDA at the close: %+v", nvda)
	}
	if nvda.ValueChange == nil || *nvda.ValueChange > -5.9e11 || *nvda.ValueChange < -6e11 {
		t.Errorf("NVDA value change %v, want about -$593B", nvda.ValueChange)
	}
	if d.SchemaVersion != frameout.SchemaVersion || d.Mode != "replay" || d.Provenance != "reconstructed" || d.Session == nil || d.Session.Date != "2025-01-27" {
		t.Errorf("header fields: %+v", d)
	}
	if len(d.Symbols) != len(u.Frame.Symbols) || d.Basket.ValueChange >= 0 {
		t.Errorf("%d symbols, basket %v", len(d.Symbols), d.Basket.ValueChange)
	}
	// no spoilers: nothing placed after the frame, one current event
	if d.FutureEvents == 0 || len(d.Events) == 0 {
		t.Fatalf("events %d, future %d", len(d.Events), d.FutureEvents)
	}
	current := 0
	for _, e := range d.Events {
		if e.PlacedAt.After(d.Time) || e.Future {
			t.Errorf("spoiler: %s placed %v after %v", e.Title, e.PlacedAt, d.Time)
		}
		if e.Current {
			current++
		}
	}
	if current != 1 {
		t.Errorf("%d current events", current)
	}
	buf.Reset()
	if err := frameout.JSON(&buf, u, true); err != nil {
		t.Fatal(err)
	}
	checkSchema(t, buf.Bytes())
	var all frameout.Frame
	_ = json.Unmarshal(buf.Bytes(), &all)
	if len(all.Events) != len(u.Frame.Events) || all.FutureEvents != 0 || len(all.Events) != len(d.Events)+d.FutureEvents {
		t.Errorf("with spoilers: %d events of %d", len(all.Events), len(u.Frame.Events))
	}
}

// TestJSONUnknownIsNull: before the open nothing has traded on 27 Jan: no
// change (null, not 0).
func TestJSONUnknownIsNull(t *testing.T) {
	u := update(t, "2025-01-27 04:00")
	var buf bytes.Buffer
	if err := frameout.JSON(&buf, u, false); err != nil {
		t.Fatal(err)
	}
	checkSchema(t, buf.Bytes())
	if strings.Contains(buf.String(), `"change_pct": 0,`) {
		t.Errorf("a zero change where none is known:\n%s", buf.String())
	}
}

func checkSchema(t *testing.T, b []byte) {
	t.Helper()
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if errs := frameout.ValidateForTest(t, x); len(errs) > 0 {
		t.Fatalf("JSON does not follow docs/frame.schema.json:\n%s", strings.Join(errs, "\n"))
	}
}

func TestCSVHeaderAndARowPerSymbol(t *testing.T) {
	u := update(t, "2025-01-27 16:00")
	var buf bytes.Buffer
	if err := frameout.CSV(&buf, u); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(u.Frame.Symbols) {
		t.Fatalf("%d records for %d symbols", len(recs), len(u.Frame.Symbols))
	}
	if strings.Join(recs[0], ",") != strings.Join(frameout.CSVHeader, ",") {
		t.Errorf("header %v", recs[0])
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, r := range recs[1:] {
		if len(r) != len(recs[0]) {
			t.Errorf("row %v has %d fields", r, len(r))
		}
		if r[col["symbol"]] == "NVDA" && (r[col["last"]] != "118.42" || r[col["change_pct"]] != "-16.97") {
			t.Errorf("NVDA row %v", r)
		}
	}
}

func TestCastRefusesTimeGoingBack(t *testing.T) {
	var buf bytes.Buffer
	c, err := frameout.NewCast(&buf, frameout.CastHeader{Width: 80, Height: 24, Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Output(1.5, []byte("a\x1b[mb")); err != nil {
		t.Fatal(err)
	}
	if err := c.Marker(1.5, "x <y>"); err != nil {
		t.Fatal(err)
	}
	if err := c.Output(1.25, []byte("c")); err == nil {
		t.Error("an event back in time was written")
	}
	want := "{\"version\":2,\"width\":80,\"height\":24,\"title\":\"t\"}\n[1.5,\"o\",\"a\\u001b[mb\"]\n[1.5,\"m\",\"x <y>\"]\n"
	if buf.String() != want || c.Events() != 2 {
		t.Errorf("cast:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// Modelled minute volume is marked until the close, where the day's total
// is the official one, as the watchlist's ᵐ mark does.
func TestVolumeModelledUntilTheClose(t *testing.T) {
	marks := func(at string) string {
		var buf bytes.Buffer
		if err := frameout.CSV(&buf, update(t, at)); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[1:] {
			if r[1] == "NVDA" {
				return r[len(r)-1]
			}
		}
		t.Fatal("no NVDA row")
		return ""
	}
	if m := marks("2025-01-27 14:50"); !strings.Contains(m, "volume_modelled") {
		t.Errorf("14:50 marks %q lack volume_modelled", m)
	}
	if m := marks("2025-01-27 16:00"); strings.Contains(m, "volume_modelled") {
		t.Errorf("16:00 marks %q still say volume_modelled", m)
	}
}
