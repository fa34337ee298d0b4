#pragma once
// The campaign manifest a coordinator sends in Welcome: the campaign file
// and the SHA-256 of every model, data and bounds file it names, with paths
// relative to the campaign root. A worker checks the files under its
// --model-root against it before running anything, so a worker on another
// machine never measures a different model than the one the campaign names.
#include <optional>
#include <string>

#include "common/campaign/campaign_parser.h"
#include "common/campaign/campaign_spec.h"
#include "schema/beamline.pb.h"

namespace beamline::manifest {

// The campaign root as the coordinator sees it: the campaign file's folder
// joined with the file's `root` key.
std::string campaign_root(const campaign::CampaignSpec& spec);

// Every hf model directory (all regular files, recursively), dataset file
// and offline bounds file, in a stable order. Throws beamline::Error naming
// a file that is missing under `root`.
wire::Manifest build_manifest(const campaign::CampaignSource& source, const campaign::CampaignSpec& spec,
                              const std::string& root);

// nullopt when every file under `root` matches; else what differs, naming
// the first mismatching file, its expected and found digest (or that it is
// missing). Digests are cached per (path, size, mtime) for the process, so
// checking again after a reconnect is cheap.
std::optional<std::string> verify_manifest(const wire::Manifest& manifest, const std::string& root);

}  // namespace beamline::manifest
