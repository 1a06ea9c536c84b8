#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace edgetwin::cli {
namespace {

// "1d 02:03:04" / "02:03:04": fixed width while it counts, unlike format_duration.
std::string clock(sim::Time t) {
  const long long s = t / sim::kSecond;
  char buf[48];
  if (s >= 86400) {
    std::snprintf(buf, sizeof buf, "%lldd %02lld:%02lld:%02lld", s / 86400, s / 3600 % 24,
                  s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  }
  return buf;
}

}  // namespace

ProgressBar::ProgressBar(sim::Time until) : until_(until), enabled_(isatty(STDERR_FILENO) == 1) {}

void ProgressBar::attach(sim::Engine& engine) {
  if (!enabled_) return;
  engine.set_progress([this](const sim::Progress& p) { draw(p); }, 1 << 20);
}

void ProgressBar::draw(const sim::Progress& p) {
  const double fraction = until_ > 0 ? std::min(1.0, double(p.now) / double(until_)) : 0.0;
  const int width = 30;
  const int filled = static_cast<int>(fraction * width);
  std::string bar(static_cast<std::size_t>(filled), '=');
  bar.resize(static_cast<std::size_t>(width), ' ');
  const double rate = p.wall_seconds > 0 ? double(p.events) / p.wall_seconds : 0.0;
  const double eta = fraction > 0 ? p.wall_seconds * (1.0 - fraction) / fraction : 0.0;
  std::fprintf(stderr, "\r[%s] %3.0f%%  sim %s / %s  %.2f M events/s  ETA %s   ", bar.c_str(),
               100.0 * fraction, clock(p.now).c_str(), clock(until_).c_str(), rate / 1e6,
               clock(sim::from_seconds(eta)).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (drawn_) std::fprintf(stderr, "\r%*s\r", 100, "");
  drawn_ = false;
}

}  // namespace edgetwin::cli
