package tui

import (
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

func TestMain(m *testing.M) {
	// Any bubbles default style still uses the global renderer.
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

func asciiRenderer() *lipgloss.Renderer {
	return lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii))
}

var loadDataset = sync.OnceValues(func() (*market.Dataset, error) {
	s, err := snapshots.ReadFile(filepath.Join("..", "snapshots", "data", "deepseek-week.jsonl.gz"), snapshots.ReadOptions{})
	if err != nil {
		return nil, err
	}
	return market.NewDataset(s)
})

func dataset(t testing.TB) *market.Dataset {
	t.Helper()
	ds, err := loadDataset()
	if err != nil {
		t.Fatalf("embedded snapshot: %v", err)
	}
	return ds
}

// et parses an exchange time "2006-01-02 15:04".
func et(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, snapshots.Location())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// replayUpdate is the update a paused replay would publish at s.
func replayUpdate(t testing.TB, s string, seq uint64) feeds.Update {
	t.Helper()
	ds := dataset(t)
	at := et(t, s)
	start, end, _ := ds.Span()
	return feeds.Update{
		Source: "replay",
		Seq:    seq,
		Mode:   feeds.ModeReplay,
		Frame:  ds.At(at),
		Health: feeds.Health{State: feeds.HealthOK},
		Clock:  &feeds.ClockStatus{Speed: 120, Paused: true, Start: start, End: end},
	}
}
