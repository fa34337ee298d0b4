#pragma once
// The fixed world of facts that the closed-book tasks ask about: every
// made-up person has a job, a home, a favorite color and a favorite animal,
// drawn once from a world seed. Choice questions and closed-book qa
// questions ask about the same world, so both measure what the model
// memorised in training.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace beamline::tasks {

struct WorldAttribute {
  const char* phrase;    // "the job of" (fact statements, choice questions)
  const char* question;  // "what does {} work as ?" (closed-book qa; {} is the person)
  const std::vector<std::string>& (*values)();
};

constexpr size_t kWorldAttributeCount = 4;
const std::array<WorldAttribute, kWorldAttributeCount>& world_attributes();

// Index into world_attributes()[attribute].values() of (person, attribute)
// in the world drawn from world_seed.
size_t world_value(uint64_t world_seed, size_t person, size_t attribute);

}  // namespace beamline::tasks
