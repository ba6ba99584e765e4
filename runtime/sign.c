/* sign.c: Ed25519 signatures of artifacts through OpenSSL 3's EVP
 * interface, libcrypto loaded with dlopen (sign.h). */
#include "sign.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "sha256.h"

#define MAGIC_LEN (sizeof(ET_SIG_MAGIC) - 1)
#define TRAILER_LEN (ET_SIG_LEN + ET_SIG_KEYID_LEN + MAGIC_LEN)

static struct {
	typeof(&PEM_read_PrivateKey) read_priv;
	typeof(&PEM_read_PUBKEY) read_pub;
	typeof(&EVP_PKEY_get_id) key_id;
	typeof(&EVP_PKEY_get_raw_public_key) raw_pub;
	typeof(&EVP_PKEY_free) key_free;
	typeof(&EVP_MD_CTX_new) ctx_new;
	typeof(&EVP_MD_CTX_free) ctx_free;
	typeof(&EVP_DigestSignInit) sign_init;
	typeof(&EVP_DigestSign) sign;
	typeof(&EVP_DigestVerifyInit) verify_init;
	typeof(&EVP_DigestVerify) verify;
} ssl;

static int say(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int say(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

#define SYM(field, name) \
	(ssl.field = (typeof(ssl.field))dlsym(h, name))

static int load_crypto(char *err, size_t errlen)
{
	static void *h;

	if (h)
		return 0;
	h = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return say(err, errlen, -ENOENT, "signatures need OpenSSL 3's "
			   "libcrypto (libssl3): %s", dlerror());
	if (!SYM(read_priv, "PEM_read_PrivateKey") ||
	    !SYM(read_pub, "PEM_read_PUBKEY") ||
	    !SYM(key_id, "EVP_PKEY_get_id") ||
	    !SYM(raw_pub, "EVP_PKEY_get_raw_public_key") ||
	    !SYM(key_free, "EVP_PKEY_free") ||
	    !SYM(ctx_new, "EVP_MD_CTX_new") ||
	    !SYM(ctx_free, "EVP_MD_CTX_free") ||
	    !SYM(sign_init, "EVP_DigestSignInit") ||
	    !SYM(sign, "EVP_DigestSign") ||
	    !SYM(verify_init, "EVP_DigestVerifyInit") ||
	    !SYM(verify, "EVP_DigestVerify")) {
		dlclose(h);
		h = NULL;
		return say(err, errlen, -ENOSYS, "libcrypto.so.3 lacks "
			   "OpenSSL 3's Ed25519 functions");
	}
	return 0;
}

/* The Ed25519 key in the PEM file path (private or public). */
static EVP_PKEY *read_key(const char *path, bool priv, char *err,
			  size_t errlen)
{
	FILE *f = fopen(path, "re");
	EVP_PKEY *k;

	if (!f) {
		say(err, errlen, 0, "cannot read the key '%s': %s", path,
		    strerror(errno));
		return NULL;
	}
	k = priv ? ssl.read_priv(f, NULL, NULL, NULL) :
		   ssl.read_pub(f, NULL, NULL, NULL);
	fclose(f);
	if (!k) {
		say(err, errlen, 0, "'%s' holds no %s key in PEM form (make "
		    "one with: openssl genpkey -algorithm ed25519%s)", path,
		    priv ? "private" : "public",
		    priv ? "" : ", then openssl pkey -pubout");
		return NULL;
	}
	if (ssl.key_id(k) != EVP_PKEY_ED25519) {
		ssl.key_free(k);
		say(err, errlen, 0, "'%s' is not an Ed25519 key", path);
		return NULL;
	}
	return k;
}

static void key_id(EVP_PKEY *k, uint8_t id[ET_SIG_KEYID_LEN])
{
	uint8_t raw[32] = { 0 }, d[32];
	size_t n = sizeof(raw);
	struct sha256 s;

	ssl.raw_pub(k, raw, &n);
	sha256_init(&s);
	sha256_update(&s, raw, n);
	sha256_final(&s, d);
	memcpy(id, d, ET_SIG_KEYID_LEN);
}

static void id_hex(const uint8_t *id, char out[2 * ET_SIG_KEYID_LEN + 1])
{
	for (int i = 0; i < ET_SIG_KEYID_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

size_t sign__body_len(const void *buf, size_t len, bool *is_signed)
{
	*is_signed = len >= TRAILER_LEN &&
		     !memcmp((const char *)buf + len - MAGIC_LEN, ET_SIG_MAGIC,
			     MAGIC_LEN);
	return *is_signed ? len - TRAILER_LEN : len;
}

int sign__artifact(const void *art, size_t len, const char *key_path,
		   void **out, size_t *out_len, char *err, size_t errlen)
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *k = NULL;
	size_t siglen = ET_SIG_LEN;
	bool was;
	uint8_t *o;
	int rc;

	len = sign__body_len(art, len, &was);
	rc = load_crypto(err, errlen);
	if (rc)
		return rc;
	k = read_key(key_path, true, err, errlen);
	if (!k)
		return -EINVAL;
	o = malloc(len + TRAILER_LEN);
	ctx = ssl.ctx_new();
	rc = -ENOMEM;
	if (!o || !ctx)
		goto out;
	memcpy(o, art, len);
	if (ssl.sign_init(ctx, NULL, NULL, NULL, k) != 1 ||
	    ssl.sign(ctx, o + len, &siglen, o, len) != 1 ||
	    siglen != ET_SIG_LEN) {
		rc = say(err, errlen, -EINVAL, "OpenSSL could not sign with "
			 "'%s'", key_path);
		goto out;
	}
	key_id(k, o + len + ET_SIG_LEN);
	memcpy(o + len + ET_SIG_LEN + ET_SIG_KEYID_LEN, ET_SIG_MAGIC,
	       MAGIC_LEN);
	*out = o;
	*out_len = len + TRAILER_LEN;
	o = NULL;
	rc = 0;
out:
	free(o);
	ssl.ctx_free(ctx);
	ssl.key_free(k);
	return rc;
}

int sign__verify(const void *buf, size_t len, const char *pub_path,
		 size_t *body_len, char *err, size_t errlen)
{
	const uint8_t *b = buf;
	uint8_t id[ET_SIG_KEYID_LEN];
	char want[20], got[20];
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *k = NULL;
	size_t n;
	bool is_signed;
	int rc;

	n = sign__body_len(buf, len, &is_signed);
	rc = load_crypto(err, errlen);
	if (rc)
		return rc;
	k = read_key(pub_path, false, err, errlen);
	if (!k)
		return -EINVAL;
	rc = -EBADMSG;
	if (!is_signed) {
		say(err, errlen, 0, "it is not signed: --verify runs only "
		    "artifacts signed with etrace --compile-only --sign KEY");
		goto out;
	}
	key_id(k, id);
	if (memcmp(id, b + n + ET_SIG_LEN, ET_SIG_KEYID_LEN)) {
		id_hex(id, want);
		id_hex(b + n + ET_SIG_LEN, got);
		say(err, errlen, 0, "it was signed by another key (id %s) "
		    "than '%s' (id %s)", got, pub_path, want);
		goto out;
	}
	ctx = ssl.ctx_new();
	if (!ctx) {
		rc = -ENOMEM;
		goto out;
	}
	if (ssl.verify_init(ctx, NULL, NULL, NULL, k) != 1 ||
	    ssl.verify(ctx, b + n, ET_SIG_LEN, b, n) != 1) {
		say(err, errlen, 0, "its signature does not match: it was "
		    "altered after it was signed");
		goto out;
	}
	*body_len = n;
	rc = 0;
out:
	ssl.ctx_free(ctx);
	ssl.key_free(k);
	return rc;
}
