#ifndef TUTOR_CORE_CHOICE_H_
#define TUTOR_CORE_CHOICE_H_

// A config choice spelled as a word in YAML and held as an enum everywhere else: the table
// maps one to the other, so nothing compares strings after a config is read.

#include <string>
#include <utility>
#include <vector>

namespace tutor {

// a choice's YAML spelling and value, in the order error messages list them
template <typename E>
using ChoiceTable = std::vector<std::pair<const char*, E>>;

// the YAML spelling of a choice
template <typename E>
const char* ChoiceName(const ChoiceTable<E>& table, E value) {
  for (const auto& [name, v] : table)
    if (v == value) return name;
  return "?";
}

// the choice spelled `name`; false when there is none
template <typename E>
bool ParseChoice(const ChoiceTable<E>& table, const std::string& name, E* value) {
  for (const auto& [n, v] : table)
    if (name == n) {
      *value = v;
      return true;
    }
  return false;
}

// "a, b or c"
template <typename E>
std::string ChoiceList(const ChoiceTable<E>& table) {
  std::string text;
  for (size_t i = 0; i < table.size(); ++i)
    text += (i == 0 ? "" : i + 1 == table.size() ? " or " : ", ") + std::string(table[i].first);
  return text;
}

}  // namespace tutor

#endif  // TUTOR_CORE_CHOICE_H_
