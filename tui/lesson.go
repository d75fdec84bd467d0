package tui

// The watch party's lesson (feeds.Lesson in ClockStatus.Lesson): a viewer
// who follows takes the presenter's view (symbol, focus, chart mode and
// range, open detail) each time it changes; one who does not sees a hint.
// The presenter's view goes to the party after any change, whatever made
// it (keys, mouse, a tour). The presenter types a caption (C) and asks
// the room (A); viewers answer (a); the reveal opens the quiz pane. Every
// op goes to the controller (feeds.LessonControl) in a Cmd, in order.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/chart"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/quiz"
	"github.com/selloff/selloff/tui/theme"
)

type lessonKeys struct {
	Follow  key.Binding // f: leave or rejoin following (a viewer)
	Caption key.Binding // C: the presenter's caption prompt
	Ask     key.Binding // A: ask, then lock, reveal, close (the presenter)
	Answer  key.Binding // a: answer the open question (a viewer)
	Accept  key.Binding // enter in a lesson prompt
	Cancel  key.Binding // esc in a lesson prompt
}

func defaultLessonKeys() lessonKeys {
	return lessonKeys{
		Follow:  key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "stop following the presenter"), key.WithDisabled()),
		Caption: key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "caption for the room"), key.WithDisabled()),
		Ask:     key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "ask the room"), key.WithDisabled()),
		Answer:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "answer the question"), key.WithDisabled()),
		Accept:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

type lessonPrompt int

const (
	promptNone lessonPrompt = iota
	promptCaption
	promptAsk
	promptAnswer
)

// noteAnswerSent is the note after an answer went to the room.
const noteAnswerSent = "answer sent (a changes it until they lock)"

// maxAnswerText bounds what a viewer types as an answer (as the room does).
const maxAnswerText = 40

// lessonState is the model's part for the lesson.
type lessonState struct {
	keys lessonKeys
	// what the last update said: the view's sequence (seen: it is known)
	// and whether this viewer followed
	seq       uint64
	seen      bool
	following bool
	hint      string // "presenter moved: …" for a viewer not following
	// the presenter's view as last sent (sentOK: sent since presenting)
	sent   feeds.LessonView
	sentOK bool
	order  *tourSeq // orders the ops (a view change never overtakes another)

	prompt lessonPrompt
	input  *textinput.Model // shared by copies of the model, never changed in place
	perr   string           // why the last enter was refused

	quiz     quiz.Model
	showQuiz bool
	quizID   int  // the question whose reveal was opened last
	opened   bool // it was (esc closes it for good)

	lineOn  bool // the lesson line had a line at the last layout
	keyBits int
}

func newLesson(c common.Common) lessonState {
	return lessonState{keys: defaultLessonKeys(), order: &tourSeq{}, quiz: quiz.New(c)}
}

// lessonDoneMsg is the answer to one lesson op.
type lessonDoneMsg struct {
	err  error
	note string // the note after it succeeded ("" none)
}

// partyLesson is the lesson shown now (nil: not a party, or none).
func (m *Model) partyLesson() *feeds.Lesson {
	if cl := m.upd.Clock; cl != nil {
		return cl.Lesson // a party's, or a tour's in the terminal (a party of one)
	}
	return nil
}

// inParty reports whether this dashboard is one of many in a watch party
// (a tour in the terminal has a lesson but nobody to follow).
func (m *Model) inParty() bool { return m.upd.Clock != nil && m.upd.Clock.Party }

func (m *Model) presenting() bool { return m.upd.Clock != nil && m.upd.Clock.Presenting }

var paneNames = [numPanes]string{"watchlist", "chart", "timeline"}

// lessonView is this dashboard's view, as followers would take it.
func (m *Model) lessonView() feeds.LessonView {
	f := m.wantFocus
	if f < 0 || f >= numPanes {
		f = paneWatchlist
	}
	return feeds.LessonView{
		Symbol: m.watch.Selected(),
		Focus:  paneNames[f],
		Chart:  m.panes.chart.Mode().String(),
		Range:  m.panes.chart.Range().String(),
		Detail: m.panes.timeline.DetailID(),
	}
}

