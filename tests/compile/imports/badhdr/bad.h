/* a C header with an error on its third line */
struct bad {
	bogus_t b;
};
