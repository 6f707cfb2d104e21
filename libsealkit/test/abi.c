/* Compiles sealkit.h together with cgo's generated header: any function
 * whose hand-written prototype differs from the exported Go signature is a
 * "conflicting types" error here, so the header cannot drift. */
#include "sealkit.h"
#include "libsealkit-cgo.h"

int main(void) { return 0; }
