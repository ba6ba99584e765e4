/* The flame graph tests' target (tests/runtime/flame.sh): a busy loop
 * with a known call chain, main -> fl_outer -> fl_middle -> fl_leaf,
 * where nearly all the time goes to fl_leaf. Built with -O0 and frame
 * pointers so that the chain is whole in every stack, whatever the
 * unwinder; runs until killed. */
volatile unsigned long fl_sink;

__attribute__((noinline)) void fl_leaf(void)
{
	for (unsigned i = 0; i < 100000; i++)
		fl_sink += i;
}

__attribute__((noinline)) void fl_middle(void)
{
	fl_leaf();
	fl_sink++;
}

__attribute__((noinline)) void fl_outer(void)
{
	fl_middle();
	fl_sink++;
}

int main(void)
{
	for (;;)
		fl_outer();
}
