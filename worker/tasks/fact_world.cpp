#include "worker/tasks/fact_world.h"

#include "common/rng.h"
#include "worker/tasks/word_lists.h"

namespace beamline::tasks {

const std::array<WorldAttribute, kWorldAttributeCount>& world_attributes() {
  static const std::array<WorldAttribute, kWorldAttributeCount> list = {
      {{"the job of", "what does {} work as ?", jobs},
       {"the home of", "where does {} live ?", places},
       {"the favorite color of", "what is the favorite color of {} ?", colors},
       {"the favorite animal of", "what is the favorite animal of {} ?", animals}}};
  return list;
}

size_t world_value(uint64_t world_seed, size_t person, size_t attribute) {
  // The key and counter layout must not change: the bundled models
  // memorised the world this draws.
  CounterRng rng(world_seed, "tasks/choice/world", person * world_attributes().size() + attribute);
  return rng.uniform_below(world_attributes()[attribute].values().size());
}

}  // namespace beamline::tasks
