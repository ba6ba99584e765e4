# Writes OUT, a C table of the system call names by number, from the
# kernel's uapi header HEADER (asm/unistd_64.h: "#define __NR_read 0"),
# for syscall_name() (runtime/value.c). Run at build time by CMakeLists.txt.
file(STRINGS ${HEADER} lines REGEX "^#define __NR_[a-z0-9_]+ [0-9]+$")
set(body "")
foreach(l ${lines})
  string(REGEX REPLACE "^#define __NR_([a-z0-9_]+) ([0-9]+)$" "\\1;\\2" p "${l}")
  list(GET p 0 name)
  list(GET p 1 nr)
  string(APPEND body "\t[${nr}] = \"${name}\",\n")
endforeach()
file(WRITE ${OUT}.tmp "/* Generated from ${HEADER} by runtime/syscall_names.cmake. */
#include \"syscall_names.h\"

const char *const et_syscall_names[] = {
${body}};
const int et_nsyscall_names =
\tsizeof(et_syscall_names) / sizeof(et_syscall_names[0]);
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
