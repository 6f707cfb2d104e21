// sealkit.h must also compile as C++ (extern "C", no C-only syntax).
#include "sealkit.h"

int main() { return sealkit_error_name(SEALKIT_OK) == nullptr; }