// viewDiff is what changed from old to cur, as an op's view ("-" Detail:
// closed); ok false: nothing.
func viewDiff(old, cur feeds.LessonView) (d feeds.LessonView, ok bool) {
	set := func(dst *string, o, c string) {
		if c != "" && c != o {
			*dst, ok = c, true
		}
	}
	set(&d.Symbol, old.Symbol, cur.Symbol)
	set(&d.Focus, old.Focus, cur.Focus)
	set(&d.Chart, old.Chart, cur.Chart)
	set(&d.Range, old.Range, cur.Range)
	if cur.Detail != old.Detail {
		d.Detail, ok = cur.Detail, true
		if d.Detail == "" {
			d.Detail = "-"
		}
	}
	return d, ok
}

// applyLessonView takes the presenter's view through the paths keys use.
func (m *Model) applyLessonView(v feeds.LessonView) {
	if v.Symbol != "" && v.Symbol != m.watch.Selected() {
		m.watch.Select(v.Symbol)
		m.syncSelection()
	}
	for i, n := range paneNames {
		if v.Focus == n && m.wantFocus != i {
			m.setFocus(i)
		}
	}
	if mode, ok := map[string]chart.Mode{"line": chart.ModeLine, "candles": chart.ModeCandles, "compare": chart.ModeCompare}[v.Chart]; ok && mode != m.panes.chart.Mode() {
		m.panes.chart.SetMode(mode)
	}
	if r, ok := map[string]chart.Range{"day": chart.RangeDay, "week": chart.RangeWeek}[v.Range]; ok && r != m.panes.chart.Range() {
		m.panes.chart.SetRange(r)
	}
	if v.Detail != "" {
		m.panes.timeline.OpenDetail(v.Detail)
	} else {
		m.panes.timeline.CloseDetail()
	}
}

// movedHint is the hint a viewer not following sees.
func movedHint(v feeds.LessonView) string {
	parts := []string{"presenter moved:"}
	for _, s := range []string{v.Symbol, v.Chart} {
		if s = party.CleanText(s, 12); s != "" {
			parts = append(parts, s, "·")
		}
	}
	if v.Range == "week" {
		parts = append(parts, "week", "·")
	}
	if len(parts) == 1 {
		return "presenter moved · f follows"
	}
	return strings.Join(parts, " ") + " f follows"
}

// lessonUpdate, after every message: keys, following, the presenter's
// view sent on change, the reveal, the prompts, and the layout's line.
func (m *Model) lessonUpdate() tea.Cmd {
	st := &m.lesson
	l := m.partyLesson()
	presenting := m.presenting()
	var cmd tea.Cmd
	switch {
	case l == nil:
		st.seen, st.following, st.hint, st.sentOK = false, false, "", false
		if st.prompt != promptNone {
			m.closeLessonPrompt()
		}
		if st.showQuiz {
			st.showQuiz = false
			m.relayout()
		}
	case !m.hasData:
		// nothing to select yet: the view is taken with the first frame
	case presenting:
		st.seen, st.following, st.hint = true, false, ""
		st.seq = l.ViewSeq
		base := l.View
		if st.sentOK {
			base = st.sent
		}
		cur := m.lessonView()
		if d, ok := viewDiff(base, cur); ok {
			cmd = m.lessonOp(feeds.LessonOp{Kind: feeds.LessonSetView, View: &d}, "")
		}
		st.sent, st.sentOK = cur, true
	default:
		st.sentOK = false
		following := l.Follow
		switch {
		case following && (!st.following || !st.seen || l.ViewSeq != st.seq):
			m.applyLessonView(l.View)
			st.hint = ""
		case following:
			st.hint = ""
		case st.seen && l.ViewSeq != st.seq:
			st.hint = movedHint(l.View)
		}
		st.seq, st.seen, st.following = l.ViewSeq, true, following
	}
	if l != nil {
		q := l.Question
		if q != nil && l.Result != nil {
			if !st.opened || q.ID != st.quizID {
				st.quizID, st.opened = q.ID, true
				st.quiz.Set(*q, l.Result)
				st.showQuiz = true
				m.relayout()
			}
		} else {
			st.opened = false
			if st.showQuiz {
				st.showQuiz = false
				m.relayout()
			}
		}
		if m.note == noteAnswerSent && (q == nil || q.Locked) {
			m.note = "" // "a changes it" no longer holds once they lock
		}
		if st.prompt == promptAnswer && (q == nil || q.Locked || presenting) {
			m.closeLessonPrompt()
			m.note = "answers are locked"
		}
		if st.prompt != promptNone && st.prompt != promptAnswer && !presenting {
			m.closeLessonPrompt()
		}
	}
	m.syncLessonKeys()
	if on := m.hasLessonLine(); on != st.lineOn {
		m.relayout()
	}
	return cmd
}

