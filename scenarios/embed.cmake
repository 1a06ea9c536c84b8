# cmake -DIN=file.json -DOUT=file.cpp -P embed.cmake
# Writes a .cpp defining detail::embedded_default_scenario() as the contents of IN.
file(READ "${IN}" content)
set(delim "edgetwin_json")
string(FIND "${content}" ")${delim}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )${delim}\"")
endif()
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by scenarios/embed.cmake; do not edit.\n"
  "#include \"scenarios/detail/embedded.h\"\n\n"
  "namespace edgetwin::scenarios::detail {\n"
  "std::string_view embedded_default_scenario() {\n"
  "  static constexpr char kText[] = R\"${delim}(${content})${delim}\";\n"
  "  return {kText, sizeof kText - 1};\n"
  "}\n"
  "}  // namespace edgetwin::scenarios::detail\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
