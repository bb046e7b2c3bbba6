package rules

// The rule catalogue names source kinds that the importer registers from their own files
// (sources/kind_<name>.go, bidui.RegisterKind): the tests that load it register them the same way. Only the
// tests import sources; the package itself knows kinds through bidui alone.
import _ "github.com/bidui/bidui/sources"
