// The header declares libFuzzer's driver, which -sanitize=fuzzer links in. libFuzzer's archive also
// holds a main() that wants LLVMFuzzerTestOneInput; threatdoc-fuzz has its own main and drives the
// fuzzer through LLVMFuzzerRunDriver, so this weak definition only satisfies the linker.
#include "CFuzzer.h"

__attribute__((weak)) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    (void)data;
    (void)size;
    return 0;
}
