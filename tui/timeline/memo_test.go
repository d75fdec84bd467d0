package timeline

import (
	"testing"
	"time"

	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

// TestListMemoDrawsWhatARenderDraws: through frames every few minutes of
// the day, keys, focus changes and a resize, the list reused from the memo
// is the list a fresh render draws (and leaves the same offset).
func TestListMemoDrawsWhatARenderDraws(t *testing.T) {
	m := New(panetest.Common(common.GlyphsBraille))
	m.SetSize(60, 12)
	m.Focus()
	check := func(step string) {
		t.Helper()
		fresh := m
		if m.memo.ok {
			fresh.offset = m.memo.key.offset // the offset the list render started from
		}
		fresh.memo = listMemo{}
		fresh.render()
		if fresh.view != m.view || fresh.offset != m.offset {
			t.Fatalf("%s: memo drew\n%s\n(offset %d), a render draws\n%s\n(offset %d)", step, m.view, m.offset, fresh.view, fresh.offset)
		}
	}
	keys := []string{"", "k", "", "j", "", "", "pgup", "", "pgdown", "]", "", "enter", "", "esc", ""}
	i := 0
	for at := panetest.Open.Add(-time.Hour); !at.After(panetest.Close.Add(time.Hour)); at = at.Add(7 * time.Minute) {
		m.SetFrame(panetest.Frame(at))
		check("frame " + at.Format("15:04"))
		if k := keys[i%len(keys)]; k != "" {
			m, _ = m.Update(keyMsg(k))
			check("key " + k)
		}
		switch i % 11 {
		case 5:
			m.Blur()
			m.SetFrame(panetest.Frame(at))
			check("blurred")
		case 7:
			m.Focus()
			m.SetSize(60+i%3, 12+i%2)
			check("resized")
		}
		i++
	}
}
