// The Rust program of the stack tests (tests/runtime/stacks.sh): the
// chains of stk_c.c in Rust, std only (libc's qsort, kill and signal
// declared here). Every function is #[inline(never)] and uses its callee's
// result, so the chain gdb shows is the one a stack walker must find.
//   stk_rs deep|rec|qsort|signal once|spin [FILE]  (FILE: as stk_c)
use std::env;
use std::io::Write;
use std::os::raw::{c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static SINK: AtomicUsize = AtomicUsize::new(0);
static SPIN: AtomicBool = AtomicBool::new(false);

extern "C" {
    fn getppid() -> c_int;
    fn getpid() -> c_int;
    fn kill(pid: c_int, sig: c_int) -> c_int;
    fn signal(sig: c_int, handler: extern "C" fn(c_int)) -> usize;
    fn qsort(
        base: *mut c_void,
        n: usize,
        size: usize,
        cmp: extern "C" fn(*const c_void, *const c_void) -> c_int,
    );
}
const SIGUSR1: c_int = 10;

fn sink(v: usize) {
    SINK.fetch_add(v, Ordering::Relaxed);
}

#[inline(never)]
fn stk_leaf() {
    let pad = [0u8; 64];
    let pad = unsafe { ptr::read_volatile(&pad) };
    if SPIN.load(Ordering::Relaxed) {
        println!("ready");
        std::io::stdout().flush().unwrap();
        loop {
            sink(pad[0] as usize + 1);
        }
    }
    sink(unsafe { getppid() } as usize + pad[3] as usize);
}

macro_rules! step {
    ($name:ident, $next:ident) => {
        #[inline(never)]
        fn $name(n: usize) -> usize {
            let r = $next(n + 1);
            sink(r ^ line!() as usize);
            r + 1
        }
    };
}

#[inline(never)]
fn stk_d_end(n: usize) -> usize {
    stk_leaf();
    n ^ line!() as usize
}
step!(stk_d16, stk_d_end);
step!(stk_d15, stk_d16);
step!(stk_d14, stk_d15);
step!(stk_d13, stk_d14);
step!(stk_d12, stk_d13);
step!(stk_d11, stk_d12);
step!(stk_d10, stk_d11);
step!(stk_d09, stk_d10);
step!(stk_d08, stk_d09);
step!(stk_d07, stk_d08);
step!(stk_d06, stk_d07);
step!(stk_d05, stk_d06);
step!(stk_d04, stk_d05);
step!(stk_d03, stk_d04);
step!(stk_d02, stk_d03);
step!(stk_d01, stk_d02);

#[inline(never)]
fn stk_rec(n: usize, depth: usize) -> usize {
    if depth == 0 {
        stk_leaf();
        return n;
    }
    let r = stk_rec(n + 1, depth - 1);
    sink(r);
    r + 1
}
#[inline(never)]
fn stk_r01(n: usize) -> usize {
    let r = stk_rec(n, 9);
    sink(r);
    r + 1
}

#[inline(never)]
fn stk_q_end(n: usize) -> usize {
    stk_leaf();
    n ^ line!() as usize
}
step!(stk_q07, stk_q_end);
step!(stk_q06, stk_q07);
step!(stk_q05, stk_q06);
#[inline(never)]
extern "C" fn stk_cmp(a: *const c_void, b: *const c_void) -> c_int {
    let (a, b) = unsafe { (*(a as *const c_int), *(b as *const c_int)) };
    sink(stk_q05(a as usize));
    a - b
}
#[inline(never)]
fn stk_q_sort(n: usize) -> usize {
    let mut v: [c_int; 2] = [n as c_int + 1, n as c_int];
    unsafe { qsort(v.as_mut_ptr() as *mut c_void, 2, 4, stk_cmp) };
    sink(v[0] as usize);
    v[1] as usize
}
step!(stk_q04, stk_q_sort);
step!(stk_q03, stk_q04);
step!(stk_q02, stk_q03);
step!(stk_q01, stk_q02);

#[inline(never)]
fn stk_g_end(n: usize) -> usize {
    stk_leaf();
    n ^ line!() as usize
}
step!(stk_g06, stk_g_end);
step!(stk_g05, stk_g06);
#[inline(never)]
extern "C" fn stk_handler(sig: c_int) {
    sink(stk_g05(sig as usize));
}
#[inline(never)]
fn stk_g_kill(n: usize) -> usize {
    unsafe { kill(getpid(), SIGUSR1) };
    sink(n);
    n + 1
}
step!(stk_g03, stk_g_kill);
step!(stk_g02, stk_g03);
step!(stk_g01, stk_g02);

fn main() {
    let args: Vec<String> = env::args().collect();
    if args.len() != 3 && args.len() != 4 {
        eprintln!("usage: {} deep|rec|qsort|signal once|spin [FILE]", args[0]);
        std::process::exit(2);
    }
    SPIN.store(args[2] == "spin", Ordering::Relaxed);
    if args.len() == 4 {
        println!("parked");
        std::io::stdout().flush().unwrap();
        let mut i = 0;
        while !std::path::Path::new(&args[3]).exists() {
            i += 1;
            if i == 6000 {
                std::process::exit(3);
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
    unsafe { signal(SIGUSR1, stk_handler) };
    let r = match args[1].as_str() {
        "deep" => stk_d01(0),
        "rec" => stk_r01(0),
        "qsort" => stk_q01(0),
        "signal" => stk_g01(0),
        _ => std::process::exit(2),
    };
    sink(r);
    println!("done");
}
