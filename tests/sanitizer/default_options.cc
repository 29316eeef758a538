// The sanitizer runtimes' options for every executable of an
// EARSHOT_SANITIZE=ON build (CMakeLists.txt), so that ctest, the test
// binaries run by hand and the earshot binary all check the same way. The
// runtimes call these hooks at start-up; variables in the environment
// (ASAN_OPTIONS, LSAN_OPTIONS, UBSAN_OPTIONS) are applied after them.
extern "C" {

const char* __asan_default_options() {
  return "detect_leaks=1:suppressions=" EARSHOT_SANITIZER_DIR "/asan.supp";
}

const char* __lsan_default_options() {
  return "suppressions=" EARSHOT_SANITIZER_DIR "/lsan.supp";
}

const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1:suppressions=" EARSHOT_SANITIZER_DIR "/ubsan.supp";
}

}  // extern "C"
