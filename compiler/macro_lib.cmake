# Embeds the macro library (stdlib/macros/base.et) in the compiler as the C
# array et_macro_lib (compiler/pass_macros.c): cmake -DIN=... -DOUT=...
# -P macro_lib.cmake.
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/embed_bytes.cmake)
et_embed_bytes(${IN} bytes len)
set(body "/* Generated from stdlib/macros/base.et by compiler/macro_lib.cmake. */\n")
string(APPEND body "const char et_macro_lib[] = {\n\t${bytes}0x00\n};\n")
string(APPEND body "const unsigned et_macro_lib_len = ${len};\n")
et_write_if_changed(${OUT} "${body}")
