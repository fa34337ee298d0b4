#pragma once
// "[4096, 11008]": how shapes appear in every modelio error message.
#include <cstdint>
#include <string>
#include <vector>

namespace beamline::modelio {

std::string shape_text(const std::vector<int64_t>& shape);

}  // namespace beamline::modelio
