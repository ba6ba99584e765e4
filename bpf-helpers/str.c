/* String helpers for BPF programs: bounded strncmp, byte comparison,
 * length and substring search.
 * Written so that each loop's trip count depends only on the constant
 * sizes, which keeps the verifier's state count small. */
#include "helpers.h"

ET_HELPER et_s64 et_strncmp(const char *a, const char *b, et_u64 n)
{
	for (et_u64 i = 0; i < n; i++) {
		unsigned char x = a[i], y = b[i];

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			break;
	}
	return 0;
}

ET_HELPER et_s64 et_memneq(const char *a, const char *b, et_u64 n)
{
	/* an early exit, as et_strncmp: an accumulating loop is
	 * vectorized into more stack than BPF has */
	for (et_u64 i = 0; i < n; i++)
		if (a[i] != b[i])
			return 1;
	return 0;
}

ET_HELPER et_s64 et_strlen(const char *s, et_u64 size)
{
	for (et_u64 i = 0; i < size; i++)
		if (!s[i])
			return (et_s64)i;
	return (et_s64)size;
}

ET_HELPER et_s64 et_strstr(const char *hay, et_u64 hsize, const char *needle,
			   et_u64 nsize)
{
	if (!nsize || !needle[0])
		return 0;
	for (et_u64 i = 0; i < hsize && hay[i]; i++) {
		for (et_u64 j = 0;; j++) {
			if (j == nsize || !needle[j])
				return (et_s64)i;
			if (i + j >= hsize || hay[i + j] != needle[j])
				break;
		}
	}
	return -1;
}

ET_HELPER et_s64 et_memcmp(const char *a, const char *b, et_u64 n)
{
	for (et_u64 i = 0; i < n; i++) {
		unsigned char x = a[i], y = b[i];

		if (x != y)
			return (et_s64)x - (et_s64)y;
	}
	return 0;
}

ET_HELPER et_s64 et_strcontains(const char *hay, et_u64 hsize,
				const char *needle, et_u64 nsize)
{
	for (et_u64 i = 0; i < hsize; i++) {
		for (et_u64 j = 0;; j++) {
			if (j == nsize || !needle[j])
				return 1;
			if (i + j >= hsize || hay[i + j] != needle[j])
				break;
		}
		if (!hay[i])
			break;
	}
	return !nsize || !needle[0];
}
