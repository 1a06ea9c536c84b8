#include "scenarios/detail/names.h"

#include <gtest/gtest.h>

namespace edgetwin::scenarios::detail {
namespace {

using Names = std::vector<std::string>;

Names expand(std::string_view pattern) {
  Names out;
  std::string error;
  EXPECT_TRUE(expand_name(pattern, out, error)) << error;
  return out;
}

std::string expand_error(std::string_view pattern) {
  Names out;
  std::string error;
  EXPECT_FALSE(expand_name(pattern, out, error));
  return error;
}

TEST(NameRanges, APlainNameIsItself) { EXPECT_EQ(expand("cloud"), Names{"cloud"}); }

TEST(NameRanges, ARangeExpandsInOrderIncludingBothEnds) {
  EXPECT_EQ(expand("edge-{1..3}"), (Names{"edge-1", "edge-2", "edge-3"}));
  EXPECT_EQ(expand("edge-{1..50}").size(), 50u);
  EXPECT_EQ(expand("edge-{1..50}").back(), "edge-50");
  EXPECT_EQ(expand("x{7..7}"), Names{"x7"});
}

TEST(NameRanges, ZeroPaddingOfTheBoundsIsKept) {
  const Names n = expand("n{01..10}");
  ASSERT_EQ(n.size(), 10u);
  EXPECT_EQ(n.front(), "n01");
  EXPECT_EQ(n[8], "n09");
  EXPECT_EQ(n.back(), "n10");
  EXPECT_EQ(expand("r{008..010}"), (Names{"r008", "r009", "r010"}));
}

TEST(NameRanges, SeveralRangesMultiplyOutWithTheFirstOutermost) {
  EXPECT_EQ(expand("r{1..2}-n{1..3}"),
            (Names{"r1-n1", "r1-n2", "r1-n3", "r2-n1", "r2-n2", "r2-n3"}));
  EXPECT_EQ(expand("{1..2}{1..2}x"), (Names{"11x", "12x", "21x", "22x"}));
}

TEST(NameRanges, ARangeThatCountsDownIsAnErrorThatSuggestsTheFix) {
  const std::string e = expand_error("edge-{5..1}");
  EXPECT_NE(e.find("counts down"), std::string::npos) << e;
  EXPECT_NE(e.find("{1..5}"), std::string::npos) << e;
}

TEST(NameRanges, MalformedBracesAreErrors) {
  EXPECT_NE(expand_error("edge-{1..").find("without '}'"), std::string::npos);
  EXPECT_NE(expand_error("edge-1}").find("without '{'"), std::string::npos);
  EXPECT_NE(expand_error("edge-{a,b}").find("not a range"), std::string::npos);
  EXPECT_NE(expand_error("edge-{1..x}").find("not a range"), std::string::npos);
}

TEST(NameRanges, AnExpansionBeyondTheLimitIsRefused) {
  Names out;
  std::string error;
  EXPECT_FALSE(expand_name("n{1..1000}-{1..1000}", out, error, 10'000));
  EXPECT_NE(error.find("more than 10000"), std::string::npos) << error;
}

TEST(Selectors, StarMatchesAnyRunAndQuestionMarkExactlyOneCharacter) {
  EXPECT_TRUE(glob_match("edge-*", "edge-1"));
  EXPECT_TRUE(glob_match("edge-*", "edge-"));
  EXPECT_FALSE(glob_match("edge-*", "cloud"));
  EXPECT_TRUE(glob_match("edge-?", "edge-7"));
  EXPECT_FALSE(glob_match("edge-?", "edge-17"));
  EXPECT_TRUE(glob_match("*-1?", "edge-17"));
  EXPECT_TRUE(glob_match("*", "anything"));
  EXPECT_TRUE(glob_match("e*e*1", "edge-edge-1"));
  EXPECT_FALSE(glob_match("e*e*1", "edge-edge-2"));
  EXPECT_TRUE(glob_match("cloud", "cloud"));
  EXPECT_FALSE(glob_match("cloud", "cloud2"));
  EXPECT_TRUE(has_wildcard("a*"));
  EXPECT_FALSE(has_wildcard("edge-1"));
}

TEST(DidYouMean, SuggestsTheClosestCandidateForATypo) {
  const Names keys{"name", "seed", "duration", "warmup", "fleet", "workloads"};
  EXPECT_EQ(closest("durration", keys), "duration");
  EXPECT_EQ(closest("feet", keys), "fleet");
  EXPECT_EQ(closest("workload", keys), "workloads");
  EXPECT_EQ(did_you_mean("sede", keys), " did you mean 'seed'?");
}

TEST(DidYouMean, OffersEveryCandidateThatIsEquallyClose) {
  EXPECT_EQ(did_you_mean("rpi5", {"rpi3", "rpi4", "nuc"}), " did you mean 'rpi3' or 'rpi4'?");
}

TEST(DidYouMean, SuggestsNothingWhenNoCandidateIsClose) {
  EXPECT_EQ(closest("topology", {"name", "seed", "fleet"}), "");
  EXPECT_EQ(did_you_mean("xyz", {"name"}), "");
}

TEST(DidYouMean, EditDistanceIsLevenshtein) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("rpi5", "rpi4"), 1u);
}

TEST(ListNames, ShowsAFewNamesAndTheTotal) {
  EXPECT_EQ(list_names({"a", "b"}), "a, b");
  EXPECT_EQ(list_names({"a", "b", "c", "d"}, 2), "a, b, ... (4 in all)");
}

}  // namespace
}  // namespace edgetwin::scenarios::detail
