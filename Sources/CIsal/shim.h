#ifndef CUSTOMS_CISAL_SHIM_H
#define CUSTOMS_CISAL_SHIM_H
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>
#endif
