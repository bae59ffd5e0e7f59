// Package testutil holds nothing itself: its sub-packages are test support
// (certgen makes certificates with a fixed clock, randomconfig makes random
// dsn.Config values for property tests, secretsweep runs hostile strings
// through every printer). No library package imports them; layout_test.go
// fails when one does.
package testutil
