//go:build js && wasm

package sign

// The browser build leaves ECDSA-P-521 out: crypto/ecdsa brings math/big
// and encoding/asn1, more than the module's size budget allows. The sizes
// stay, so that posture and the verify decision order are unchanged.
var p521 = &classical{seedLen: 66, pkLen: 133, sigLen: 132, missing: "HybridMatched Cat-5 (ECDSA-P-521 + ML-DSA-87)"}
