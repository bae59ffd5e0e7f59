package dsn

// Normalized reports whether c came from Parse or Normalize. (Placeholder
// until the one-pass reader lands: false, so every caller normalizes.)
func (c *Config) Normalized() bool { return false }
