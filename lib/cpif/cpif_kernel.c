/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cpif_kernel.c — Linux's side of the TAPs: /dev/net/tun, ioctls for MAC and
 * link state, rtnetlink for addresses and the VRF probe. With a namespace
 * the control thread enters it (setns) for the calls of one sync: a TAP and
 * the sockets made there stay in it, the fd keeps working from anywhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "sl_cpif.h"

struct kernel {
	int self_ns; /* the thread's own namespace while in another, else -1 */
	int ioc; /* an AF_INET socket for ioctls, in the namespace */
	int nl; /* rtnetlink, in the namespace */
	unsigned seq;
};
static struct kernel kern = {.self_ns = -1, .ioc = -1, .nl = -1};

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void k_leave(void *ctx)
{
	struct kernel *k = ctx;
	close_fd(&k->ioc);
	close_fd(&k->nl);
	if (k->self_ns >= 0) {
		if (setns(k->self_ns, CLONE_NEWNET) < 0)
			perror("sluiced: control-plane: cannot return to its network namespace");
		close_fd(&k->self_ns);
	}
}

static int k_enter(void *ctx, const char *netns)
{
	struct kernel *k = ctx;
	if (netns[0] != '\0') {
		char path[128];
		snprintf(path, sizeof(path), "/run/netns/%s", netns);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return neg_errno();
		k->self_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (k->self_ns < 0 || setns(fd, CLONE_NEWNET) < 0) {
			int rc = neg_errno();
			close(fd);
			close_fd(&k->self_ns);
			return rc;
		}
		close(fd);
	}
	k->ioc = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	k->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (k->ioc < 0 || k->nl < 0) {
		int rc = neg_errno();
		k_leave(k);
		return rc;
	}
	return 0;
}

static int k_ns_id(void *ctx, const char *netns, uint64_t *id)
{
	(void)ctx;
	char path[128];
	struct stat st;
	*id = 0;
	if (netns[0] == '\0')
		return 0;
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	if (stat(path, &st) < 0)
		return neg_errno();
	*id = (uint64_t)st.st_ino;
	return 0;
}

/* ---- rtnetlink: one request, its acknowledgement ---- */

struct nlreq {
	struct nlmsghdr h;
	char buf[512];
};

static void *nl_tail(struct nlreq *r)
{
	return (char *)r + NLMSG_ALIGN(r->h.nlmsg_len);
}

static struct rtattr *nl_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = nl_tail(r);
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len > 0)
		memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void nl_nest_end(struct nlreq *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)nl_tail(r) - (char *)nest);
}

static int nl_talk(struct kernel *k, struct nlreq *r)
{
	r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->h.nlmsg_seq = ++k->seq;
	if (send(k->nl, r, r->h.nlmsg_len, 0) < 0)
		return neg_errno();
	char buf[4096];
	for (;;) {
		ssize_t n = recv(k->nl, buf, sizeof(buf), 0);
		if (n < 0)
			return neg_errno();
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n);
			h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != k->seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
		}
	}
}

static int k_addr(void *ctx, int ifindex, bool add, struct sl_prefix p)
{
	struct nlreq r = {0};
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	r.h.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	r.h.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
	struct ifaddrmsg *ifa = NLMSG_DATA(&r.h);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = p.len;
	ifa->ifa_index = (unsigned)ifindex;
	uint32_t a = htonl(p.addr);
	nl_attr(&r, IFA_LOCAL, &a, 4);
	nl_attr(&r, IFA_ADDRESS, &a, 4);
	if (p.len < 31) {
		uint32_t b = htonl(p.addr | (0xffffffffu >> p.len));
		nl_attr(&r, IFA_BROADCAST, &b, 4);
	}
	return nl_talk(ctx, &r);
}

static int k_vrf_create(void *ctx, const char *name, uint32_t table, int *ifindex)
{
	struct kernel *k = ctx;
	struct nlreq r = {0};
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.h.nlmsg_type = RTM_NEWLINK;
	r.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	((struct ifinfomsg *)NLMSG_DATA(&r.h))->ifi_flags = IFF_UP;
	((struct ifinfomsg *)NLMSG_DATA(&r.h))->ifi_change = IFF_UP;
	nl_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	struct rtattr *li = nl_attr(&r, IFLA_LINKINFO, NULL, 0);
	nl_attr(&r, IFLA_INFO_KIND, "vrf", 4);
	struct rtattr *data = nl_attr(&r, IFLA_INFO_DATA, NULL, 0);
	nl_attr(&r, IFLA_VRF_TABLE, &table, 4);
	nl_nest_end(&r, data);
	nl_nest_end(&r, li);
	int rc = nl_talk(k, &r);
	if (rc < 0)
		return rc;
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(k->ioc, SIOCGIFINDEX, &ifr) < 0)
		return neg_errno();
	*ifindex = ifr.ifr_ifindex;
	return 0;
}

