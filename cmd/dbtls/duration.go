package main

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// durationFlag is a flag value that is a Go duration (2s, 500ms, 1m30s) or,
// as a reader coming from other tools writes it, a plain number of seconds
// (2, 0.5).
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil {
		return ""
	}
	return f.d.String()
}

func (f durationFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		if secs <= 0 || secs > 24*3600 {
			return errors.New("want a positive duration of at most a day, such as 2s or 500ms")
		}
		*f.d = time.Duration(secs * float64(time.Second))
		return nil
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return errors.New("want a duration such as 2s, 500ms or 1m30s, or a number of seconds")
	case d <= 0:
		return errors.New("want a positive duration, such as 2s")
	}
	*f.d = d
	return nil
}

// durationVar defines a duration flag that also takes seconds.
func (f *flags) durationVar(name string, value time.Duration, usage string) *time.Duration {
	d := value
	f.Var(durationFlag{&d}, name, usage)
	return &d
}
