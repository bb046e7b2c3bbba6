package rules

// Rule headers may name any source kind, and the kinds beyond bidui's own (disability, housing, …) register
// themselves where the importer describes them: the catalogue's tests load the rules with every kind known.
import _ "github.com/bidui/bidui/sources"
