//go:build !unix

package tui

import "time"

// processCPU is not measured on this platform.
func processCPU() time.Duration { return 0 }