// syncLessonKeys turns the lesson's keys on for who may use them now, and
// says in help what A does next.
func (m *Model) syncLessonKeys() {
	k := &m.lesson.keys
	l := m.partyLesson()
	presenting := m.presenting()
	_, ctl := m.control.(feeds.LessonControl)
	on := l != nil && ctl && m.lesson.prompt == promptNone
	q := (*feeds.Question)(nil)
	if l != nil {
		q = l.Question
	}
	k.Follow.SetEnabled(on && !presenting && m.inParty())
	if l != nil && l.Follow {
		k.Follow.SetHelp("f", "stop following the presenter")
	} else {
		k.Follow.SetHelp("f", "follow the presenter")
	}
	k.Caption.SetEnabled(on && presenting)
	k.Ask.SetEnabled(on && presenting)
	switch {
	case q == nil:
		k.Ask.SetHelp("A", "ask the room")
	case !q.Locked:
		k.Ask.SetHelp("A", "lock answers")
	case !q.Revealed:
		k.Ask.SetHelp("A", "reveal")
	default:
		k.Ask.SetHelp("A", "close question")
	}
	k.Answer.SetEnabled(on && !presenting && q != nil && !q.Locked)
	bits := 0
	for i, b := range []key.Binding{k.Follow, k.Caption, k.Ask, k.Answer} {
		if b.Enabled() {
			bits |= 1 << i
		}
	}
	if bits != m.lesson.keyBits {
		m.lesson.keyBits = bits
		if m.showHelp {
			m.relayout() // help's height may change
		}
	}
}

// lessonOp sends op to the party in a Cmd, after every op made before it.
func (m *Model) lessonOp(op feeds.LessonOp, note string) tea.Cmd {
	lc, ok := m.control.(feeds.LessonControl)
	if !ok {
		m.note = "the lesson is for a watch party (selloff serve --watch-party)"
		return nil
	}
	q := m.lesson.order
	ticket := q.take()
	return func() tea.Msg {
		var err error
		q.run(ticket, func() { err = lc.Lesson(op) })
		return lessonDoneMsg{err: err, note: note}
	}
}

// lessonKey handles the lesson's keys (ok false: not one of them).
func (m Model) lessonKey(msg tea.KeyMsg) (Model, tea.Cmd, bool) {
	st := &m.lesson
	k := &st.keys
	l := m.partyLesson()
	switch {
	case st.showQuiz && key.Matches(msg, st.quiz.KeyMap.Close):
		st.showQuiz = false
		m.relayout()
		return m, nil, true
	case l == nil:
		return m, nil, false
	case key.Matches(msg, k.Follow):
		want := !l.Follow
		note := "following the presenter (f stops)"
		if !want {
			note = "not following the presenter (f follows)"
		}
		return m, m.lessonOp(feeds.LessonOp{Kind: feeds.LessonFollow, Follow: want}, note), true
	case key.Matches(msg, k.Caption):
		m.openLessonPrompt(promptCaption)
		return m, nil, true
	case key.Matches(msg, k.Ask):
		q := l.Question
		switch {
		case q == nil:
			m.openLessonPrompt(promptAsk)
			return m, nil, true
		case !q.Locked:
			return m, m.lessonOp(feeds.LessonOp{Kind: feeds.LessonLock}, "answers locked (A reveals)"), true
		case !q.Revealed:
			return m, m.lessonOp(feeds.LessonOp{Kind: feeds.LessonReveal}, "revealed (A closes the question)"), true
		}
		return m, m.lessonOp(feeds.LessonOp{Kind: feeds.LessonClose}, "question closed"), true
	case key.Matches(msg, k.Answer):
		m.openLessonPrompt(promptAnswer)
		return m, nil, true
	}
	return m, nil, false
}

