#include "analysis/detail/h5.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace edgetwin::analysis::detail {
namespace {

// Rows per chunk aim at this many bytes; tables no larger than kContiguousBytes stay unchunked.
constexpr std::size_t kChunkBytes = 256 * 1024;
constexpr std::size_t kContiguousBytes = 16 * 1024;
constexpr unsigned kDeflateLevel = 4;
// Rows converted and written per H5Dwrite call: bounds the staging buffer.
constexpr std::size_t kBatchChunks = 16;

herr_t innermost_message(unsigned n, const H5E_error2_t* error, void* out) {
  if (n == 0) *static_cast<std::string*>(out) = error->desc ? error->desc : "";
  return 0;
}

std::string hdf5_message() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost_message, &message);
  return message.empty() ? "HDF5 error" : message;
}

}  // namespace

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::reset() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id_);
      break;
    default:
      break;
  }
  id_ = H5I_INVALID_HID;
}

Quiet::Quiet() {
  H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

Quiet::~Quiet() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

Handle check(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error(what + ": " + hdf5_message());
  return Handle(id);
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error(what + ": " + hdf5_message());
}

Handle untimed_group_props() {
  Handle props = check(H5Pcreate(H5P_GROUP_CREATE), "group properties");
  check(H5Pset_obj_track_times(props.get(), false), "group properties");
  return props;
}

Handle string_type(std::size_t size) {
  Handle type = check(H5Tcopy(H5T_C_S1), "string type");
  check(H5Tset_size(type.get(), std::max<std::size_t>(size, 1)), "string type");
  check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "string type");
  return type;
}

namespace {

void write_scalar_attribute(hid_t object, const std::string& name, hid_t type, const void* value) {
  const std::string what = "attribute " + name;
  Handle space = check(H5Screate(H5S_SCALAR), what);
  Handle attribute =
      check(H5Acreate2(object, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT), what);
  check(H5Awrite(attribute.get(), type, value), what);
}

}  // namespace

void write_attribute(hid_t object, const std::string& name, const std::string& value) {
  Handle type = string_type(value.size());
  std::string padded = value;
  padded.resize(std::max<std::size_t>(value.size(), 1), '\0');
  write_scalar_attribute(object, name, type.get(), padded.data());
}
void write_attribute(hid_t object, const std::string& name, double value) {
  write_scalar_attribute(object, name, H5T_NATIVE_DOUBLE, &value);
}
void write_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_scalar_attribute(object, name, H5T_NATIVE_INT64, &value);
}
void write_attribute(hid_t object, const std::string& name, std::uint64_t value) {
  write_scalar_attribute(object, name, H5T_NATIVE_UINT64, &value);
}
void write_attribute(hid_t object, const std::string& name, std::int32_t value) {
  write_scalar_attribute(object, name, H5T_NATIVE_INT32, &value);
}

void TableWriter::add_column(const std::string& name, hid_t file_type, std::size_t size,
                             std::size_t count, const void* data) {
  if (count != rows_) {
    throw std::runtime_error("column " + name + " has " + std::to_string(count) +
                             " rows, expected " + std::to_string(rows_));
  }
  columns_.push_back({name, file_type, size, data});
}

void TableWriter::add(const std::string& name, const std::vector<std::int64_t>& values) {
  add_column(name, H5T_NATIVE_INT64, 8, values.size(), values.data());
}
void TableWriter::add(const std::string& name, const std::vector<std::uint64_t>& values) {
  add_column(name, H5T_NATIVE_UINT64, 8, values.size(), values.data());
}
void TableWriter::add(const std::string& name, const std::vector<std::uint32_t>& values) {
  add_column(name, H5T_NATIVE_UINT32, 4, values.size(), values.data());
}
void TableWriter::add(const std::string& name, const std::vector<std::int32_t>& values) {
  add_column(name, H5T_NATIVE_INT32, 4, values.size(), values.data());
}
void TableWriter::add(const std::string& name, const std::vector<double>& values) {
  add_column(name, H5T_NATIVE_DOUBLE, 8, values.size(), values.data());
}
void TableWriter::add(const std::string& name, const std::vector<std::string>& values) {
  std::size_t longest = 1;
  for (const auto& v : values) longest = std::max(longest, v.size());
  add_column(name, H5T_C_S1, longest, values.size(), &values);
}

