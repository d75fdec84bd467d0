package server

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/snapshots/tour"
)

// Issue 13's lesson end to end: the real dashboard over SSH, driven by
// keys as people press them, asserted on what each terminal shows.

// screen is what tm's terminal shows now: lines without trailing blanks,
// up to its last non-blank line.
func screen(tm *term) string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return trimScreen(tm.screenText())
}

func trimScreen(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// waitScreen waits until what tm shows satisfies ok (bounded by
// waitLimit); on timeout the test fails with the screen.
func waitScreen(t *testing.T, tm *term, what string, ok func(scr string) bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	timer := time.AfterFunc(waitLimit, func() { tm.mu.Lock(); tm.cond.Broadcast(); tm.mu.Unlock() })
	defer timer.Stop()
	tm.mu.Lock()
	defer tm.mu.Unlock()
	for {
		s := tm.screenText()
		if ok(s) {
			return
		}
		if time.Now().After(deadline) || tm.done {
			t.Fatalf("timed out waiting for %s; the screen:\n%s", what, trimScreen(s))
		}
		tm.cond.Wait()
	}
}

// shows waits until tm's screen has every one of texts.
func shows(t *testing.T, tm *term, who string, texts ...string) {
	t.Helper()
	waitScreen(t, tm, who+" showing "+strings.Join(texts, ", "), func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

var (
	selectedRow = regexp.MustCompile(`▸(\S+)`)
	// the chart's title: symbol, last, change, % change, then its mode
	chartTitle = regexp.MustCompile(`[│┃]([A-Z^]{1,6}) +[\d.,]+ [−+][\d.,]+ [−+][\d.,]+% +(.+?) *[│┃]`)
)

// view is the selected row and the chart's symbol and mode label on scr.
func view(scr string) (sel, sym, mode string) {
	if m := selectedRow.FindStringSubmatch(scr); m != nil {
		sel = m[1]
	}
	if m := chartTitle.FindStringSubmatch(scr); m != nil {
		sym, mode = m[1], m[2]
	}
	return sel, sym, mode
}

// showsView waits until tm shows sym selected and charted in mode.
func showsView(t *testing.T, tm *term, who, sym, mode string) {
	t.Helper()
	waitScreen(t, tm, who+" showing "+sym+" "+mode, func(s string) bool {
		sel, csym, cmode := view(s)
		return sel == sym && csym == sym && cmode == mode
	})
}

// statusLine is the screen's last line (the status bar).
func statusLine(scr string) string {
	lines := strings.Split(trimScreen(scr), "\n")
	return lines[len(lines)-1]
}

// statusShows waits until tm's status bar has every one of texts.
func statusShows(t *testing.T, tm *term, who string, texts ...string) {
	t.Helper()
	waitScreen(t, tm, who+"'s status showing "+strings.Join(texts, ", "), func(s string) bool {
		st := statusLine(s)
		for _, x := range texts {
			if !strings.Contains(st, x) {
				return false
			}
		}
		return true
	})
}

var plainEnv = map[string]string{"NO_COLOR": "1"}

// Three SSH users: the presenter (80x24) moves the selection, the chart's
// mode and range; both viewers' screens follow, though the party is
// paused. One presses f: it keeps its view, sees that the presenter moved
// and how to follow again, and the presenter's counts say so as viewers
// press f, go and come. f again rejoins. Help lists f for a viewer, C and
// A for the presenter.
func TestLessonE2EFollow(t *testing.T) {
	ts := startRealServer(t, true, nil)
	p := openTerm(t, dialAs(t, ts.addr, "alice"), 80, 24, plainEnv)
	statusShows(t, p, "alice", "PRESENTING")
	b := openTerm(t, dialAs(t, ts.addr, "bob"), 100, 30, plainEnv)
	c := openTerm(t, dialAs(t, ts.addr, "carol"), 100, 30, plainEnv)
	p.send(t, " ")
	for who, v := range map[string]*term{"bob": b, "carol": c} {
		statusShows(t, v, who, "paused (following alice)")
		showsView(t, v, who, "NVDA", "line")
	}
	statusShows(t, p, "alice", "PRESENTING", "2/2 follow", "? help")

	p.send(t, "j")
	for who, v := range map[string]*term{"bob": b, "carol": c} {
		showsView(t, v, who, "AVGO", "line")
	}
	p.send(t, "c")
	for who, v := range map[string]*term{"bob": b, "carol": c} {
		showsView(t, v, who, "AVGO", "15m candles")
	}
	p.send(t, "d")
	for who, v := range map[string]*term{"bob": b, "carol": c} {
		showsView(t, v, who, "AVGO", "daily candles")
	}

	// bob leaves following: his own clock, the presenter's count drops
	b.send(t, "f")
	statusShows(t, b, "bob", "(own clock)")
	statusShows(t, p, "alice", "1/2 follow")
	p.send(t, "j")
	showsView(t, c, "carol", "TSM", "daily candles")
	shows(t, b, "bob", "presenter moved: TSM · candles · week · f follows")
	if sel, sym, mode := view(screen(b)); sel != "AVGO" || sym != "AVGO" || mode != "daily candles" {
		t.Errorf("bob, not following, moved to %s %s %s", sel, sym, mode)
	}

	// help: a viewer may follow, the presenter caption and ask
	b.send(t, "?")
	shows(t, b, "bob's help", "f follow the presenter")
	p.send(t, "?")
	shows(t, p, "alice's help", "caption for the room", "ask the room")
	for _, x := range []string{"caption for the room", "ask the room", "answer the question"} {
		if strings.Contains(screen(b), x) {
			t.Errorf("bob's help offers %q", x)
		}
	}
	if strings.Contains(screen(p), "follow the presenter") {
		t.Error("the presenter's help offers f")
	}
	b.send(t, "?")
	p.send(t, "?")

	// carol goes, dave comes and takes the view at once
	c.send(t, "q")
	c.waitDone(t)
	statusShows(t, p, "alice", "0/1 follow")
	d := openTerm(t, dialAs(t, ts.addr, "dave"), 100, 30, plainEnv)
	showsView(t, d, "dave", "TSM", "daily candles")
	statusShows(t, p, "alice", "1/2 follow")

	// f again: bob rejoins and takes the view
	b.send(t, "f")
	showsView(t, b, "bob", "TSM", "daily candles")
	statusShows(t, b, "bob", "(following alice)")
	statusShows(t, p, "alice", "2/2 follow", "? help")
	waitScreen(t, b, "the hint gone", func(s string) bool { return !strings.Contains(s, "presenter moved") })
}

// Keys as a terminal sends them.
const (
	keyEnter      = "\r"
	keyEnd        = "\x1b[F"
	keyShiftRight = "\x1b[1;2C"
)

// A question answered by three clients: the presenter asks with A (about
// NVDA, which its text names, while AVGO is selected), three viewers
// answer with a; the presenter goes to the close (end), which
// locks the answers at 16:00, and reveals with A: every viewer's screen
// shows the reveal with NVDA's true close, $118.42, the distribution and
// the closest answers.
func TestLessonE2EQuestion(t *testing.T) {
	ts := startRealServer(t, true, nil)
	p := openTerm(t, dialAs(t, ts.addr, "alice"), 100, 30, plainEnv)
	statusShows(t, p, "alice", "PRESENTING")
	p.send(t, " ")
	viewers := map[string]*term{}
	answers := map[string]string{"bob": "120", "carol": "118.5", "dave": "131"}
	for _, who := range []string{"bob", "carol", "dave"} {
		viewers[who] = openTerm(t, dialAs(t, ts.addr, who), 100, 30, plainEnv)
		statusShows(t, viewers[who], who, "paused (following alice)")
	}
	statusShows(t, p, "alice", "3 watching · 3 follow")

	// AVGO selected: the question names NVDA, and is about NVDA
	p.send(t, "j")
	showsView(t, viewers["bob"], "bob", "AVGO", "line")
	p.send(t, "A")
	shows(t, p, "alice's prompt", "ask:")
	p.send(t, "Where does NVDA close? @16:00")
	p.send(t, keyEnter)
	statusShows(t, p, "alice", "asked about NVDA")
	shows(t, p, "alice", "? Where does NVDA close? ($) — 0 answered · locks at 16:00 · A locks answers")
	for who, v := range viewers {
		shows(t, v, who, "? Where does NVDA close? ($) — a answers · ")
		v.send(t, "a")
		shows(t, v, who+"'s prompt", "answer ($):")
		if who == "dave" { // a word is refused in the prompt, which stays open
			v.send(t, "lots"+keyEnter)
			shows(t, v, who+"'s prompt", "answer ($): lots", "answer with a number, such as 118.50")
			v.send(t, "\x7f\x7f\x7f\x7f")
		}
		v.send(t, answers[who])
		v.send(t, keyEnter)
		shows(t, v, who, "your answer $")
	}
	shows(t, p, "alice", "3 answered")
	// help says what a and A do now
	b := viewers["bob"]
	b.send(t, "?")
	shows(t, b, "bob's help", "a answer the question", "f stop following the presenter")
	b.send(t, "?")
	p.send(t, "?")
	shows(t, p, "alice's help", "lock answers", "caption for the room")
	p.send(t, "?")
	waitScreen(t, p, "alice's help closed", func(s string) bool { return !strings.Contains(s, "lock answers") })

	// The close locks the answers; A reveals.
	p.send(t, keyEnd)
	statusShows(t, p, "alice", "16:00 ET")
	shows(t, p, "alice", "answers locked at 16:00 · 3 answered · A reveals")
	for who, v := range viewers {
		shows(t, v, who, "answers locked at 16:00")
		// the note after sending no longer says "a changes it"
		waitScreen(t, v, who+"'s note gone", func(s string) bool { return !strings.Contains(statusLine(s), "answer sent") })
	}
	p.send(t, "A")
	viewers["alice"] = p
	for who, v := range viewers {
		shows(t, v, who, "true value: $118.42", "(3 answers)")
		scr := screen(v)
		bins := revealBin.FindAllStringSubmatch(scr, -1)
		n, truth := 0, ""
		for _, b := range bins {
			c, _ := strconv.Atoi(b[3])
			n += c
			if b[1] == "▶" {
				truth = b[2] + " " + b[3]
			}
		}
		if len(bins) < 2 || n != 3 || truth != "$118.42–$120.52 2" {
			t.Errorf("%s: %d bins, %d answers, the true value's bin %q:\n%s", who, len(bins), n, truth, scr)
		}
		for i, want := range []string{"1. viewer 3  $118.50  off $0.08", "2. viewer 2  $120.00  off $1.58", "3. viewer 4  $131.00  off $12.58"} {
			if !strings.Contains(scr, want) {
				t.Errorf("%s: closest answer %d is not %q:\n%s", who, i+1, want, scr)
			}
		}
	}
	shows(t, p, "alice", "true value $118.42 · A closes the question")
	shows(t, viewers["bob"], "bob", "true value $118.42 · your answer $120.00")
	// esc closes a viewer's reveal; the presenter's A closes the question
	viewers["bob"].send(t, "\x1b")
	waitScreen(t, viewers["bob"], "bob's reveal closed", func(s string) bool {
		return !strings.Contains(s, "closest:") && strings.Contains(s, "true value $118.42")
	})
	p.send(t, "A")
	for who, v := range viewers {
		waitScreen(t, v, who+": the question closed", func(s string) bool {
			return !strings.Contains(s, "Where does NVDA close?")
		})
	}
}

// a bin of a reveal: the true value's mark, the range, the count
var revealBin = regexp.MustCompile(`(?m)^[┃│](▶|\s) (\$[\d.]+–\$[\d.]+) +█* *(\d+)`)

// A viewer who pressed f drives its own clock, but not past an open
// question's lock time: end, g 16:30 and shift+→ across the lock are
// refused with the no-peeking note and its clock stays before the lock;
// played fast it stops at the lock and will not play on;
// the presenter's clock does not move. The presenter's caption (C)
// reaches every viewer's screen, the one on its own clock too.
func TestLessonE2ENoPeekingAndCaption(t *testing.T) {
	ts := startRealServer(t, true, nil)
	p := openTerm(t, dialAs(t, ts.addr, "alice"), 100, 30, plainEnv)
	statusShows(t, p, "alice", "PRESENTING")
	p.send(t, " ")
	b := openTerm(t, dialAs(t, ts.addr, "bob"), 100, 30, plainEnv)
	c := openTerm(t, dialAs(t, ts.addr, "carol"), 100, 30, plainEnv)
	statusShows(t, b, "bob", "09:30 ET", "paused (following alice)")
	statusShows(t, c, "carol", "paused (following alice)")
	p.send(t, "A")
	shows(t, p, "alice's prompt", "ask:")
	p.send(t, "Where is NVDA at two? @14:00"+keyEnter)
	shows(t, b, "bob", "? Where is NVDA at two? ($) — a answers")

	b.send(t, "f")
	statusShows(t, b, "bob", "(own clock)")
	const peek = "no peeking at 14:00"
	b.send(t, keyEnd)
	statusShows(t, b, "bob", peek, "09:30 ET")
	b.send(t, "g")
	shows(t, b, "bob's go-to prompt", "go to")
	b.send(t, "16:30"+keyEnter)
	statusShows(t, b, "bob", peek, "09:30 ET")
	b.send(t, "g")
	shows(t, b, "bob's go-to prompt", "go to")
	b.send(t, "13:45"+keyEnter)
	statusShows(t, b, "bob", "13:45 ET")
	b.send(t, keyShiftRight)
	statusShows(t, b, "bob", peek, "13:45 ET")
	// played at 3600x it stops a second short of the lock (the 14:00
	// frame is the answer), and will not play on
	b.send(t, "++++")
	statusShows(t, b, "bob", "3600×")
	b.send(t, " ")
	statusShows(t, b, "bob", "13:59 ET", "paused (own clock)")
	b.send(t, " ")
	statusShows(t, b, "bob", peek, "13:59 ET")
	statusShows(t, p, "alice", "09:30 ET")

	// the caption: on every viewer's screen, with the question
	p.send(t, "C")
	shows(t, p, "alice's prompt", "caption:")
	p.send(t, "R1 is out: watch NVDA"+keyEnter)
	for who, v := range map[string]*term{"bob": b, "carol": c} {
		waitScreen(t, v, who+"'s caption line", func(s string) bool {
			lines := strings.Split(trimScreen(s), "\n")
			// above the strip and the status bar
			return len(lines) > 3 && strings.HasPrefix(lines[len(lines)-3], "R1 is out: watch NVDA │ ? Where is NVDA at two?")
		})
	}
	// an empty caption clears it
	p.send(t, "C")
	shows(t, p, "alice's prompt", "caption:")
	p.send(t, strings.Repeat("\x7f", 30)+keyEnter)
	waitScreen(t, c, "carol's caption cleared", func(s string) bool {
		return !strings.Contains(s, "R1 is out") && strings.Contains(s, "? Where is NVDA at two?")
	})
}

// serve --tour over SSH: the embedded deepseek tour presents the party as
// serve's presentTour runs it (party.Present on the server's Party), its
// holds on a fake clock the test advances. A viewer who joins follows it:
// its first step's caption, selection, chart and range; each released
// hold brings the next caption; the open seeks, selects NVDA and draws
// its day as a line.
func TestLessonE2ETour(t *testing.T) {
	ts := startRealServer(t, true, nil)
	snap, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := realDataset()
	tr, err := tour.Load("deepseek")
	if err != nil {
		t.Fatal(err)
	}
	start, end, _ := ds.Span()
	if err := tr.Resolve(snap.Header, start, end); err != nil {
		t.Fatal(err)
	}
	holds := make(chan chan time.Time, len(tr.Steps)) // one per hold, never blocking the tour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- party.Present(ctx, party.Presentation{Tour: tr, Backend: ts.Party(), Source: ts.cfg.Sources.Shared,
			After: func(time.Duration) <-chan time.Time {
				ch := make(chan time.Time, 1)
				holds <- ch
				return ch
			},
			Warn: func(s tour.Step, err error) { t.Errorf("tour step at line %d refused: %v", s.Line, err) }})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && err != context.Canceled {
			t.Errorf("the tour: %v", err)
		}
	})
	release := func() {
		t.Helper()
		select {
		case h := <-holds:
			h <- time.Time{}
		case <-time.After(waitLimit):
			t.Fatal("the tour never held")
		}
	}
	waitUntil(t, "the tour presenting", func() bool { return ts.Party().Presenter() == party.TourName })

	v := openTerm(t, dialAs(t, ts.addr, "bob"), 100, 30, plainEnv)
	statusShows(t, v, "bob", "Fri 24 Jan", "16:00 ET", "paused (following tour)")
	showsView(t, v, "bob", "NVDA", "daily candles")
	shows(t, v, "bob", "┃NVDA  142.62") // the chart has the focus: its heavy border
	shows(t, v, "bob", "Mon 20 Jan, 07:19 ET: DeepSeek releases the R1 reasoning model")
	release()
	shows(t, v, "bob", "Fri 24 Jan: Meta plans $60–65B of AI capital spending")
	for _, c := range []string{
		"Sun 26 Jan: DeepSeek app becomes No. 1 free app",
		"Sun 26 Jan, 17:16 ET: Andreessen",
		"Mon 27 Jan, 04:06 ET: US futures slide before dawn",
		"Mon 27 Jan, pre-market: NVDA down over 11%",
	} {
		release()
		shows(t, v, "bob", c)
	}
	release()
	shows(t, v, "bob", "Mon 27 Jan, pre-market: power stocks CEG and VST down")
	showsView(t, v, "bob", "VST", "daily candles")
	release()
	shows(t, v, "bob", "09:30 ET: The open: NVDA 124.80, 12.5% below Friday")
	showsView(t, v, "bob", "NVDA", "line")
	statusShows(t, v, "bob", "Mon 27 Jan", "09:30 ET", "(following tour)")
	// the tour presents: bob's keys do not drive its clock
	v.send(t, " ")
	statusShows(t, v, "bob", "the presenter drives")
}

