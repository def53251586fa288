# Shared by embed-files.cmake (explorer assets) and embed-js.cmake (contract
# VM scripts), which both run in script mode (-P) at build time.
# embed_bytes(PATH OUT_BYTES OUT_SIZE): the file as a C initializer list body
# ("0x.., " 16 per line, ready for a trailing 0 that NUL-terminates it) and its
# size in bytes.
function(embed_bytes path out_bytes out_size)
  file(READ "${path}" hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR size "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
  set(${out_bytes} "${bytes}" PARENT_SCOPE)
  set(${out_size} "${size}" PARENT_SCOPE)
endfunction()

# write_if_changed(OUT BODY): only rewrite on change, so an unchanged tree
# does not recompile or relink what includes the generated source.
function(write_if_changed out body)
  if(EXISTS "${out}")
    file(READ "${out}" old)
    if(old STREQUAL body)
      return()
    endif()
  endif()
  file(WRITE "${out}" "${body}")
endfunction()
