package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// versionText is what herald version prints: the version, the commit the
// binary was built from and the Go that built it.
func versionText() string {
	info, ok := debug.ReadBuildInfo()
	return formatVersion(version, commit, info, ok)
}

func formatVersion(stamped, stampedCommit string, info *debug.BuildInfo, ok bool) string {
	v := stamped
	goVersion := runtime.Version()
	commit := "unknown (built without version control information: from a module download, or with -buildvcs=false)"
	if stampedCommit != "" {
		commit = stampedCommit
	}
	if ok {
		// go install …/cmd/herald@v1.2.3 records the module's version.
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = strings.TrimPrefix(info.Main.Version, "v")
		}
		goVersion = info.GoVersion
		settings := map[string]string{}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			commit = rev
			if t := settings["vcs.time"]; t != "" {
				commit += " (" + t + ")"
			}
			if settings["vcs.modified"] == "true" {
				commit += ", with local changes"
			}
		}
	}
	return fmt.Sprintf("herald %s\ncommit: %s\ngo:     %s %s/%s\n", v, commit, goVersion, runtime.GOOS, runtime.GOARCH)
}
