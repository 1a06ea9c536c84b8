#include "scenarios/detail/json_lines.h"

#include <nlohmann/json.hpp>

namespace edgetwin::scenarios::detail {

LineMap::LineMap(std::string_view text) : text_(text) {
  skip_space();
  value("");
}

int LineMap::line_of(std::string_view pointer) const {
  std::string p(pointer);
  while (true) {
    if (auto it = lines_.find(p); it != lines_.end()) return it->second;
    if (p.empty()) return 0;
    p.erase(p.rfind('/'));
  }
}

void LineMap::skip_space() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '\n') {
      ++line_;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      return;
    }
    ++pos_;
  }
}

std::string LineMap::read_string() {
  const std::size_t start = pos_++;
  bool escaped = false;
  while (pos_ < text_.size() && text_[pos_] != '"') {
    if (text_[pos_] == '\\') {
      escaped = true;
      ++pos_;
    }
    ++pos_;
  }
  ++pos_;  // the closing quote
  const std::string_view raw = text_.substr(start, std::min(pos_, text_.size()) - start);
  if (!escaped) return std::string(raw.substr(1, raw.size() - 2));
  // Rare: let nlohmann decode the escapes (\u sequences, surrogates).
  const auto decoded = nlohmann::json::parse(raw, nullptr, false);
  return decoded.is_string() ? decoded.get<std::string>() : std::string(raw);
}

void LineMap::value(const std::string& pointer) {
  if (pos_ >= text_.size()) return;
  lines_.emplace(pointer, line_);
  const char c = text_[pos_];
  if (c == '{') {
    ++pos_;
    std::unordered_map<std::string, int> seen;
    while (true) {
      skip_space();
      if (pos_ >= text_.size()) return;
      if (text_[pos_] == '}') break;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] != '"') return;  // not valid JSON; give up quietly
      const int key_line = line_;
      const std::string key = read_string();
      const std::string child = pointer + "/" + pointer_escape(key);
      if (auto [it, fresh] = seen.emplace(key, key_line); !fresh) {
        duplicates_.push_back({child, key_line,
                               "duplicate key '" + key + "' (first on line " +
                                   std::to_string(it->second) + "); remove one"});
        lines_.erase(child);  // nlohmann keeps the last value: point at that one
      }
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ':') ++pos_;
      skip_space();
      value(child);
    }
    ++pos_;
  } else if (c == '[') {
    ++pos_;
    std::size_t index = 0;
    while (true) {
      skip_space();
      if (pos_ >= text_.size()) return;
      if (text_[pos_] == ']') break;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      value(pointer + "/" + std::to_string(index++));
    }
    ++pos_;
  } else if (c == '"') {
    read_string();
  } else {
    // A number, true, false or null: runs to the next delimiter.
    while (pos_ < text_.size() && std::string_view(",]} \t\r\n").find(text_[pos_]) ==
                                      std::string_view::npos) {
      ++pos_;
    }
  }
}

std::string pointer_escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

void line_column(std::string_view text, std::size_t offset, int& line, int& column) {
  line = 1;
  column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
}

}  // namespace edgetwin::scenarios::detail
