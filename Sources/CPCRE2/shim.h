#ifndef CUSTOMS_CPCRE2_SHIM_H
#define CUSTOMS_CPCRE2_SHIM_H
// PCRE2's generic names are macros; the 8-bit width makes pcre2_*_8 visible to Swift.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// PCRE2_ZERO_TERMINATED and PCRE2_UNSET are casts of ~0 that Swift does not import.
static inline size_t customs_pcre2_unset(void) { return PCRE2_UNSET; }
#endif
