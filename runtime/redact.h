/* Redaction of strings in user space, before anything leaves the
 * process (text, JSON, OTLP, Prometheus labels): personal data (e-mail
 * addresses, card numbers that pass the Luhn check, US social security
 * numbers, IPv4 addresses, JSON web tokens, secrets after a key such as
 * "password=" and well-known token shapes), SQL literals (-> ?) and
 * Redis commands' arguments (-> ?).
 *
 * Two ways a string is redacted: config = { redact = "email,card" }
 * (et_settings.redact) applies to every string the program prints, and
 * the language's redact(s [, "classes"]) marks one value: BPF writes
 * REDACT_MARK and two bytes of classes before the string's bytes
 * (compiler/codegen/cg_redact.c), and whatever formats the string here
 * (value.c, printf_exec.c, span.c) strips the mark and applies them.
 * The mark survives maps, tuples and span attributes unchanged, as any
 * string's bytes do. */
#ifndef ETRACE_REDACT_H
#define ETRACE_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	RX_EMAIL = 1u << 0,
	RX_CARD = 1u << 1,
	RX_SSN = 1u << 2,
	RX_IPV4 = 1u << 3,
	RX_JWT = 1u << 4,
	RX_SECRET = 1u << 5,
	RX_SQL = 1u << 6,	/* SQL string and number literals -> ? */
	RX_RESP = 1u << 7,	/* a RESP command as text, arguments -> ? */
	RX_RESP_TEXT = 1u << 8, /* a RESP command as text, arguments kept */
	RX_ALL = (1u << 9) - 1,
};
/* The personal-data classes: what redact(s) applies. */
#define RX_PII (RX_EMAIL | RX_CARD | RX_SSN | RX_IPV4 | RX_JWT | RX_SECRET)

/* The mark redact() puts before a string: REDACT_MARK, then the classes
 * in two bytes of 7 bits each with the top bit set (so no byte is a NUL);
 * classes 0 means RX_PII (redact(s) without classes). */
#define REDACT_MARK 0x1f
#define REDACT_MARK_LEN 3

/* Parses "email,card,..." (names of the classes above, "pii" for all the
 * personal ones, "resp_text"; blanks around commas allowed) into *mask.
 * 0, or -1 with *bad pointing at the unknown name (its length in
 * *badlen). An empty list is 0. */
int redact_parse(const char *list, uint32_t *mask, const char **bad,
		 size_t *badlen);
/* The names of mask, comma-separated, into buf (for artifacts). */
const char *redact_names(uint32_t mask, char *buf, size_t size);

/* Whether s[0..len) starts with a mark: its classes in *mask (0:
 * RX_PII) */
bool redact_marked(const char *s, size_t len, uint32_t *mask);

/* Applies mask to s[0..len) into out (its size: out_size, NUL ended,
 * cut if too small); returns the length written. */
size_t redact_apply(uint32_t mask, const char *s, size_t len, char *out,
		    size_t out_size);

/* The text to print for the string s[0..len) of a program whose config
 * redact is global: s itself (return 0) when neither a mark nor global
 * applies; else 1 with *out a malloc'ed result of *out_len bytes (NUL
 * ended), -1 when out of memory (print nothing of it then). */
int redact_string(uint32_t global, const char *s, size_t len, char **out,
		  size_t *out_len);

/* The Luhn check of the digits in s[0..len) (other bytes skipped). */
bool redact_luhn(const char *s, size_t len);

#endif
