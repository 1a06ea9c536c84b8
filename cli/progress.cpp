#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace edgetwin::cli {

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
  std::fprintf(stderr, "\r[%s] %3.0f%%  sim %s / %s  %.2f M events/s  ETA %.0fs   ", bar.c_str(),
               100.0 * fraction, sim::format_duration(p.now - p.now % sim::kSecond).c_str(),
               sim::format_duration(until_).c_str(), rate / 1e6, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (drawn_) std::fprintf(stderr, "\r%*s\r", 100, "");
  drawn_ = false;
}

}  // namespace edgetwin::cli
