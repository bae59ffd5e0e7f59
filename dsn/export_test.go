package dsn

// withoutSource returns a copy of c without the DSN it was parsed from:
// the fields two Configs that hold the same must agree on. (A Config Parse
// returned keeps its DSN, which Format reads for the order and spelling of
// its properties; two DSNs that read the same differ there. Tests comparing
// such Configs compare this and Format's output.)
func withoutSource(c *Config) Config {
	o := *c
	o.source = ""
	return o
}

// WithoutSource is withoutSource for the external tests.
var WithoutSource = withoutSource
