/* Unit tests of SHA-256 (runtime/sha256.c), the audit log's hash: the
 * FIPS 180-4 example vectors and a message fed in pieces. */
#include "unit.h"

#include "sha256.h"

static void test_vectors(void)
{
	char hex[65];
	char *million = malloc(1000000);

	sha256_hex("", 0, hex);
	CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb924"
			       "27ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223"
			       "b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		   56, hex);
	CU_ASSERT_STRING_EQUAL(hex, "248d6a61d20638b8e5c026930c3e6039"
			       "a33ce45964ff2167f6ecedd419db06c1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(million);
	memset(million, 'a', 1000000);
	sha256_hex(million, 1000000, hex);
	CU_ASSERT_STRING_EQUAL(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
			       "f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

/* pieces of every length up to two blocks give the digest of the whole */
static void test_pieces(void)
{
	const char *msg = "The quick brown fox jumps over the lazy dog, "
			  "twice: the quick brown fox jumps over the lazy "
			  "dog.";
	size_t len = strlen(msg);
	uint8_t whole[32], part[32];
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, msg, len);
	sha256_final(&s, whole);
	for (size_t cut = 0; cut <= len; cut++) {
		sha256_init(&s);
		sha256_update(&s, msg, cut);
		sha256_update(&s, msg + cut, len - cut);
		sha256_final(&s, part);
		CU_ASSERT_EQUAL(memcmp(whole, part, 32), 0);
	}
}

UNIT_MAIN("sha256",
	  UNIT_TEST(test_vectors),
	  UNIT_TEST(test_pieces))
