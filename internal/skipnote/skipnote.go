// Package skipnote lets a package's tests say, in the normal output of
// go test ./..., which of them skip for want of something outside the
// repository (a PostgreSQL, a Chromium), and how to enable them.
//
// go test shows a passing package's output only with -v, so a t.Skip
// message or a line printed by TestMain is never seen in a normal run. Say
// writes its line to the terminal (/dev/tty) when there is one, where it
// shows among go test's "ok" lines, and to stderr otherwise (shown with -v
// and when the package fails). A cached result prints nothing: go test
// -count=1 runs the tests again.
package skipnote

import (
	"fmt"
	"os"
)

// Say writes one line about skipped tests for the person running them.
func Say(format string, args ...any) {
	line := fmt.Sprintf(format, args...) + "\n"
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if _, err := tty.WriteString(line); err == nil {
			return
		}
	}
	os.Stderr.WriteString(line)
}
