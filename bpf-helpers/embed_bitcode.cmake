# Turns the linked helper bitcode into C: a byte array the code generator
# parses at run time. cmake -DIN=helpers.bc -DOUT=helpers_bc.c -P this.
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/embed_bytes.cmake)
et_embed_bytes(${IN} bytes len)
set(body "/* Generated from the bpf-helpers sources by bpf-helpers/embed_bitcode.cmake. */\n")
string(APPEND body "#include <stddef.h>\n\n")
string(APPEND body "/* LLVM bitcode is read in 32-bit words: keep it aligned. */\n")
string(APPEND body "const unsigned char et_helpers_bc[] __attribute__((aligned(8))) = {\n\t${bytes}\n};\n")
string(APPEND body "const size_t et_helpers_bc_len = ${len};\n")
et_write_if_changed(${OUT} "${body}")
