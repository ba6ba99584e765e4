/* The gate at a probe's entry (compiler/codegen/cg_gate.c,
 * runtime/loadguard.h). cfg is a struct et_gate (runtime/abi.h) of
 * ET_GATE_MAP, which user space writes: { interval_ns, tau_ns, divisor };
 * st this CPU's struct et_gate_st of ET_GATE_ST_MAP: { tat, count }.
 * Both return 0 when the event runs, 1 when it is dropped (and counted
 * by the caller). Also compiled for the host by tests/unit. */
#include "helpers.h"

/* The overhead guard's divisor: events 0, D, 2D... of this CPU run. */
ET_HELPER et_s64 et_gate_shed(const et_u64 *cfg, et_u64 *st)
{
	et_u64 d = cfg[2], n = st[1];

	st[1] = n + 1;
	return d > 1 && n % d != 0;
}

/* A token bucket as GCRA (the generic cell rate algorithm): tat is the
 * theoretical arrival time of the next event; an event more than tau
 * ahead of it is over the limit. One clock read and one store per event,
 * no division (now: bpf_ktime_get_ns). interval 0: no limit was set
 * (user space failed). */
ET_HELPER et_s64 et_gate_rate(const et_u64 *cfg, et_u64 *st, et_u64 now)
{
	et_u64 interval = cfg[0], tau = cfg[1], tat;

	if (!interval)
		return 0;
	tat = st[0] > now ? st[0] : now;
	if (tat - now > tau)
		return 1;
	st[0] = tat + interval;
	return 0;
}
