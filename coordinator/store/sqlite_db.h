#pragma once
// Thin RAII over the SQLite C API: a connection, prepared statements and
// transactions. Failures throw beamline::Error naming the database file and
// SQLite's message; they are not expected in normal operation (a constraint
// the store relies on, like the trial UNIQUE key, is handled in SQL with
// ON CONFLICT, never by catching).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace beamline::store {

// read_only: never creates or writes (reports, the HTTP endpoint); waits up
// to a few seconds for a writer's lock instead of failing at once.
enum class OpenMode { read_write, read_only };

class Database {
 public:
  explicit Database(const std::string& path, OpenMode mode = OpenMode::read_write);  // read_write creates
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);  // one or more statements, no results
  int64_t changes() const;
  int64_t last_insert_rowid() const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  [[noreturn]] void fail(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  bool step();   // true: a row is ready; false: done
  void reset();  // also clears bindings
  void run();    // step to completion, then reset

  int64_t column_int64(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  bool column_is_null(int column) const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE (the writer takes the lock up front, so a reader never
// makes it fail half-way); rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database* db_;
  bool open_ = true;
};

}  // namespace beamline::store