static void k_link_destroy(void *ctx, int ifindex)
{
	struct nlreq r = {0};
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.h.nlmsg_type = RTM_DELLINK;
	((struct ifinfomsg *)NLMSG_DATA(&r.h))->ifi_index = ifindex;
	nl_talk(ctx, &r);
}

static int k_set_master(void *ctx, int ifindex, int master)
{
	struct nlreq r = {0};
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.h.nlmsg_type = RTM_NEWLINK;
	((struct ifinfomsg *)NLMSG_DATA(&r.h))->ifi_index = ifindex;
	uint32_t m = (uint32_t)master;
	nl_attr(&r, IFLA_MASTER, &m, 4);
	return nl_talk(ctx, &r);
}

/* A VRF device made and deleted: does this kernel have them? */
static int k_vrf_probe(void *ctx)
{
	char name[IFNAMSIZ];
	int ifindex;
	snprintf(name, sizeof(name), "slvrf%d", (int)getpid() % 1000000);
	if (k_vrf_create(ctx, name, 4242, &ifindex) < 0)
		return 0;
	k_link_destroy(ctx, ifindex);
	return 1;
}

/* ---- the TAP and its link ---- */

static int k_tap_create(void *ctx, const char *name, int *fd, int *ifindex)
{
	struct kernel *k = ctx;
	int t = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t < 0)
		return neg_errno();
	struct ifreq ifr = {0};
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	/* a name taken by another kind of device: EINVAL; by a tap in use: EBUSY */
	if (ioctl(t, TUNSETIFF, &ifr) < 0 || ioctl(k->ioc, SIOCGIFINDEX, &ifr) < 0) {
		int rc = neg_errno();
		close(t);
		return rc == -EINVAL ? -EEXIST : rc;
	}
	*fd = t;
	*ifindex = ifr.ifr_ifindex;
	return 0;
}

static void k_tap_destroy(void *ctx, int fd, int ifindex)
{
	(void)ctx, (void)ifindex;
	close(fd); /* not persistent: the device goes with its last fd */
}

static int ifname_of(struct kernel *k, int ifindex, struct ifreq *ifr)
{
	memset(ifr, 0, sizeof(*ifr));
	ifr->ifr_ifindex = ifindex;
	return ioctl(k->ioc, SIOCGIFNAME, ifr) < 0 ? neg_errno() : 0;
}

static int k_set_mac(void *ctx, int ifindex, const uint8_t mac[6])
{
	struct kernel *k = ctx;
	struct ifreq ifr;
	int rc = ifname_of(k, ifindex, &ifr);
	if (rc < 0)
		return rc;
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	return ioctl(k->ioc, SIOCSIFHWADDR, &ifr) < 0 ? neg_errno() : 0;
}

static int k_set_up(void *ctx, int ifindex, bool up)
{
	struct kernel *k = ctx;
	struct ifreq ifr;
	int rc = ifname_of(k, ifindex, &ifr);
	if (rc == 0 && ioctl(k->ioc, SIOCGIFFLAGS, &ifr) < 0)
		rc = neg_errno();
	if (rc < 0)
		return rc;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return ioctl(k->ioc, SIOCSIFFLAGS, &ifr) < 0 ? neg_errno() : 0;
}

static int k_set_mtu(void *ctx, int ifindex, uint32_t mtu)
{
	struct kernel *k = ctx;
	struct ifreq ifr;
	int rc = ifname_of(k, ifindex, &ifr);
	if (rc < 0)
		return rc;
	ifr.ifr_mtu = (int)mtu;
	return ioctl(k->ioc, SIOCSIFMTU, &ifr) < 0 ? neg_errno() : 0;
}

void sl_cpif_kernel_linux(struct sl_cpif_kernel *k)
{
	*k = (struct sl_cpif_kernel){
		.enter = k_enter,
		.leave = k_leave,
		.ns_id = k_ns_id,
		.vrf_probe = k_vrf_probe,
		.tap_create = k_tap_create,
		.tap_destroy = k_tap_destroy,
		.set_mac = k_set_mac,
		.set_up = k_set_up,
		.set_mtu = k_set_mtu,
		.addr = k_addr,
		.vrf_create = k_vrf_create,
		.link_destroy = k_link_destroy,
		.set_master = k_set_master,
		.ctx = &kern,
	};
}
