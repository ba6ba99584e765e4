// The C++ program of the stack tests (tests/runtime/stacks.sh): the
// chains of stk_c.c through namespaces, a class template, a virtual
// method, overloads and a lambda; every function noipa (not inlined, not
// cloned, no sibling calls), so the chain gdb shows is the one to find.
//   stk_cpp deep|rec|qsort|signal once|spin [FILE]  (FILE: as stk_c)
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#define F __attribute__((noipa))

volatile unsigned long stk_sink;
static bool spin;

namespace stk
{

F void leaf()
{
	volatile char pad[64];

	pad[0] = (char)stk_sink;
	if (spin) {
		std::printf("ready\n");
		std::fflush(stdout);
		for (;;)
			stk_sink += pad[0] + 1;
	}
	stk_sink += (unsigned long)getppid() + pad[0];
}

// Step<N>::run calls Step<N - 1>::run: a chain of distinct template
// instances ending in leaf()
template <int N> struct Step {
	F static int run(int n)
	{
		int r = Step<N - 1>::run(n + 1);
		stk_sink += r;
		return r + 1;
	}
};
template <> struct Step<0> {
	F static int run(int n)
	{
		leaf();
		return n;
	}
};

struct Base {
	virtual int work(int n) = 0;
	virtual ~Base() = default;
};
struct Deep : Base {
	F int work(int n) override
	{
		int r = Step<20>::run(n);
		stk_sink += r;
		return r + 1;
	}
};

namespace rec
{
F int down(int n, long depth)
{
	int r;

	if (depth == 0) {
		leaf();
		return n;
	}
	r = down(n + 1, depth - 1);
	stk_sink += r;
	return r + 1;
}
F int down(int n)
{
	int r = down(n, 10L);
	stk_sink += r;
	return r + 1;
}
} // namespace rec

F int sorted(int n)
{
	int v[2] = {n + 1, n};
	auto cmp = [](const void *a, const void *b) -> int {
		int r = Step<5>::run(*(const int *)a);
		stk_sink += r;
		return *(const int *)a - *(const int *)b;
	};

	std::qsort(v, 2, sizeof v[0], cmp);
	stk_sink += v[0];
	return v[1];
}

F void on_usr1(int sig)
{
	int r = Step<3>::run(sig);
	stk_sink += r;
}
F int raise_usr1(int n)
{
	kill(getpid(), SIGUSR1);
	stk_sink += n;
	return n + 1;
}

} // namespace stk

// the entry points of each scenario, a few frames above the work
template <int N> F int outer(int (*fn)(int), int n)
{
	int r = outer<N - 1>(fn, n + 1);
	stk_sink += r;
	return r + 1;
}
template <> F int outer<0>(int (*fn)(int), int n)
{
	int r = fn(n);
	stk_sink += r;
	return r + 1;
}

F static int deep(int n)
{
	stk::Deep d;
	stk::Base *volatile b = &d;
	int r = b->work(n);
	stk_sink += r;
	return r + 1;
}
F static int rec(int n)
{
	int r = stk::rec::down(n);
	stk_sink += r;
	return r + 1;
}

int main(int argc, char **argv)
{
	int (*fn)(int);
	int r, i;

	if (argc != 3 && argc != 4) {
		std::fprintf(
		    stderr,
		    "usage: %s deep|rec|qsort|signal once|spin [FILE]\n",
		    argv[0]);
		return 2;
	}
	spin = std::strcmp(argv[2], "spin") == 0;
	if (argc == 4) {
		std::printf("parked\n");
		std::fflush(stdout);
		for (i = 0; access(argv[3], F_OK) != 0; i++) {
			if (i == 6000)
				return 3;
			usleep(10000);
		}
	}
	std::signal(SIGUSR1, stk::on_usr1);
	if (std::strcmp(argv[1], "deep") == 0)
		fn = deep;
	else if (std::strcmp(argv[1], "rec") == 0)
		fn = rec;
	else if (std::strcmp(argv[1], "qsort") == 0)
		fn = stk::sorted;
	else if (std::strcmp(argv[1], "signal") == 0)
		fn = stk::raise_usr1;
	else
		return 2;
	r = outer<3>(fn, 0);
	stk_sink += r;
	std::printf("done\n");
	return 0;
}
