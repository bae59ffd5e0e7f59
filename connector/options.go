package connector

import (
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
// password is ever logged. Without it, warnings and reloads go to
// slog.Default() (connections are logged only to a logger given here); a
// connector's warnings are also returned by Connector.Warnings.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithClock sets the clock that certificate validity is judged by (tests).
// The timings of ConnInfo always use the real clock.
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// logger is the logger given, or slog.Default(): a warning must reach the
// user without WithLogger (issue 11 item 2).
func (o *options) logger() *slog.Logger {
	if o.log == nil {
		return slog.Default()
	}
	return o.log
}