// The presenter leaves: nobody presents; a viewer's space takes the seat,
// its status counts the room, and the other viewer follows its moves. A
// viewer who joins after a reveal sees it, who was right named (!names).
func TestLessonE2ESeatPassesAndLateJoiner(t *testing.T) {
	ts := startRealServer(t, true, nil)
	p := openTerm(t, dialAs(t, ts.addr, "alice"), 100, 30, plainEnv)
	statusShows(t, p, "alice", "PRESENTING")
	p.send(t, " ")
	b := openTerm(t, dialAs(t, ts.addr, "bob"), 100, 30, plainEnv)
	c := openTerm(t, dialAs(t, ts.addr, "carol"), 100, 30, plainEnv)
	statusShows(t, c, "carol", "paused (following alice)")
	statusShows(t, b, "bob", "paused (following alice)")
	p.send(t, "q")
	p.waitDone(t)
	statusShows(t, c, "carol", "(nobody presents)")
	b.send(t, " ")
	statusShows(t, b, "bob", "PRESENTING", "1 watching · 1 follow")
	statusShows(t, c, "carol", "(following bob)")
	b.send(t, "jj")
	showsView(t, c, "carol", "TSM", "line")

	// bob asks a choice question, carol answers, bob locks and reveals
	b.send(t, "A")
	shows(t, b, "bob's prompt", "ask:")
	b.send(t, "Who falls most? | NVDA | AVGO | QQQ *1 !names"+keyEnter)
	shows(t, c, "carol", "? Who falls most? — a answers")
	c.send(t, "a")
	shows(t, c, "carol's prompt", "answer 1 NVDA · 2 AVGO · 3 QQQ:")
	c.send(t, "1"+keyEnter)
	shows(t, b, "bob", "1 answered")
	b.send(t, "A")
	shows(t, b, "bob", "answers locked")
	b.send(t, "A")
	shows(t, c, "carol", "right answer 1. NVDA")
	d := openTerm(t, dialAs(t, ts.addr, "dave"), 100, 30, plainEnv)
	shows(t, d, "dave", "Who falls most?  (1 answer)", "right answer: 1. NVDA", "right: carol") // !names: by name
}

// The presenter focuses the timeline (3) and opens an event's detail
// (enter): the viewer's timeline takes the focus and opens the same
// detail; esc closes it on both.
func TestLessonE2EDetail(t *testing.T) {
	ts := startRealServer(t, true, nil)
	p := openTerm(t, dialAs(t, ts.addr, "alice"), 140, 40, plainEnv)
	statusShows(t, p, "alice", "PRESENTING")
	p.send(t, " ")
	b := openTerm(t, dialAs(t, ts.addr, "bob"), 140, 40, plainEnv)
	statusShows(t, b, "bob", "paused (following alice)")
	p.send(t, "3")
	shows(t, b, "bob", "┃Timeline")
	p.send(t, keyEnter)
	shows(t, b, "bob", "┃#14  Mon 27 Jan 2025 09:30 ET", "The open: NVDA 124.80, 12.5% below Friday")
	p.send(t, "\x1b")
	waitScreen(t, b, "bob's detail closed", func(s string) bool {
		return strings.Contains(s, "┃Timeline") && !strings.Contains(s, "#14  Mon 27 Jan")
	})
}
