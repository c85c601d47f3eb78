// Package source holds what yields candidate articles: the feed list
// reader and the Poller that fetches each feed on its schedule through the
// shared fetcher and hands what it parses (feed/) to a Handler.
package source
