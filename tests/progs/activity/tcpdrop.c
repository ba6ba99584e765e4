/* Activity for tcpdrop: a TCP segment dropped on loopback with a drop
 * reason and the sending socket still attached (what tcpdrop.bt prints).
 * In a private network namespace (nothing else is disturbed) a tcx egress
 * BPF program on lo drops every packet (SKB_DROP_REASON_TC_EGRESS), then a
 * non-blocking connect() to 127.0.0.1:PORT sends a SYN that is dropped.
 * Usage: tcpdrop PORT [MS]: the socket closes after MS milliseconds
 * (default 100; over 1000, the SYN is retransmitted, and dropped again:
 * the tcpretrans recipe's activity). Exit 0 when the SYN was sent. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TCX_EGRESS 47	/* BPF_TCX_EGRESS, newer than these headers */
#define TC_ACT_SHOT 2

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* r0 = TC_ACT_SHOT; exit */
static int load_drop_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0,
		  .imm = TC_ACT_SHOT },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

static int attach_egress(int prog, int ifindex)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog;
	attr.link_create.target_fd = ifindex;
	attr.link_create.attach_type = TCX_EGRESS;
	return sys_bpf(BPF_LINK_CREATE, &attr);
}

static int lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	int err;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	err = ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (!err)
		err = ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
	return err;
}

static int send_syn(int port, int ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (s < 0)
		return -1;
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
	    errno != EINPROGRESS) {
		close(s);
		return -1;
	}
	usleep((useconds_t)ms * 1000);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 0;
	int ms = argc > 2 ? atoi(argv[2]) : 100;
	int prog, link;

	if (port <= 0 || port > 65535 || ms < 0 || ms > 60000) {
		fprintf(stderr, "usage: tcpdrop PORT [MS]\n");
		return 2;
	}
	if (unshare(CLONE_NEWNET) || lo_up()) {
		perror("tcpdrop: private netns with lo up");
		return 1;
	}
	prog = load_drop_prog();
	link = prog < 0 ? -1 : attach_egress(prog, if_nametoindex("lo"));
	if (link < 0) {
		perror("tcpdrop: tcx egress drop program on lo");
		return 1;
	}
	if (send_syn(port, ms)) {
		perror("tcpdrop: connect");
		return 1;
	}
	return 0;
}
