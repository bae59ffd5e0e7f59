package connector

import (
	"io"
	"log/slog"
	"time"
)

// Option configures a Connector.
type Option func(*options)

type options struct {
	observer func(ConnInfo)
	log      *slog.Logger
	clock    func() time.Time
}

// WithObserver calls f with the record of every connection made.
func WithObserver(f func(ConnInfo)) Option { return func(o *options) { o.observer = f } }

// WithLogger logs every connection, failure, warning and reload to l. No
// password is ever logged.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithClock sets the clock that certificate validity is judged by (tests).
// The timings of ConnInfo always use the real clock.
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func (o *options) logger() *slog.Logger {
	if o.log == nil {
		return discard
	}
	return o.log
}
