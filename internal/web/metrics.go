package web

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// Metrics are herald's Prometheus metrics.
type Metrics struct {
	Registry *prometheus.Registry
	posts    *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	fetches  *prometheus.CounterVec
}

// NewMetrics registers herald's metrics, the Go runtime's and the process's.
// The queue depth is read from the store at each scrape.
func NewMetrics(version string, st store.Store) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		posts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_posts_total", Help: "Publish outcomes by destination and resulting status.",
		}, []string{"destination", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "herald_publish_duration_seconds", Help: "Time taken by one publish call.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"destination"}),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_feed_fetches_total", Help: "Feed fetches by result (ok, not-modified, error).",
		}, []string{"result"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "herald_build_info", Help: "herald's version.", ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	reg.MustRegister(m.posts, m.latency, m.fetches, build, &queueCollector{st: st},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObservePublish records the outcome of one publish call.
func (m *Metrics) ObservePublish(dest string, status news.Status, d time.Duration) {
	m.posts.WithLabelValues(dest, string(status)).Inc()
	m.latency.WithLabelValues(dest).Observe(d.Seconds())
}

// ObserveFetch records the result of one feed fetch.
func (m *Metrics) ObserveFetch(_ string, result string, _ time.Duration) {
	m.fetches.WithLabelValues(result).Inc()
}

var queueDesc = prometheus.NewDesc("herald_queue_depth", "Posts in the outbox by status.", []string{"status"}, nil)

type queueCollector struct{ st store.Store }

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDesc }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.st.CountPosts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueDesc, err)
		return
	}
	for _, s := range news.Statuses {
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
}

var (
	postsLeftDesc = prometheus.NewDesc("herald_daily_posts_left", "Posts a destination may still make in the rolling 24 hours (-1: no cap).", []string{"destination"}, nil)
	budgetDesc    = prometheus.NewDesc("herald_budget_left_dollars", "Monthly budget left, in US dollars (only destinations with a budget).", []string{"destination"}, nil)
	spentDesc     = prometheus.NewDesc("herald_spent_this_month_dollars", "Spent on posting this calendar month, in US dollars.", []string{"destination"}, nil)
	pausedDesc    = prometheus.NewDesc("herald_destination_paused", "1 when a destination is paused (credentials refused, out of credits).", []string{"destination"}, nil)
	downDesc      = prometheus.NewDesc("herald_destination_down_since_timestamp_seconds", "When a destination's network stopped answering (Unix time; 0 while it answers).", []string{"destination"}, nil)
	rateRemDesc   = prometheus.NewDesc("herald_rate_limit_remaining", "Calls left in the platform's rate-limit window, as of the last call.", []string{"destination"}, nil)
	rateResetDesc = prometheus.NewDesc("herald_rate_limit_reset_timestamp_seconds", "When the platform's rate-limit window resets (Unix time).", []string{"destination"}, nil)
	infoDesc      = prometheus.NewDesc("herald_destination_info", "1 for each destination, with the network it posts to.", []string{"destination", "network"}, nil)
)

// WatchDestinations exports each destination's limits, read at every scrape.
func (m *Metrics) WatchDestinations(status StatusFunc) {
	m.Registry.MustRegister(&destCollector{status: status})
}

type destCollector struct{ status StatusFunc }

func (c *destCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{postsLeftDesc, budgetDesc, spentDesc, pausedDesc, downDesc, rateRemDesc, rateResetDesc, infoDesc} {
		ch <- d
	}
}

func (c *destCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	dests, err := c.status(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(postsLeftDesc, err)
		return
	}
	gauge := func(d *prometheus.Desc, v float64, name string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, name)
	}
	for _, d := range dests {
		ch <- prometheus.MustNewConstMetric(infoDesc, prometheus.GaugeValue, 1, d.Name, d.Network)
		gauge(postsLeftDesc, float64(d.PostsLeftToday), d.Name)
		gauge(spentDesc, d.SpentThisMonth, d.Name)
		if d.MonthlyBudget > 0 {
			gauge(budgetDesc, d.BudgetLeft, d.Name)
		}
		paused := 0.0
		if d.Paused {
			paused = 1
		}
		gauge(pausedDesc, paused, d.Name)
		down := 0.0
		if !d.DownSince.IsZero() {
			down = float64(d.DownSince.Unix())
		}
		gauge(downDesc, down, d.Name)
		if d.RateLimitRemaining >= 0 {
			gauge(rateRemDesc, float64(d.RateLimitRemaining), d.Name)
			gauge(rateResetDesc, float64(d.RateLimitReset.Unix()), d.Name)
		}
	}
}
