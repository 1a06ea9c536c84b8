// Trace outages: a CSV file of "time,element,state" rows (trace.h), each element a site, a
// device's access link, or the site links A--B.
#include <unordered_map>

#include "scenarios/detail/builder.h"
#include "scenarios/detail/names.h"
#include "scenarios/detail/trace.h"
#include "scenarios/detail/values.h"

namespace edgetwin::scenarios::detail {

bool Builder::read_outage_trace(const Json& o, const std::string& path,
                                const std::string& subject, TraceText& trace) {
  const std::string* file = string_of(o, "file");
  if (!file) return false;
  const std::filesystem::path full = base_dir_ / *file;
  std::string text;
  if (const char* problem = read_text_file(full, text)) {
    diag_.add(path + "/file", "cannot read trace file '" + full.string() + "': " + problem);
    return false;
  }
  trace = parse_outage_trace(text, *file, subject);
  return true;
}

void Builder::check_trace(const Json& o, const std::string& path, const std::string& name) {
  TraceText trace;
  if (!read_outage_trace(o, path, "element", trace)) return;
  const std::string& file = *string_of(o, "file");  // read: present
  constexpr std::size_t kShown = 10;
  std::size_t errors = 0;
  auto report = [&](std::string message) {
    if (errors++ < kShown) diag_.add(path + "/file", std::move(message));
  };
  for (const std::string& e : trace.errors) report(e);
  if (devices_incomplete_ || fleet_incomplete_ || sites_incomplete_) return;
  // Each element: its windows, in order of first appearance.
  struct State {
    models::OutageConfig config;
    sim::Time down_since = -1;
  };
  std::vector<State> states;
  std::unordered_map<std::string, std::size_t> seen;
  std::vector<std::string> link_names;
  for (const LinkInfo& l : links_)
    link_names.push_back(site_pair(sites_[l.a].name, sites_[l.b].name));
  using Element = models::OutageElement;
  for (const TraceRow& row : trace.rows) {
    auto [it, fresh] = seen.emplace(row.element, states.size());
    if (fresh) {
      std::vector<Element> elements;
      if (auto s = site_index_.find(row.element); s != site_index_.end()) {
        elements.push_back({Element::Kind::kSite, s->second});
      } else if (auto dash = row.element.find("--");
                 dash != std::string::npos && site_index_.contains(row.element.substr(0, dash)) &&
                 site_index_.contains(row.element.substr(dash + 2))) {
        const auto found = links_between(site_index_[row.element.substr(0, dash)],
                                         site_index_[row.element.substr(dash + 2)]);
        for (std::uint32_t k : found) elements.push_back({Element::Kind::kSiteLink, k});
        if (found.empty()) {
          report(file + ":" + std::to_string(row.line) + ": there is no site link " + row.element);
        }
      } else {
        device_names();
        if (auto d = device_index_.find(row.element); d != device_index_.end()) {
          elements.push_back({Element::Kind::kAccessLink, d->second});
        } else {
          std::vector<std::string> candidates = site_names_;
          candidates.insert(candidates.end(), link_names.begin(), link_names.end());
          if (device_names_.size() <= 100000) {
            candidates.insert(candidates.end(), device_names_.begin(), device_names_.end());
          }
          report(file + ":" + std::to_string(row.line) + ": unknown element '" + row.element +
                 "';" + did_you_mean(row.element, candidates) +
                 " an element is a site, a device, or A--B (the link between sites A and B)");
        }
      }
      State st;
      st.config.name = name + ":" + row.element;
      st.config.elements = std::move(elements);
      states.push_back(std::move(st));
    }
    State& st = states[it->second];
    if (row.down && st.down_since < 0) {
      st.down_since = row.time;
    } else if (!row.down && st.down_since >= 0) {
      if (row.time > st.down_since) st.config.windows.emplace_back(st.down_since, row.time);
      st.down_since = -1;
    }  // a state that repeats the current one changes nothing
  }
  if (errors > kShown) {
    diag_.add(path + "/file",
              file + ": ... and " + std::to_string(errors - kShown) + " more errors");
  }
  for (State& st : states) {
    if (st.down_since >= 0) st.config.windows.emplace_back(st.down_since, sim::kTimeMax);
    if (!st.config.elements.empty() && !st.config.windows.empty()) {
      outages_.push_back(std::move(st.config));
    }
  }
}

}  // namespace edgetwin::scenarios::detail
