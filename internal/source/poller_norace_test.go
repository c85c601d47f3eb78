//go:build !race

package source

import "time"

// testLease is the lease of the tests with replicas: short, so that they
// show renewal at work within a few seconds, and long enough for a
// database on a loaded machine to answer a renewal in time.
const testLease = 500 * time.Millisecond
