# CPython frames in ustack (tests/runtime/python.sh) against
# tests/progs/python/chain.py: -c, -p, threads, ustack(native), profile,
# a uprobe, two probes with ustack; Debian's python3.11, and pyenv's
# 3.12/3.13 when installed;
# pyfunc/pyfile/pyline and the py* recipes.
etrace_runtime_cases(python ${CMAKE_CURRENT_LIST_DIR}/python.sh 120
  ARGS $<TARGET_FILE:etrace> ${CMAKE_CURRENT_LIST_DIR}/../progs/python
  CASES child pid two_ustack shim shim_pid threads native profile uprobe py312 py313 builtins
        pyprofile pyprofile_none pycalls pygc pyexceptions discover)
