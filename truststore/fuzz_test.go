package truststore

import (
	"os"
	"testing"
)

// FuzzLoadBytes: no input makes the loaders panic, with or without a password.
func FuzzLoadBytes(f *testing.F) {
	for _, name := range []string{"trust.jks", "trust.p12", "trust-nopass.p12", "ca.pem", "empty.jks", "trust.jceks", "client.p12"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "changeit", true)
		f.Add(data, "", false)
	}
	f.Fuzz(func(t *testing.T, data []byte, password string, has bool) {
		st, err := LoadBytes(data, Source{Path: "fuzz", Password: password, HasPassword: has})
		if err == nil && len(st.Certs) == 0 {
			t.Fatal("a store without certificates must be an error")
		}
	})
}
