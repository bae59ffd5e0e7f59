package connector_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestExamplesArePasteable: every exported option, OpenDB and Info has an
// Example, and no file holding an Example imports what a user's module
// cannot (internal/ or conformance/ packages): what go doc shows compiles
// when pasted.
func TestExamplesArePasteable(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	exported := map[string]bool{"OpenDB": true, "Info": true}
	examples := map[string]bool{}
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		hasExample := false
		for _, d := range af.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil {
				continue
			}
			switch name := fd.Name.Name; {
			case strings.HasSuffix(f, "_test.go") && strings.HasPrefix(name, "Example"):
				hasExample = true
				examples[strings.SplitN(strings.TrimPrefix(name, "Example"), "_", 2)[0]] = true
			case !strings.HasSuffix(f, "_test.go") && strings.HasPrefix(name, "With") && ast.IsExported(name):
				exported[name] = true
			}
		}
		if !hasExample {
			continue
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			require.False(t, strings.Contains(p, "/internal/") || strings.Contains(p, "/conformance/"),
				"%s holds an Example and imports %s, which a user's module cannot", f, p)
		}
	}
	require.Greater(t, len(exported), 5)
	for name := range exported {
		require.True(t, examples[name], "no Example%s", name)
	}
}
