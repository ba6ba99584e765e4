/* sha256: SHA-256 (FIPS 180-4), for the audit log's hash chain and the
 * program text's hash (audit.h): small and in-process, so that an
 * audited run loads no crypto library. */
#ifndef ETRACE_SHA256_H
#define ETRACE_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;      /* bytes so far */
	uint8_t buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[32]);
/* The digest of data as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
