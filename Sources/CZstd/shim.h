#ifndef CUSTOMS_CZSTD_SHIM_H
#define CUSTOMS_CZSTD_SHIM_H
#include <zstd.h>
#include <zstd_errors.h>
#endif
