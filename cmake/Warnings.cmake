# Project warning flags, applied per target (never to third-party headers,
# which come in as SYSTEM includes).
function(beamline_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
endfunction()
