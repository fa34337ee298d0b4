// A rogue client against real processes: a `beamline coordinator` and two
// `beamline worker` processes run a synthetic campaign over loopback; while
// it is mid-run (some trials stored, not all, read from the database) raw
// TCP sockets and a ZeroMQ DEALER send garbage of every kind. The campaign
// must end as if nothing had happened, and the coordinator must have
// logged and dropped each kind (`bad_frame` events, its log).
#include <arpa/inet.h>
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <zmq.hpp>

#include "common/protocol/frame_codec.h"
#include "common/protocol/version.h"
#include "tests/coordinator/daemon/loopback_fixture.h"
#include "tests/coordinator/daemon/process_fixture.h"

namespace beamline::testing {
namespace {

constexpr auto kTimeout = std::chrono::seconds(300);
constexpr auto kEventTimeout = std::chrono::seconds(60);

// A plain TCP connection to the coordinator's port: bytes that may not even
// be ZeroMQ.
class RawTcp {
 public:
  explicit RawTcp(const std::string& endpoint) {
    const auto port = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawTcp() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawTcp(const RawTcp&) = delete;
  RawTcp& operator=(const RawTcp&) = delete;

  bool write(const std::string& bytes) {
    size_t sent = 0;
    while (connected_ && sent < bytes.size()) {
      const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return connected_;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// ZMTP 3.0 greeting offering a security mechanism no one speaks: libzmq
// closes the connection in the handshake (mechanism mismatch).
std::string bogus_mechanism_greeting() {
  std::string greeting = "\xff" + std::string(8, '\0') + "\x7f";
  greeting += '\x03';  // version 3.0
  greeting += '\x00';
  std::string mechanism = "BOGUS";
  mechanism.resize(20, '\0');
  greeting += mechanism;
  greeting += std::string(1 + 31, '\0');  // as-server, filler
  return greeting;
}

// ZMTP 1.0 framing (length byte, flags byte, body), which libzmq still
// accepts: an empty routing id, then one frame "junk!" -- a frame that
// reaches the coordinator and is not protobuf.
std::string zmtp1_junk_frame() { return std::string("\x01\x00", 2) + std::string("\x06\x00junk!", 7); }

std::string random_bytes(std::mt19937& random, size_t size) {
  std::string bytes(size, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(random() & 0xff);
  return bytes;
}

// Random frames that are certainly garbage (a random frame can, rarely,
// parse as a message; those are skipped so the flood stays garbage).
std::vector<std::string> garbage_frames(size_t count) {
  std::mt19937 random(20261201);
  std::vector<std::string> frames;
  while (frames.size() < count) {
    auto frame = random_bytes(random, 16 + random() % 200);
    if (!protocol::decode_worker_message(frame)) frames.push_back(std::move(frame));
  }
  return frames;
}

// A results frame cut in the middle of its trials.
std::string truncated_results() {
  wire::WorkerMessage message;
  auto* results = message.mutable_results();
  results->set_unit_id(1);
  for (int i = 0; i < 4; ++i) {
    auto* trial = results->add_trials();
    trial->set_cell_id(1);
    trial->set_trial_index(static_cast<uint64_t>(i));
    trial->set_outcome(wire::SDC);
    trial->set_site("synthetic:u=0.5");
  }
  const std::string frame = protocol::encode(message);
  return frame.substr(0, frame.size() / 2 + 1);
}

std::string encoded(const wire::WorkerMessage& message) { return protocol::encode(message); }

TEST_F(ProcessTest, RogueClientsSendingGarbageMidRunDoNotDisturbTheCampaign) {
  // 4 cells x 10 inputs x 20 trials = 800 trials of 20 ms, in units of 10:
  // several seconds of work for two workers, so the garbage lands mid-run.
  constexpr int64_t kTotal = 800;
  const auto campaign = write("c.toml", synthetic_campaign("rogue", 10, 20, 10, 20.0));
  const auto db = path("c.db");
  auto [coordinator_process, endpoint] = coordinator(db, campaign);
  ASSERT_FALSE(endpoint.empty());
  auto w1 = worker(endpoint, "w1");
  auto w2 = worker(endpoint, "w2");
  ASSERT_TRUE(wait_until([&] { return query(db, "SELECT count(*) FROM trial") > 0; }));
  const auto bad_frames = [&](const std::string& like) {
    return query(db, "SELECT count(*) FROM event WHERE kind = 'bad_frame' AND detail LIKE '" + like + "'");
  };
  const auto logged = [&](const std::string& like) {
    return wait_until([&] { return bad_frames(like) >= 1; }, kEventTimeout);
  };

  // Raw TCP: a ZMTP 1.0 frame of junk, a handshake with a bogus security
  // mechanism (plain random bytes come later: they may parse as ZMTP 1.0
  // frames and use up the log's per-reason allowance before the frames
  // awaited below).
  RawTcp junk(endpoint);
  ASSERT_TRUE(junk.write(zmtp1_junk_frame()));
  EXPECT_TRUE(logged("malformed: malformed frame of 5 bytes%"));
  RawTcp bogus(endpoint);
  ASSERT_TRUE(bogus.write(bogus_mechanism_greeting()));
  EXPECT_TRUE(logged(fmt::format("handshake: %failed the ZeroMQ handshake: ZMTP protocol error 0x{:08x}%",
                                 ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)));

  // A DEALER: one frame of each kind, each awaited in the event table.
  zmq::context_t context;
  zmq::socket_t rogue(context, zmq::socket_type::dealer);
  rogue.set(zmq::sockopt::linger, 0);
  rogue.set(zmq::sockopt::routing_id, "rogue");
  rogue.connect(endpoint);
  const std::string truncated = truncated_results();
  ASSERT_FALSE(protocol::decode_worker_message(truncated));  // really truncated
  rogue.send(zmq::buffer(truncated), zmq::send_flags::none);
  EXPECT_TRUE(logged(fmt::format("malformed: malformed frame of {} bytes (peer rogue)", truncated.size())));
  rogue.send(zmq::buffer(std::string("\x98\x06\x01", 3)), zmq::send_flags::none);  // field 99: no such type
  EXPECT_TRUE(logged("unknown_message: frame carries no known message (peer rogue)"));
  rogue.send(zmq::str_buffer("a"), zmq::send_flags::sndmore);
  rogue.send(zmq::str_buffer("b"), zmq::send_flags::sndmore);
  rogue.send(zmq::str_buffer("c"), zmq::send_flags::none);
  EXPECT_TRUE(logged("multipart: a message of 3 frames%(peer rogue)"));
  wire::WorkerMessage credit;
  credit.mutable_credit()->set_units(1000);
  rogue.send(zmq::buffer(encoded(credit)), zmq::send_flags::none);
  EXPECT_TRUE(logged("before_hello: credit from a peer that has not said hello%(peer rogue)"));
  wire::WorkerMessage hello;
  hello.mutable_hello()->set_worker_id("rogue");
  hello.mutable_hello()->set_protocol_version(protocol::kProtocolVersion + 41);
  hello.mutable_hello()->set_capacity(64);
  rogue.send(zmq::buffer(encoded(hello)), zmq::send_flags::none);
  // Refused, not crashed on: the rogue is told so.
  zmq::pollitem_t items[] = {{rogue.handle(), 0, ZMQ_POLLIN, 0}};
  ASSERT_EQ(zmq::poll(items, 1, std::chrono::milliseconds(60000)), 1);
  zmq::message_t reply;
  ASSERT_TRUE(rogue.recv(reply));
  const auto refused = protocol::decode_coordinator_message(reply.to_string_view());
  ASSERT_TRUE(refused && refused.message->has_shutdown());
  EXPECT_EQ(refused.message->shutdown().reason(), wire::REFUSED);
  // Over the codec's limit but under the socket's: it arrives and is told.
  const size_t oversized = protocol::kMaxFrameBytes + (1u << 20);
  rogue.send(zmq::buffer(std::string(oversized, 'x')), zmq::send_flags::none);
  EXPECT_TRUE(logged(fmt::format("oversized: frame of {} bytes exceeds the limit of {}%", oversized,
                                 protocol::kMaxFrameBytes)));
  {
    RawTcp noise(endpoint);
    std::mt19937 random(7);
    noise.write(random_bytes(random, 4096));
  }
  // A flood: only the first few are written one by one.
  for (const auto& frame : garbage_frames(300)) rogue.send(zmq::buffer(frame), zmq::send_flags::none);
  {
    // Over the socket's limit: libzmq closes this connection unread.
    zmq::socket_t huge(context, zmq::socket_type::dealer);
    huge.set(zmq::sockopt::linger, 2000);
    huge.connect(endpoint);
    huge.send(zmq::buffer(std::string(protocol::kMaxSocketMessageBytes + 1, 'y')), zmq::send_flags::none);
  }
  // Still mid-run once every kind has been dropped.
  const auto done = query(db, "SELECT count(*) FROM trial");
  EXPECT_GT(done, 0);
  EXPECT_LT(done, kTotal) << "the campaign ended before the garbage was through; make it longer";

  EXPECT_EQ(coordinator_process.wait(kTimeout), 0);
  EXPECT_EQ(w1.wait(kTimeout), 0);
  EXPECT_EQ(w2.wait(kTimeout), 0);

  EXPECT_EQ(query(db, "SELECT count(*) FROM trial"), kTotal);
  EXPECT_EQ(query(db, "SELECT count(DISTINCT cell_id || ':' || trial_index) FROM trial"), kTotal);
  EXPECT_EQ(query(db, "SELECT count(*) FROM unit WHERE state <> 'done'"), 0);
  EXPECT_EQ(synthetic_mismatches(db, campaign), "");
  EXPECT_EQ(integrity(db), "ok");
  // The rogue never became a worker, and stored nothing.
  EXPECT_EQ(query(db, "SELECT count(*) FROM worker"), 2);
  EXPECT_EQ(query(db, "SELECT count(*) FROM trial WHERE worker_id NOT IN ('w1', 'w2')"), 0);
  EXPECT_EQ(query(db, "SELECT count(*) FROM event WHERE kind = 'refused' AND worker_id = 'rogue'"
                      " AND detail LIKE 'protocol version 42 refused%'"),
            1);
  // The flood beyond the first few is counted in a summary row (written at
  // the latest when the coordinator exits).
  EXPECT_GE(bad_frames("malformed: % more dropped in % ms%"), 1);
  const auto coordinator_log = log("coordinator.log");
  for (const char* kind : {"malformed", "unknown_message", "multipart", "before_hello", "oversized", "handshake"}) {
    EXPECT_NE(coordinator_log.find(fmt::format("dropped a bad frame: {}:", kind)), std::string::npos) << kind;
  }
}

}  // namespace
}  // namespace beamline::testing
