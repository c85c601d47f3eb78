//go:build race

package source

import "time"

// testLease is the lease of the tests with replicas. Under the race
// detector, on a loaded machine, a renewal has been seen to take half a
// second: the lease is long enough that such a delay does not let it lapse.
const testLease = 2 * time.Second
