#include "sim/units.h"

#include <gtest/gtest.h>

namespace edgetwin::sim {
namespace {

TEST(Units, DurationsReadWithTheirUnits) {
  EXPECT_EQ(parse_duration("250ms").value, 250 * kMillisecond);
  EXPECT_EQ(parse_duration("2h").value, 2 * kHour);
  EXPECT_EQ(parse_duration("30d").value, 30 * kDay);
  EXPECT_EQ(parse_duration("1.5s").value, 1'500'000'000);
  EXPECT_EQ(parse_duration("1h30m").value, 90 * kMinute);
  EXPECT_EQ(parse_duration(" 10 us ").value, 10'000);
  EXPECT_EQ(parse_duration("3ns").value, 3);
  EXPECT_EQ(parse_duration("2w").value, 14 * kDay);
  EXPECT_EQ(parse_duration("5min").value, 5 * kMinute);
  EXPECT_EQ(parse_duration("0").value, 0);
  EXPECT_EQ(parse_duration("0.1s").value, 100 * kMillisecond);  // exact, no floating point
}

TEST(Units, BadDurationsSayWhatIsWrong) {
  EXPECT_NE(parse_duration("-5s").error.find("negative"), std::string::npos);
  EXPECT_NE(parse_duration("5").error.find("no unit"), std::string::npos);
  EXPECT_NE(parse_duration("5 parsecs").error.find("unknown time unit 'parsecs'"), std::string::npos);
  EXPECT_FALSE(parse_duration("").ok());
  EXPECT_FALSE(parse_duration("ms").ok());
  EXPECT_NE(parse_duration("300y").error.find("unknown"), std::string::npos);
  EXPECT_NE(parse_duration("400000w").error.find("too long"), std::string::npos);
}

TEST(Units, DurationsFormatToTheShortestExactSpellingAndReadBack) {
  EXPECT_EQ(format_duration(2 * kHour), "2h");
  EXPECT_EQ(format_duration(250 * kMillisecond), "250ms");
  EXPECT_EQ(format_duration(1'500'000'000), "1.5s");
  EXPECT_EQ(format_duration(90 * kMinute), "90m");
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(7), "7ns");
  EXPECT_EQ(format_duration(1'234'567), "1.234567ms");
  for (Time t : {Time{1}, Time{999}, Time{1'000'001}, Time{123'456'789'123}, 3 * kDay + 7,
                 kWeek, 36 * kHour}) {
    EXPECT_EQ(parse_duration(format_duration(t)).value, t) << format_duration(t);
  }
}

TEST(Units, SizesAreBytesInSiOrBinaryUnits) {
  EXPECT_EQ(parse_size("512MiB").value, 512LL << 20);
  EXPECT_EQ(parse_size("1.5GB").value, 1'500'000'000);
  EXPECT_EQ(parse_size("300B").value, 300);
  EXPECT_EQ(parse_size("2KiB").value, 2048);
  EXPECT_EQ(parse_size("4kB").value, 4000);
  EXPECT_NE(parse_size("10Mb").error.find("bits"), std::string::npos);
  EXPECT_NE(parse_size("-1MB").error.find("negative"), std::string::npos);
  EXPECT_NE(parse_size("12").error.find("no unit"), std::string::npos);
  EXPECT_EQ(format_size(512LL << 20), "512MiB");
  EXPECT_EQ(format_size(1'500'000'000), "1.5GB");
  EXPECT_EQ(parse_size(format_size(1'500'000'000)).value, 1'500'000'000);
}

TEST(Units, RatesAreBitsPerSecond) {
  EXPECT_DOUBLE_EQ(parse_rate("100Mbps").value, 100e6);
  EXPECT_DOUBLE_EQ(parse_rate("1.5Gbps").value, 1.5e9);
  EXPECT_DOUBLE_EQ(parse_rate("250kbps").value, 250e3);
  EXPECT_DOUBLE_EQ(parse_rate("10MB/s").value, 80e6);
  EXPECT_DOUBLE_EQ(parse_rate("1MiB/s").value, 8.0 * 1048576.0);
  EXPECT_FALSE(parse_rate("100 furlongs").ok());
  EXPECT_FALSE(parse_rate("-3Mbps").ok());
  EXPECT_EQ(format_rate(100e6), "100Mbps");
  EXPECT_EQ(format_rate(1.5e9), "1.5Gbps");
}

}  // namespace
}  // namespace edgetwin::sim
