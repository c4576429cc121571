#ifndef TUTOR_ENVS_RNG_H_
#define TUTOR_ENVS_RNG_H_

#include <cstdint>

namespace tutor {

// xoshiro256** seeded through splitmix64 from (seed, stream). Small, fast, and identical on
// every platform, unlike std::uniform_real_distribution. Env i uses stream i, so its draws do
// not depend on which thread steps it.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0, uint64_t stream = 0) { Seed(seed, stream); }

  void Seed(uint64_t seed, uint64_t stream) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + stream * 0xD1B54A32D192ED03ull + 1;
    for (auto& s : state_) s = SplitMix(&x);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // uniform in [0, 1)
  double Uniform() { return (Next() >> 11) * 0x1.0p-53; }
  // uniform in [low, high)
  double Uniform(double low, double high) { return low + (high - low) * Uniform(); }
  // uniform integer in [0, n)
  int Below(int n) { return static_cast<int>(Uniform() * n); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix(uint64_t* x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t state_[4];
};

}  // namespace tutor

#endif  // TUTOR_ENVS_RNG_H_
