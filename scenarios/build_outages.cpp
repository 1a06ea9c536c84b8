// Outages of site links, sites, access links and partitions: when they are down (at +
// duration, windows, or mtbf + mttr) and what goes down. Traces are in build_trace.cpp.
#include "scenarios/detail/builder.h"
#include "scenarios/detail/values.h"

namespace edgetwin::scenarios::detail {
namespace {

std::string window_text(sim::Time down, sim::Time up) {
  return "[" + sim::format_duration(down) + ", " +
         (up == sim::kTimeMax ? std::string("end") : sim::format_duration(up)) + ")";
}

// REQUIRES: no error was reported for `v` (a duration string or a distribution).
sim::Distribution time_distribution(const Json& v) {
  if (v.is_string()) return sim::Distribution::exponential(sim::to_seconds(*duration_of(v)));
  return distribution(v);
}

}  // namespace

void Builder::check_outages() {
  Json& outages = r_["outages"];
  if (!outages.is_array() || outages.empty()) return;
  bool told = false;  // that network outages need a network section
  for (std::size_t i = 0; i < outages.size(); ++i) {
    Json& o = outages[i];
    if (!o.is_object()) continue;
    const std::string path = "/outages/" + std::to_string(i);
    const std::string* kind_p = string_of(o, "kind");
    if (!kind_p) continue;
    const std::string kind = *kind_p;
    if (!o.contains("name")) {
      o["name"] = kind + "-" + std::to_string(i);
      reorder(o, spec_at({"outages"}));
    }
    const std::string name = o["name"].is_string() ? o["name"].get<std::string>() : kind;
    if (is_device_kind(kind)) {
      check_device_outage(o, i, kind, name);
      continue;
    }
    if (!network_) {
      if (!told) {
        diag_.add("/outages", std::string("outages need a network section ") + kAddNetwork +
                                  "; only the device kinds (device_failures, site_power, batch, "
                                  "maintenance, device_trace) do without");
      }
      told = true;
      continue;
    }
    if (kind == "trace") {
      check_trace(o, path, name);
      continue;
    }
    const bool random = o.contains("mtbf") || o.contains("mttr");
    std::optional<Windows> when;
    const bool timing_ok = check_timing(o, path, when);
    using Element = models::OutageElement;
    std::vector<Element> elements;
    if (!outage_elements(o, kind, path, elements)) continue;
    if (!timing_ok) continue;
    auto config = [&](std::string n, std::vector<Element> e) {
      models::OutageConfig c;
      c.name = std::move(n);
      c.elements = std::move(e);
      if (random) {
        c.random = true;
        c.mtbf_s = time_distribution(o["mtbf"]);
        c.mttr_s = time_distribution(o["mttr"]);
      } else {
        c.windows = *when;
      }
      return c;
    };
    if (random && diag_.count() > 0) continue;  // the distributions may be invalid
    // Sites and access links that fail at random: each element its own process.
    if (random && (kind == "site" || kind == "access")) {
      for (const Element& e : elements) {
        const std::string& what =
            e.kind == Element::Kind::kSite ? sites_[e.index].name : device_names()[e.index];
        outages_.push_back(config(name + ":" + what, {e}));
      }
    } else {
      outages_.push_back(config(name, std::move(elements)));
    }
  }
}

// When an outage is down: exactly one form (at + duration, windows, or mtbf + mttr), checked.
// False when invalid (reported); `when` then holds the windows of a timed one.
bool Builder::check_timing(Json& o, const std::string& path, std::optional<Windows>& when) {
  std::vector<std::string> forms;
  const bool at = o.contains("at") || o.contains("duration");
  const bool windows = o.contains("windows");
  const bool random = o.contains("mtbf") || o.contains("mttr");
  if (at) forms.push_back("at + duration");
  if (windows) forms.push_back("windows");
  if (random) forms.push_back("mtbf + mttr");
  bool timing_ok = forms.size() == 1;
  if (forms.empty()) {
    diag_.add(path, "say when it is down: give at + duration, windows, or mtbf + mttr");
  } else if (forms.size() > 1) {
    std::string given;
    for (const auto& f : forms) given += (given.empty() ? "" : " and ") + f;
    diag_.add(path, "give exactly one of at + duration, windows, or mtbf + mttr; got " + given);
  } else if (at && !(o.contains("at") && o.contains("duration"))) {
    diag_.add(path, std::string(o.contains("at") ? "'at' needs a 'duration'"
                                                 : "'duration' needs an 'at'"));
    timing_ok = false;
  } else if (random && !(o.contains("mtbf") && o.contains("mttr"))) {
    diag_.add(path, std::string(o.contains("mtbf") ? "'mtbf' needs an 'mttr'"
                                                   : "'mttr' needs an 'mtbf'"));
    timing_ok = false;
  }
  for (const char* k : {"mtbf", "mttr"}) {
    if (o.contains(k)) check_distribution(o[k], path + "/" + k, false);
  }
  if (timing_ok && !random) {
    when = windows_of(o, path);
    if (!when) timing_ok = false;
  }
  return timing_ok;
}

// What an outage takes down, into `elements`; false when invalid (reported).
bool Builder::outage_elements(Json& o, const std::string& kind, const std::string& path,
                              std::vector<models::OutageElement>& elements) {
  using Element = models::OutageElement;
  if (kind == "link") {
    const auto ends = link_ends(o["between"], path);
    if (!ends) return false;
    const auto [a, b] = *ends;
    const auto found = links_between(a, b);
    if (found.empty() && !sites_incomplete_) {
      diag_.add(path + "/between", "there is no site link between " + sites_[a].name + " and " +
                                       sites_[b].name + "; links of " + sites_[a].name + ": " +
                                       link_names_of(a));
      return false;
    }
    for (std::uint32_t k : found) elements.push_back({Element::Kind::kSiteLink, k});
  } else if (kind == "site") {
    auto sites = select(o["site"], path + "/site");
    if (!sites) return false;
    for (std::uint32_t k : *sites) elements.push_back({Element::Kind::kSite, k});
  } else if (kind == "access") {
    if (!o.contains("devices")) {
      diag_.add(path, "missing required key 'devices' (the devices whose access links go down)");
      return false;
    }
    auto devices = select_devices(o["devices"], path + "/devices");
    if (!devices) return false;
    for (std::uint32_t d : *devices) elements.push_back({Element::Kind::kAccessLink, d});
  } else if (kind == "partition") {
    if (!partition_links(o, path, elements)) return false;
  }
  return true;
}

// The windows of a timed outage (at + duration or windows), checked; nullopt when invalid.
std::optional<Builder::Windows> Builder::windows_of(const Json& o, const std::string& path) {
  Windows out;
  std::vector<std::string> paths;
  if (o.contains("at")) {
    auto at = duration_of(o["at"]);
    auto length = duration_of(o["duration"]);
    if (!at || !length) return std::nullopt;
    out.emplace_back(*at, sim::add_saturating(*at, *length));
    paths.push_back(path + "/duration");
  } else {
    const Json& ws = o["windows"];
    if (!ws.is_array()) return std::nullopt;
    for (std::size_t k = 0; k < ws.size(); ++k) {
      if (!ws[k].is_array() || ws[k].size() != 2) return std::nullopt;
      auto down = duration_of(ws[k][0]), up = duration_of(ws[k][1]);
      if (!down || !up) return std::nullopt;
      out.emplace_back(*down, *up);
      paths.push_back(path + "/windows/" + std::to_string(k));
    }
  }
  const sim::Time duration = duration_of(r_["duration"]).value_or(sim::kTimeMax);
  bool ok = true;
  for (std::size_t k = 0; k < out.size(); ++k) {
    const auto [down, up] = out[k];
    if (up <= down) {
      diag_.add(paths[k], "the window " + window_text(down, up) + " must end after it starts");
      ok = false;
    } else if (up > duration) {
      diag_.add(paths[k], "the window " + window_text(down, up) + " ends after the run (duration " +
                              sim::format_duration(duration) + ")");
      ok = false;
    } else if (k > 0 && down < out[k - 1].second) {
      diag_.add(paths[k], "windows must be sorted and disjoint: " +
                              window_text(out[k - 1].first, out[k - 1].second) + " then " +
                              window_text(down, up));
      ok = false;
    }
  }
  return ok ? std::optional(out) : std::nullopt;
}

// The site links a partition cuts: those whose ends are in two different groups.
bool Builder::partition_links(const Json& o, const std::string& path,
                              std::vector<models::OutageElement>& elements) {
  const Json& groups = o["groups"];
  if (!groups.is_array()) return false;
  std::vector<int> group_of(sites_.size(), -1);
  bool ok = true;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const std::string at = path + "/groups/" + std::to_string(g);
    auto sites = select(groups[g], at);
    if (!sites) {
      ok = false;
      continue;
    }
    for (std::uint32_t s : *sites) {
      if (group_of[s] >= 0) {
        diag_.add(at, "site '" + sites_[s].name + "' is in group " + std::to_string(group_of[s]) +
                          " and in group " + std::to_string(g) + "; groups must not overlap");
        ok = false;
        break;
      }
      group_of[s] = static_cast<int>(g);
    }
  }
  if (!ok) return false;
  for (std::uint32_t k = 0; k < links_.size(); ++k) {
    const int ga = group_of[links_[k].a], gb = group_of[links_[k].b];
    if (ga >= 0 && gb >= 0 && ga != gb) {
      elements.push_back({models::OutageElement::Kind::kSiteLink, k});
    }
  }
  if (elements.empty()) {
    diag_.add(path + "/groups",
              "the partition cuts no site link: no link joins two of its "
              "groups");
    return false;
  }
  return true;
}

}  // namespace edgetwin::scenarios::detail
