package server

import "bytes"

// replyFilter drops terminal replies from a session's input: OSC 10/11
// colour answers ("\x1b]11;rgb:…" up to BEL or ST) and device attributes
// ("\x1b[?…c"). They answer the server's own background query; one that
// arrives after the query gave up (a slow link) would otherwise reach the
// program, which (bubbletea v1 parses no OSC) reads it as alt+] and the
// typed runes "11;rgb:…": '1' would focus a pane, 'g' open the go-to
// prompt. Nobody types these sequences, so they are dropped whenever they
// come. A sequence split across reads is followed; an OSC longer than
// maxReply bytes stops being dropped.
type replyFilter struct {
	state int    // 0 input, 1 in an OSC reply, 2 in an OSC reply after ESC, 3 in "\x1b[?"
	csi   []byte // the "\x1b[?…" read so far
	n     int    // bytes dropped in the current OSC reply
}

const maxReply = 512

var oscReply = [][]byte{[]byte("\x1b]10;"), []byte("\x1b]11;")}

// filter returns in without the replies (a new slice; in is not changed).
func (f *replyFilter) filter(in []byte) []byte {
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		b := in[i]
		switch f.state {
		case 0:
			if b == 0x1b {
				rest := in[i:]
				if bytes.HasPrefix(rest, oscReply[0]) || bytes.HasPrefix(rest, oscReply[1]) {
					f.state, f.n = 1, 0
					i += len(oscReply[0]) - 1
					continue
				}
				if bytes.HasPrefix(rest, []byte("\x1b[?")) {
					f.state, f.csi = 3, append(f.csi[:0], "\x1b[?"...)
					i += 2
					continue
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
