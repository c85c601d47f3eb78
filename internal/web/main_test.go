package web

import (
	"os"
	"os/exec"
	"testing"

	"github.com/heraldhq/herald/internal/skipnote"
)

func TestMain(m *testing.M) {
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		if _, err := exec.LookPath("chromium"); err != nil {
			skipnote.Say("internal/web: the browser tests skipped: Chromium is not installed " +
				"(Debian: apt-get install chromium, or sudo bash .ci/chromium.sh; README: Test)")
		}
	}
	os.Exit(m.Run())
}
