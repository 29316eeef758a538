# Sourced by the bench/compare_*.sh scripts: the Python peer runs with the malloc settings earshot sets at start-up
# (include/earshot/util/allocator.h), read by glibc from the environment,
# so that the host's cost of page faults does not decide the ratio
# (docs/benchmarks.md, "Re-measured on another host"). PEER_MALLOC=default
# runs the peer as a Python user would.
case ${PEER_MALLOC:-earshot} in
  earshot) peer_env=(env MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=268435456) ;;
  default) peer_env=(env) ;;
  *) echo "PEER_MALLOC should be earshot or default, not '$PEER_MALLOC'" >&2; exit 2 ;;
esac
