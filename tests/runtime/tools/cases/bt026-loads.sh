# loads.bt reads the kernel variable avenrun through kaddr(): this
# kernel's /proc/kallsyms lists functions only (no CONFIG_KALLSYMS_ALL),
# so etrace must refuse it, naming the symbol.
EXPECT_FAIL="kaddr(\"avenrun\"): no kernel symbol 'avenrun' in /proc/kallsyms"
