// A C++ target for the uprobe tests: namespaces, a class, overloads and a
// template, to match probes by demangled names. Usage: uprobe_cpp [N]
#include <cstdio>
#include <cstdlib>

#define KEEP __attribute__((noinline, used))

namespace etns {

KEEP int compute(int x)
{
	return x + 1;
}

KEEP double compute(double x)
{
	return x * 2;
}

KEEP int compute(int x, int y)
{
	return x * y;
}

class Widget {
public:
	KEEP explicit Widget(int v) : v_(v) {}
	KEEP int value() const { return v_; }
	KEEP void poke(int d) { v_ += d; }

private:
	int v_;
};

template <typename T> KEEP T biggest(T a, T b)
{
	return a > b ? a : b;
}

template int biggest<int>(int, int);
template long biggest<long>(long, long);

} // namespace etns

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	long sum = 0;

	for (int i = 0; i < n; i++) {
		etns::Widget w(i);

		w.poke(2);
		sum += etns::compute(i) + etns::compute(i, 2) + w.value();
		sum += (long)etns::compute(1.5);
		sum += etns::biggest<int>(i, 3) + etns::biggest<long>(i, 4L);
	}
	std::printf("%ld\n", sum);
	return 0;
}
