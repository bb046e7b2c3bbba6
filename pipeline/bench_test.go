package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bidui/bidui/fixtures"
)

// BenchmarkRunTown measures a whole run (import, match, rules, report, publish) on a generated town (four
// villages, then the town size), growing run history included. Compare medians across commits with benchstat.
func BenchmarkRunTown(b *testing.B) {
	for _, households := range []int{75, 0} {
		b.Run(fmt.Sprintf("households=%d", households), func(b *testing.B) {
			dir := b.TempDir()
			opt := fixtures.Options{Size: fixtures.SizeTown, Seed: 1, AsOf: time.Date(2023, 6, 10, 0, 0, 0, 0, time.UTC)}
			if households > 0 {
				opt.Villages, opt.Households = 4, households
			}
			town, err := fixtures.Write(dir, opt)
			if err != nil {
				b.Fatal(err)
			}
			cfg := DefaultConfig()
			cfg.Inbox, cfg.DB, cfg.Out, cfg.AsOf = town.Inbox, filepath.Join(dir, "bidui.duckdb"), filepath.Join(dir, "out"), MustDate("2023-06-10")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Run(context.Background(), cfg, Options{}); err != nil && !errors.Is(err, ErrPartial) {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(town.Residents)*float64(b.N)/b.Elapsed().Seconds(), "residents/s")
		})
	}
}
