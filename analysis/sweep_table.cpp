// The table a sweep prints: confidence intervals per grid point, as JSON or aligned text.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "analysis/sweep.h"

namespace edgetwin::analysis {
namespace {

// Enough digits to read back to the same double; NaN (no spread from one replication) as null.
std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string short_number(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

const std::string& value_at(const SweepSpec& spec, std::size_t point, std::size_t k) {
  return spec.variations[k].values[spec.grid[point][k]];
}

std::string text_table(const SweepSpec& spec,
                       const std::vector<std::vector<ConfidenceInterval>>& cis) {
  std::vector<std::vector<std::string>> rows = {{"point"}};
  for (const auto& v : spec.variations) rows[0].push_back(v.path);
  for (const auto& m : spec.metrics) rows[0].push_back(m);
  for (std::size_t p = 0; p < spec.grid.size(); ++p) {
    std::vector<std::string> row = {std::to_string(p)};
    for (std::size_t k = 0; k < spec.variations.size(); ++k) row.push_back(value_at(spec, p, k));
    for (const auto& ci : cis[p]) {
      row.push_back(short_number(ci.mean) + " +- " + short_number(ci.half_width));
    }
    rows.push_back(row);
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      out += row[c];
      out += c + 1 < row.size() ? std::string(width[c] - row[c].size() + 2, ' ') : "\n";
    }
  }
  return out;
}

}  // namespace

SweepTable tabulate(const SweepSpec& spec, const std::vector<SweepRun>& runs, int baseline) {
  const std::size_t replications = spec.replications;
  auto values_of = [&](std::size_t p, const std::string& m) {
    std::vector<double> values;
    for (std::size_t r = 0; r < replications; ++r) {
      values.push_back(runs.at(p * replications + r).summary.get(m));
    }
    return values;
  };
  SweepTable table;
  table.baseline = baseline;
  table.mean.resize(spec.grid.size());
  if (baseline >= 0) table.difference.resize(spec.grid.size());
  for (std::size_t p = 0; p < spec.grid.size(); ++p) {
    for (const std::string& m : spec.metrics) {
      table.mean[p].push_back(confidence_interval(values_of(p, m), 0.95));
      if (baseline >= 0) {
        table.difference[p].push_back(paired_difference(
            values_of(p, m), values_of(static_cast<std::size_t>(baseline), m), 0.95));
      }
    }
  }
  return table;
}

std::string sweep_table_json(const SweepSpec& spec, const SweepTable& table) {
  const bool paired = table.baseline >= 0;
  std::string j = "{\"scenario\":" + json_text(spec.scenario) +
                  ",\"seed\":" + std::to_string(spec.base_seed) +
                  ",\"replications\":" + std::to_string(spec.replications) +
                  ",\"confidence\":0.95," +
                  (paired ? "\"baseline\":" + std::to_string(table.baseline) + "," : "") +
                  "\"points\":[";
  for (std::size_t p = 0; p < spec.grid.size(); ++p) {
    j += (p ? "," : "") + std::string("{\"point\":") + std::to_string(p) + ",\"values\":{";
    for (std::size_t k = 0; k < spec.variations.size(); ++k) {
      j += (k ? "," : "") + json_text(spec.variations[k].path) + ":" +
           json_text(value_at(spec, p, k));
    }
    j += "},\"metrics\":{";
    for (std::size_t m = 0; m < spec.metrics.size(); ++m) {
      const ConfidenceInterval& ci = table.mean[p][m];
      j += (m ? "," : "") + json_text(spec.metrics[m]) + ":{\"mean\":" + json_number(ci.mean) +
           ",\"half_width\":" + json_number(ci.half_width) +
           ",\"stddev\":" + json_number(ci.stddev) + ",\"n\":" + std::to_string(ci.n);
      if (paired) {
        j += ",\"difference\":{\"mean\":" + json_number(table.difference[p][m].mean) +
             ",\"half_width\":" + json_number(table.difference[p][m].half_width) + "}";
      }
      j += "}";
    }
    j += "}}";
  }
  return j + "]}";
}

std::string sweep_table_text(const SweepSpec& spec, const SweepTable& table) {
  std::string out = "scenario " + spec.scenario + ", " + std::to_string(spec.grid.size()) +
                    " grid points x " + std::to_string(spec.replications) +
                    " replications (base seed " + std::to_string(spec.base_seed) +
                    "); mean +- 95 % confidence half-width (Student's t, " +
                    std::to_string(spec.replications - 1) + " degrees of freedom)\n";
  out += text_table(spec, table.mean);
  if (table.baseline >= 0) {
    out += "\ndifference from grid point " + std::to_string(table.baseline) +
           ", paired by replication (common random numbers): mean +- 95 % half-width\n";
    out += text_table(spec, table.difference);
  }
  return out;
}

std::string json_text(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace edgetwin::analysis
