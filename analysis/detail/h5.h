// Thin helpers over the HDF5 C API, shared by the result writer and reader. Private to analysis/.
//
// Every failing HDF5 call throws std::runtime_error naming the operation and the object; callers
// add the file path. While a Quiet object lives, HDF5 keeps its error stack to itself (the message
// goes into the exception instead of onto stderr).
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace edgetwin::analysis::detail {

// Owns one HDF5 identifier and closes it with the matching H5*close. Move-only.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  void reset();
  // Gives up ownership (for a close whose status the caller checks).
  hid_t release() {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// Silences HDF5's automatic error printing for its lifetime and restores it afterwards.
class Quiet {
 public:
  Quiet();
  ~Quiet();
  Quiet(const Quiet&) = delete;
  Quiet& operator=(const Quiet&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// Returns a Handle for id, or throws "what: <innermost HDF5 message>" when id < 0.
Handle check(hid_t id, const std::string& what);
// Throws "what: <innermost HDF5 message>" when status < 0.
void check(herr_t status, const std::string& what);

// Object creation properties with time tracking off, so that files are reproducible.
Handle untimed_group_props();

// Scalar attributes. Strings are fixed-length, null-padded, UTF-8.
void write_attribute(hid_t object, const std::string& name, const std::string& value);
void write_attribute(hid_t object, const std::string& name, double value);
void write_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_attribute(hid_t object, const std::string& name, std::uint64_t value);
void write_attribute(hid_t object, const std::string& name, std::int32_t value);

// A fixed-length string type of `size` bytes (at least 1), null-padded, UTF-8.
Handle string_type(std::size_t size);

// Column-by-column builder of a compound table, written as one packed compound dataset. Column
// vectors are borrowed (they must outlive write()) and must all have `rows` elements. Tables
// larger than a few KiB are chunked and compressed (shuffle + deflate 4).
class TableWriter {
 public:
  explicit TableWriter(std::size_t rows) : rows_(rows) {}
  void add(const std::string& name, const std::vector<std::int64_t>& values);
  void add(const std::string& name, const std::vector<std::uint64_t>& values);
  void add(const std::string& name, const std::vector<std::uint32_t>& values);
  void add(const std::string& name, const std::vector<std::int32_t>& values);
  void add(const std::string& name, const std::vector<double>& values);
  void add(const std::string& name, const std::vector<std::string>& values);
  // Creates dataset `name` under `parent` and returns it (for attributes).
  Handle write(hid_t parent, const std::string& name) const;

 private:
  struct Column {
    std::string name;
    hid_t file_type;  // a predefined type, or H5T_C_S1 for strings
    std::size_t size;
    const void* data;  // the vector's elements (numbers) or the std::string vector
  };
  void add_column(const std::string& name, hid_t file_type, std::size_t size, std::size_t count,
                  const void* data);

  std::size_t rows_;
  std::vector<Column> columns_;
};

// The names of the links in a group, in name order.
std::vector<std::string> link_names(hid_t group);
// True iff `path` (relative to `location`) names an existing link.
bool exists(hid_t location, const std::string& path);

}  // namespace edgetwin::analysis::detail
