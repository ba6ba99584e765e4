# Shared by the scripts that embed files in the binary as C byte arrays
# (compiler/macro_lib.cmake, driver/embed_stdlib.cmake,
# bpf-helpers/embed_bitcode.cmake), run as `cmake -P`: pure CMake, no xxd.

# et_embed_bytes(PATH BYTES LEN): BYTES = the file's bytes as C
# initializers ("0x2f,0x2a,..."), twelve to a line; LEN = their number.
function(et_embed_bytes path bytes_var len_var)
  file(READ ${path} hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR len "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # CMake regexes have no {n}: twelve groups spelled out.
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)"
         "\\1\n\t" bytes "${bytes}")
  set(${bytes_var} "${bytes}" PARENT_SCOPE)
  set(${len_var} ${len} PARENT_SCOPE)
endfunction()

# et_write_if_changed(OUT BODY): writes OUT only when its text changes, so
# that nothing rebuilds needlessly.
function(et_write_if_changed out body)
  if(EXISTS ${out})
    file(READ ${out} old)
    if(old STREQUAL body)
      return()
    endif()
  endif()
  file(WRITE ${out} "${body}")
endfunction()
