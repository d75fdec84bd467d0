package main

import (
	"strings"
	"testing"
)

// Bad serve limits are usage errors with a message naming the flag, not
// silent defaults; they are refused before anything starts.
func TestServeFlagsValidated(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-sessions", "-5"}, "--max-sessions -5: want a number of sessions from 1 to"},
		{[]string{"--max-sessions", "0"}, "--max-sessions 0:"},
		{[]string{"--max-sessions", "1000000"}, "--max-sessions 1000000:"},
		{[]string{"--per-ip", "0"}, "--per-ip 0: want a number of sessions from 1 to --max-sessions (100)"},
		{[]string{"--per-ip", "-1"}, "--per-ip -1:"},
		{[]string{"--max-sessions", "4", "--per-ip", "5"}, "--per-ip 5:"},
		{[]string{"--idle-timeout", "0s"}, "--idle-timeout 0s: want a positive duration"},
		{[]string{"--max-timeout", "-1h"}, "--max-timeout -1h0m0s: want a positive duration"},
		{[]string{"--listen", ""}, `--listen "": want HOST:PORT`},
		{[]string{"--listen", "localhost"}, `--listen "localhost": want HOST:PORT`},
		{[]string{"--leaderboard-names", "bogus"}, `--leaderboard-names "bogus": want user or anonymous`},
	} {
		args := append([]string{"serve", "--host-key", t.TempDir() + "/k"}, tc.args...)
		code, _, errs := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d stderr %q, want exit %d and %q", tc.args, code, errs, exitUsage, tc.want)
		}
	}
}

// --max-sessions below the default --per-ip is fine when --per-ip is not
// given: sessions per address are then capped at --max-sessions.
func TestServePerIPDefaultFollowsMaxSessions(t *testing.T) {
	fs := flagSet(t, serveFlags, "--max-sessions", "4")
	perIP, err := checkServeFlags(fs)
	if err != nil || perIP != 4 {
		t.Errorf("--max-sessions 4: per-ip %d, %v", perIP, err)
	}
	fs = flagSet(t, serveFlags, "--max-sessions", "40", "--per-ip", "3")
	if perIP, err := checkServeFlags(fs); err != nil || perIP != 3 {
		t.Errorf("--per-ip 3: %d, %v", perIP, err)
	}
}
