//go:build js && wasm

package sign

// The browser build leaves Ed448 out: circl's Ed448 and its field code
// would add more to the module than its size budget allows. The sizes
// stay, so that posture and the verify decision order are unchanged.
var ed448 = &classical{seedLen: 57, pkLen: 57, sigLen: 114, missing: "HybridMatched Cat-3 (Ed448 + ML-DSA-65)"}
