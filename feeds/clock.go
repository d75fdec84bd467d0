package feeds

import "time"

// RealClock is the wall clock, for cmd to inject. Library code never calls
// time.Now itself.
type RealClock struct{}

// Now returns the wall time.
func (RealClock) Now() time.Time { return time.Now() }

// After is time.After.
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
