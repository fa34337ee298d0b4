# cmake -P embed_migrations.cmake -DOUTPUT=file.cpp -DMIGRATIONS="a.sql;b.sql"
# Writes the migrations as raw string literals, so the binary carries its
# schema and needs no source tree at run time.
set(_body "")
foreach(_file IN LISTS MIGRATIONS)
  get_filename_component(_name ${_file} NAME)
  string(REGEX MATCH "^[0-9]+" _version ${_name})
  math(EXPR _version "${_version}")
  file(READ ${_file} _sql)
  string(APPEND _body "    {${_version}, \"${_name}\", R\"beamline_sql(${_sql})beamline_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp
"// Generated from schema/migrations/*.sql by embed_migrations.cmake; do not edit.
#include \"coordinator/store/migrations.h\"

namespace beamline::store {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = {
${_body}  };
  return list;
}

}  // namespace beamline::store
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
