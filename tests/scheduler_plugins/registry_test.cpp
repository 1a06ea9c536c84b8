#include "scheduler_plugins/registry.h"

#include <gtest/gtest.h>

namespace edgetwin::scheduler_plugins {
namespace {

struct Policy {
  virtual ~Policy() = default;
  virtual int value() const = 0;
};
struct Fixed final : Policy {
  int value() const override { return 3; }
};

TEST(Registry, CreatesByNameAndListsValidNamesForAnUnknownOne) {
  Registry<Policy> registry;
  ASSERT_TRUE(registry.add({"fixed", "returns 3", [] { return std::make_unique<Fixed>(); }}));
  ASSERT_TRUE(registry.add({"another", "also 3", [] { return std::make_unique<Fixed>(); }}));
  EXPECT_EQ(registry.create("fixed")->value(), 3);
  std::string error;
  EXPECT_EQ(registry.create("fixd", &error), nullptr);
  EXPECT_EQ(error, "unknown plug-in 'fixd'; valid: another, fixed");
}

TEST(Registry, RefusesDuplicateNamesAndOtherApiVersions) {
  Registry<Policy> registry;
  std::string error;
  ASSERT_TRUE(registry.add({"fixed", "", [] { return std::make_unique<Fixed>(); }}));
  EXPECT_FALSE(registry.add({"fixed", "", [] { return std::make_unique<Fixed>(); }}, &error));
  EXPECT_NE(error.find("already registered"), std::string::npos);
  EXPECT_FALSE(registry.add({"old", "", [] { return std::make_unique<Fixed>(); }, 0}, &error));
  EXPECT_NE(error.find("plug-in API 0"), std::string::npos);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins
