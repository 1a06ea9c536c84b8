// Loading a scenario file: parse, apply --set overrides, fill defaults, validate everything, and
// report every problem at once (each naming its JSON path and line). Only a scenario without a
// single error is turned into a models::FleetConfig.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/fleet_config.h"

namespace edgetwin::scenarios {

struct ScenarioError {
  std::string path;  // JSON pointer ("/fleet/2/count"), "" for the whole file
  int line = 0;      // 1-based line in the file, 0 when unknown
  std::string message;
  // "FILE:LINE: /fleet/2/count: expected a positive integer, got -5"
  std::string format(std::string_view file) const;
};

struct Scenario {
  std::string name;
  std::string source;            // file path, or "<default>" for the bundled default
  std::string resolved_json;     // the scenario with every default filled in, pretty-printed
  models::FleetConfig fleet;
};

struct LoadResult {
  std::optional<Scenario> scenario;
  std::vector<ScenarioError> errors;
  std::string source;
  bool ok() const { return scenario.has_value(); }
  // Every error, one per line, each prefixed with the source and line.
  std::string error_text() const;
};

// `overrides` are "path=value" strings from --set: path in JSON-pointer ("/workloads/0/name") or
// dotted ("workloads.0.name") form; value is read as JSON when it parses, else as a string.
LoadResult load_scenario_file(const std::string& path,
                              const std::vector<std::string>& overrides = {});
LoadResult load_scenario_text(std::string_view text, std::string_view source,
                              const std::vector<std::string>& overrides = {});
// The bundled default scenario (compiled into the binary), so `edgetwin run` works anywhere.
LoadResult load_default_scenario(const std::vector<std::string>& overrides = {});
std::string_view default_scenario_text();

// The JSON Schema (draft 2020-12) of the format, generated from the same declarations that drive
// validation; scenarios/schema/edgetwin-scenario.schema.json is this text.
std::string json_schema();

}  // namespace edgetwin::scenarios
