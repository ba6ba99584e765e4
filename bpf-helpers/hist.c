/* Histogram bucket indexes for hist() and lhist(), numbered exactly as
 * bpftrace 0.17 numbers them, so that user space prints the same
 * labels. Unsigned division only: BPF before cpu v4 has no signed one. */
#include "helpers.h"

ET_HELPER et_s64 et_log2_bucket(et_s64 v)
{
	et_u64 n = v;
	et_s64 r = 0;

	if (v < 0)
		return 0;
	if (v == 0)
		return 1;
	for (int shift = 32; shift; shift >>= 1) {
		if (n >> shift) {
			n >>= shift;
			r += shift;
		}
	}
	return r + 2;
}

ET_HELPER et_s64 et_linear_bucket(et_s64 v, et_s64 min, et_s64 max, et_s64 step)
{
	if (v < min)
		return 0;
	if (v > max)
		v = max;
	return 1 + (et_u64)(v - min) / (et_u64)step;
}
