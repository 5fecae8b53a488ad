#ifndef CUSTOMS_CVECTORSCAN_SHIM_H
#define CUSTOMS_CVECTORSCAN_SHIM_H
// Vectorscan installs its headers under hs/.
#include <hs/hs.h>
#endif
