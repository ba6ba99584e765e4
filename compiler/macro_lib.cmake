# Embeds the macro library (stdlib/macros/base.et) in the compiler as the C
# array et_macro_lib (compiler/pass_macros.c): cmake -DIN=... -DOUT=...
# -P macro_lib.cmake. Pure CMake, like driver/embed_stdlib.cmake.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)"
       "\\1\n\t" bytes "${bytes}")
set(body "/* Generated from stdlib/macros/base.et by compiler/macro_lib.cmake. */\n")
string(APPEND body "const char et_macro_lib[] = {\n\t${bytes}0x00\n};\n")
string(APPEND body "const unsigned et_macro_lib_len = ${len};\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
  if(old STREQUAL body)
    return()
  endif()
endif()
file(WRITE ${OUT} "${body}")
