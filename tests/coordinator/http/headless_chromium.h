#pragma once
// Headless Chromium (Debian's chromium) for the dashboard tests: load a
// page, let its scripts and timers run, read the DOM back.
#include <filesystem>
#include <string>

namespace beamline::testing {

// True when a `chromium` is on PATH.
bool chromium_available();

// Loads url and returns the DOM once `virtual_time_ms` of the page's
// virtual time has passed (Chromium's --virtual-time-budget: timers fire at
// once, fetches wait for the network, so no wall-clock wait). work_dir
// holds the browser profile and chromium.log. Empty if Chromium printed
// nothing.
std::string dump_dom(const std::string& url, const std::filesystem::path& work_dir, int virtual_time_ms = 20000);

// The value of `attribute` on the element with id `element_id`, "" if
// there is none.
std::string attribute_of(const std::string& dom, const std::string& element_id, const std::string& attribute);

}  // namespace beamline::testing
