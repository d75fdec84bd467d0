//go:build tools

// Package tools pins modules that later code uses, so go mod tidy keeps them.
package tools

import (
	_ "github.com/NimbleMarkets/ntcharts/canvas"
	_ "github.com/charmbracelet/bubbles/key"
	_ "github.com/charmbracelet/bubbletea"
	_ "github.com/charmbracelet/wish"
	_ "github.com/charmbracelet/x/exp/teatest"
	_ "github.com/piquette/finance-go"
	_ "golang.org/x/crypto/ssh"
)
