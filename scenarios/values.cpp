#include "scenarios/detail/values.h"

#include <fstream>
#include <sstream>

namespace edgetwin::scenarios::detail {

std::optional<sim::Time> duration_of(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  auto p = sim::parse_duration(v.get<std::string>());
  return p.ok() ? std::optional(p.value) : std::nullopt;
}

std::optional<double> seconds_of(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  auto t = duration_of(*it);
  return t ? std::optional(sim::to_seconds(*t)) : std::nullopt;
}

std::optional<double> number_of(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? std::optional(it->get<double>()) : std::nullopt;
}

const std::string* string_of(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

std::optional<double> rate_of(const Json& obj, const char* key) {
  const std::string* s = string_of(obj, key);
  if (!s) return std::nullopt;
  auto p = sim::parse_rate(*s);
  return p.ok() ? std::optional(p.value) : std::nullopt;
}

std::optional<double> amount_of(const Json& obj, const char* key, bool sizes) {
  if (!sizes) return seconds_of(obj, key);
  const std::string* s = string_of(obj, key);
  if (!s) return std::nullopt;
  auto p = sim::parse_size(*s);
  return p.ok() ? std::optional(static_cast<double>(p.value)) : std::nullopt;
}

sim::Distribution distribution(const Json& s, bool sizes) {
  const std::string kind = s["distribution"].get<std::string>();
  auto val = [&](const char* k) { return *amount_of(s, k, sizes); };
  auto num = [&](const char* k) { return s[k].get<double>(); };
  if (kind == "constant") return sim::Distribution::constant(val("value"));
  if (kind == "exponential") return sim::Distribution::exponential(val("mean"));
  if (kind == "uniform") return sim::Distribution::uniform(val("low"), val("high"));
  if (kind == "normal") return sim::Distribution::normal(val("mean"), val("stddev"));
  if (kind == "weibull") return sim::Distribution::weibull(num("shape"), val("scale"));
  if (s.contains("mean")) return sim::Distribution::lognormal_mean_cv(val("mean"), num("cv"));
  return sim::Distribution::lognormal(num("mu"), num("sigma"));
}

const ObjectSpec& spec_at(std::initializer_list<const char*> keys) {
  const ObjectSpec* spec = &scenario_spec();
  for (const char* k : keys) spec = spec->find(k)->object;
  return *spec;
}

void reorder(Json& obj, const ObjectSpec& spec) {
  Json out = Json::object();
  for (const Field& f : spec.fields) {
    if (obj.contains(f.key)) out[f.key] = obj[f.key];
  }
  obj = std::move(out);
}

std::string site_pair(const std::string& a, const std::string& b) { return a + "--" + b; }

const char* open_text_file(const std::filesystem::path& path, std::ifstream& in) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return "no such file";
  if (std::filesystem::is_directory(path, ec)) return "it is a directory";
  in.open(path, std::ios::binary);
  return in ? nullptr : "not readable";
}

const char* read_text_file(const std::filesystem::path& path, std::string& text) {
  std::ifstream in;
  if (const char* problem = open_text_file(path, in)) return problem;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return "not readable";
  text = out.str();
  return nullptr;
}

}  // namespace edgetwin::scenarios::detail
