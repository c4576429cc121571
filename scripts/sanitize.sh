#!/usr/bin/env bash
# sanitize.sh: builds tutor and every test with AddressSanitizer + UndefinedBehaviorSanitizer in
# its own folder (build-sanitize/) and runs ctest there, leak detection on. Third-party leaks
# and reports are suppressed one library at a time, each with its reason, in
# scripts/sanitizers/. Slow (a full build): a check to run by hand, not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
TUTOR_SETUP_NO_BUILD=1 bash scripts/setup.sh   # the packages only

flags="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTUTOR_NATIVE=OFF \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined"
cmake --build build-sanitize -j "${TUTOR_JOBS:-$(nproc)}"

supp="$PWD/scripts/sanitizers"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_odr_violation=0"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
# the viewer test keeps Mesa's software GL driver loaded until exit (the ASan runtime first, as
# ASan requires): otherwise GLX unloads it at exit and LeakSanitizer reports what its globals
# held as leaks of an "<unknown module>" that no suppression can name
dri=/usr/lib/x86_64-linux-gnu/dri/swrast_dri.so
[[ -e "$dri" ]] && export TUTOR_SANITIZE_PRELOAD="$(gcc -print-file-name=libasan.so):$dri"
cd build-sanitize
ctest --output-on-failure -j "${TUTOR_JOBS:-$(nproc)}"
