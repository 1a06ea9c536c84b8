// The JSON Schema and the reference tables of docs/scenarios.md are generated from the parameter
// declarations; these tests keep the committed copies equal to what the code generates. To
// regenerate both after changing a declaration, run the test with EDGETWIN_REGENERATE=1.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "scenarios/detail/params.h"
#include "scenarios/scenario.h"
#include "tests/scenarios/test_util.h"

namespace edgetwin::scenarios {
namespace {

constexpr std::string_view kBegin = "<!-- BEGIN GENERATED: reference tables -->\n";
constexpr std::string_view kEnd = "<!-- END GENERATED -->";

bool regenerate() {
  const char* env = std::getenv("EDGETWIN_REGENERATE");
  return env && std::string_view(env) == "1";
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(Schema, TheCommittedSchemaFileEqualsTheGeneratedSchema) {
  const std::string path = testing::source_dir() + "/scenarios/schema/edgetwin-scenario.schema.json";
  if (regenerate()) write_text(path, json_schema());
  EXPECT_EQ(testing::read_text(path), json_schema())
      << path << " is out of date; run this test with EDGETWIN_REGENERATE=1";
}

TEST(Schema, TheDocsReferenceTablesEqualTheGeneratedTables) {
  const std::string path = testing::source_dir() + "/docs/scenarios.md";
  std::string doc = testing::read_text(path);
  const std::size_t begin = doc.find(kBegin);
  std::size_t end = doc.find(kEnd);
  ASSERT_NE(begin, std::string::npos) << path << " lacks " << kBegin;
  ASSERT_NE(end, std::string::npos) << path << " lacks " << kEnd;
  const std::size_t from = begin + kBegin.size();
  if (regenerate()) {
    doc.replace(from, end - from, detail::reference_markdown());
    write_text(path, doc);
    end = doc.find(kEnd);  // the tables' length may have changed
  }
  EXPECT_EQ(doc.substr(from, end - from), detail::reference_markdown())
      << path << " is out of date; run this test with EDGETWIN_REGENERATE=1";
}

TEST(Schema, ItIsDraft202012AndForbidsUnknownKeysEverywhere) {
  const auto schema = nlohmann::json::parse(json_schema());
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema["additionalProperties"], false);
  for (const auto& [name, def] : schema["$defs"].items()) {
    EXPECT_EQ(def["additionalProperties"], false) << name;
  }
  EXPECT_EQ(schema["properties"]["seed"]["default"], 1);
  EXPECT_EQ(schema["properties"]["fleet"]["items"]["$ref"], "#/$defs/fleet_entry");
  EXPECT_EQ(schema["$defs"]["workload"]["properties"]["dispatch"]["enum"],
            nlohmann::json({"random", "round_robin", "least_loaded"}));
}

TEST(Schema, EveryDeclaredFieldHasHelpTextAndAValidDefault) {
  for (const detail::ObjectSpec* spec : detail::all_specs()) {
    EXPECT_NE(std::string_view(spec->help), "") << spec->name;
    for (const detail::Field& f : spec->fields) {
      EXPECT_NE(std::string_view(f.help), "") << spec->name << "." << f.key;
      EXPECT_FALSE(f.required && f.default_json) << spec->name << "." << f.key;
      if (f.default_json) {
        EXPECT_FALSE(nlohmann::json::parse(f.default_json, nullptr, false).is_discarded())
            << spec->name << "." << f.key;
      }
    }
  }
}

}  // namespace
}  // namespace edgetwin::scenarios
