package server

import "github.com/charmbracelet/ssh"

// sessionEnv is a viewer's environment as their terminal gives it: what
// they sent (ssh -o SendEnv, SetEnv), and TERM from their pty request.
func sessionEnv(sess ssh.Session) func(string) string {
	env := append([]string(nil), sess.Environ()...)
	if pty, _, ok := sess.Pty(); ok && pty.Term != "" {
		env = append(env, "TERM="+pty.Term)
	}
	return environ(env).Getenv
}
