// zlib, for gzip-compressed IDX files.
#ifndef LIKELY_CZLIB_H
#define LIKELY_CZLIB_H
#include <zlib.h>
#endif
