#include "sim/mpi_exchange.h"

#include <stdexcept>
#include <type_traits>

#if EDGETWIN_WITH_MPI
#include <mpi.h>
#endif

namespace edgetwin::sim {

#if EDGETWIN_WITH_MPI

namespace {

static_assert(std::is_trivially_copyable_v<Event>, "events travel between ranks as bytes");

class MpiExchange final : public RankExchange {
 public:
  MpiExchange() {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) {
      int provided = 0;
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
      owns_mpi_ = true;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
    send_counts_.resize(static_cast<std::size_t>(ranks_));
    recv_counts_.resize(static_cast<std::size_t>(ranks_));
    send_offsets_.resize(static_cast<std::size_t>(ranks_));
    recv_offsets_.resize(static_cast<std::size_t>(ranks_));
  }
  ~MpiExchange() override {
    if (owns_mpi_) MPI_Finalize();
  }
  MpiExchange(const MpiExchange&) = delete;
  MpiExchange& operator=(const MpiExchange&) = delete;

  int rank() const override { return rank_; }
  int ranks() const override { return ranks_; }

  void exchange(const std::vector<std::vector<Event>>& send,
                std::vector<Event>& received) override {
    // Counts first (in bytes: events are trivially copyable 32-byte values), then the events.
    send_flat_.clear();
    for (std::size_t r = 0; r < send.size(); ++r) {
      send_offsets_[r] = static_cast<int>(send_flat_.size() * sizeof(Event));
      send_counts_[r] = static_cast<int>(send[r].size() * sizeof(Event));
      send_flat_.insert(send_flat_.end(), send[r].begin(), send[r].end());
    }
    MPI_Alltoall(send_counts_.data(), 1, MPI_INT, recv_counts_.data(), 1, MPI_INT, MPI_COMM_WORLD);
    int total = 0;
    for (std::size_t r = 0; r < recv_counts_.size(); ++r) {
      recv_offsets_[r] = total;
      total += recv_counts_[r];
    }
    received.resize(static_cast<std::size_t>(total) / sizeof(Event));
    MPI_Alltoallv(send_flat_.data(), send_counts_.data(), send_offsets_.data(), MPI_BYTE,
                  received.data(), recv_counts_.data(), recv_offsets_.data(), MPI_BYTE,
                  MPI_COMM_WORLD);
  }
  void min(std::vector<std::int64_t>& values) override {
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_INT64_T,
                  MPI_MIN, MPI_COMM_WORLD);
  }
  void bit_xor(std::vector<std::uint64_t>& values) override {
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_UINT64_T,
                  MPI_BXOR, MPI_COMM_WORLD);
  }

 private:
  int rank_ = 0;
  int ranks_ = 1;
  bool owns_mpi_ = false;
  std::vector<int> send_counts_, recv_counts_, send_offsets_, recv_offsets_;
  std::vector<Event> send_flat_;
};

}  // namespace

bool mpi_built() { return true; }
std::unique_ptr<RankExchange> make_mpi_exchange() { return std::make_unique<MpiExchange>(); }

#else

bool mpi_built() { return false; }
std::unique_ptr<RankExchange> make_mpi_exchange() {
  throw std::runtime_error(
      "this edgetwin was built without MPI: configure with -DEDGETWIN_WITH_MPI=ON");
}

#endif

}  // namespace edgetwin::sim