func (m *Model) openLessonPrompt(kind lessonPrompt) {
	st := &m.lesson
	ti := textinput.New()
	s := m.c.Styles
	ti.PromptStyle = s.Prompt
	ti.TextStyle = s.Base
	ti.PlaceholderStyle = s.Faint
	ti.Cursor.Style = s.Accent
	ti.Cursor.TextStyle = s.Base
	ti.Cursor.SetMode(cursor.CursorStatic) // no blink timer
	switch kind {
	case promptCaption:
		ti.Prompt = "caption: "
		ti.Placeholder = "one line for the room (empty clears it)"
		ti.CharLimit = feeds.MaxCaption
		if l := m.partyLesson(); l != nil {
			ti.SetValue(l.Caption)
		}
	case promptAsk:
		ti.Prompt = "ask: "
		ti.Placeholder = "Where does " + m.watch.Selected() + " close? @16:00   or   Who falls most? | NVDA | AVGO *1"
		ti.CharLimit = party.MaxAskText
	case promptAnswer:
		ti.Prompt = "answer: "
		ti.CharLimit = maxAnswerText
		if l := m.partyLesson(); l != nil && l.Question != nil {
			q := l.Question
			if q.Kind == feeds.QuestionChoice {
				var cs []string
				for i, c := range q.Choices {
					cs = append(cs, strconv.Itoa(i+1)+" "+c)
				}
				ti.Prompt = "answer " + strings.Join(cs, " · ") + ": "
			} else if q.Unit != "" {
				ti.Prompt = "answer (" + q.Unit + "): "
			}
		}
		ti.Prompt = common.Text(party.CleanText(ti.Prompt, 300), m.c.Glyphs) + " "
	}
	ti.Focus()
	st.prompt, st.input, st.perr = kind, &ti, ""
	m.note = ""
	m.syncLessonKeys()
	m.relayout()
}

func (m *Model) closeLessonPrompt() {
	m.lesson.prompt, m.lesson.perr = promptNone, ""
	m.syncLessonKeys()
	m.relayout()
}

// handleLessonPrompt takes every key while a lesson prompt is open.
func (m Model) handleLessonPrompt(msg tea.KeyMsg) (Model, tea.Cmd) {
	st := &m.lesson
	switch {
	case key.Matches(msg, st.keys.Cancel):
		m.closeLessonPrompt()
		return m, nil
	case key.Matches(msg, st.keys.Accept):
		v := strings.TrimSpace(st.input.Value())
		var op feeds.LessonOp
		note := ""
		switch st.prompt {
		case promptCaption:
			op = feeds.LessonOp{Kind: feeds.LessonSetCaption, Caption: party.CleanText(v, feeds.MaxCaption)}
			note = "caption shown to the room"
			if op.Caption == "" {
				note = "caption cleared"
			}
		case promptAsk:
			var day = m.upd.Frame
			var q feeds.Question
			var err error
			if day == nil {
				st.perr = "no replay time yet"
				return m, nil
			}
			sym, err := askSymbol(v, m.watch.Selected(), day)
			if err != nil {
				st.perr = err.Error()
				return m, nil
			}
			if q, err = party.ParseAsk(v, sym, day.Time); err != nil {
				st.perr = err.Error()
				return m, nil
			}
			op = feeds.LessonOp{Kind: feeds.LessonAsk, Question: &q}
			note = "asked the room (A locks the answers)"
			if q.Kind == feeds.QuestionNumber {
				note = "asked about " + q.Symbol // short: the bar cuts notes; the lesson line says A locks
			}
		case promptAnswer:
			l := m.partyLesson()
			if l == nil || l.Question == nil || l.Question.Locked {
				st.perr = "answers are locked"
				return m, nil
			}
			if _, err := party.ParseAnswer(*l.Question, v); err != nil {
				st.perr = err.Error()
				return m, nil
			}
			op = feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: v}
			note = noteAnswerSent
		}
		m.closeLessonPrompt()
		return m, m.lessonOp(op, note)
	}
	st.perr = ""
	ti, cmd := common.UpdateInput(*st.input, msg)
	st.input = &ti
	return m, cmd
}

// askSymbol is the symbol a number question is about: the selected row's,
// unless the text names another symbol of the frame in capitals. Typed
// with AVGO selected, "Where does NVDA close?" would have revealed AVGO's
// close as the truth. Several named, the selected one not among them:
// refused, with what to do.
func askSymbol(text, selected string, f *market.Frame) (string, error) {
	if f == nil || strings.Contains(text, "|") {
		return selected, nil // a choice question reads no symbol
	}
	var named []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '^' && r != '.' && r != '-'
	}) {
		w = strings.Trim(w, ".-")
		if w == "" || w != strings.ToUpper(w) || f.Index(w) < 0 {
			continue // a word, not a symbol in capitals ("Where", "Ford")
		}
		if w == selected {
			return selected, nil
		}
		if !slices.Contains(named, w) {
			named = append(named, w)
		}
	}
	switch len(named) {
	case 0:
		return selected, nil
	case 1:
		return named[0], nil
	}
	return "", fmt.Errorf("the question names %s: select the one it is about", strings.Join(named, " and "))
}

