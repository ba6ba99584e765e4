/* sign: Ed25519 signatures of artifacts (issue #17). etrace
 * --compile-only --sign KEY.pem appends a trailer to the artifact, as
 * Linux appends a module's signature:
 *
 *     artifact bytes | signature (64) | key id (8) | ET_SIG_MAGIC
 *
 * The signature covers every byte before it (the whole artifact: BPF
 * object, metadata, the script's text); the key id (the first 8 bytes of
 * the SHA-256 of the raw public key) only names the key in messages.
 * ELF readers ignore the trailer (no section points into it), and the
 * runtime takes it off before reading the artifact. etrace-run --verify
 * PUB.pem refuses an unsigned artifact, an altered one and one signed by
 * another key, each with one sentence. OpenSSL 3's libcrypto does the
 * Ed25519 work; it is loaded with dlopen only when --sign or --verify is
 * given, so that other runs start as fast as before. */
#ifndef ETRACE_SIGN_H
#define ETRACE_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#define ET_SIG_MAGIC "\n~etrace Ed25519 signature~\n"
#define ET_SIG_LEN 64
#define ET_SIG_KEYID_LEN 8

/* The length of buf without its signature trailer (len when it has
 * none); *is_signed says whether it had one. */
size_t sign__body_len(const void *buf, size_t len, bool *is_signed);

/* art signed with the Ed25519 private key in the PEM file key_path:
 * *out (malloc'ed) is art with its trailer (a signature already there is
 * replaced). 0, or -errno with one sentence in err. */
int sign__artifact(const void *art, size_t len, const char *key_path,
		   void **out, size_t *out_len, char *err, size_t errlen);

/* Checks buf's trailer against the Ed25519 public key in the PEM file
 * pub_path: 0 and *body_len (the artifact without its trailer), or
 * -EBADMSG (unsigned, altered, another key) / -errno with one sentence
 * in err. */
int sign__verify(const void *buf, size_t len, const char *pub_path,
		 size_t *body_len, char *err, size_t errlen);

#endif
