// libFuzzer's driver entry point, for the fuzz targets (built by .ci/fuzz with -sanitize=fuzzer).
#ifndef THREATDOC_CFUZZER_H
#define THREATDOC_CFUZZER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
