// fp32 FMA peak with 512-bit registers, on all cores (OpenMP) — the counterpart of ../shared/peer/peak.sh (256-bit).
// Intel cores with two 512-bit FMA units (Sapphire Rapids and later) reach twice the 256-bit figure; Zen 4 splits a
// 512-bit FMA in two and reaches the same. benchmarks/run.sh runs it when the CPU has avx512f and takes the larger peak.
// Ten independent accumulator chains cover the FMA latency (4 cycles) on two ports.
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>

int main(void)
{
    const long iterations = 200000000;
    double best = 0;
    for (int round = 0; round < 5; round++)
    {
        double start = omp_get_wtime(), keep = 0;
#pragma omp parallel reduction(+ : keep)
        {
            __m512 a0 = _mm512_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
            const __m512 f = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
            for (long n = 0; n < iterations; n++)
            {
                a0 = _mm512_fmadd_ps(a0, f, c); a1 = _mm512_fmadd_ps(a1, f, c); a2 = _mm512_fmadd_ps(a2, f, c);
                a3 = _mm512_fmadd_ps(a3, f, c); a4 = _mm512_fmadd_ps(a4, f, c); a5 = _mm512_fmadd_ps(a5, f, c);
                a6 = _mm512_fmadd_ps(a6, f, c); a7 = _mm512_fmadd_ps(a7, f, c); a8 = _mm512_fmadd_ps(a8, f, c);
                a9 = _mm512_fmadd_ps(a9, f, c);
            }
            __m512 sum = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)), _mm512_add_ps(a8, a9)));
            keep += _mm512_reduce_add_ps(sum);
        }
        double seconds = omp_get_wtime() - start;
        double gflops = 2.0 * iterations * 10 * 16 * omp_get_max_threads() / seconds / 1e9;
        if (gflops > best) best = gflops;
        if (keep == 42) printf(" ");
    }
    printf("peak fp32 FMA AVX-512, %d threads: %.1f GFLOP/s\n", omp_get_max_threads(), best);
    return 0;
}
