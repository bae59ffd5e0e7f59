// Command gendoc writes docs/conformance.md from the conformance matrix:
//
//	go run ./conformance/sqlserver/gendoc > docs/conformance.md
package main

import (
	"fmt"

	"github.com/dbtls/dbtls/conformance/sqlserver"
)

func main() {
	fmt.Print(sqlserver.Markdown())
}
