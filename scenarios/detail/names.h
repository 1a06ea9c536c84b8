// Name ranges, selectors and "did you mean": the small string tools of the scenario format.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace edgetwin::scenarios::detail {

// Expands every range "{A..B}" in `pattern` (A <= B, decimal). Zero padding is kept:
// "n{01..10}" gives n01..n10. Several ranges multiply out, the first one outermost:
// "r{1..2}-{1..3}" gives r1-1, r1-2, r1-3, r2-1, ... On failure returns false and sets `error`
// (start > end, unbalanced braces, not a range, more than `limit` names).
bool expand_name(std::string_view pattern, std::vector<std::string>& out, std::string& error,
                 std::size_t limit = 1'000'000);

// True iff `name` matches `glob`: '*' matches any run of characters, '?' exactly one.
bool glob_match(std::string_view glob, std::string_view name);
bool has_wildcard(std::string_view s);

// Levenshtein distance.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` when it is close enough to be a likely typo, else "".
std::string closest(std::string_view word, const std::vector<std::string>& candidates);
// " did you mean 'x'?", " did you mean 'x' or 'y'?" (ties, at most 3) or "" (with a leading
// space, to append to a message).
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
// "a, b, c, ... (52 in all)": at most `shown` names.
std::string list_names(const std::vector<std::string>& names, std::size_t shown = 12);

}  // namespace edgetwin::scenarios::detail
