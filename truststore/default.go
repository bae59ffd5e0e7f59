package truststore

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/dbtls/dbtls/kind"
)

// DefaultStoreFile returns the JDK's default trust store file:
// $JAVA_HOME/lib/security/jssecacerts, else …/cacerts. Without JAVA_HOME the
// JDK is found from `java` on PATH. None found is an error saying where it
// looked.
func DefaultStoreFile() (string, error) {
	var homes []string
	if h := os.Getenv("JAVA_HOME"); h != "" {
		homes = append(homes, h)
	} else if java, err := exec.LookPath("java"); err == nil {
		if real, err := filepath.EvalSymlinks(java); err == nil {
			homes = append(homes, filepath.Dir(filepath.Dir(real)))
		}
	}
	var tried []string
	for _, h := range homes {
		for _, name := range []string{"jssecacerts", "cacerts"} {
			p := filepath.Join(h, "lib", "security", name)
			tried = append(tried, p)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return p, nil
			}
		}
	}
	why := "JAVA_HOME is not set and no java is on PATH"
	if len(tried) > 0 {
		why = "none of " + strings.Join(tried, ", ") + " exists"
	}
	return "", &kind.Error{Kind: kind.TruststoreUnreadable, What: "no default trust store file", Key: "trustStorePassword",
		Why: why + " (a trust store password without trustStore names the JDK's default store file)",
		Fix: "set JAVA_HOME to a JDK, or set trustStore to the store's path", Err: ErrUnreadable}
}