// lessonPromptView is the open prompt's line with why enter was refused.
func (m Model) lessonPromptView() string {
	st := m.lesson
	if st.prompt == promptNone || st.input == nil {
		return ""
	}
	v := st.input.View()
	if st.perr != "" {
		v += "  " + m.c.Styles.Warn.Render(common.Text(st.perr, m.c.Glyphs))
	}
	return v
}

// lessonHelp is the lesson's key group (nil outside a party).
func (m Model) lessonHelp() [][]key.Binding {
	k := m.lesson.keys
	g := []key.Binding{k.Follow, k.Caption, k.Ask, k.Answer}
	if enabled(g) == 0 {
		return nil
	}
	return [][]key.Binding{g}
}

// hasLessonLine reports whether lessonLine has a line, without drawing it
// (asked after every message).
func (m *Model) hasLessonLine() bool {
	l := m.partyLesson()
	if l == nil {
		return false
	}
	return (l.Caption != "" && !(m.tour.on && l.Caption == m.tour.caption)) || l.Question != nil || m.lesson.hint != ""
}

// lessonLine is the caption line above the strip ("" none): the caption,
// the open question and where it stands, and the presenter-moved hint,
// cut to width w.
func (m Model) lessonLine(w int) string {
	l := m.partyLesson()
	if l == nil || w <= 0 {
		return ""
	}
	s := m.c.Styles
	ascii := m.c.Glyphs == common.GlyphsASCII
	var parts []string
	if c := l.Caption; c != "" && !(m.tour.on && c == m.tour.caption) {
		parts = append(parts, s.Bold.Render(common.Text(party.CleanText(c, feeds.MaxCaption), m.c.Glyphs)))
	}
	if q := m.questionText(l); q != "" {
		parts = append(parts, s.Accent.Render(common.Text(q, m.c.Glyphs)))
	}
	if h := m.lesson.hint; h != "" {
		parts = append(parts, s.Faint.Render(common.Text(h, m.c.Glyphs)))
	}
	if len(parts) == 0 {
		return ""
	}
	sep := " │ "
	if ascii {
		sep = " | "
	}
	line := strings.Join(parts, s.Faint.Render(sep))
	if theme.Width(line) > w {
		tail := "…"
		if ascii {
			tail = "..."
		}
		line = ansi.Truncate(line, w, tail)
	}
	return line
}

// questionText is where the open question stands, for this viewer.
func (m Model) questionText(l *feeds.Lesson) string {
	q := l.Question
	if q == nil {
		return ""
	}
	t := "? " + party.CleanText(q.Text, feeds.MaxQuestionText)
	if q.Kind == feeds.QuestionNumber && q.Unit != "" {
		t += " (" + q.Unit + ")"
	}
	answered := strconv.Itoa(l.Answered) + " answered"
	lockAt := func() string {
		at := q.LockedAt
		if at.IsZero() {
			at = q.LockAt
		}
		if at.IsZero() {
			return ""
		}
		return " at " + at.In(snapshots.Location()).Format("15:04")
	}
	var st []string
	presenting := m.presenting()
	switch {
	case q.Revealed:
		switch r := l.Result; {
		case r == nil:
			st = append(st, "revealed")
		case r.Truth != "" && q.Kind == feeds.QuestionChoice:
			st = append(st, "right answer "+r.Truth)
		case r.Truth != "":
			st = append(st, "true value "+r.Truth)
		default:
			st = append(st, "true value unknown")
		}
		if presenting {
			st = append(st, "A closes the question")
		}
	case q.Locked:
		st = append(st, "answers locked"+lockAt(), answered)
		if presenting {
			st = append(st, "A reveals")
		}
	case presenting:
		st = append(st, answered)
		if at := lockAt(); at != "" {
			st = append(st, "locks"+at)
		}
		st = append(st, "A locks answers")
	default:
		if l.MyAnswer == "" {
			st = append(st, "a answers")
		}
		st = append(st, answered)
	}
	if l.MyAnswer != "" && !presenting {
		st = append(st, "your answer "+party.CleanText(l.MyAnswer, maxAnswerText+feeds.MaxChoiceText))
		if !q.Locked {
			st = append(st, "a changes it")
		}
	}
	// one printable line whatever the party sent (a room cleans its texts;
	// a bad relay must not reach the terminal)
	return party.CleanText(t+" — "+strings.Join(st, " · "), 400)
}
