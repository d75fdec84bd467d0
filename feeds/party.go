package feeds

import "time"

// PaperScore is one watch-party viewer's paper trading at the party's
// replay time: the P&L of their fills marked at that time's prices.
type PaperScore struct {
	At     time.Time // the replay time it was marked at
	PnL    float64
	Trades int
	// Unpriced is the number of open positions with no price at At: their
	// part is left out of PnL (never valued at zero).
	Unpriced int
}

// BoardRow is one viewer's line of a watch party's leaderboard.
type BoardRow struct {
	Name string // the SSH user name, or "viewer N" (anonymous)
	PaperScore
	You bool // this row is the viewer's own
}

// Party is what a watch-party viewer's controller also offers (the SSH
// server's): the dashboard reports its paper trading to it, and the
// presenter shows or hides the leaderboard every viewer then sees in
// ClockStatus.Board. Both are called in a Cmd, never in Update.
type Party interface {
	ReportPaper(PaperScore)
	ShowBoard(on bool) error
}
