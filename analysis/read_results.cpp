// The HDF5 result file reader: reads every part of the layout in docs/results.md.
#include <filesystem>
#include <stdexcept>

#include "analysis/detail/h5.h"
#include "analysis/results.h"
#include "analysis/sweep.h"

namespace edgetwin::analysis {
namespace {

using detail::check;
using detail::Handle;

struct Value {
  bool is_text = false;
  std::string text;
  double number = 0.0;
};

std::string trim_nulls(const char* data, std::size_t size) {
  std::string s(data, size);
  s.erase(s.find_last_not_of('\0') + 1);
  return s;
}

std::string read_string_attribute(hid_t attribute, hid_t type, const std::string& what) {
  if (H5Tis_variable_str(type) > 0) {
    Handle memory = check(H5Tcopy(H5T_C_S1), what);
    check(H5Tset_size(memory.get(), H5T_VARIABLE), what);
    char* data = nullptr;
    check(H5Aread(attribute, memory.get(), &data), what);
    std::string s = data ? data : "";
    H5free_memory(data);
    return s;
  }
  const std::size_t size = H5Tget_size(type);
  Handle memory = detail::string_type(size);
  std::string buffer(size, '\0');
  check(H5Aread(attribute, memory.get(), buffer.data()), what);
  return trim_nulls(buffer.data(), size);
}

Value read_attribute(hid_t object, const std::string& name) {
  const std::string what = "attribute " + name;
  Handle attribute = check(H5Aopen(object, name.c_str(), H5P_DEFAULT), what);
  Handle type = check(H5Aget_type(attribute.get()), what);
  Value v;
  switch (H5Tget_class(type.get())) {
    case H5T_STRING:
      v.is_text = true;
      v.text = read_string_attribute(attribute.get(), type.get(), what);
      break;
    case H5T_INTEGER:
    case H5T_FLOAT:
      check(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &v.number), what);
      break;
    default:
      throw std::runtime_error(what + ": neither a string nor a number");
  }
  return v;
}

herr_t collect_attribute(hid_t, const char* name, const H5A_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->push_back(name);
  return 0;
}

std::vector<std::pair<std::string, Value>> read_attributes(hid_t object) {
  std::vector<std::string> names;
  hsize_t index = 0;
  check(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, collect_attribute, &names),
        "listing attributes");
  std::vector<std::pair<std::string, Value>> values;
  for (const auto& name : names) values.emplace_back(name, read_attribute(object, name));
  return values;
}

Handle open_dataset(hid_t file, const std::string& path) {
  if (!detail::exists(file, path)) throw std::runtime_error("missing " + path);
  return check(H5Dopen2(file, path.c_str(), H5P_DEFAULT), path);
}

Handle open_group(hid_t file, const std::string& path) {
  if (!detail::exists(file, path)) throw std::runtime_error("missing " + path);
  return check(H5Gopen2(file, path.c_str(), H5P_DEFAULT), path);
}

// Reads member `name` alone, converted to `memory_member`, into `out` (rows × its size).
void read_member(hid_t dataset, const std::string& name, hid_t memory_member, void* out,
                 const std::string& what) {
  Handle memory = check(H5Tcreate(H5T_COMPOUND, H5Tget_size(memory_member)), what);
  check(H5Tinsert(memory.get(), name.c_str(), 0, memory_member), what);
  check(H5Dread(dataset, memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out), what);
}

Table read_table(hid_t file, const std::string& path) {
  Handle dataset = open_dataset(file, path);
  Handle type = check(H5Dget_type(dataset.get()), path);
  if (H5Tget_class(type.get()) != H5T_COMPOUND) throw std::runtime_error(path + ": not a table");
  Handle space = check(H5Dget_space(dataset.get()), path);
  if (H5Sget_simple_extent_ndims(space.get()) != 1) throw std::runtime_error(path + ": not 1-D");
  hsize_t rows = 0;
  check(H5Sget_simple_extent_dims(space.get(), &rows, nullptr), path);

  Table table;
  table.rows = rows;
  const int members = H5Tget_nmembers(type.get());
  for (int i = 0; i < members; ++i) {
    char* raw_name = H5Tget_member_name(type.get(), static_cast<unsigned>(i));
    const std::string name = raw_name ? raw_name : "";
    H5free_memory(raw_name);
    const std::string what = path + " column " + name;
    Handle member = check(H5Tget_member_type(type.get(), static_cast<unsigned>(i)), what);
    table.column_names.push_back(name);
    switch (H5Tget_class(member.get())) {
      case H5T_INTEGER: {
        auto& column = table.integer[name];
        column.resize(rows);
        read_member(dataset.get(), name, H5T_NATIVE_INT64, column.data(), what);
        table.numeric[name].assign(column.begin(), column.end());
        break;
      }
      case H5T_FLOAT: {
        auto& column = table.numeric[name];
        column.resize(rows);
        read_member(dataset.get(), name, H5T_NATIVE_DOUBLE, column.data(), what);
        break;
      }
      case H5T_STRING: {
        if (H5Tis_variable_str(member.get()) > 0) {
          throw std::runtime_error(what + ": variable-length strings are not supported");
        }
        const std::size_t size = H5Tget_size(member.get());
        Handle memory_member = detail::string_type(size);
        std::vector<char> buffer(rows * size);
        read_member(dataset.get(), name, memory_member.get(), buffer.data(), what);
        auto& column = table.text[name];
        for (hsize_t r = 0; r < rows; ++r) column.push_back(trim_nulls(&buffer[r * size], size));
        break;
      }
      default:
        throw std::runtime_error(what + ": unsupported column type");
    }
  }
  for (auto& [name, value] : read_attributes(dataset.get())) {
    if (value.is_text) table.attributes[name] = value.text;
  }
  return table;
}

