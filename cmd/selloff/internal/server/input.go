package server

import "bytes"

// replyFilter drops terminal replies from a session's input: OSC 10/11
// colour answers ("\x1b]11;rgb:…" up to BEL or ST) and device attributes
// ("\x1b[?…c"). They answer the server's own background query; one that
// arrives after the query gave up (a slow link) would otherwise reach the
// program, which (bubbletea v1 parses no OSC) reads it as alt+] and the
// typed runes "11;rgb:…": '1' would focus a pane, ']' jump to the next
// event, 'g' open the go-to prompt. Nobody types these sequences, so they
// are dropped whenever they come, however they are split across reads:
// the start of one at the end of a read is held until the next read says
// what it is (a lone ESC is not held: the Esc key must not wait; a reply
// that follows it is still dropped). An OSC longer than maxReply bytes
// stops being dropped.
type replyFilter struct {
	state    int    // 0 input, 1 in an OSC reply, 2 in an OSC reply after ESC, 3 in "\x1b[?"
	csi      []byte // the "\x1b[?…" read so far
	n        int    // bytes dropped in the current OSC reply
	pending  []byte // a possible reply start held from the last read
	afterESC bool   // the last read ended with a lone ESC, passed on
}

const maxReply = 512

var replyStarts = [][]byte{[]byte("\x1b]10;"), []byte("\x1b]11;"), []byte("\x1b[?")}

// startKind tells whether b (from an ESC) begins a reply: full (the whole
// start is there: 1 for OSC, 3 for CSI ?), or partial (b is shorter than
// a start and could still become one).
func startKind(b []byte) (full int, partial bool) {
	for i, st := range replyStarts {
		switch {
		case bytes.HasPrefix(b, st):
			if i == 2 {
				return 3, false
			}
			return 1, false
		case len(b) < len(st) && bytes.HasPrefix(st, b):
			partial = true
		}
	}
	return 0, partial
}

// filter returns in without the replies (a new slice; in is not changed).
func (f *replyFilter) filter(in []byte) []byte {
	if len(in) == 0 {
		return nil // nothing read: the state stands
	}
	data := in
	if len(f.pending) > 0 {
		data = append(append([]byte(nil), f.pending...), in...)
		f.pending = nil
	}
	out := make([]byte, 0, len(data))
	if f.afterESC && f.state == 0 && len(data) > 0 {
		// the ESC of a reply went through alone; what follows may be the rest
		f.afterESC = false
		withESC := append([]byte{0x1b}, data...)
		switch full, partial := startKind(withESC); {
		case full == 1:
			f.state, f.n = 1, 0
			data = data[len(replyStarts[0])-1:]
		case full == 3:
			// the ESC is out already: if this is not DA1, the rest is
			// passed on without it a second time
			f.state, f.csi = 3, append(f.csi[:0], "[?"...)
			data = data[2:]
		case partial && len(withESC) < len(replyStarts[0]):
			f.pending, f.afterESC = append([]byte(nil), data...), true
			return out
		}
	}
	f.afterESC = false
	for i := 0; i < len(data); i++ {
		b := data[i]
		switch f.state {
		case 0:
			if b == 0x1b {
				rest := data[i:]
				full, partial := startKind(rest)
				switch {
				case full == 1:
					f.state, f.n = 1, 0
					i += len(replyStarts[0]) - 1
					continue
				case full == 3:
					f.state, f.csi = 3, append(f.csi[:0], "\x1b[?"...)
					i += 2
					continue
				case len(rest) == 1:
					f.afterESC = true // pass the ESC on now, watch what follows
				case partial:
					f.pending = append([]byte(nil), rest...) // wait for the next read
					return out
				}
			}
			out = append(out, b)
		case 1, 2:
			f.n++
			switch {
			case b == 0x07 || (f.state == 2 && b == '\\'):
				f.state = 0
			case b == 0x1b:
				f.state = 2
			case f.n > maxReply:
				f.state = 0 // not a reply after all: let input through again
			default:
				f.state = 1
			}
		case 3:
			f.csi = append(f.csi, b)
			if b >= 0x40 && b <= 0x7e { // the final byte
				if b != 'c' {
					out = append(out, f.csi...) // another CSI ? sequence: not ours
				}
				f.state = 0
			} else if len(f.csi) > 64 {
				out = append(out, f.csi...)
				f.state = 0
			}
		}
	}
	return out
}