// The file and the memory type are the same packed compound of native types, so rows are staged
// in file layout (every byte set: no padding, strings null-padded) and written without conversion.
Handle TableWriter::write(hid_t parent, const std::string& name) const {
  const std::string what = "table " + name;
  std::size_t row_size = 0;
  for (const auto& c : columns_) row_size += c.size;
  Handle type = check(H5Tcreate(H5T_COMPOUND, std::max<std::size_t>(row_size, 1)), what);
  std::vector<Handle> string_types;
  std::size_t offset = 0;
  for (const auto& c : columns_) {
    hid_t member = c.file_type;
    if (c.file_type == H5T_C_S1) {
      string_types.push_back(string_type(c.size));
      member = string_types.back().get();
    }
    check(H5Tinsert(type.get(), c.name.c_str(), offset, member), what + " column " + c.name);
    offset += c.size;
  }

  const hsize_t rows = rows_;
  Handle space = check(H5Screate_simple(1, &rows, nullptr), what);
  Handle dcpl = check(H5Pcreate(H5P_DATASET_CREATE), what);
  check(H5Pset_obj_track_times(dcpl.get(), false), what);
  const std::size_t chunk_rows =
      std::max<std::size_t>(1, kChunkBytes / std::max<std::size_t>(row_size, 1));
  if (rows_ * row_size > kContiguousBytes) {
    const hsize_t chunk = std::min(rows_, chunk_rows);
    check(H5Pset_chunk(dcpl.get(), 1, &chunk), what);
    check(H5Pset_shuffle(dcpl.get()), what);
    check(H5Pset_deflate(dcpl.get(), kDeflateLevel), what);
  }
  Handle dataset = check(H5Dcreate2(parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                    dcpl.get(), H5P_DEFAULT),
                         what);

  const std::size_t batch = chunk_rows * kBatchChunks;
  std::vector<unsigned char> buffer;
  for (std::size_t first = 0; first < rows_; first += batch) {
    const std::size_t n = std::min(batch, rows_ - first);
    buffer.assign(n * row_size, 0);
    std::size_t column_offset = 0;
    for (const auto& c : columns_) {
      unsigned char* out = buffer.data() + column_offset;
      if (c.file_type == H5T_C_S1) {
        const auto& strings = *static_cast<const std::vector<std::string>*>(c.data);
        for (std::size_t r = 0; r < n; ++r) {
          const std::string& s = strings[first + r];
          std::memcpy(out + r * row_size, s.data(), s.size());
        }
      } else {
        const auto* in = static_cast<const unsigned char*>(c.data) + first * c.size;
        for (std::size_t r = 0; r < n; ++r)
          std::memcpy(out + r * row_size, in + r * c.size, c.size);
      }
      column_offset += c.size;
    }
    const hsize_t start = first;
    const hsize_t count = n;
    Handle file_space = check(H5Scopy(space.get()), what);
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
          what);
    Handle memory_space = check(H5Screate_simple(1, &count, nullptr), what);
    check(H5Dwrite(dataset.get(), type.get(), memory_space.get(), file_space.get(), H5P_DEFAULT,
                   buffer.data()),
          what);
  }
  return dataset;
}

namespace {

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->push_back(name);
  return 0;
}

}  // namespace

std::vector<std::string> link_names(hid_t group) {
  std::vector<std::string> names;
  hsize_t index = 0;
  check(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &index, collect_name, &names),
        "listing a group");
  return names;
}

bool exists(hid_t location, const std::string& path) {
  // H5Lexists checks one level at a time: every prefix must exist for the next call to be valid.
  std::size_t end = 0;
  while (end != std::string::npos) {
    end = path.find('/', end + 1);
    const std::string prefix = path.substr(0, end);
    if (prefix.empty() || prefix == "/") continue;
    if (H5Lexists(location, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return true;
}

}  // namespace edgetwin::analysis::detail