std::string read_scenario(hid_t file, const std::string& path = "/scenario") {
  Handle dataset = open_dataset(file, path);
  Handle type = check(H5Dget_type(dataset.get()), path);
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0) {
    throw std::runtime_error(path + ": not a fixed-length string");
  }
  const std::size_t size = H5Tget_size(type.get());
  Handle memory = detail::string_type(size);
  std::string buffer(size, '\0');
  check(H5Dread(dataset.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
        path);
  return trim_nulls(buffer.data(), size);
}

std::map<std::string, Table> read_tables(hid_t file, const std::string& group_path) {
  Handle group = open_group(file, group_path);
  std::map<std::string, Table> tables;
  for (const auto& name : detail::link_names(group.get())) {
    tables[name] = read_table(file, group_path + "/" + name);
  }
  return tables;
}

ResultFile read_file(const std::string& path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error("no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw std::runtime_error("not an HDF5 file");
  Handle file = check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "opening the file");
  const hid_t f = file.get();
  ResultFile result;
  for (auto& [name, value] : read_attributes(f)) {
    if (value.is_text) {
      result.text_attributes[name] = value.text;
    } else {
      result.numeric_attributes[name] = value.number;
    }
  }
  for (const char* name : {"edgetwin_version", "scenario_name", "seed", "threads", "ranks",
                           "wall_seconds", "events", "end_time_ns", "event_list", "created_by"}) {
    if (!result.text_attributes.contains(name) && !result.numeric_attributes.contains(name)) {
      throw std::runtime_error(std::string("missing root attribute ") + name);
    }
  }
  result.scenario_json = read_scenario(f);
  result.devices = read_table(f, "/devices");
  result.sites = read_table(f, "/sites");
  result.workloads = read_table(f, "/workloads");
  if (detail::exists(f, "links")) result.links = read_table(f, "/links");
  if (detail::exists(f, "device_types")) result.device_types = read_table(f, "/device_types");
  if (detail::exists(f, "functions")) result.functions = read_table(f, "/functions");
  result.timeseries = read_tables(f, "/timeseries");
  result.events = read_tables(f, "/events");
  Handle summary = open_group(f, "/summary");
  for (auto& [name, value] : read_attributes(summary.get())) {
    if (!value.is_text) result.summary[name] = value.number;
  }
  return result;
}

SweepFile read_sweep_file(const std::string& path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error("no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw std::runtime_error("not an HDF5 file");
  Handle file = check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "opening the file");
  const hid_t f = file.get();
  SweepFile result;
  for (auto& [name, value] : read_attributes(f)) {
    if (value.is_text) {
      result.text_attributes[name] = value.text;
    } else {
      result.numeric_attributes[name] = value.number;
    }
  }
  result.sweep = read_table(f, "/sweep");
  for (std::size_t i = 0; i < result.sweep.rows; ++i) {
    const std::string run = "/runs/" + sweep_run_name(i);
    result.scenario_json.push_back(read_scenario(f, run + "/scenario"));
    Handle summary = open_group(f, run + "/summary");
    auto& values = result.summary.emplace_back();
    for (auto& [name, value] : read_attributes(summary.get())) {
      if (!value.is_text) values[name] = value.number;
    }
  }
  return result;
}

}  // namespace

SweepFile read_sweep(const std::string& path) {
  try {
    detail::Quiet quiet;
    return read_sweep_file(path);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot read sweep results " + path + ": " + e.what());
  }
}

ResultFile read_results(const std::string& path) {
  try {
    detail::Quiet quiet;
    return read_file(path);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot read results " + path + ": " + e.what());
  }
}

}  // namespace edgetwin::analysis
