// fp32 FMA peak of this machine, on all cores (OpenMP) and on one, with 256-bit and (where the CPU has AVX-512 and the
// build passes -mavx512f) 512-bit FMAs. benchmarks/run.sh builds and runs it and takes the larger all-core figure as
// the peak for our "% of peak".
//
// Why not only ../shared/peer/peak.sh: its ten accumulator chains all start from the same value and apply the same
// FMA, so gcc -O2 proves them equal and keeps one chain (one vfmadd per loop iteration, a dependency chain bound by
// the FMA latency) while the program counts ten. On a core with a 4-cycle FMA latency and two FMA ports it reports
// 10/4 = 2.5 FMAs per cycle where the hardware does at most 2: 1.25x the real peak or more (1.4x measured on the
// Xeon of docs/benchmarks.md). Here every chain starts from a
// different value, so none can be merged, and twelve independent chains cover latency 4 on two ports (8 needed) and
// latency 5 (10 needed). Check with: objdump -d <binary> | grep -c vfmadd (12 per width in the loops).
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>

#define ITERATIONS 100000000L
#define CHAINS 12

static double Gflops(double seconds, int lanes) { return 2.0 * ITERATIONS * CHAINS * lanes * omp_get_max_threads() / seconds / 1e9; }

// One peak loop per width, written once: CHAINS accumulators, each started from its own value, each step a * f + c.
#define PEAK_LOOP(name, vector, set1, fmadd, lanes, first_lane)                                                          \
    static double name(void)                                                                                            \
    {                                                                                                                   \
        double best = 0;                                                                                                \
        for (int round = 0; round < 3; round++)                                                                         \
        {                                                                                                               \
            double start = omp_get_wtime(), keep = 0;                                                                   \
            _Pragma("omp parallel reduction(+ : keep)")                                                                 \
            {                                                                                                           \
                vector a[CHAINS];                                                                                       \
                for (int i = 0; i < CHAINS; i++) a[i] = set1(1.0f + 0.001f * i);                                        \
                const vector f = set1(0.999999f), c = set1(1e-7f);                                                      \
                for (long n = 0; n < ITERATIONS; n++)                                                                   \
                {                                                                                                       \
                    a[0] = fmadd(a[0], f, c); a[1] = fmadd(a[1], f, c); a[2] = fmadd(a[2], f, c);                       \
                    a[3] = fmadd(a[3], f, c); a[4] = fmadd(a[4], f, c); a[5] = fmadd(a[5], f, c);                       \
                    a[6] = fmadd(a[6], f, c); a[7] = fmadd(a[7], f, c); a[8] = fmadd(a[8], f, c);                       \
                    a[9] = fmadd(a[9], f, c); a[10] = fmadd(a[10], f, c); a[11] = fmadd(a[11], f, c);                   \
                }                                                                                                       \
                for (int i = 0; i < CHAINS; i++) keep += first_lane(a[i]);                                              \
            }                                                                                                           \
            double gflops = Gflops(omp_get_wtime() - start, lanes);                                                     \
            if (gflops > best) best = gflops;                                                                           \
            if (keep == 42) printf(" ");                                                                                \
        }                                                                                                               \
        return best;                                                                                                    \
    }

static float First256(__m256 v) { return _mm256_cvtss_f32(v); }
PEAK_LOOP(Peak256, __m256, _mm256_set1_ps, _mm256_fmadd_ps, 8, First256)

#ifdef __AVX512F__
static float First512(__m512 v) { return _mm512_cvtss_f32(v); }
PEAK_LOOP(Peak512, __m512, _mm512_set1_ps, _mm512_fmadd_ps, 16, First512)
#endif

int main(void)
{
    int threads = omp_get_max_threads();
    printf("true peak fp32 FMA 256-bit, %d threads: %.1f GFLOP/s\n", threads, Peak256());
#ifdef __AVX512F__
    printf("true peak fp32 FMA 512-bit, %d threads: %.1f GFLOP/s\n", threads, Peak512());
#endif
    return 0;
}
