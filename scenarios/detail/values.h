// Reading values that the generic pass (validate.h) has checked, and the small helpers the
// loader and the scenario builder share.
#pragma once

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <string>

#include "scenarios/detail/params.h"
#include "scenarios/detail/validate.h"
#include "sim/random.h"
#include "sim/units.h"

namespace edgetwin::scenarios::detail {

// Each of these returns nullopt (nullptr) when the value is missing or invalid: that has been
// reported already.
std::optional<sim::Time> duration_of(const Json& v);
std::optional<double> seconds_of(const Json& obj, const char* key);
std::optional<double> number_of(const Json& obj, const char* key);
const std::string* string_of(const Json& obj, const char* key);
std::optional<double> rate_of(const Json& obj, const char* key);
// A value of a distribution: seconds for durations, bytes for sizes.
std::optional<double> amount_of(const Json& obj, const char* key, bool sizes);

// REQUIRES: `s` is a valid distribution object (no error was reported). Durations in seconds,
// sizes in bytes.
sim::Distribution distribution(const Json& s, bool sizes = false);

// A declared object in the format, by its path of keys from the root.
const ObjectSpec& spec_at(std::initializer_list<const char*> keys);
// Keys of `obj` put back in declaration order (after computed defaults were added).
void reorder(Json& obj, const ObjectSpec& spec);

// "a--b": how a site link is named in messages and outage traces.
std::string site_pair(const std::string& a, const std::string& b);

// Reads the whole file at `path` into `text`. Returns nullptr on success, else why it cannot be
// read ("no such file", "it is a directory", "not readable").
const char* read_text_file(const std::filesystem::path& path, std::string& text);
// Opens the file at `path` for reading line by line (big traces are streamed, not loaded).
// Returns nullptr on success, else why it cannot be read, as read_text_file.
const char* open_text_file(const std::filesystem::path& path, std::ifstream& in);

}  // namespace edgetwin::scenarios::detail
