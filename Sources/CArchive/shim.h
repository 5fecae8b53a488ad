#ifndef CUSTOMS_CARCHIVE_SHIM_H
#define CUSTOMS_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>

// The AE_IF* mode constants are casts that Swift does not import.
static inline unsigned int customs_archive_type_regular(void) { return AE_IFREG; }
static inline unsigned int customs_archive_type_directory(void) { return AE_IFDIR; }
static inline unsigned int customs_archive_type_symlink(void) { return AE_IFLNK; }
#endif
