// fp32 FMA peak of this machine, on all cores (OpenMP) and on one, with 256-bit and (where the CPU has AVX-512 and the
// build passes -mavx512f) 512-bit FMAs. benchmarks/run.sh builds and runs it and takes the larger all-core figure as
// the peak for our "% of peak".
//
// Why not only ../shared/peer/peak.sh: its ten accumulator chains all start from the same value and apply the same
// FMA, so gcc -O2 proves them equal and keeps one chain (one vfmadd per loop iteration, a dependency chain bound by
// the FMA latency) while the program counts ten. On a core with a 4-cycle FMA latency and two FMA ports it reports
// 10/4 = 2.5 FMAs per cycle where the hardware does at most 2: 1.25x the real peak. Here every chain starts from a
// different value, so none can be merged, and twelve independent chains cover latency 4 on two ports (8 needed) and
// latency 5 (10 needed). Check with: objdump -d <binary> | grep -c vfmadd (12 per width in the loops).
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>

#define ITERATIONS 100000000L
#define CHAINS 12

static double Gflops(double seconds, int lanes) { return 2.0 * ITERATIONS * CHAINS * lanes * omp_get_max_threads() / seconds / 1e9; }

static double Peak256(void)
{
    double best = 0;
    for (int round = 0; round < 3; round++)
    {
        double start = omp_get_wtime(), keep = 0;
#pragma omp parallel reduction(+ : keep)
        {
            __m256 a[CHAINS];
            for (int i = 0; i < CHAINS; i++) a[i] = _mm256_set1_ps(1.0f + 0.001f * i);
            const __m256 f = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
            for (long n = 0; n < ITERATIONS; n++)
            {
                a[0] = _mm256_fmadd_ps(a[0], f, c); a[1] = _mm256_fmadd_ps(a[1], f, c); a[2] = _mm256_fmadd_ps(a[2], f, c);
                a[3] = _mm256_fmadd_ps(a[3], f, c); a[4] = _mm256_fmadd_ps(a[4], f, c); a[5] = _mm256_fmadd_ps(a[5], f, c);
                a[6] = _mm256_fmadd_ps(a[6], f, c); a[7] = _mm256_fmadd_ps(a[7], f, c); a[8] = _mm256_fmadd_ps(a[8], f, c);
                a[9] = _mm256_fmadd_ps(a[9], f, c); a[10] = _mm256_fmadd_ps(a[10], f, c); a[11] = _mm256_fmadd_ps(a[11], f, c);
            }
            __m256 sum = a[0];
            for (int i = 1; i < CHAINS; i++) sum = _mm256_add_ps(sum, a[i]);
            float out[8];
            _mm256_storeu_ps(out, sum);
            keep += out[0];
        }
        double gflops = Gflops(omp_get_wtime() - start, 8);
        if (gflops > best) best = gflops;
        if (keep == 42) printf(" ");
    }
    return best;
}

#ifdef __AVX512F__
static double Peak512(void)
{
    double best = 0;
    for (int round = 0; round < 3; round++)
    {
        double start = omp_get_wtime(), keep = 0;
#pragma omp parallel reduction(+ : keep)
        {
            __m512 a[CHAINS];
            for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps(1.0f + 0.001f * i);
            const __m512 f = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
            for (long n = 0; n < ITERATIONS; n++)
            {
                a[0] = _mm512_fmadd_ps(a[0], f, c); a[1] = _mm512_fmadd_ps(a[1], f, c); a[2] = _mm512_fmadd_ps(a[2], f, c);
                a[3] = _mm512_fmadd_ps(a[3], f, c); a[4] = _mm512_fmadd_ps(a[4], f, c); a[5] = _mm512_fmadd_ps(a[5], f, c);
                a[6] = _mm512_fmadd_ps(a[6], f, c); a[7] = _mm512_fmadd_ps(a[7], f, c); a[8] = _mm512_fmadd_ps(a[8], f, c);
                a[9] = _mm512_fmadd_ps(a[9], f, c); a[10] = _mm512_fmadd_ps(a[10], f, c); a[11] = _mm512_fmadd_ps(a[11], f, c);
            }
            keep += _mm512_reduce_add_ps(a[0]) + _mm512_reduce_add_ps(a[CHAINS - 1]);
            for (int i = 1; i < CHAINS - 1; i++) keep += _mm512_reduce_add_ps(a[i]);
        }
        double gflops = Gflops(omp_get_wtime() - start, 16);
        if (gflops > best) best = gflops;
        if (keep == 42) printf(" ");
    }
    return best;
}
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
